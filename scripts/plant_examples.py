"""Plant each bug the mutation-testing issue (#25) names, one at a time, and check the rule
tests notice it (at least one test fails); the module is restored after each.

    python scripts/plant_examples.py            # all examples
    python scripts/plant_examples.py 3 7        # only these (numbers as listed)

Exit status 1 when a planted bug goes unnoticed. Run it from a clean work tree: it edits the
modules in place and puts them back in a `finally`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

QUIZ_TESTS = "tests/quizzes/test_rules_quizzes.py"
CURRICULUM_TESTS = "tests/curriculum/test_rules_curriculum.py"

# (what the bug does, module, original text, planted text, tests that must notice)
EXAMPLES = [
    (
        "open_attempt: the user filter dropped (a learner resumes someone else's attempt)",
        "quizzes/services.py",
        ".filter(user=user, quiz__translation_key=quiz.translation_key, submitted_at__isnull=True)",
        ".filter(quiz__translation_key=quiz.translation_key, submitted_at__isnull=True)",
        QUIZ_TESTS,
    ),
    (
        "open_attempt: the expiry comparison flipped",
        "quizzes/services.py",
        "attempt.deadline and timezone.now() >= attempt.deadline:",
        "attempt.deadline and timezone.now() < attempt.deadline:",
        QUIZ_TESTS,
    ),
    (
        "start_attempt: ordering items no longer shuffled",
        "quizzes/services.py",
        "if quiz.shuffle_options or question.kind == QuestionKind.ORDERING:",
        "if quiz.shuffle_options:",
        QUIZ_TESTS,
    ),
    (
        "submit_attempt: the 'not yet submitted' filter dropped",
        "quizzes/services.py",
        "updated = Attempt.objects.filter(pk=fresh.pk, submitted_at__isnull=True).update(",
        "updated = Attempt.objects.filter(pk=fresh.pk).update(",
        QUIZ_TESTS,
    ),
    (
        "quiz statistics count attempts where they should count distinct learners",
        "quizzes/services.py",
        'learners=len({r["user_id"] for r in rows}),',
        "learners=len(rows),",
        QUIZ_TESTS,
    ),
    (
        "a prerequisite counted as done when merely enrolled",
        "curriculum/services.py",
        "user=user, course__in=required, completed_at__isnull=False",
        "user=user, course__in=required",
        CURRICULUM_TESTS,
    ),
    (
        "a failed final exam counting as passed",
        "curriculum/services.py",
        "passes = Attempt.objects.filter(user=user, quiz__in=exam_versions, passed=True)",
        "passes = Attempt.objects.filter(user=user, quiz__in=exam_versions)",
        CURRICULUM_TESTS,
    ),
    (
        "a course without lessons completing at once",
        "curriculum/services.py",
        "if not lesson_ids or not lesson_ids <= completed_lesson_ids(user, course):",
        "if not lesson_ids <= completed_lesson_ids(user, course):",
        CURRICULUM_TESTS,
    ),
    (
        "the certificate showing the e-mail instead of the name",
        "curriculum/services.py",
        "return (name or user.email)[",
        "return (user.email)[",
        CURRICULUM_TESTS,
    ),
    (
        "progress percentages floored instead of rounded",
        "curriculum/services.py",
        "return round(100 * self.done / self.total) if self.total else 0",
        "return (100 * self.done // self.total) if self.total else 0",
        CURRICULUM_TESTS,
    ),
    (
        "progress percentages floored instead of rounded (progress of many learners)",
        "curriculum/services.py",
        "(round(100 * done[key] / total) if total else 0)",
        "(100 * done[key] // total if total else 0)",
        CURRICULUM_TESTS,
    ),
    (
        "'continue where you left off' pointing at a lesson already done",
        "curriculum/services.py",
        "if last_lesson_id in lesson_ids and last_lesson_id not in done:",
        "if last_lesson_id in lesson_ids:",
        CURRICULUM_TESTS,
    ),
    (
        "'continue where you left off' never moving on (always the first lesson)",
        "curriculum/services.py",
        "return next((pk for pk in lesson_ids if pk not in done), None)",
        "return next(iter(lesson_ids), None)",
        CURRICULUM_TESTS,
    ),
]


def plant(number: int) -> bool:
    """Plant example `number`; True when a test failed (the bug was noticed)."""
    what, module, original, planted, tests = EXAMPLES[number - 1]
    path = Path(module)
    source = path.read_text()
    if source.count(original) != 1:
        sys.exit(f"{number}: the original text is not in {module} exactly once: {original!r}")
    try:
        path.write_text(source.replace(original, planted))
        run = subprocess.run(  # noqa: S603 (our own interpreter and a fixed test path)
            [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "-x", tests],
            capture_output=True,
            text=True,
        )
    finally:
        path.write_text(source)
    noticed = run.returncode == 1  # 1: tests failed; anything else is an error, not a catch
    if run.returncode not in (0, 1):
        print(run.stdout[-2000:], run.stderr[-2000:])
    failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
    print(f"{number:2}. {'caught' if noticed else 'MISSED'}: {what}")
    for line in failed[:1]:
        print(f"      {line}")
    return noticed


def main(argv: list[str]) -> None:
    numbers = [int(a) for a in argv] or range(1, len(EXAMPLES) + 1)
    missed = [n for n in numbers if not plant(n)]
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
