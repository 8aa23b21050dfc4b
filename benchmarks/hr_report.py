"""Benchmark: the HR dashboard on 10,000 employees, 50 courses and ~500,000 progress rows.

Run:  .venv/bin/python benchmarks/hr_report.py            (throwaway SQLite file in /tmp)
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_bench .venv/bin/python benchmarks/hr_report.py
Prints the dashboard's time and query count next to a trivial view's time. The database named by
DATABASE_URL is wiped and filled; never point it at real data."""

from __future__ import annotations

import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/cx-academy-benchmark.sqlite3")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

EMPLOYEES, COURSES, LESSONS_PER_COURSE = 10_000, 50, 3


def build() -> None:
    """Fresh schema and the synthetic organisation."""
    from accounts.models import User
    from accounts.roles import HR
    from assignments.models import Assignment
    from curriculum.factories import CoursePageFactory, build_course_tree
    from curriculum.models import CourseEnrolment
    from home import demo as home_demo
    from people.models import Department, EmployeeProfile, Location, StaffRole, Team

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from accounts.roles import ensure_roles

    ensure_roles()  # flush removed what the data migrations had created
    home = home_demo.load(open(os.devnull, "w"))
    tree = build_course_tree(home, lessons=LESSONS_PER_COURSE)
    courses = [tree.course] + [
        CoursePageFactory(parent=tree.path, slug=f"kurs-{n}", title=f"Kurs {n}")
        for n in range(COURSES - 1)
    ]
    departments = [Department.objects.create(name=f"Abteilung {n}") for n in range(20)]
    locations = [Location.objects.create(name=f"Standort {n}") for n in range(8)]
    teams = [
        Team.objects.create(name=f"Team {n}", department=departments[n % 20]) for n in range(60)
    ]
    rng = random.Random(1)
    users = User.objects.bulk_create(
        [
            User(email=f"person{n}@bench.example", first_name="P", last_name=str(n))
            for n in range(EMPLOYEES)
        ],
        batch_size=2000,
    )
    EmployeeProfile.objects.bulk_create(
        [
            EmployeeProfile(
                user=u,
                department=rng.choice(departments),
                location=rng.choice(locations),
                team=rng.choice(teams),
                staff_role=rng.choice(StaffRole.values),
                hire_date=datetime.date(2024, 1, 1),
            )
            for u in users
        ],
        batch_size=2000,
    )
    now = timezone.now()
    enrolments = []
    for u in users:
        for c in courses:
            completed = (
                now - datetime.timedelta(days=rng.randint(0, 120)) if rng.random() < 0.6 else None
            )
            enrolments.append(CourseEnrolment(user=u, course=c, completed_at=completed))
    CourseEnrolment.objects.bulk_create(enrolments, batch_size=5000)
    Assignment.objects.bulk_create(
        [
            Assignment(user=u, course=c, due_date=datetime.date(2026, rng.randint(1, 12), 1))
            for u in users
            for c in rng.sample(courses, 5)
        ],
        batch_size=5000,
    )
    hr = User.objects.create_user("bench-hr@bench.example", "x")
    from django.contrib.auth.models import Group

    hr.groups.add(Group.objects.get(name=HR))


def timed(client: Client, url: str, runs: int = 3, status: int = 200) -> tuple[float, int]:
    """Best-of-N seconds and the query count of one GET."""
    best, queries = float("inf"), 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - start
        assert response.status_code == status, response.status_code
        best, queries = min(best, elapsed), len(ctx)
    return best, queries


def main() -> None:
    from accounts.models import User
    from curriculum.models import CourseEnrolment

    started = time.perf_counter()
    build()
    print(
        f"data: {EMPLOYEES} employees, {COURSES} courses, {CourseEnrolment.objects.count()} progress rows "
        f"({time.perf_counter() - started:.1f} s to build, {connection.vendor})"
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email="bench-hr@bench.example"))
    trivial, trivial_q = timed(client, "/certificates/verify/NOPE/", status=404)
    dashboard, dashboard_q = timed(client, "/reports/")
    filtered, filtered_q = timed(client, "/reports/?location=1")
    print(f"trivial view         : {trivial * 1000:8.1f} ms  {trivial_q:3d} queries")
    print(f"HR dashboard         : {dashboard * 1000:8.1f} ms  {dashboard_q:3d} queries")
    print(f"HR dashboard filtered: {filtered * 1000:8.1f} ms  {filtered_q:3d} queries")


if __name__ == "__main__":
    main()
