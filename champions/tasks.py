"""E-mails of the champions app: composed in the recipient's language, sent through the outbox."""

from __future__ import annotations

from celery import shared_task

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import HR
from outbox.services import enqueue_mail

from .models import ActionItem, ActionItemReminder, ChampionProfile


def notify_hr_unassigned(profile_id: int, user_ids: list[int], event: str) -> int:
    """Tell HR which people lost their coaching group (champion paused or retired).

    Called inside the transaction that released them; `event` makes the outbox key unique.
    """
    profile = ChampionProfile.objects.select_related("user").get(pk=profile_id)
    people = ", ".join(str(u) for u in User.objects.filter(pk__in=user_ids))
    recipients = list(
        User.objects.filter(groups__name=HR, is_active=True).values_list("pk", "email").distinct()
    )
    for hr_id, email in recipients:
        enqueue_mail(
            topic="hr-unassigned",
            key=f"hr-unassigned:{profile_id}:{event}:{hr_id}",
            to=email,
            subject=f"CX Academy: {len(user_ids)} Personen ohne Coaching-Gruppe",
            body=f"{profile.user} ist nicht mehr aktiv ({profile.get_status_display()}).\n"
            f"Ohne Gruppe: {people}\nBitte über die automatische Zuordnung neu verteilen.",
        )
    return len(recipients)


def send_nudge_email(champion_user_id: int, member_id: int, key: str) -> None:
    """A friendly reminder from a champion to a member, in the member's language (via the outbox)."""
    champion = User.objects.get(pk=champion_user_id)
    member = User.objects.get(pk=member_id)
    with translation.override(member.preferred_language or settings.LANGUAGE_CODE):
        subject = _("A friendly reminder from %(name)s") % {"name": champion.display_name}
        body = _(
            "Hello %(member)s,\n\njust a quick reminder to keep going with your CX training – you are doing great!\n\n%(champion)s"
        ) % {"member": member.first_name or member.email, "champion": champion.display_name}
    enqueue_mail(
        topic="nudge",
        key=key,
        to=member.email,
        subject=subject,
        body=body,
        language=member.preferred_language,
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
        try:
            with transaction.atomic():
                reminder = ActionItemReminder.objects.create(item=item, sent_on=today)
                with translation.override(item.owner.preferred_language or settings.LANGUAGE_CODE):
                    enqueue_mail(
                        topic="action-item-reminder",
                        key=f"action-item-reminder:{reminder.pk}",
                        to=item.owner.email,
                        subject=_("Overdue action item: %(what)s") % {"what": item.description},
                        body=_("Your action item “%(what)s” was due on %(due)s.")
                        % {"what": item.description, "due": item.due_date.strftime("%d.%m.%Y")},
                        language=item.owner.preferred_language,
                    )
        except IntegrityError:
            continue
        sent += 1
    return sent
