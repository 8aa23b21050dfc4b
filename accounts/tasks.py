"""E-mails of the accounts app."""

from __future__ import annotations

from celery import shared_task

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.mail import compose, site_url
from outbox.services import enqueue_email

from .models import Invitation


@shared_task
def send_invitation(invitation_id: int, language: str | None = None) -> None:
    """E-mail an invitation link (in `language`, else the site's default language)."""
    invitation = Invitation.objects.get(pk=invitation_id)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        label = _("Create my account")
    message = compose(
        "accounts/email/invitation",
        {
            "invitation": invitation,
            "expires_at": invitation.expires_at,
            "action_url": site_url(reverse("accounts:accept_invitation", args=[invitation.token])),
            "action_label": label,
        },
        to=invitation.email,
        language=language,
    )
    # Through the outbox: sent once per invitation, retried, and listed for HR when it fails.
    enqueue_email(message, topic="invitation", key=f"invitation:{invitation.pk}")


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def send_invitation_batch(self, invitation_ids: list[int]) -> int:
    """E-mail one batch of invitations, each in the person's language when HR already knows
    them (an import); skips invitations accepted in the meantime."""
    from .models import User

    invitations = list(
        Invitation.objects.filter(pk__in=invitation_ids, accepted_at__isnull=True).values_list(
            "pk", "email"
        )
    )
    languages = dict(
        User.objects.filter(email__in=[email for _pk, email in invitations]).values_list(
            "email", "preferred_language"
        )
    )
    for invitation_id, email in invitations:
        send_invitation(invitation_id, languages.get(email))
    return len(invitations)


@shared_task
def apply_retention(now_iso: str | None = None) -> dict[str, int]:
    """Daily: delete or anonymise what is past its retention period (idempotent; counts are
    logged and, when anything changed, written to the audit log)."""
    import datetime

    from .lifecycle import run_retention

    now = datetime.datetime.fromisoformat(now_iso) if now_iso else None
    return run_retention(now)
