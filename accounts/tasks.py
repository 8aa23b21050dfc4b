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
