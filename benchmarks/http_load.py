"""Benchmark: throughput over HTTP with gunicorn (config/gunicorn.py, 3 sync workers).

Uses the data of `benchmarks/learner_scale.py` (run that first; it builds it once). Starts
gunicorn on 127.0.0.1:18300 with the benchmark settings (production's on plain HTTP), logs in
2,000 distinct learners by creating their sessions, then for a fixed time per scenario drives it
from a few client threads (stdlib http.client; the client shares the machine's cores):
- bare view req/s, lesson page req/s (each request from the next learner),
- quiz start + submit per second: each learner starts the lesson quiz and submits the right
  answers, which completes the lesson (the full chain a learner triggers).

Run:  .venv/bin/python benchmarks/http_load.py [--seconds 10] [--threads 6] [--workers 3]
      [--first-learner 10]"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from html import unescape as html_unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django  # noqa: E402

from benchmarks import settings as bench_settings  # noqa: E402,F401  (sets the env defaults)

django.setup()

from django.conf import settings  # noqa: E402

HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "18300"))
LEARNERS = 2000
CSRF = "benchmarkcsrftokenbenchmarkcsrf0"  # 32 characters: a valid unmasked CSRF secret


def learner_sessions(first: int = 10) -> list[str]:
    """Session cookies for distinct learners (as a log-in would create them), from the
    `first`-th employee on (a learner's first pass also makes their CX-Minute cards)."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    users = User.objects.filter(email__startswith="person").order_by("pk")[first : first + LEARNERS]
    for user in users:
        session = store_class()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def quiz_target() -> tuple[str, int, dict[str, str]]:
    """The lesson with a quiz, its quiz id and the right answer of each question (form fields)."""
    from curriculum.models import CoursePage, LessonPage
    from quizzes.models import Quiz

    course = CoursePage.objects.get(slug="kurs-0")
    lesson = LessonPage.objects.child_of(course).get(slug="lektion-1")
    quiz = Quiz.objects.get(key="bench-0")
    answers = {
        f"q{q.pk}": next(o["id"] for o in q.option_items() if o["correct"])
        for q in quiz.questions.all()
    }
    return lesson.url, quiz.pk, answers


class Load:
    """Counts completed operations across client threads for a fixed time."""

    def __init__(self, sessions: list[str]) -> None:
        self.sessions = itertools.cycle(sessions)
        self.lock = threading.Lock()
        self.done = 0
        self.errors: list[str] = []

    def next_session(self) -> str:
        with self.lock:
            return next(self.sessions)

    def request(
        self, method: str, path: str, session: str, body: dict | None = None, timeout: float = 30
    ):
        conn = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
        headers = {
            "Host": "localhost",
            "Cookie": f"sessionid={session}; csrftoken={CSRF}",
        }
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = CSRF
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        response.body = response.read().decode("utf-8", "replace")
        conn.close()
        return response

    def run(self, operation, seconds: float, threads: int) -> tuple[float, int]:
        stop = time.perf_counter() + seconds

        def worker() -> None:
            while time.perf_counter() < stop:
                try:
                    operation(self)
                except Exception as error:  # counted and shown; the run goes on
                    with self.lock:
                        self.errors.append(repr(error))
                    continue
                with self.lock:
                    self.done += 1

        started = time.perf_counter()
        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return self.done / (time.perf_counter() - started), len(self.errors)


def quiz_start_fields(html: str, quiz_id: int) -> dict[str, str]:
    """The hidden fields of the lesson page's "start quiz" form (as the browser would send)."""
    form = re.search(
        rf'<form[^>]*action="/quizzes/{quiz_id}/start/"[^>]*>(.*?)</form>', html, re.DOTALL
    )
    if not form:
        raise RuntimeError("the lesson page has no start form for the quiz")
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[1]))
    fields.pop("csrfmiddlewaretoken", None)
    return {name: html_unescape(value) for name, value in fields.items()}


def expect(response, status: int, what: str):
    if response.status != status:
        raise RuntimeError(f"{what}: HTTP {response.status}")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument(
        "--first-learner",
        type=int,
        default=10,
        help="learners from this employee on (another range compares runs on fresh learners)",
    )
    args = parser.parse_args()

    from curriculum.models import LessonPage

    if not LessonPage.objects.filter(slug="lektion-1").exists():
        sys.exit("No benchmark data: run benchmarks/learner_scale.py first.")
    sessions = learner_sessions(args.first_learner)
    lesson_url, quiz_id, answers = quiz_target()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "WEB_CONCURRENCY": str(args.workers),
        "PORT": str(PORT),
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "config/gunicorn.py",
            "--bind",
            f"{HOST}:{PORT}",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection(HOST, PORT, timeout=1).connect()
                break
            except OSError:
                time.sleep(0.2)
        probe = Load(sessions)
        # Workers load Django on start; wait for all of them before counting.
        for session in sessions[: args.workers * 2]:
            expect(probe.request("GET", "/bench/bare/", session, timeout=180), 200, "bare view")
        lesson_html = expect(probe.request("GET", lesson_url, sessions[0]), 200, "lesson page")
        start_fields = quiz_start_fields(lesson_html.body, quiz_id)

        def bare(load: Load) -> None:
            expect(load.request("GET", "/bench/bare/", load.next_session()), 200, "bare")

        def lesson(load: Load) -> None:
            expect(load.request("GET", lesson_url, load.next_session()), 200, "lesson")

        def quiz(load: Load) -> None:
            session = load.next_session()
            started = expect(
                load.request("POST", f"/quizzes/{quiz_id}/start/", session, start_fields),
                302,
                "quiz start",
            )
            match = re.search(r"/quizzes/attempts/(\d+)/", started.getheader("Location", ""))
            if not match:
                raise RuntimeError(f"quiz start went to {started.getheader('Location')}")
            expect(
                load.request(
                    "POST",
                    f"/quizzes/attempts/{match[1]}/submit/",
                    session,
                    {**answers, "next": lesson_url},
                ),
                302,
                "quiz submit",
            )

        print(
            f"gunicorn {args.workers} workers, {args.threads} client threads, "
            f"{args.seconds:.0f} s each, {len(sessions)} distinct learners, "
            f"CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}, "
            f"sessions {settings.SESSION_ENGINE.rsplit('.', 1)[-1]}"
        )
        for label, operation in [
            ("bare view", bare),
            ("lesson page", lesson),
            ("quiz start + submit", quiz),
        ]:
            rate, errors = Load(sessions).run(operation, args.seconds, args.threads)
            print(f"{label:22} {rate:8.1f} /s   errors: {errors}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
