"""Where a page's time goes: the learner benchmark's pages on a small company, and a profile.

The pages, users and reference views are those of `benchmarks/learner_scale.py`, built with 200
employees instead of 10,000 (two minutes instead of nine, fine on a shared machine): per-request
CPU barely depends on the number of employees, so this finds what each page costs in Python.

Run:  .venv/bin/python benchmarks/profile_page.py --table
          the benchmark's table (ms, queries, ratios), plus quiz start + submit in-process
      .venv/bin/python benchmarks/profile_page.py --profile URL [--user EMAIL] [--top 40]
          cProfile (CPU time of this process) of 20 GETs of URL after one warm-up, top
          functions by cumulative and own time; --quiz profiles quiz start + submit instead of a
          GET; --tree prints pyinstrument's call tree instead (wall time; pip install pyinstrument)
      BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cx_bench_small) and
      BENCH_REDIS_URL choose where; the data is built on the first run."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_bench_small")

from benchmarks import learner_scale  # noqa: E402  (sets up Django with the benchmark settings)

# isort: split
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

SMALL_EMPLOYEES = 200


def ensure_small_data(rebuild: bool = False) -> None:
    """Build the benchmark's company with 200 employees once, then keep it."""
    assert connection.vendor == "postgresql", "the benchmark data needs PostgreSQL"
    learner_scale.EMPLOYEES = SMALL_EMPLOYEES
    learner_scale.ensure_database()
    call_command("migrate", verbosity=0)
    if rebuild or not learner_scale.has_data():
        print(f"building the benchmark data with {SMALL_EMPLOYEES} employees…", flush=True)
        with transaction.atomic():
            learner_scale.build()
    learner_scale.analyze()


def client_for(email: str) -> Client:
    from accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email=email))
    return client


def quiz_round(client: Client, lesson_url: str, quiz_id: int, answers: dict) -> None:
    """Start the lesson's quiz and submit the right answers, as the HTTP benchmark does."""
    from benchmarks.http_load import quiz_start_fields

    page = client.get(lesson_url)
    fields = quiz_start_fields(page.content.decode(), quiz_id)
    started = client.post(f"/quizzes/{quiz_id}/start/", fields)
    assert started.status_code == 302, started.status_code
    attempt = re.search(r"/quizzes/attempts/(\d+)/", started["Location"])[1]
    submitted = client.post(f"/quizzes/attempts/{attempt}/submit/", {**answers, "next": lesson_url})
    assert submitted.status_code == 302, submitted.status_code


def quiz_target() -> tuple[str, int, dict[str, str]]:
    from benchmarks.http_load import quiz_target as target

    return target()


def fresh_learners(quiz_id: int, count: int) -> list[Client]:
    """Logged-in clients of learners who never tried the quiz (each run uses up a few)."""
    from accounts.models import User

    users = (
        User.objects.filter(email__startswith="person")
        .exclude(quiz_attempts__quiz_id=quiz_id)
        .exclude(email__in=["person0@bench.example", "person1@bench.example"])
        .order_by("pk")[:count]
    )
    assert len(users) == count, "learners used up: build the data again (--rebuild)"
    return [client_for(user.email) for user in users]


def time_quiz(runs: int = 7) -> float:
    """Best-of-runs ms of quiz start + submit (POSTs only), each by a different learner."""
    from benchmarks.http_load import quiz_start_fields

    lesson_url, quiz_id, answers = quiz_target()
    best = float("inf")
    for n, client in enumerate(fresh_learners(quiz_id, runs + 1)):
        fields = quiz_start_fields(client.get(lesson_url).content.decode(), quiz_id)
        start = learner_scale.CLOCK()
        started = client.post(f"/quizzes/{quiz_id}/start/", fields)
        attempt = re.search(r"/quizzes/attempts/(\d+)/", started["Location"])[1]
        client.post(f"/quizzes/attempts/{attempt}/submit/", {**answers, "next": lesson_url})
        elapsed = learner_scale.CLOCK() - start
        if n:  # the first one warms up
            best = min(best, elapsed)
    return best * 1000


def table() -> None:
    """The benchmark's table twice: wall time, then the CPU time of this process (which leaves
    out waiting for PostgreSQL and Redis, and the other work on a shared machine)."""
    for clock, what in [(time.perf_counter, "wall"), (time.process_time, "CPU")]:
        learner_scale.CLOCK = clock
        print(f"--- {what} time, best of {learner_scale.RUNS}")
        learner_scale.print_table(learner_scale.measure())
        print(f"{'quiz start + submit (POSTs)':32} {time_quiz():8.1f}")


def profile(url: str, email: str, top: int, quiz: bool, tree: bool) -> None:
    client = client_for(email)
    if quiz:
        lesson_url, quiz_id, answers = quiz_target()
        learners = fresh_learners(quiz_id, 21)
        quiz_round(learners[0], lesson_url, quiz_id, answers)

        def work(n: int) -> None:
            quiz_round(learners[n + 1], lesson_url, quiz_id, answers)
    else:
        assert client.get(url).status_code == 200

        def work(n: int) -> None:
            client.get(url)

    if tree:
        from pyinstrument import Profiler  # not a project dependency: pip install pyinstrument

        sampler = Profiler(interval=0.0005)
        sampler.start()
        for n in range(20):
            work(n)
        sampler.stop()
        print(sampler.output_text(unicode=True, color=False, show_all=False))
        return
    # CPU time of this process: on a shared machine, waiting for PostgreSQL and Redis to be
    # scheduled would otherwise hide what the page itself costs.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for n in range(20):
        work(n)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--table", action="store_true")
    parser.add_argument("--profile", metavar="URL")
    parser.add_argument("--quiz", action="store_true", help="profile quiz start + submit")
    parser.add_argument("--user", default="person1@bench.example")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--tree", action="store_true", help="a call tree with pyinstrument")
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    args = parser.parse_args()
    ensure_small_data(args.rebuild)
    if args.table:
        table()
    if args.profile or args.quiz:
        profile(args.profile, args.user, args.top, args.quiz, args.tree)


if __name__ == "__main__":
    main()
