"""E-mails of the accounts app, sent through the outbox."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from outbox.services import enqueue_mail

from .models import Invitation


def send_invitation(invitation_id: int) -> None:
    """E-mail an invitation link (written to the outbox in the caller's transaction)."""
    invitation = Invitation.objects.get(pk=invitation_id)
    link = settings.WAGTAILADMIN_BASE_URL + reverse(
        "accounts:accept_invitation", args=[invitation.token]
    )
    enqueue_mail(
        topic="invitation",
        key=f"invitation:{invitation.pk}",
        to=invitation.email,
        subject="Ihre Einladung zur CX Academy / Your invitation to CX Academy",
        body=f"Willkommen! Legen Sie hier Ihr Konto an (gültig bis {invitation.expires_at:%d.%m.%Y}):\n{link}\n\n"
        f"Welcome! Create your account here:\n{link}\n",
    )
