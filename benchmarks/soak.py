"""Soak: mixed traffic through gunicorn while Redis (cache and broker) is killed and restarted.

Starts its own services on free ports and stops them at the end: a throwaway `redis-server`
(db 0 the cache, db 1 the broker), an SMTP sink (aiosmtpd, in this process), gunicorn (production
settings on plain HTTP, `benchmarks.settings`), a Celery worker and beat (outbox sweep every 5 s).
The database is its own PostgreSQL database (SOAK_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/cx_faults_soak), built with the demo on the first run.

Client threads send, for --seconds: the demo learner's start page, course list and a course page, the log-in
page, the readiness endpoint, the champion's dashboard, and a champion's nudge (POST) to the next
of --members soak members (each nudge commits one outbox mail). The run has three equal phases:
all up, Redis SIGKILLed (cache and broker gone, queued tasks lost), Redis back (empty).

It prints per phase: requests, 5xx, other failures, latency p50/p95/max; then nudges committed,
mails received by the sink (unique / duplicated / lost) after waiting up to --drain seconds, and
the worker's resident memory at the start and the end. Not part of `make test`.

Run:  .venv/bin/python benchmarks/soak.py [--seconds 60] [--threads 4] [--rebuild]"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CSRF = "soaktestcsrftokensoaktestcsrf012"  # 32 characters: a valid unmasked CSRF secret


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, up: bool = True, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.3).close()
            if up:
                return
        except OSError:
            if not up:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not come {'up' if up else 'down'}")


class Redis:
    """A redis-server without persistence: SIGKILL loses what it held, like a crashed host."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
        wait_for_port(self.port, up=False)


class Sink:
    """SMTP sink: counts mails per outbox key (X-CX-Outbox-Key)."""

    def __init__(self) -> None:
        self.keys: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        key = message_from_bytes(envelope.original_content).get("X-CX-Outbox-Key", "")
        with self.lock:
            self.keys[key] += 1
        return "250 OK"


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (Celery's pool), in MiB."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run(args: list[str], env: dict, timeout: int = 900) -> None:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)  # fmt: skip
    if result.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")


def ensure_database(url: str, rebuild: bool) -> None:
    """The soak's own database with the demo (built once; --rebuild starts over)."""
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not rebuild:
            return
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    print(f"building {name}: migrate and load_demo …", flush=True)
    run([sys.executable, "manage.py", "migrate", "--no-input"], env)
    run([sys.executable, "manage.py", "load_demo"], env)


def prepare(members: int) -> dict:
    """Soak members in a coaching group of the demo champion, and sessions for the clients."""
    import datetime
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from champions.models import ChampionProfile, ChampionStatus, CoachingGroup, Membership, Nudge
    from outbox.models import OutboxMessage

    champion = User.objects.get(email="champion@cx-academy.example")
    learner = User.objects.get(email="learner@cx-academy.example")
    profile, _ = ChampionProfile.objects.get_or_create(
        user=champion, defaults={"status": ChampionStatus.ACTIVE}
    )
    group, _ = CoachingGroup.objects.get_or_create(
        name="Soak", champion=profile, defaults={"start_date": datetime.date(2026, 1, 1)}
    )
    existing = set(User.objects.filter(email__startswith="soak-").values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(email=f"soak-{n}@cx-academy.example", first_name="Soak", last_name=str(n))
            for n in range(members)
            if f"soak-{n}@cx-academy.example" not in existing
        ]
    )
    people = list(User.objects.filter(email__startswith="soak-").order_by("pk")[:members])
    Membership.objects.bulk_create(
        [Membership(group=group, user=u) for u in people], ignore_conflicts=True
    )
    Nudge.objects.filter(member__in=people).delete()  # nudged once per day: start afresh
    store = import_module(settings.SESSION_ENGINE).SessionStore

    def session_of(user) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    return {
        "champion": session_of(champion),
        "learner": session_of(learner),
        "members": [u.pk for u in people],
        "outbox_from": (OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True)
                        .first() or 0),
    }  # fmt: skip


class Traffic:
    """Client threads; every request is recorded as (phase, operation, status, seconds)."""

    def __init__(self, port: int, world: dict) -> None:
        self.port = port
        self.world = world
        self.members = iter(world["members"])
        self.lock = threading.Lock()
        self.phase = "1 all up"
        self.records: list[tuple[str, str, int, float]] = []
        self.nudged: list[int] = []

    def request(self, method: str, path: str, session: str = "", body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "localhost", "Cookie": f"csrftoken={CSRF}"}
        if session:
            headers["Cookie"] += f"; sessionid={session}"
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = CSRF
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def one(self) -> None:
        roll = random.random()
        member = None
        if roll < 0.25:
            with self.lock:
                member = next(self.members, None)
        if member is not None:
            op, args = "nudge POST", ("POST", f"/champions/nudge/{member}/",
                                      self.world["champion"], {})  # fmt: skip
        else:
            op, args = random.choice(
                [
                    ("start page", ("GET", "/", self.world["learner"])),
                    ("course list", ("GET", "/curriculum/", self.world["learner"])),
                    (
                        "course page",
                        ("GET", "/curriculum/service-team/cx-grundlagen/", self.world["learner"]),
                    ),
                    ("log-in page", ("GET", "/accounts/login/")),
                    ("champion page", ("GET", "/champions/", self.world["champion"])),
                    ("ready", ("GET", "/health/ready/")),
                ]
            )
        started = time.perf_counter()
        try:
            status = self.request(*args)
        except Exception:  # timeouts, refused connections: counted as failures
            status = 0
        elapsed = time.perf_counter() - started
        with self.lock:
            self.records.append((self.phase, op, status, elapsed))
            if member is not None and status == 302:
                self.nudged.append(member)

    def run(self, seconds: float, threads: int, faults) -> None:
        stop = time.monotonic() + seconds

        def client() -> None:
            while time.monotonic() < stop:
                self.one()

        pool = [threading.Thread(target=client) for _ in range(threads)]
        for thread in pool:
            thread.start()
        faults(self)
        for thread in pool:
            thread.join()


def report(traffic: Traffic) -> dict[str, dict]:
    by_phase: dict[str, list] = defaultdict(list)
    for record in traffic.records:
        by_phase[record[0]].append(record)
    print(f"{'phase':16} {'requests':>8} {'5xx':>5} {'failed':>6} "
          f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")  # fmt: skip
    for phase in sorted(by_phase):
        rows = by_phase[phase]
        times = sorted(r[3] * 1000 for r in rows)
        p95 = times[int(0.95 * (len(times) - 1))]
        print(
            f"{phase:16} {len(rows):8} {sum(500 <= r[2] < 600 for r in rows):5} "
            f"{sum(r[2] == 0 for r in rows):6} {statistics.median(times):7.0f} {p95:7.0f} "
            f"{times[-1]:7.0f}"
        )
    for phase in sorted(by_phase):
        nudges = sorted(r[3] * 1000 for r in by_phase[phase] if r[1] == "nudge POST")
        if nudges:
            print(
                f"  nudge POST in {phase}: {len(nudges)}, p50 {statistics.median(nudges):.0f} ms, "
                f"max {nudges[-1]:.0f} ms"
            )
    statuses = Counter((r[1], r[2]) for r in traffic.records)
    print("status per operation:", dict(sorted(statuses.items())))
    return {
        phase: {
            "requests": len(rows),
            "5xx": sum(500 <= r[2] < 600 for r in rows),
            "failed": sum(r[2] == 0 for r in rows),
        }
        for phase, rows in sorted(by_phase.items())
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--drain", type=float, default=120, help="max seconds to wait for mails")
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    parser.add_argument("--json", help="also write the figures to this file (for the CI test)")
    args = parser.parse_args()

    database = os.environ.get(
        "SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_faults_soak"
    )
    ensure_database(database, args.rebuild)

    from aiosmtpd.controller import Controller

    redis = Redis()
    redis.start()
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    web_port = free_port()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "BENCH_DATABASE_URL": database,
            "BENCH_REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis.port}/1",
            "CELERY_RESULT_BACKEND": "",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "OUTBOX_SWEEP_SECONDS": "5",
            "OUTBOX_REDISPATCH_AFTER_SECONDS": "10",
            "LOG_LEVEL": "ERROR",
        }
    )
    import django

    django.setup()
    world = prepare(args.members)
    env = dict(os.environ)
    logs = Path(os.environ.get("SOAK_LOG_DIR") or tempfile.mkdtemp(prefix="cx-soak-"))
    processes = {
        "web": [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
                f"127.0.0.1:{web_port}", "--workers", str(args.workers), "--timeout", "60"],
        "worker": [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
                   "--concurrency=1", "--without-gossip", "--without-mingle",
                   "--loglevel=WARNING"],
        "beat": [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
                 "--schedule", str(logs / f"soak-beat-{web_port}")],
    }  # fmt: skip
    running = {
        name: subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=open(logs / f"soak-{name}.log", "wb"),  # noqa: SIM115
                               stderr=subprocess.STDOUT)
        for name, cmd in processes.items()
    }  # fmt: skip
    try:
        wait_for_port(web_port, timeout=120)
        traffic = Traffic(web_port, world)
        warm_until = time.monotonic() + 300  # every gunicorn worker has loaded Django
        answered = 0
        while answered < args.workers * 3 and time.monotonic() < warm_until:
            try:
                answered += traffic.request("GET", "/health/live/") == 200
            except OSError:
                time.sleep(1)
        time.sleep(3)
        rss_start = rss_mib(running["worker"].pid)
        third = args.seconds / 3

        rss = {"start": rss_start}

        def faults(t: Traffic) -> None:
            time.sleep(third)
            rss["after phase 1"] = rss_mib(running["worker"].pid)
            t.phase = "2 redis killed"
            redis.kill()
            time.sleep(third)
            rss["after phase 2"] = rss_mib(running["worker"].pid)
            redis.start()
            t.phase = "3 redis back"

        print(
            f"soak: {args.seconds:.0f} s, {args.threads} client threads, gunicorn "
            f"{args.workers} workers, worker prefork 1, Redis killed for {third:.0f} s",
            flush=True,
        )
        traffic.run(args.seconds, args.threads, faults)
        phases = report(traffic)

        from outbox.models import OutboxMessage, OutboxStatus

        rows = OutboxMessage.objects.filter(pk__gt=world["outbox_from"], topic="nudge")
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline and rows.exclude(status=OutboxStatus.SENT).exists():
            time.sleep(2)
        keys = set(rows.values_list("idempotency_key", flat=True))
        with sink.lock:
            received = {k: n for k, n in sink.keys.items() if k.startswith("nudge:")}
        statuses = Counter(rows.values_list("status", flat=True))
        print(
            f"nudges committed (302): {len(traffic.nudged)}; outbox nudge mails: {len(keys)} "
            f"{dict(statuses)}; received by SMTP: {len(received)} unique, "
            f"{sum(n - 1 for n in received.values())} duplicated, "
            f"lost: {len(keys - set(received))}"
        )
        rss["end"] = rss_mib(running["worker"].pid)
        print("worker RSS (MiB, main + pool):", {k: round(v) for k, v in rss.items()})
        if args.json:
            figures = {
                "phases": phases,
                "nudges_committed": len(traffic.nudged),
                "outbox_mails": len(keys),
                "outbox_statuses": dict(statuses),
                "received_unique": len(received),
                "duplicated": sum(n - 1 for n in received.values()),
                "lost": len(keys - set(received)),
                "worker_rss_mib": {k: round(v, 1) for k, v in rss.items()},
            }
            Path(args.json).write_text(json.dumps(figures, indent=2))
    finally:
        for process in running.values():
            process.terminate()
        for process in running.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        controller.stop()
        redis.kill()


if __name__ == "__main__":
    main()
