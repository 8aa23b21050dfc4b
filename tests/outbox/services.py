"""Throwaway real services for the fault tests: redis-server, an SMTP sink that fails on demand.

Each is started on a free port by a session-scoped fixture (tests/outbox/conftest.py), so `make
test` alone runs them and parallel CI runs do not collide.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes


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
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
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
