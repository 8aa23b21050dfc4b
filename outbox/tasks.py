"""Celery tasks of the outbox: deliver one row, sweep for what was not handed over."""

from __future__ import annotations

from celery import shared_task

from django.conf import settings

from . import services


@shared_task(
    acks_late=True,
    ignore_result=True,
    time_limit=settings.OUTBOX_DELIVER_TIME_LIMIT,
    soft_time_limit=settings.OUTBOX_DELIVER_TIME_LIMIT - 10,
)
def deliver(message_id: int) -> str:
    """Send one outbox row; running it twice sends nothing twice (the row is claimed first)."""
    return services.deliver(message_id)


@shared_task(acks_late=True, ignore_result=True)
def sweep() -> dict[str, int]:
    """Hand pending rows to the broker again and free rows of killed workers (beat, every minute)."""
    return services.sweep()
