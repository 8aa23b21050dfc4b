"""Reminders about mandatory training on a cadence that respects people, and weekly digests.

The cadence (settings, all in days): reminders REMINDER_DAYS_BEFORE_DUE before the due date, one on
the day, then REMINDER_DAYS_AFTER_DUE after it and weekly after the last of those; the manager
hears about it once, REMINDER_ESCALATE_AFTER_DAYS after the due date. Never daily forever.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from celery import shared_task

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import privacy
from accounts.models import NotificationKind, User
from accounts.notifications import notify_by_mail_or_push
from core.mail import compose, language_of, site_url
from curriculum.models import Certificate
from curriculum.services import start_renewal
from outbox.services import enqueue_email

from .models import Assignment, ReminderLog, ReminderReason
from .services import Status, assignments_with_status


@dataclass(frozen=True)
class Cadence:
    """When reminders go out, in days relative to the due date."""

    days_before: tuple[int, ...] = (7, 1)
    days_after: tuple[int, ...] = (1, 3, 7)
    weekly_after: bool = True
    escalate_after: int | None = 14

    @classmethod
    def from_settings(cls) -> Cadence:
        escalate = getattr(settings, "REMINDER_ESCALATE_AFTER_DAYS", 14)
        return cls(
            days_before=tuple(getattr(settings, "REMINDER_DAYS_BEFORE_DUE", (7, 1))),
            days_after=tuple(getattr(settings, "REMINDER_DAYS_AFTER_DUE", (1, 3, 7))),
            weekly_after=getattr(settings, "REMINDER_WEEKLY_AFTER_DUE", True),
            escalate_after=escalate or None,
        )

    def reason(self, due_date: datetime.date, today: datetime.date) -> str | None:
        """Which reminder (if any) the learner of an open assignment gets today."""
        days = (today - due_date).days  # negative: before the due date
        if days < 0:
            return ReminderReason.BEFORE_DUE if -days in self.days_before else None
        if days == 0:
            return ReminderReason.DUE_TODAY
        if days in self.days_after:
            return ReminderReason.OVERDUE
        last = max(self.days_after, default=0)
        if self.weekly_after and days > last and (days - last) % 7 == 0:
            return ReminderReason.OVERDUE
        return None

    def escalates(self, due_date: datetime.date, today: datetime.date) -> bool:
        """Whether today the manager is told (once) about this overdue assignment."""
        return self.escalate_after is not None and (today - due_date).days == self.escalate_after

    def horizon(self, today: datetime.date) -> datetime.date:
        """The latest due date that can get a reminder today."""
        return today + datetime.timedelta(days=max(self.days_before, default=0))


def reminder_reason(due_date: datetime.date, today: datetime.date) -> str | None:
    """Which reminder (if any) an open assignment gets today, by the configured cadence."""
    return Cadence.from_settings().reason(due_date, today)


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def send_due_reminders(self, today_iso: str | None = None) -> int:
    """E-mail learners (and, once, their manager) by the cadence; safe to run again the same day."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    cadence = Cadence.from_settings()
    rows = assignments_with_status(
        Assignment.objects.filter(
            due_date__lte=cadence.horizon(today), user__is_active=True
        ).select_related("user__employee__manager"),
        today=today,
    )
    sent = 0
    # Telling a manager that one person is overdue shows individual progress.
    managers_told = privacy.policy_for(privacy.MANAGER).individual_progress
    for row in rows:
        if row.status in (Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE):
            continue
        mails = []
        reason = cadence.reason(row.due_date, today)
        if reason is not None:
            mails.append((reason, _reminder(row, reason, today)))
        manager = _manager_of(row.user)
        if managers_told and manager is not None and cadence.escalates(row.due_date, today):
            mails.append((ReminderReason.ESCALATED, _escalation(row, manager, today)))
        for reason, message in mails:
            try:
                with transaction.atomic():
                    log = ReminderLog.objects.create(assignment=row, reason=reason, sent_on=today)
                    _send_reminder(row, reason, message, key=f"reminder:{log.pk}")
            except IntegrityError:
                continue  # already sent for this reason today
            sent += 1
    return sent


def _send_reminder(assignment: Assignment, reason: str, message, key: str) -> None:
    """The learner's reminder by push or e-mail (their choice); the manager's by e-mail."""
    if reason == ReminderReason.ESCALATED:
        enqueue_email(message, topic=f"reminder-{reason}", key=key)
        return
    course = _course_in(assignment, language_of(assignment.user))
    notify_by_mail_or_push(
        assignment.user,
        NotificationKind.ASSIGNMENT,
        message,
        key=key,
        topic=f"reminder-{reason}",
        url=site_url(course.url),
    )


def _manager_of(user: User) -> User | None:
    employee = getattr(user, "employee", None)
    manager = getattr(employee, "manager", None)
    return manager if manager is not None and manager.is_active else None


def _course_in(assignment: Assignment, language: str):
    """The assigned course in the recipient's language when it is translated."""
    with translation.override(language):
        course = assignment.course.localized
    return course


def _reminder(assignment: Assignment, reason: str, today: datetime.date):
    user = assignment.user
    language = language_of(user)
    course = _course_in(assignment, language)
    with translation.override(language):
        label = _("Open the course")
    return compose(
        "assignments/email/reminder",
        {
            "user": user,
            "reason": reason,
            "course_title": course.title,
            "due_date": assignment.due_date,
            "days_to_due": (assignment.due_date - today).days,
            "action_url": site_url(course.url),
            "action_label": label,
        },
        to=user.email,
        language=language,
    )


def _escalation(assignment: Assignment, manager: User, today: datetime.date):
    language = language_of(manager)
    course = _course_in(assignment, language)
    with translation.override(language):
        label = _("Open CX Academy")
    return compose(
        "assignments/email/escalation",
        {
            "manager": manager,
            "person_name": assignment.user.display_name,
            "course_title": course.title,
            "due_date": assignment.due_date,
            "days_overdue": (today - assignment.due_date).days,
            "action_url": site_url("/"),
            "action_label": label,
        },
        to=manager.email,
        language=language,
    )


@shared_task
def send_weekly_digests(today_iso: str | None = None) -> int:
    """A weekly overview to each manager about their team's mandatory training: the My team
    page's figures (people, assigned, overdue, expiring, completed) and a link to it."""
    from .team import team_overview

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
    individual = privacy.policy_for(privacy.MANAGER).individual_progress
    for manager_id, items in by_manager.items():
        manager = managers[manager_id]
        if not manager.is_active:
            continue
        totals = team_overview(manager, today=today).totals  # None: too few people to show
        language = language_of(manager)
        with translation.override(language):
            for row in items:
                row.course_title = row.course.localized.title
            label = _("Open My team")
        team_size = len({row.user_id for row in items})
        overdue = sum(r.status == Status.OVERDUE for r in items)
        if individual:
            privacy.record_views(
                manager, {row.user for row in items}, "assignments.digest", privacy.MANAGER
            )
        message = compose(
            "assignments/email/digest",
            {
                "manager": manager,
                "rows": items if individual else [],
                "courses": [] if individual else _course_figures(items),
                "individual": individual,
                # how many are overdue describes the team: not when it is too small
                "overdue": overdue if individual or not privacy.is_small(team_size) else 0,
                # the My team figures, as far as the privacy policy lets the manager see them
                "totals": totals,
                "action_url": site_url(reverse("team:overview")),
                "action_label": label,
            },
            to=manager.email,
            language=language,
        )
        # One digest per manager and day, however often the task runs.
        enqueue_email(message, topic="digest", key=f"digest:{manager_id}:{today.isoformat()}")
    return len(by_manager)


def _course_figures(items: list) -> list[dict]:
    """The digest without individuals: per course how many are assigned, done and overdue,
    each course describing too few people hidden (`accounts.privacy`)."""
    by_course: dict[str, list] = defaultdict(list)
    for row in items:
        by_course[row.course_title].append(row)
    figures = [
        {
            "title": title,
            "people": len({row.user_id for row in rows}),
            "total": len(rows),
            "completed": sum(
                row.status in (Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE) for row in rows
            ),
            "overdue": sum(row.status == Status.OVERDUE for row in rows),
        }
        for title, rows in sorted(by_course.items())
    ]
    return privacy.suppress_small(figures, hide=("total", "completed", "overdue"))


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def send_assignment_notices(self, assignment_ids: list[int]) -> int:
    """Tell each person of one batch, in their language, which training HR assigned them."""
    by_user: dict[int, list] = defaultdict(list)
    for assignment in (
        Assignment.objects.filter(pk__in=assignment_ids, user__is_active=True)
        .select_related("user", "course")
        .order_by("due_date")
    ):
        by_user[assignment.user_id].append(assignment)
    for user_id, items in by_user.items():
        user = items[0].user
        language = language_of(user)
        with translation.override(language):
            courses = [
                {
                    "title": (course := a.course.localized).title,
                    "due_date": a.due_date,
                    "url": site_url(course.url),
                }
                for a in items
            ]
            label = _("Open CX Academy")
        message = compose(
            "assignments/email/assigned",
            {
                "user": user,
                "courses": courses,
                "action_url": site_url("/"),
                "action_label": label,
            },
            to=user.email,
            language=language,
        )
        # One mail per person and batch, however often the batch runs.
        ids = ",".join(str(a.pk) for a in items)
        digest = hashlib.sha256(ids.encode()).hexdigest()[:24]
        enqueue_email(message, topic="assigned", key=f"assigned:{user_id}:{digest}")
    return len(by_user)


# Recertification --------------------------------------------------------------------------------

# Certificates are looked at this long before they expire at most (renew_days_before is capped).
RENEWAL_HORIZON_DAYS = 366


@shared_task(bind=True, max_retries=3, default_retry_delay=300)
def reassign_expiring_certificates(self, today_iso: str | None = None) -> int:
    """Re-assign people whose certificate expires within its course's "days before expiry",
    due on the expiry day, with one e-mail. Safe to run twice (or in parallel): each certificate
    is claimed once with a conditional update, and the mail has the certificate as its key."""
    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    candidates = Certificate.objects.filter(
        is_current=True,
        renewal_assigned_on__isnull=True,
        expires_on__isnull=False,
        expires_on__lte=today + datetime.timedelta(days=RENEWAL_HORIZON_DAYS),
        user__is_active=True,
    ).select_related("course", "user")
    reassigned = 0
    for certificate in candidates:
        start = certificate.expires_on - datetime.timedelta(
            days=certificate.course.renew_days_before
        )
        if start > today:
            continue
        if renew_certificate(certificate, today):
            reassigned += 1
    return reassigned


@transaction.atomic
def renew_certificate(certificate: Certificate, today: datetime.date) -> bool:
    """Re-assign one expiring certificate's course (once): the course opens again for renewal,
    the assignment is due on the expiry day (today when that has passed), the learner gets one
    e-mail in their language. False when it was already re-assigned."""
    claimed = Certificate.objects.filter(
        pk=certificate.pk, renewal_assigned_on__isnull=True, is_current=True
    ).update(renewal_assigned_on=today)
    if not claimed:
        return False
    start_renewal(certificate)
    due = max(certificate.expires_on, today)
    assignment, _created = Assignment.objects.update_or_create(
        user=certificate.user,
        course=certificate.course,
        defaults={"due_date": due, "renewal_of": certificate},
    )
    log, _created = ReminderLog.objects.get_or_create(
        assignment=assignment, reason=ReminderReason.RENEWAL, sent_on=today
    )
    enqueue_email(
        _renewal_notice(assignment, certificate),
        topic="recertification",
        key=f"recertification:{certificate.pk}",
    )
    return True


def _renewal_notice(assignment: Assignment, certificate: Certificate):
    user = assignment.user
    language = language_of(user)
    course = _course_in(assignment, language)
    with translation.override(language):
        label = _("Open the course")
    return compose(
        "assignments/email/renewal",
        {
            "user": user,
            "course_title": course.title,
            "expires_on": certificate.expires_on,
            "due_date": assignment.due_date,
            "action_url": site_url(course.url),
            "action_label": label,
        },
        to=user.email,
        language=language,
    )
