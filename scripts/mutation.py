"""Mutation testing of one business-rule module with the fast tests that exercise it.

    python scripts/mutation.py quizzes/services.py            # run (resumes where it stopped)
    python scripts/mutation.py quizzes/services.py results    # survivors so far
    python scripts/mutation.py quizzes/services.py show NAME  # the diff of one mutant
    python scripts/mutation.py quizzes/services.py run NAME…  # re-run some mutants

mutmut (configured in pyproject's [tool.mutmut]) copies the project into `mutants/`, runs the
module's tests once to learn which test reaches which function, then for each mutant forks and
runs only those tests, on one process, against a test database kept in a file
(config/settings/mutation.py). A different module starts from a fresh `mutants/` folder.
Equivalent mutants and the scores per module: docs/mutation.md.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

# The fast test files that exercise each module (no browser, PostgreSQL or worker tests).
TESTS = {
    "quizzes/services.py": [
        "tests/quizzes/test_scoring.py",
        "tests/quizzes/test_rules_quizzes.py",
    ],
    "curriculum/services.py": [
        "tests/curriculum/test_rules_curriculum.py",
        "tests/curriculum/test_rules_certificates.py",
        "tests/curriculum/test_progress.py",
        "tests/curriculum/test_completion_rules.py",
        "tests/curriculum/test_certificate_name.py",
        "tests/curriculum/test_quiz_next_steps.py",
        "tests/curriculum/test_certificates_search_i18n.py",
        "tests/team/test_recertification.py",
        "tests/team/test_renewal_exam_attempts.py",
    ],
    "assignments/services.py": [
        "tests/assignments/test_rules_assignments.py",
        "tests/assignments/test_assignments.py",
    ],
    "accounts/permissions.py": [
        "tests/accounts/test_rules_permissions.py",
        "tests/accounts/test_permission_matrix.py",
    ],
    "champions/services.py": [
        "tests/champions/test_rules_coaching.py",
        "tests/champions/test_sessions.py",
        "tests/champions/test_company_rate.py",
        "tests/champions/test_champions.py",
        "tests/champions/test_champion_screens.py",
    ],
    "champions/assignment.py": [
        "tests/champions/test_rules_champions.py",
        "tests/champions/test_assignment_algorithm.py",
    ],
    "people/importing.py": [
        "tests/people/test_rules_importing.py",
        "tests/people/test_rules_import.py",
        "tests/people/test_import.py",
    ],
    "people/tabular.py": ["tests/people/test_rules_import.py"],
    "reports/services.py": [
        "tests/reports/test_rules_reports.py",
        "tests/reports/test_reports.py",
        "tests/reports/test_report_tables.py",
        "tests/reports/test_hr_screens.py",
        "tests/team/test_recertification_report.py",
    ],
}
# Tests that change the shared database outside a transaction (they flush it) cannot run here.
DESELECT = [
    "tests/quizzes/test_attempt_limits.py::test_racing_starts_never_exceed_the_attempt_limit",
    "tests/quizzes/test_attempts.py::test_racing_submits_count_once_on_postgresql",
    # checks the photo lands in this session's media folder; the storage keeps the first one
    # across mutmut's in-process runs (the photo rules: tests/champions/test_rules_coaching.py)
    "tests/champions/test_champions.py::test_photo_is_squared_and_non_images_are_rejected",
]


def _source_changed(module: str) -> bool:
    """Whether the module's source differs from the one its mutants were made from."""
    stamp = Path("mutants/.source")
    return not stamp.exists() or stamp.read_text() != Path(module).read_text()


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in TESTS:
        sys.exit(
            "usage: mutation.py MODULE [results | show NAME | run NAME…]; MODULE one of: "
            + ", ".join(TESTS)
        )
    module, command = argv[0], argv[1:] or ["run"]
    marker = Path("mutants/.module")
    copy = Path("mutants") / module
    if command[0] == "run" and marker.exists() and marker.read_text() != module:
        shutil.rmtree("mutants")  # another module: start from a fresh copy
    elif command[0] == "run" and copy.exists() and _source_changed(module):
        shutil.rmtree("mutants")  # the module changed since its mutants were made
    Path("mutants").mkdir(exist_ok=True)
    marker.write_text(module)
    Path("mutants/.source").write_text(Path(module).read_text())

    from mutmut import configuration

    config = configuration.config()
    config.only_mutate = [module]
    for path in config.also_copy:  # mutmut copies single files but does not make their folder
        if path.is_file():
            (Path("mutants") / path).parent.mkdir(parents=True, exist_ok=True)
    config.pytest_add_cli_args_test_selection = [
        path for path in TESTS[module] if Path(path).exists()
    ]
    config.pytest_add_cli_args = [
        *config.pytest_add_cli_args,
        *(f"--deselect={test}" for test in DESELECT),
    ]
    from mutmut.__main__ import cli

    if command[0] == "run":
        command = ["run", "--max-children", "1", *command[1:]]
    cli(command)


if __name__ == "__main__":
    main(sys.argv[1:])
