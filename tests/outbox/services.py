"""Throwaway real services for the fault tests: redis-server, an SMTP sink that fails on demand.

Each is started on a free port by a session-scoped fixture (tests/outbox/conftest.py), so `make
test` alone runs them and parallel CI runs do not collide.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, up: bool = True, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            if up:
                return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} did not come {'up' if up else 'down'} in {timeout} s")


class RedisServer:
    """A real redis-server (Debian package) without persistence, to be killed and restarted."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def kill(self) -> None:
        """SIGKILL, like an out-of-memory kill or a crashed host: queued data is gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
        wait_for_port(self.port, up=False)


@dataclass
class SmtpSink:
    """What the sink received, and whether it refuses mail right now (4xx or 5xx)."""

    port: int = 0
    fail_with: str = ""  # e.g. "451 4.3.0 Try again later" or "550 5.1.1 No such user"
    delay: float = 0  # seconds the server thinks before it answers the mail's data
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_with:
            return self.fail_with
        with self.lock:
            self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def queued_tasks(url: str) -> int:
    """Tasks waiting on the broker's default queue."""
    import redis

    return redis.Redis.from_url(url).llen("celery")


BASE_DIR = Path(__file__).resolve().parents[2]


def project_env(**overrides: str) -> dict[str, str]:
    """The environment for a project process (web, worker, beat, manage.py) in a test."""
    import os

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "CELERY_BROKER_URL"}
        and not k.startswith(("PYTEST_", "CELERY_RESULT"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", "LOG_LEVEL": "WARNING"})
    env.update(overrides)
    return env


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (Linux /proc)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


class ProjectProcess:
    """A project process (gunicorn, celery worker or beat) started for a test and stopped after."""

    def __init__(self, args: list[str], env: dict[str, str], log_path) -> None:
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            args, cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def start_gunicorn(env: dict[str, str], log_path, workers: int = 2) -> tuple[ProjectProcess, str]:
    """gunicorn serving the project on a free port; returns the process and its base URL."""
    import sys
    import urllib.request

    port = free_port()
    web = ProjectProcess(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ],
        env,
        log_path,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/health/live/", timeout=2) as response:
                if response.status == 200:
                    return web, base
        except OSError:
            time.sleep(0.3)
    web.stop()
    raise TimeoutError(f"gunicorn did not answer; see {log_path}")


class PostgresCluster:
    """A throwaway PostgreSQL server (Debian's binaries) in its own directory on a free port.

    initdb refuses to run as root, so as root the cluster belongs to the `postgres` user."""

    def __init__(self) -> None:
        import glob
        import os
        import tempfile

        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not found:
            raise FileNotFoundError("no /usr/lib/postgresql/*/bin/pg_ctl")
        self.bin = __import__("pathlib").Path(found[-1]).parent
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="cx-pg-")
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.dir, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 120) -> None:
        result = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=timeout
        )
        if result.returncode:
            raise RuntimeError(f"{args[0]} failed: {result.stdout[-1500:]}{result.stderr[-1500:]}")

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", f"{self.dir}/data", "-U", "postgres",
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def pg_ctl(self, action: str, *args: str) -> None:
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        self._run(
            str(self.bin / "pg_ctl"), action, "-D", f"{self.dir}/data", "-w", "-t", "60",
            "-l", f"{self.dir}/server.log", "-o", options, *args,
        )  # fmt: skip

    def remove(self) -> None:
        try:
            self.pg_ctl("stop", "-m", "immediate")
        except RuntimeError:
            pass  # not running
        shutil.rmtree(self.dir, ignore_errors=True)


class Worker:
    """`celery worker` in a session of its own, so one killpg takes the pool with it."""

    def __init__(self, env: dict[str, str], log_path, node: str) -> None:
        self.log = open(log_path, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
             "--concurrency=1", "-n", node, "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--loglevel=INFO"],
            cwd=BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def kill_pool_process(self) -> int:
        """SIGKILL the pool process running the task (what the kernel's OOM killer picks)."""
        main = self.process.pid
        children = Path(f"/proc/{main}/task/{main}/children").read_text().split()
        assert len(children) == 1, children  # --concurrency=1
        os.kill(int(children[0]), signal.SIGKILL)
        return int(children[0])

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def wait_for(what: str, condition, timeout: float, log_path, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(
        f"{what}: not within {timeout} s; worker log:\n{log_path.read_text()[-3000:]}"
    )
