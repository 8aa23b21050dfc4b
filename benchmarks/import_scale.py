"""Benchmark: roll-out day. An employee file of 10,000 (and 100,000) rows, as a German Excel CSV
export (semicolons, Windows-1252, 01.03.2025), previewed and applied with three assignment rules.

Run:  .venv/bin/python benchmarks/import_scale.py [ROWS ...]          (SQLite file in /tmp)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_bench .venv/bin/python benchmarks/import_scale.py 10000 100000
Prints, per size: the preview (what the web request computes), the first apply (everyone new),
a second apply of the same file with a tenth of the people changed, and the queries per 1,000
rows. The database named by DATABASE_URL is wiped and filled; never point it at real data."""

from __future__ import annotations

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/cx-academy-import-benchmark.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

HEADER = "E-Mail;Vorname;Nachname;Abteilung;Standort;Rolle;Sprache;Eintrittsdatum;Vorgesetzte(r)"
DEPARTMENTS, LOCATIONS = 40, 12


def build() -> None:
    """Fresh schema, the organisation and three assignment rules."""
    from accounts.roles import ensure_roles
    from assignments.models import AssignmentRule, TargetKind
    from curriculum.factories import build_course_tree
    from home import demo as home_demo
    from people.models import Department, Location

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    ensure_roles()
    home = home_demo.load(open(os.devnull, "w"))
    tree = build_course_tree(home, lessons=1)
    departments = [Department.objects.create(name=f"Filiale {n}") for n in range(DEPARTMENTS)]
    for n in range(LOCATIONS):
        Location.objects.create(name=f"Standort {n}")
    AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.STAFF_ROLE,
        staff_role="service",
        due_days_after_hire=30,
        grace_days=14,
    )
    AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.DEPARTMENT,
        department=departments[0],
        due_date=datetime.date(2026, 1, 31),
        grace_days=0,
    )
    AssignmentRule.objects.create(
        learning_path=tree.path,
        target_kind=TargetKind.FILTERS,
        staff_role="management",
        hired_from=datetime.date(2025, 1, 1),
        due_days_after_hire=60,
    )


def employee_file(rows: int, changed_every: int = 0) -> bytes:
    """The export: every 50th person is a manager, the others report to one."""
    lines = [HEADER]
    for n in range(rows):
        manager = "" if n % 50 == 0 else f"person{n - n % 50}@firma.example"
        role = "Führungskraft" if n % 50 == 0 else "Service"
        surname = f"Müller{n}" + ("-Neu" if changed_every and n % changed_every == 0 else "")
        lines.append(
            f"person{n}@firma.example;Jürgen;{surname};Filiale {n % DEPARTMENTS};"
            f"Standort {n % LOCATIONS};{role};{'Englisch' if n % 7 == 0 else 'Deutsch'};"
            f"{1 + n % 28:02d}.{1 + n % 12:02d}.2025;{manager}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def run(rows: int) -> None:
    from people.importing import apply_import, preview_import

    build()
    for label, content in (
        ("first import", employee_file(rows)),
        ("re-import, 10% changed", employee_file(rows, changed_every=10)),
    ):
        started = time.perf_counter()
        preview = preview_import(content, "export.csv")
        preview_seconds = time.perf_counter() - started
        assert preview.ok, preview.errors[:3]
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = apply_import(preview)
            apply_seconds = time.perf_counter() - started
        print(
            f"{rows:>7} rows {label:<24} preview {preview_seconds:6.2f} s   "
            f"apply {apply_seconds:6.2f} s   {len(queries):>5} queries "
            f"({len(queries) * 1000 / rows:.1f} per 1,000 rows)   {result.as_dict()}",
            flush=True,
        )


if __name__ == "__main__":
    print(f"database: {connection.vendor}")
    for size in [int(arg) for arg in sys.argv[1:]] or [10_000]:
        run(size)
