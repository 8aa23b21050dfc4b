"""Liveness and readiness: /health/ready/ names the service that is down, with real failures.

The cache, the broker and the file storage are broken for real (a redis-server killed or a closed
port, a file where the media directory should be); only the database is broken by a stand-in
(a cursor that raises), since the test itself runs on that database.
"""

from __future__ import annotations

import datetime
import logging
import time

import pytest

from django.db import OperationalError, connection
from django.utils import timezone

from config.celery import app as celery_app
from outbox.models import Heartbeat
from tests.outbox.services import free_port

pytestmark = pytest.mark.django_db


def use_broker(settings, url: str):
    """Celery really sends to `url` (eager mode off); the returned callable undoes it."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    celery_app._pool = None

    def undo() -> None:
        celery_app.conf.update(saved)
        celery_app._pool = None

    return undo


@pytest.fixture
def everything_up(redis_up, settings, tmp_path):
    """Cache and broker on the throwaway Redis, media in a writable directory, worker and beat
    seen just now: every check passes, so a test breaks exactly one thing."""
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.FailSoftRedisCache", "LOCATION": redis_up.url}
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    undo = use_broker(settings, redis_up.url.replace("/0", "/1"))
    now = timezone.now()
    for name in ("worker", "beat"):
        Heartbeat.objects.update_or_create(name=name, defaults={"at": now})
    yield redis_up
    undo()


def ready(client) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = client.get("/health/ready/")
    return response.status_code, response.json(), time.monotonic() - started


def failing(body: dict) -> dict[str, str]:
    return {name: check["detail"] for name, check in body["checks"].items() if not check["ok"]}


def test_ready_says_ok_when_every_service_answers(client, everything_up):
    status, body, _ = ready(client)
    assert (status, body["status"], failing(body)) == (200, "ok", {})
    assert set(body["checks"]) == {"database", "cache", "broker", "storage", "worker", "beat"}
    assert body["outbox"] == {"pending": 0, "failed": 0}


def test_liveness_answers_without_asking_the_database_cache_or_broker(
    client, settings, django_assert_num_queries, caplog
):
    closed = free_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed}/0",
        }
    }
    undo = use_broker(settings, f"redis://127.0.0.1:{closed}/1")
    caplog.set_level(logging.WARNING, logger="core.cache")
    try:
        with django_assert_num_queries(0):
            response = client.get("/health/live/")
    finally:
        undo()
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert not caplog.records  # the dead cache was never touched


def test_ready_is_503_and_names_the_database_when_it_is_down(client, everything_up, monkeypatch):
    def refused(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(connection, "cursor", refused)
    status, body, _ = ready(client)
    monkeypatch.undo()
    assert (status, body["status"]) == (503, "fail")
    refused = "OperationalError: connection to server at 127.0.0.1 failed: Connection refused"
    # the heartbeats are read from the database, so they cannot be told either
    assert failing(body) == {"database": refused, "worker": refused, "beat": refused}
    assert body["outbox"] is None  # the outbox figures need the database too


def test_ready_is_503_and_names_the_storage_when_files_cannot_be_written(
    client, everything_up, settings, tmp_path
):
    volume = tmp_path / "unmounted"
    volume.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = str(volume)
    status, body, _ = ready(client)
    assert (status, body["status"], list(failing(body))) == (503, "fail", ["storage"])
    assert "NotADirectoryError" in failing(body)["storage"]


def test_ready_is_degraded_not_down_when_the_cache_is_down(client, everything_up, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        }
    }
    status, body, elapsed = ready(client)
    assert (status, body["status"], list(failing(body))) == (200, "degraded", ["cache"])
    assert failing(body)["cache"].startswith("ConnectionError: ")
    assert elapsed < 3, elapsed


def test_ready_is_degraded_and_answers_quickly_when_the_broker_is_unreachable(
    client, everything_up, settings
):
    undo = use_broker(settings, f"redis://127.0.0.1:{free_port()}/1")  # nothing listens there
    try:
        status, body, elapsed = ready(client)
    finally:
        undo()
    assert (status, body["status"], list(failing(body))) == (200, "degraded", ["broker"])
    assert "OperationalError" in failing(body)["broker"]
    assert elapsed < 2, elapsed


def test_ready_is_degraded_when_no_worker_was_ever_seen(client, everything_up):
    Heartbeat.objects.filter(name="worker").delete()
    status, body, _ = ready(client)
    assert (status, body["status"]) == (200, "degraded")
    assert failing(body) == {"worker": "RuntimeError: never seen"}


def test_ready_is_degraded_when_the_worker_heartbeat_is_stale(client, everything_up, settings):
    limit = 5 * settings.OUTBOX_SWEEP_SECONDS
    fresh_enough = timezone.now() - datetime.timedelta(seconds=limit - 30)
    Heartbeat.objects.filter(name="worker").update(at=fresh_enough)
    assert failing(ready(client)[1]) == {}
    Heartbeat.objects.filter(name="worker").update(
        at=timezone.now() - datetime.timedelta(seconds=limit + 60)
    )
    status, body, _ = ready(client)
    assert (status, body["status"], list(failing(body))) == (200, "degraded", ["worker"])
    assert failing(body)["worker"] == f"RuntimeError: last seen {limit + 60} s ago"


def test_ready_is_degraded_when_beat_has_not_run_for_too_long(client, everything_up, settings):
    limit = 5 * settings.OUTBOX_SWEEP_SECONDS
    Heartbeat.objects.filter(name="beat").update(
        at=timezone.now() - datetime.timedelta(seconds=limit + 60)
    )
    status, body, _ = ready(client)
    assert (status, body["status"], list(failing(body))) == (200, "degraded", ["beat"])
    assert failing(body)["beat"] == f"RuntimeError: last seen {limit + 60} s ago"
