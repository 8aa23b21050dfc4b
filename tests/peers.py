"""Real peers for the tests: a real OpenID Connect provider (node-oidc-provider) and a real SMTP
server (aiosmtpd), each on a free port. The session-scoped fixtures in tests/conftest.py start them."""

from __future__ import annotations

import email
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OIDC_SCRIPT = ROOT / ".ci" / "services" / "oidc.sh"
CLIENT_ID = "cx-academy"
CLIENT_SECRET = "cx-academy-secret"


def free_port() -> int:
    """A TCP port nobody listens on right now (the tests run in parallel, so never a fixed one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def node_missing_reason() -> str | None:
    """Why the OpenID Connect provider cannot run here, or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm not installed (apt-get install -y nodejs npm): no OpenID Connect provider"
    return None


@dataclass
class OIDCProvider:
    """node-oidc-provider running as a company's identity provider."""

    port: int
    process: subprocess.Popen
    redirect_uris: list[str]

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self, provider_id: str = "company", name: str = "Firmen-Login") -> dict:
        """The SOCIALACCOUNT_PROVIDERS app entry, as config/settings/base.py builds it from the
        OIDC_* environment variables."""
        return {
            "provider_id": provider_id,
            "name": name,
            "client_id": CLIENT_ID,
            "secret": CLIENT_SECRET,
            "settings": {
                "server_url": self.issuer,
                "fetch_userinfo": True,
                "email_authentication": True,
                "oauth_pkce_enabled": True,
            },
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_oidc_provider(redirect_uris: list[str], post_logout_uris: list[str]) -> OIDCProvider:
    """Install node-oidc-provider (once, into .ci/cache) and start it on a free port."""
    install = subprocess.run(
        ["bash", str(OIDC_SCRIPT), "install"], capture_output=True, text=True, timeout=300
    )
    if install.returncode != 0:
        raise RuntimeError(f"installing node-oidc-provider failed: {install.stderr[-2000:]}")
    directory = Path(install.stdout.strip().splitlines()[-1])
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": ",".join(redirect_uris),
        "POST_LOGOUT_REDIRECT_URIS": ",".join(post_logout_uris),
    }
    process = subprocess.Popen(
        ["node", str(directory / "provider.mjs")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
    except TimeoutError:
        process.kill()
        raise
    return OIDCProvider(port=port, process=process, redirect_uris=redirect_uris)


@dataclass
class SMTPSink:
    """A real SMTP server (aiosmtpd) that keeps every message it receives."""

    port: int
    controller: object
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


def start_smtp_sink() -> SMTPSink:
    from aiosmtpd.controller import Controller

    sink: SMTPSink

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            message = email.message_from_bytes(envelope.content, policy=default_policy)
            with sink.lock:
                sink.messages.append(message)
            return "250 Message accepted for delivery"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    sink = SMTPSink(port=port, controller=controller)
    return sink
