"""Background delivery: webhooks and xAPI statements, each retried with growing delays."""

from __future__ import annotations

from celery import shared_task

from django.db import transaction
from django.utils import timezone

from . import webhooks, xapi
from .models import DeliveryStatus, WebhookDelivery


@shared_task
def deliver_webhook(delivery_id: int) -> bool:
    """Try one pending delivery now (safe to run twice: a delivered one is left alone)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("endpoint")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return False
        return webhooks.attempt_delivery(delivery)


@shared_task
def deliver_due_webhooks() -> int:
    """Every minute: retry the deliveries whose next attempt is due."""
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:200]
    return sum(1 for pk in list(due) if deliver_webhook(pk))


@shared_task
def send_xapi_statements() -> int:
    """Send queued statements in batches until none is due (or the LRS fails)."""
    total = 0
    for _round in range(20):
        sent, failed = xapi.send_batch()
        total += sent
        if not sent or failed:
            break
    return total
