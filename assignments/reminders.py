"""Personal reminders: a manager (My team) or HR (the report's list of people) asks people to
complete their training. One e-mail per person in their language about all their trainings in
question, logged per assignment and audited; a training that got a personal reminder within
TEAM_REMINDER_INTERVAL_DAYS is not reminded again (whoever sent the first one)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import audit
from accounts.models import NotificationKind, User
from accounts.notifications import notify_by_mail_or_push
from core.mail import compose, language_of, site_url

from .models import Assignment, ReminderLog, ReminderReason
from .services import Status, with_status

PERSONAL_REASONS = (ReminderReason.MANAGER, ReminderReason.HR)
# What HR may remind about from a report: training not done that is late or not begun.
REMINDABLE = (Status.OVERDUE, Status.NOT_STARTED)


@dataclass
class ReminderResult:
    """Who was reminded now, and who was skipped because they were reminded recently."""

    reminded: list[User] = field(default_factory=list)
    skipped: list[User] = field(default_factory=list)


@dataclass
class ReminderPlan:
    """Whom a personal reminder would reach now (with the trainings it names), and who is left
    out because each of their trainings was reminded about recently."""

    due: dict[User, list[Assignment]] = field(default_factory=dict)
    skipped: list[User] = field(default_factory=list)

    @property
    def people(self) -> list[User]:
        return list(self.due)

    @property
    def trainings(self) -> int:
        return sum(len(items) for items in self.due.values())


def plan_reminders(
    assignments: Iterable[Assignment], today: datetime.date | None = None
) -> ReminderPlan:
    """Group open assignments (with `user` loaded) by person, leaving out trainings reminded
    personally within the interval, and people of inactive accounts (two queries at most)."""
    today = today or timezone.localdate()
    items = [a for a in assignments if a.user.is_active]
    interval = max(1, settings.TEAM_REMINDER_INTERVAL_DAYS)
    recent = set(
        ReminderLog.objects.filter(
            assignment_id__in=[a.pk for a in items],
            reason__in=PERSONAL_REASONS,
            sent_on__gt=today - datetime.timedelta(days=interval),
        ).values_list("assignment_id", flat=True)
    )
    plan = ReminderPlan()
    by_user: dict[int, list[Assignment]] = {}
    for assignment in items:
        by_user.setdefault(assignment.user_id, []).append(assignment)
    for person_items in by_user.values():
        fresh = [a for a in person_items if a.pk not in recent]
        if fresh:
            plan.due[person_items[0].user] = fresh
        else:
            plan.skipped.append(person_items[0].user)
    return plan


def send_reminders(
    sender: User,
    plan: ReminderPlan,
    *,
    reason: str,
    mail: Callable[[User, list[Assignment]], object],
    topic: str,
    audit_action: str,
    today: datetime.date | None = None,
) -> ReminderResult:
    """Send the planned reminders: per person the reminder logs and one queued e-mail, all or
    nothing; a person reminded by a parallel request a moment ago is skipped."""
    today = today or timezone.localdate()
    result = ReminderResult(skipped=list(plan.skipped))
    for person, items in plan.due.items():
        try:
            with transaction.atomic():
                logs = [
                    ReminderLog.objects.create(assignment=a, reason=reason, sent_on=today)
                    for a in items
                ]
                notify_by_mail_or_push(  # by push when the person chose that
                    person,
                    NotificationKind.ASSIGNMENT,
                    mail(person, items),
                    topic=topic,
                    key=f"{topic}:{logs[0].pk}",
                    url=site_url("/"),
                )
        except IntegrityError:
            result.skipped.append(person)
            continue
        result.reminded.append(person)
    if result.reminded:
        audit.record(
            sender,
            audit_action,
            f"{len(result.reminded)} reminded: "
            + ", ".join(p.email for p in result.reminded)[:400],
            user_ids=[p.pk for p in result.reminded],
        )
    return result


# HR, from the report ----------------------------------------------------------------------------


def remindable(rows: Iterable[Assignment], today: datetime.date | None = None) -> list[Assignment]:
    """The rows (annotated by `with_progress`) HR may remind about: overdue or not started."""
    return [row for row in with_status(rows, today) if row.status in REMINDABLE]


def plan_report_reminders(rows: Iterable[Assignment], today: datetime.date | None = None):
    """What "Remind these people" on a report list would do (the confirmation)."""
    return plan_reminders(remindable(rows, today), today)


@transaction.atomic
def remind_from_report(
    hr_user: User, rows: Iterable[Assignment], today: datetime.date | None = None
) -> ReminderResult:
    """Remind the people of a report list who are overdue or have not started, each once about
    all their listed trainings, in their language."""
    today = today or timezone.localdate()
    plan = plan_report_reminders(rows, today)
    return send_reminders(
        hr_user,
        plan,
        reason=ReminderReason.HR,
        mail=lambda person, items: reminder_mail(
            "assignments/email/hr_reminder",
            person,
            items,
            today,
            sender_name=hr_user.get_full_name() or hr_user.email,
        ),
        topic="reminder-hr",
        audit_action="reports.reminded",
        today=today,
    )


def reminder_mail(template: str, person: User, items: list[Assignment], today, **sender):
    """A reminder of `items` to `person`, in their language; `sender` names who asks (the
    manager or HR colleague, as the template calls them)."""
    language = language_of(person)
    with translation.override(language):
        courses = [
            {
                "title": (course := a.course.localized).title,
                "due_date": a.due_date,
                "overdue": a.due_date < today,
                "days_overdue": (today - a.due_date).days,
                "url": site_url(course.url),
            }
            for a in items
        ]
        label = gettext("Open CX Academy")
    context = {"user": person, "courses": courses, "action_url": site_url("/"), **sender}
    return compose(template, {**context, "action_label": label}, to=person.email, language=language)
