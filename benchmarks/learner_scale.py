"""Benchmark: learner, champion and HR pages at company scale on PostgreSQL.

Data: 10,000 employees, 200 courses of 6 lessons in 4 learning paths, 50 enrolments each
(500,000), about 1,000,000 lesson completions, 5 assignments each (50,000), one learner enrolled
in all 200 courses, a champion with a group of 12. Built once into its own database and kept
(a marker records the data version); `ANALYZE` runs after every load, since this PostgreSQL has no
autovacuum and the planner would otherwise guess.

Run:  make bench, or .venv/bin/python benchmarks/learner_scale.py [--rebuild] [--show-queries URL]
      BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cx_bench) and BENCH_REDIS_URL
      (default redis://127.0.0.1:6379/0) choose where; --rebuild builds the data again.
Prints for each page the best of 7 in ms, its query count and its ratio to a bare view and to a
trivial page rendering the base template, measured in the same run. Never point it at real data."""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django  # noqa: E402

from benchmarks import settings as bench_settings  # noqa: E402,F401  (sets the env defaults)

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

DATA_VERSION = "bench-data-v1"
EMPLOYEES, PATHS, COURSES_PER_PATH, LESSONS_PER_COURSE = 10_000, 4, 50, 6
ENROLMENTS_PER_EMPLOYEE, ASSIGNMENTS_PER_EMPLOYEE, GROUP_SIZE = 50, 5, 12
RUNS = 7
LESSON_TEXT = "<p>" + "Kundenerlebnis beginnt vor dem ersten Kontakt. " * 60 + "</p>"


def ensure_database() -> None:
    """Create the benchmark database when it does not exist yet."""
    import psycopg

    name = connection.settings_dict["NAME"]
    admin = psycopg.connect(
        host=connection.settings_dict["HOST"] or "127.0.0.1",
        port=connection.settings_dict["PORT"] or 5432,
        user=connection.settings_dict["USER"] or "postgres",
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def has_data() -> bool:
    from people.models import Department

    return Department.objects.filter(name=DATA_VERSION).exists()


def copy_rows(table: str, columns: list[str], rows) -> None:
    """Load rows with COPY (a million completions in seconds, not minutes)."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def build() -> None:
    """Empty the database and build the synthetic company."""
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import CHAMPION, HR, LEARNER, ensure_roles
    from assignments.models import Assignment
    from champions.models import ChampionProfile, CoachingGroup, Membership
    from curriculum.models import (
        CourseEnrolment,
        CoursePage,
        CurriculumIndexPage,
        LearningPathPage,
        LessonCompletion,
        LessonPage,
    )
    from home import demo as home_demo
    from people.models import Department, EmployeeProfile, Location, StaffRole, Team
    from quizzes.models import Question, QuestionKind, Quiz

    started = time.perf_counter()
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    ensure_roles()
    home = home_demo.load(io.StringIO())
    german = home.locale
    rng = random.Random(14)

    quizzes = Quiz.objects.bulk_create(
        [
            Quiz(title=f"Wissenscheck {n}", key=f"bench-{n}", locale=german, shuffle_options=False)
            for n in range(PATHS * COURSES_PER_PATH)
        ]
    )
    Question.objects.bulk_create(
        [
            Question(
                quiz=quiz,
                kind=QuestionKind.SINGLE,
                prompt=f"Frage {q}?",
                sort_order=q,
                options=[
                    ("option", {"text": "Richtig", "correct": True, "feedback": "Gut."}),
                    ("option", {"text": "Falsch", "correct": False, "feedback": "Nein."}),
                    ("option", {"text": "Vielleicht", "correct": False, "feedback": "Nein."}),
                ],
            )
            for quiz in quizzes
            for q in range(5)
        ]
    )

    index = home.add_child(instance=CurriculumIndexPage(title="Lernpfade", slug="lernen"))
    courses, lessons_of = [], {}
    for p in range(PATHS):
        path = index.add_child(
            instance=LearningPathPage(title=f"Lernpfad {p}", slug=f"pfad-{p}", intro="<p>x</p>")
        )
        for c in range(COURSES_PER_PATH):
            number = p * COURSES_PER_PATH + c
            course = path.add_child(
                instance=CoursePage(
                    title=f"Kurs {number}", slug=f"kurs-{number}", summary="Worum es geht."
                )
            )
            quiz = quizzes[number]
            lessons = []
            for n in range(LESSONS_PER_COURSE):
                body = [("text", LESSON_TEXT)]
                if n == 0:
                    body.append(("quiz", {"quiz": quiz}))
                lessons.append(
                    course.add_child(
                        instance=LessonPage(
                            title=f"Lektion {n + 1}", slug=f"lektion-{n + 1}", body=body
                        )
                    )
                )
            courses.append(course)
            lessons_of[course.pk] = [lesson.pk for lesson in lessons]
    print(f"  pages built ({time.perf_counter() - started:.0f} s)", flush=True)

    marker = Department.objects.create(name=DATA_VERSION)
    departments = [marker] + [Department.objects.create(name=f"Abteilung {n}") for n in range(19)]
    locations = [Location.objects.create(name=f"Standort {n}") for n in range(8)]
    teams = [
        Team.objects.create(name=f"Team {n}", department=departments[n % 20]) for n in range(60)
    ]
    users = User.objects.bulk_create(
        [
            User(
                email=f"person{n}@bench.example",
                first_name="Person",
                last_name=str(n),
                password="!",
            )
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
    learner_group = Group.objects.get(name=LEARNER)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=learner_group.pk) for u in users],
        batch_size=5000,
    )
    print(f"  people built ({time.perf_counter() - started:.0f} s)", flush=True)

    now = timezone.now()
    course_ids = [c.pk for c in courses]
    enrolment_rows, completion_rows, assignment_rows = [], [], []
    for position, user in enumerate(users):
        # person0 takes every course; person1 (the "typical learner") starts with course 0.
        if position == 0:
            taken = course_ids
        else:
            taken = rng.sample(course_ids, ENROLMENTS_PER_EMPLOYEE)
            if position == 1 and course_ids[0] not in taken:
                taken[0] = course_ids[0]
        for course_id in taken:
            started_at = now - datetime.timedelta(days=rng.randint(30, 200))
            finished = rng.random() < 0.2
            lessons = lessons_of[course_id]
            done = lessons if finished else lessons[: rng.randint(0, 2)]
            if position == 1 and course_id == course_ids[0]:
                finished, done = False, lessons[1:3]  # the quiz lesson is still open
            completed_at = (
                now - datetime.timedelta(days=rng.randint(0, 120), minutes=rng.randint(0, 1440))
                if finished
                else None
            )
            last_lesson = done[-1] if done else None
            enrolment_rows.append(
                (
                    user.pk,
                    course_id,
                    started_at,
                    last_lesson,
                    completed_at,
                    completed_at or started_at,
                )
            )
            for lesson_id in done:
                completion_rows.append((user.pk, lesson_id, course_id, completed_at or started_at))
        for course_id in taken[:ASSIGNMENTS_PER_EMPLOYEE]:
            assignment_rows.append(
                (user.pk, course_id, datetime.date(2026, rng.randint(1, 12), 1), now, now)
            )
    copy_rows(
        CourseEnrolment._meta.db_table,
        ["user_id", "course_id", "started_at", "last_lesson_id", "completed_at", "updated_at"],
        enrolment_rows,
    )
    copy_rows(
        LessonCompletion._meta.db_table,
        ["user_id", "lesson_id", "course_id", "completed_at"],
        completion_rows,
    )
    copy_rows(
        Assignment._meta.db_table,
        ["user_id", "course_id", "due_date", "created_at", "updated_at"],
        assignment_rows,
    )
    print(
        f"  {len(enrolment_rows)} enrolments, {len(completion_rows)} completions, "
        f"{len(assignment_rows)} assignments ({time.perf_counter() - started:.0f} s)",
        flush=True,
    )

    hr = User.objects.create_user("bench-hr@bench.example", "x")
    hr.groups.add(Group.objects.get(name=HR), learner_group)
    champion_user = users[2]
    champion_user.groups.add(Group.objects.get(name=CHAMPION))
    profile = ChampionProfile.objects.create(user=champion_user, status="active")
    group = CoachingGroup.objects.create(
        name="Team Nord", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.bulk_create(
        [Membership(group=group, user=u) for u in users[3 : 3 + GROUP_SIZE]]
    )
    # The pages are built once; the site's search index is not part of what is measured.
    print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)


def analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


SHOW_QUERIES: list[str] = []
# What a figure measures: wall time; benchmarks/profile_page.py also reports this process's CPU time.
CLOCK = time.perf_counter


def timed(client: Client, url: str, status: int = 200) -> tuple[float, int]:
    """Best-of-RUNS milliseconds and the query count of one GET (after one warm-up)."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    best, queries = float("inf"), 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = CLOCK()
            response = client.get(url)
            elapsed = CLOCK() - start
        assert response.status_code == status, (url, response.status_code)
        best, queries = min(best, elapsed), len(ctx)
    if any(part in url for part in SHOW_QUERIES):
        print(f"--- {url}")
        for query in ctx.captured_queries:
            print(f"{query['time']:>6} {query['sql'][:300]}")
    return best * 1000, queries


def measure() -> list[tuple[str, float, int]]:
    from accounts.models import User
    from champions.models import CoachingGroup
    from curriculum.models import CoursePage, LearningPathPage, LessonPage

    typical = User.objects.get(email="person1@bench.example")
    heavy = User.objects.get(email="person0@bench.example")
    champion = CoachingGroup.objects.get(name="Team Nord").champion.user
    hr = User.objects.get(email="bench-hr@bench.example")
    course = CoursePage.objects.get(slug="kurs-0")
    quiz_lesson = LessonPage.objects.child_of(course).get(slug="lektion-1")
    path = LearningPathPage.objects.get(slug="pfad-0")

    def client_for(user) -> Client:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        return client

    learner = client_for(typical)
    results = []

    def run(label: str, client: Client, url: str) -> None:
        ms, queries = timed(client, url)
        results.append((label, ms, queries))

    run("bare view (learner)", learner, "/bench/bare/")
    run("trivial page (learner)", learner, "/bench/trivial/")
    run("My learning (50 courses)", learner, "/")
    run("lesson page with a quiz", learner, quiz_lesson.url)
    run("course page", learner, course.url)
    run("learning path (50 courses)", learner, path.url)
    run("My learning, all 200 courses", client_for(heavy), "/")
    run("champion dashboard (12)", client_for(champion), "/champions/dashboard/")
    hr_client = client_for(hr)
    run("trivial page (HR)", hr_client, "/bench/trivial/")
    run("HR dashboard 10k x 50", hr_client, "/reports/")
    run("HR dashboard, one location", hr_client, "/reports/?location=1")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument(
        "--show-queries", action="append", default=[], help="print the SQL of URLs containing this"
    )
    args = parser.parse_args()
    SHOW_QUERIES.extend(args.show_queries)
    assert connection.vendor == "postgresql", "this benchmark needs PostgreSQL (DATABASE_URL)"
    ensure_database()
    call_command("migrate", verbosity=0)
    if args.rebuild or not has_data():
        print("building the benchmark data (once; kept for later runs)…", flush=True)
        with transaction.atomic():  # a build that fails leaves no marker behind
            build()
    started = time.perf_counter()
    analyze()
    print(f"ANALYZE: {time.perf_counter() - started:.1f} s")
    from curriculum.models import CourseEnrolment, LessonCompletion

    print(
        f"data: {EMPLOYEES} employees, {PATHS * COURSES_PER_PATH} courses, "
        f"{CourseEnrolment.objects.count()} enrolments, "
        f"{LessonCompletion.objects.count()} lesson completions; "
        f"best of {RUNS}; cache {bench_settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
        "(other work on the machine slows every figure; the ratios are from the same run)"
    )
    print_table(measure())


def print_table(results: list[tuple[str, float, int]]) -> None:
    """Each page's ms and queries, and its ratio to the bare view and to the trivial page."""
    bare = results[0][1]
    trivial = {"learner": results[1][1], "HR": results[8][1]}
    print(f"{'page':32} {'ms':>8} {'queries':>8} {'x bare':>7} {'x trivial':>9}")
    for label, ms, queries in results:
        floor = trivial["HR"] if "HR" in label else trivial["learner"]
        print(f"{label:32} {ms:8.1f} {queries:8d} {ms / bare:7.1f} {ms / floor:9.1f}")


if __name__ == "__main__":
    main()
