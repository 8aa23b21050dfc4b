"""Scheduled work of the phone app."""

from __future__ import annotations

from celery import shared_task

from . import push


@shared_task
def send_push_reminders() -> int:
    """Daily: queue the CX-Minute / overdue-training push for every subscribed device (safe to run
    twice: one outbox row per device and day)."""
    return push.queue_daily_reminders()
