"""API fixtures: tokens with chosen scopes, a client that sends them."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from api import services


@pytest.fixture
def make_token(hr_user):
    """`make_token({"people": "read"}, valid_days=…, rate_limit_per_minute=…)` → (token, key)."""

    def make(
        scopes: dict, valid_days: int = 30, rate_limit_per_minute: int = 1000, name="HR system"
    ):
        return services.create_token(hr_user, name, scopes, valid_days, rate_limit_per_minute)

    return make


@pytest.fixture
def api_client():
    """`api_client(key)`: a DRF client sending `Authorization: Bearer key` (no key: none)."""

    def build(key: str | None = None) -> APIClient:
        client = APIClient()
        if key:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return build


@pytest.fixture(scope="session")
def ralph_lrs(tmp_path_factory):
    """A real Ralph LRS (file backend) on a free port for the whole session.

    Installed once into .ci/cache/ralph-venv by .ci/services/ralph.sh; skipped with the reason
    when it cannot be installed (no package index)."""
    import os
    import socket
    import subprocess
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    try:
        subprocess.run(
            ["bash", str(root / ".ci/services/ralph.sh")],
            check=True,
            capture_output=True,
            timeout=600,
        )
    except (subprocess.SubprocessError, OSError) as error:
        output = getattr(error, "stderr", b"") or b""
        pytest.skip(f"Ralph LRS could not be installed: {error} {output.decode()[-300:]}")
    python = root / ".ci/cache/ralph-venv/bin/python"
    work = tmp_path_factory.mktemp("ralph")
    secret = "lrs-secret"
    hashed = subprocess.run(
        [
            str(python),
            "-c",
            f"import bcrypt; print(bcrypt.hashpw(b'{secret}', bcrypt.gensalt(4)).decode())",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    auth = [
        {
            "agent": {
                "account": {"homePage": "https://lrs.example", "name": "cx"},
                "objectType": "Agent",
            },
            "scopes": ["all"],
            "hash": hashed,
            "username": "cx-academy",
        }
    ]
    (work / "auth.json").write_text(json.dumps(auth))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(work / "app"),
        "RALPH_AUTH_FILE": str(work / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(work / "data"),
    }
    log = open(work / "ralph.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(python),
            "-m",
            "uvicorn",
            "ralph_app:app",
            "--app-dir",
            str(root / ".ci/services"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/__heartbeat__", timeout=2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"Ralph did not start: {(work / 'ralph.log').read_text()[-500:]}")
            time.sleep(0.3)
    yield {"endpoint": f"{base}/xAPI", "key": "cx-academy", "secret": secret}
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def wsgi_app():
    """Django's WSGI application for tools that call it in process (schemathesis, scim2-tester).
    Like the test client, its requests keep the test's database connection: Django closes a
    connection at the end of a request when it is inside a transaction (as every test is), which
    on PostgreSQL left the next request with a closed connection."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def scim(make_token, api_client):
    """A client for /scim/v2/ with a read-write SCIM token; `scim.call(method, path, body)`."""
    _token, key = make_token({"scim": "write"}, name="Entra ID")
    client = api_client(key)

    class Scim:
        def call(self, method: str, path: str, body: dict | None = None):
            return getattr(client, method)(
                "/scim/v2" + path,
                data=json.dumps(body) if body is not None else None,
                content_type="application/scim+json",
            )

    return Scim()
