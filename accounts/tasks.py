"""E-mails of the accounts app."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.mail import compose, site_url
from outbox.services import enqueue_email

from .models import Invitation


def send_invitation(invitation_id: int, language: str | None = None) -> None:
    """E-mail an invitation link (in `language`, else the site's default language).

    Written to the outbox in the caller's transaction; sent once it has committed."""
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
    enqueue_email(message, topic="invitation", key=f"invitation:{invitation.pk}")
