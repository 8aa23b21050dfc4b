"""PostgreSQL restarted under load costs only the requests in flight.

A throwaway PostgreSQL server (its own directory and port) gets a copy of the demo database;
gunicorn serves it with production settings (persistent connections with health checks,
CONN_MAX_AGE and CONN_HEALTH_CHECKS) while client threads send requests. The server is restarted
(`pg_ctl restart -m fast`, which ends every connection) in the middle. Requests that overlap the
restart may fail; every request before it and every request after it succeeds, although each
gunicorn worker still holds a connection the restart closed.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass

import pytest

from .services import PostgresCluster, project_env, start_gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.soak, pytest.mark.faults, pytest.mark.django_db]
CSRF = "restarttestcsrftokenrestarttest0"  # 32 characters: a valid unmasked CSRF secret


@dataclass
class Sent:
    path: str
    started: float
    finished: float
    status: int  # 0: no answer (connection refused or reset)

    @property
    def ok(self) -> bool:
        return self.status in (200, 302)


def request(port: int, method: str, path: str, cookie: str = "", body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "localhost", "Cookie": f"csrftoken={CSRF}; {cookie}"}
    if body is not None:
        headers |= {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": CSRF}
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def log_in(port: int, email: str, password: str) -> str:
    form = urllib.parse.urlencode({"login": email, "password": password})
    response = request(port, "POST", "/accounts/login/", body=form)
    assert response.status == 302, response.status
    session = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    assert session, response.getheaders()
    return f"sessionid={session.group(1)}"


@pytest.fixture
def cluster():
    try:
        server = PostgresCluster()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    try:
        server.init()
        server.pg_ctl("start")
        yield server
    finally:
        server.remove()


def copy_database(source: str, cluster: PostgresCluster, name: str) -> str:
    """pg_dump of `source` restored into a new database of the throwaway server."""
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    target = cluster.url.rsplit("/", 1)[0] + f"/{name}"
    dump = subprocess.Popen(
        ["pg_dump", "-Fc", "--no-owner", "--no-acl", source], stdout=subprocess.PIPE
    )
    restore = subprocess.run(
        ["pg_restore", "--no-owner", "--no-acl", "-d", target],
        stdin=dump.stdout,
        capture_output=True,
        text=True,
        timeout=180,
    )
    dump.stdout.close()
    assert dump.wait(timeout=60) == 0 and restore.returncode == 0, restore.stderr[-2000:]
    return target


def test_a_postgresql_restart_under_load_fails_only_the_requests_in_flight(
    demo_database, cluster, redis_up, tmp_path, record_property
):
    url = copy_database(demo_database, cluster, "cx_restart")
    env = project_env(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",  # production's, on plain HTTP
        BENCH_DATABASE_URL=url,
        BENCH_REDIS_URL=redis_up.url.replace("/0", "/3"),
        CELERY_BROKER_URL=redis_up.url.replace("/0", "/4"),
        CELERY_RESULT_BACKEND="",
        MEDIA_ROOT=str(tmp_path / "media"),
        LOG_LEVEL="CRITICAL",
    )
    web, base = start_gunicorn(env, tmp_path / "gunicorn.log", workers=2)
    port = int(base.rsplit(":", 1)[1])
    sent: list[Sent] = []
    stop = threading.Event()
    try:
        learner = log_in(port, "learner@cx-academy.example", "cx-academy-demo")
        assert request(port, "GET", "/", learner).status == 200

        def client(paths: list[str]) -> None:
            while not stop.is_set():
                for path in paths:
                    started = time.monotonic()
                    try:
                        status = request(port, "GET", path, learner).status
                    except OSError:
                        status = 0
                    sent.append(Sent(path, started, time.monotonic(), status))

        threads = [
            threading.Thread(target=client, args=(paths,))
            for paths in (["/", "/health/ready/"], ["/curriculum/", "/"], ["/health/ready/"])
        ]
        for thread in threads:
            thread.start()
        time.sleep(4)
        restart_began = time.monotonic()
        cluster.pg_ctl("restart", "-m", "fast")  # -w: returns once the server accepts again
        restart_ended = time.monotonic()
        while (
            sum(r.started > restart_ended for r in sent) < 60
            and time.monotonic() < restart_ended + 30
        ):
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        stop.set()
        web.stop()

    before = [r for r in sent if r.finished < restart_began]
    during = [r for r in sent if r.started <= restart_ended and r.finished >= restart_began]
    after = [r for r in sent if r.started > restart_ended]
    failed = [r for r in sent if not r.ok]
    in_flight = [r for r in during if r.started < restart_began]
    figures = (
        f"PostgreSQL restart under load: {len(sent)} requests; before the restart "
        f"{len(before)} ({sum(not r.ok for r in before)} failed); in flight when it began "
        f"{len(in_flight)} ({sum(not r.ok for r in in_flight)} failed); sent during the "
        f"{restart_ended - restart_began:.1f} s restart {len(during) - len(in_flight)} "
        f"({sum(not r.ok for r in during if r not in in_flight)} failed); after it {len(after)} "
        f"({sum(not r.ok for r in after)} failed)"
    )
    print(figures)
    record_property("figures", figures)
    assert len(before) >= 10 and len(after) >= 60, figures
    assert all(r.ok for r in before), figures
    assert all(r.ok for r in after), (figures, [(r.path, r.status) for r in after if not r.ok])
    assert all(r in during for r in failed), figures  # only requests in flight
