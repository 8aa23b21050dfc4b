"""Observability: every response has a request id, JSON log lines carry it, Sentry only on demand.

The log format and Sentry are decided when the settings load, so those tests start a fresh process
with the environment an operator would set, like tests/config/test_settings.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def test_every_response_has_its_own_request_id(client):
    first = client.get("/health/live/")
    second = client.get("/health/live/")
    assert HEX_ID.match(first["X-Request-ID"]) and HEX_ID.match(second["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_error_responses_have_a_request_id_too(client, home_page):
    assert HEX_ID.match(client.get("/no-such-page/")["X-Request-ID"])  # 404
    assert HEX_ID.match(client.post("/health/live/")["X-Request-ID"])  # 405


def test_the_load_balancers_request_id_is_kept(client):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="lb-7f3a9c21.edge")
    assert response["X-Request-ID"] == "lb-7f3a9c21.edge"


@pytest.mark.parametrize("incoming", ["short", "evil\r\nSet-Cookie: x=1", "<script>1</script>x"])
def test_an_incoming_request_id_that_is_not_an_id_is_replaced(client, incoming):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID=incoming)
    assert HEX_ID.match(response["X-Request-ID"])


# Two requests that log a warning (405), then a log line outside any request.
LOG_PROBE = """
import logging, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="localhost")
print(client.post("/health/live/", HTTP_X_REQUEST_ID="trace-0123456789")["X-Request-ID"])
print(client.post("/health/live/")["X-Request-ID"])
logging.getLogger("outbox").warning("sweep: broker unreachable")
"""


def run_probe(code: str, module: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "SENTRY_", "LOG_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        # Python's own warnings would be lines of stderr too: only the log's lines are wanted
        env={**clean, "DJANGO_SETTINGS_MODULE": module, "PYTHONWARNINGS": "ignore", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_with_log_format_json_every_log_line_is_json_with_the_request_id():
    result = run_probe(LOG_PROBE, "config.settings.test", LOG_FORMAT="json")
    given, generated = result.stdout.split()
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # each line, whole, JSON
    assert [(line["logger"], line["request_id"], line["message"]) for line in lines] == [
        ("django.request", given, "Method Not Allowed (POST): /health/live/"),
        ("django.request", generated, "Method Not Allowed (POST): /health/live/"),
        ("outbox", "-", "sweep: broker unreachable"),
    ]
    assert given == "trace-0123456789" and HEX_ID.match(generated)
    assert {line["level"] for line in lines} == {"WARNING"}
    assert all(
        re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$", line["time"]) for line in lines
    )


def test_plain_log_lines_carry_the_request_id_too():
    result = run_probe(LOG_PROBE, "config.settings.test")
    given = result.stdout.split()[0]
    first = result.stderr.splitlines()[0]
    assert f"WARNING django.request [{given}] Method Not Allowed (POST): /health/live/" in first


PRODUCTION_ENV = {
    "SECRET_KEY": "x7" * 30 + "-production-secret-for-the-check",
    "ALLOWED_HOSTS": "academy.example.com",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",  # named, not contacted
}
SENTRY_PROBE = """
import json, django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "dsn": client.options.get("dsn"),
    "send_default_pii": client.options.get("send_default_pii"),
    "traces_sample_rate": client.options.get("traces_sample_rate"),
    "environment": client.options.get("environment"),
    "integrations": sorted(client.integrations),
}))
"""


def sentry_of(**env: str) -> dict:
    result = run_probe(SENTRY_PROBE, "config.settings.production", **PRODUCTION_ENV, **env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sentry_is_off_without_sentry_dsn():
    assert sentry_of()["active"] is False


def test_sentry_reports_errors_without_personal_data_when_sentry_dsn_is_set():
    dsn = "https://0123456789abcdef@o1.ingest.sentry.example/42"
    sentry = sentry_of(SENTRY_DSN=dsn)
    assert sentry["active"] is True and sentry["dsn"] == dsn
    assert sentry["send_default_pii"] is False  # no user e-mail, IP address, cookies or body
    assert sentry["traces_sample_rate"] == 0.0 and sentry["environment"] == "production"
    assert {"django", "celery"} <= set(sentry["integrations"])
