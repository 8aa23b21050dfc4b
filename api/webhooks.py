"""Outgoing webhooks, signed the Standard Webhooks way (webhook-id, -timestamp, -signature)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid

from django.db import transaction
from django.utils import timezone

from accounts import privacy

from .models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

# Wait after the 1st, 2nd, … failed attempt; after the last one the delivery is given up.
RETRY_DELAYS = [
    datetime.timedelta(seconds=5),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=5),
    datetime.timedelta(hours=10),
]
TIMEOUT_SECONDS = 10


def new_secret() -> str:
    """A signing secret in the Standard Webhooks format: whsec_ + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The webhook-signature header value: v1,<base64 HMAC-SHA256 of "id.timestamp.body">."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def emit(event_type: str, data: dict) -> list[WebhookDelivery]:
    """Queue the event for every active endpoint that wants it; sent after the commit.
    Every event names a person, so none is sent while HR's privacy policy shows no individual
    progress (the endpoints are HR's systems)."""
    deliveries = []
    if not privacy.policy_for(privacy.HR).individual_progress:
        return deliveries
    now = timezone.now()
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        if event_type not in endpoint.events:
            continue
        deliveries.append(
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                message_id=f"msg_{uuid.uuid4().hex}",
                event_type=event_type,
                payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
            )
        )
    if deliveries:
        from .tasks import deliver_webhook

        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: [_dispatch(deliver_webhook, pk) for pk in ids])
    return deliveries


def _dispatch(task, *args) -> None:
    """Hand work to Celery; a broker problem must never break the request that caused it."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - the periodic task picks it up later
        import logging

        logging.getLogger(__name__).exception("could not queue %s", task.name)


def attempt_delivery(delivery: WebhookDelivery) -> bool:
    """POST the event once; record the outcome and when to try again."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True)
    timestamp = int(time.time())
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "CX-Academy-Webhooks/1",
            "webhook-id": delivery.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(
                delivery.endpoint.secret, delivery.message_id, timestamp, body
            ),
        },
    )
    delivery.attempts += 1
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            delivery.last_status_code = response.status
            delivery.last_error = ""
            ok = 200 <= response.status < 300
    except urllib.error.HTTPError as error:
        delivery.last_status_code = error.code
        delivery.last_error = f"HTTP {error.code}"
        ok = False
    except (urllib.error.URLError, OSError, ValueError) as error:
        delivery.last_status_code = None
        delivery.last_error = str(getattr(error, "reason", error))[:500]
        ok = False
    now = timezone.now()
    if ok:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
    elif delivery.attempts > len(RETRY_DELAYS):
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    delivery.save()
    return ok
