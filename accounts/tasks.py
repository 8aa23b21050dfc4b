"""E-mails of the accounts app."""

from __future__ import annotations

from celery import shared_task

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.mail import compose, site_url

from .models import Invitation


@shared_task
def send_invitation(invitation_id: int, language: str | None = None) -> None:
    """E-mail an invitation link (in `language`, else the site's default language)."""
    invitation = Invitation.objects.get(pk=invitation_id)
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        label = _("Create my account")
    compose(
        "accounts/email/invitation",
        {
            "invitation": invitation,
            "expires_at": invitation.expires_at,
            "action_url": site_url(reverse("accounts:accept_invitation", args=[invitation.token])),
            "action_label": label,
        },
        to=invitation.email,
        language=language,
    ).send()
