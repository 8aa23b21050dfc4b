"""E-mails of the champions app."""

from __future__ import annotations

from celery import shared_task

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import NotificationKind, User
from accounts.notifications import notify_by_mail_or_push
from accounts.roles import HR
from core.mail import compose, language_of, site_url
from outbox.services import enqueue_email

from .models import ActionItem, ActionItemReminder, ChampionProfile


def notify_hr_unassigned(profile_id: int, user_ids: list[int], event: str) -> int:
    """Tell HR which people lost their coaching group (champion paused or retired).

    Called inside the transaction that released them (outbox); `event` makes the key unique.
    """
    profile = ChampionProfile.objects.select_related("user").get(pk=profile_id)
    people = [str(u) for u in User.objects.filter(pk__in=user_ids)]
    recipients = User.objects.filter(groups__name=HR, is_active=True).distinct()
    for hr in recipients:
        language = language_of(hr)
        with translation.override(language):
            status = str(profile.get_status_display())
            label = _("Distribute people")
        message = compose(
            "champions/email/hr_unassigned",
            {
                "champion_name": profile.user.display_name,
                "status": status,
                "people": people,
                "count": len(user_ids),
                "action_url": site_url(reverse("champions:manage")),
                "action_label": label,
            },
            to=hr.email,
            language=language,
        )
        enqueue_email(
            message, topic="hr-unassigned", key=f"hr-unassigned:{profile_id}:{event}:{hr.pk}"
        )
    return len(recipients)


def nudge_trainings(member: User, language: str) -> list[dict]:
    """The member's unfinished assigned training, overdue first, each with its title and link in
    `language` (what a nudge reminds of)."""
    from assignments.services import assignments_for_users

    open_rows = [
        a
        for a in assignments_for_users([member.pk]).get(member.pk, [])
        if a.status in ("overdue", "in_progress", "not_started")
    ]
    open_rows.sort(key=lambda a: (a.status != "overdue", a.due_date))
    trainings = []
    for assignment in open_rows:
        with translation.override(language):
            course = assignment.course.localized
        trainings.append(
            {
                "title": course.title,
                "url": site_url(course.url),
                "due_date": assignment.due_date,
                "overdue": assignment.status == "overdue",
            }
        )
    return trainings


def send_nudge_email(champion_user_id: int, member_id: int, key: str, note: str = "") -> None:
    """A friendly reminder from a champion to a member, in the member's language (via the
    outbox): which training is open or overdue, a link to it, and the champion's own note."""
    champion = User.objects.get(pk=champion_user_id)
    member = User.objects.get(pk=member_id)
    language = language_of(member)
    trainings = nudge_trainings(member, language)
    with translation.override(language):
        label = _("Open the course") if trainings else _("Continue learning")
    message = compose(
        "champions/email/nudge",
        {
            "champion_name": champion.display_name,
            "member_name": member.first_name or member.email,
            "trainings": trainings,
            "note": note.strip(),
            "action_url": trainings[0]["url"] if trainings else site_url("/"),
            "action_label": label,
        },
        to=member.email,
        language=language,
    )
    notify_by_mail_or_push(
        member,
        NotificationKind.NUDGE,
        message,
        key=key,
        topic="nudge",
        url=trainings[0]["url"] if trainings else site_url("/"),
    )


def send_observation_shared_email(observation) -> None:
    """Tell the observed colleague, in their language and via the outbox (inside the sharing
    transaction), that an observation was shared with them: the strength, the one thing to try
    and a link to read and acknowledge it."""
    colleague = observation.observed
    language = language_of(colleague)
    with translation.override(language):
        checklist = observation.checklist.title
        label = _("Read the observation")
    message = compose(
        "champions/email/observation_shared",
        {
            "observer_name": observation.observer.display_name if observation.observer else "",
            "colleague_name": colleague.first_name or colleague.email,
            "checklist": checklist,
            "observation": observation,
            "action_url": site_url(reverse("champions:observation", args=[observation.pk])),
            "action_label": label,
        },
        to=colleague.email,
        language=language,
    )
    notify_by_mail_or_push(
        colleague,
        NotificationKind.OBSERVATION,
        message,
        key=f"observation-shared:{observation.pk}",
        topic="observation-shared",
        url=site_url(reverse("champions:observation", args=[observation.pk])),
    )


@shared_task
def remind_overdue_action_items(today_iso: str | None = None) -> int:
    """Remind owners of overdue action items once per item and day (safe to retry)."""
    import datetime

    today = datetime.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    sent = 0
    for item in ActionItem.objects.filter(done_at__isnull=True, due_date__lt=today).select_related(
        "owner"
    ):
        language = language_of(item.owner)
        with translation.override(language):
            label = _("Open my action items")
        message = compose(
            "champions/email/action_item_overdue",
            {
                "item": item,
                "owner_name": item.owner.first_name or item.owner.email,
                "action_url": site_url("/"),
                "action_label": label,
            },
            to=item.owner.email,
            language=language,
        )
        try:
            with transaction.atomic():
                reminder = ActionItemReminder.objects.create(item=item, sent_on=today)
                enqueue_email(
                    message, topic="action-item-reminder", key=f"action-item-reminder:{reminder.pk}"
                )
        except IntegrityError:
            continue
        sent += 1
    return sent


@shared_task
def request_observations(today_iso: str | None = None) -> int:
    """Request floor observations N days after course completions (safe to run again)."""
    import datetime

    from .observations import request_observations_after_completion

    today = datetime.date.fromisoformat(today_iso) if today_iso else None
    return request_observations_after_completion(today)
