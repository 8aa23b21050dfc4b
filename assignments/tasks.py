"""Daily reminders and weekly digests about mandatory training."""

from __future__ import annotations

import datetime
from collections import defaultdict

from celery import shared_task

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from outbox.services import enqueue_mail

from .models import Assignment, ReminderLog, ReminderReason
from .services import Status, assignments_with_status


def reminder_reason(due_date: datetime.date, today: datetime.date) -> str | None:
    """Which reminder (if any) an open assignment gets today."""
    if due_date < today:
        return ReminderReason.OVERDUE
    if due_date == today + datetime.timedelta(days=1):
        return ReminderReason.DUE_TOMORROW
    if due_date == today + datetime.timedelta(days=7):
        return ReminderReason.DUE_IN_7_DAYS
    return None


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def send_due_reminders(self, today_iso: str | None = None) -> int:
    """E-mail each learner once per reason and day, in their language; safe to run again."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    window = today + datetime.timedelta(days=7)
    rows = assignments_with_status(
        Assignment.objects.filter(due_date__lte=window, user__is_active=True)
    )
    sent = 0
    for row in rows:
        if row.status in (Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE):
            continue
        reason = reminder_reason(row.due_date, today)
        if reason is None:
            continue
        try:
            with transaction.atomic():
                log = ReminderLog.objects.create(assignment=row, reason=reason, sent_on=today)
                _send_reminder(row, reason, key=f"reminder:{log.pk}")
        except IntegrityError:
            continue  # already reminded for this reason today
        sent += 1
    return sent


def _send_reminder(assignment: Assignment, reason: str, key: str) -> None:
    user = assignment.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "assignment": assignment,
            "reason": reason,
            "user": user,
            "base_url": settings.WAGTAILADMIN_BASE_URL,
        }
        subject = render_to_string("assignments/email/reminder_subject.txt", context).strip()
        body = render_to_string("assignments/email/reminder_body.txt", context)
    enqueue_mail(
        topic="reminder",
        key=key,
        to=user.email,
        subject=subject,
        body=body,
        language=user.preferred_language,
    )


@shared_task
def send_weekly_digests(today_iso: str | None = None) -> int:
    """A weekly overview to each manager about their direct reports' mandatory training.

    One outbox row per manager and day: running the task again the same day sends nothing new.
    """
    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    rows = assignments_with_status(
        Assignment.objects.filter(user__employee__manager__isnull=False, user__is_active=True)
        .select_related("user__employee__manager")
        .order_by("due_date"),
        today=today,
    )
    by_manager: dict[int, list] = defaultdict(list)
    for row in rows:
        by_manager[row.user.employee.manager_id].append(row)
    managers = User.objects.in_bulk(list(by_manager))
    for manager_id, items in by_manager.items():
        manager = managers[manager_id]
        with translation.override(manager.preferred_language or settings.LANGUAGE_CODE):
            context = {
                "manager": manager,
                "rows": items,
                "overdue": sum(r.status == Status.OVERDUE for r in items),
            }
            subject = render_to_string("assignments/email/digest_subject.txt", context).strip()
            body = render_to_string("assignments/email/digest_body.txt", context)
        enqueue_mail(
            topic="digest",
            key=f"digest:{manager_id}:{today.isoformat()}",
            to=manager.email,
            subject=subject,
            body=body,
            language=manager.preferred_language,
        )
    return len(by_manager)
