"""Liveness and readiness for load balancers, orchestrators and the operator on call.

`/health/live/` answers 200 as long as the process can serve a request (no dependency is asked).
`/health/ready/` checks each service with a short timeout and says, as JSON, what is healthy.
It answers 503 only when the site cannot work (database or file storage); a missing cache,
broker, worker or beat makes it "degraded" (200): the site still serves pages and keeps mails in
the outbox, but someone should look. Nothing personal is shown, so no log-in is needed.
"""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from outbox.models import Heartbeat, OutboxMessage, OutboxStatus

CRITICAL = {"database", "storage"}


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    ping = getattr(cache, "ping", None)
    if ping is not None:  # Redis behind the fail-soft backend: ask Redis itself
        ping()
        return "ok"
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", 5)
    if cache.get(key) != "1":
        raise RuntimeError("cache does not return what was stored")
    cache.delete(key)
    return "ok (local memory)"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok (no broker: tasks run in the web process)"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=1)
    return "ok"


def check_storage() -> str:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as stored:
            if stored.read() != b"ok":
                raise RuntimeError("storage does not return what was written")
    finally:
        default_storage.delete(name)
    return "ok"


def _heartbeat(name: str, max_age: datetime.timedelta) -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "ok (no broker: tasks run in the web process)"
    beat = Heartbeat.objects.filter(name=name).first()
    if beat is None:
        raise RuntimeError("never seen")
    age = timezone.now() - beat.at
    if age > max_age:
        raise RuntimeError(f"last seen {int(age.total_seconds())} s ago")
    return f"ok (last seen {int(age.total_seconds())} s ago)"


def check_worker() -> str:
    return _heartbeat("worker", datetime.timedelta(seconds=5 * settings.OUTBOX_SWEEP_SECONDS))


def check_beat() -> str:
    return _heartbeat("beat", datetime.timedelta(seconds=5 * settings.OUTBOX_SWEEP_SECONDS))


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
    "worker": check_worker,
    "beat": check_beat,
}


@never_cache
@require_GET
def live(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """Each service's state; 503 when the database or the file storage is unusable."""
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            results[name] = {"ok": True, "detail": check()}
        except Exception as exc:  # a health check reports failures, it never raises them
            results[name] = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"[:300]}
        results[name]["ms"] = round(1000 * (time.monotonic() - started))
    failed = {name for name, result in results.items() if not result["ok"]}
    status = "fail" if failed & CRITICAL else "degraded" if failed else "ok"
    try:
        outbox = {
            "pending": OutboxMessage.objects.filter(
                status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]
            ).count(),
            "failed": OutboxMessage.objects.filter(status=OutboxStatus.FAILED).count(),
        }
    except Exception:  # database down: already reported above
        outbox = None
    return JsonResponse(
        {"status": status, "checks": results, "outbox": outbox},
        status=503 if status == "fail" else 200,
    )
