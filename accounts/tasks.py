"""E-mails of the accounts app."""

from __future__ import annotations

from celery import shared_task

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from .models import Invitation


@shared_task
def send_invitation(invitation_id: int) -> None:
    """E-mail an invitation link."""
    invitation = Invitation.objects.get(pk=invitation_id)
    link = settings.WAGTAILADMIN_BASE_URL + reverse(
        "accounts:accept_invitation", args=[invitation.token]
    )
    send_mail(
        "Ihre Einladung zur CX Academy / Your invitation to CX Academy",
        f"Willkommen! Legen Sie hier Ihr Konto an (gültig bis {invitation.expires_at:%d.%m.%Y}):\n{link}\n\n"
        f"Welcome! Create your account here:\n{link}\n",
        None,
        [invitation.email],
    )


@shared_task(bind=True, max_retries=3, default_retry_delay=120)
def send_invitation_batch(self, invitation_ids: list[int]) -> int:
    """E-mail one batch of invitations; skips ones accepted in the meantime."""
    sent = 0
    for invitation_id in Invitation.objects.filter(
        pk__in=invitation_ids, accepted_at__isnull=True
    ).values_list("pk", flat=True):
        send_invitation(invitation_id)
        sent += 1
    return sent
