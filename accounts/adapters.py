"""allauth adapters: sign-up only by invitation or from an allowed company domain; allauth's mails
written like every other mail of the product; SSO accounts get the default role."""

from __future__ import annotations

import logging
import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.template import TemplateDoesNotExist
from django.urls import reverse
from django.utils import timezone, translation

from core.mail import compose, site_url
from outbox.services import enqueue_email

from . import services, sso
from .models import User

logger = logging.getLogger(__name__)

SESSION_KEY = "cx_invitation_token"
DEFAULT_ROLE = "Learner"


def session_invitation(request):
    token = request.session.get(SESSION_KEY) if request is not None else None
    if not token:
        return None
    try:
        return services.usable_invitation(token)
    except services.InvitationError:
        return None


def mail_language(request, email: str, user=None) -> str:
    """allauth's mails follow the recipient's preference; for someone we do not know (or who set
    none) the language of the page they are on (their browser's when logged out)."""
    if user is None:
        user = User.objects.filter(email__iexact=email).first()
    preferred = getattr(user, "preferred_language", "") or ""
    return preferred if preferred in dict(settings.LANGUAGES) else page_language()


def page_language() -> str:
    """The language of the current page (for someone logged out: their browser's)."""
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return current if current in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class AccountAdapter(DefaultAccountAdapter):
    """Company accounts: invitation or allowed e-mail domain; invited e-mail counts as verified."""

    def is_open_for_signup(self, request) -> bool:
        return session_invitation(request) is not None or bool(settings.ALLOWED_SIGNUP_DOMAINS)

    def save_user(self, request, user, form, commit=True):
        user.preferred_language = page_language()
        user = super().save_user(request, user, form, commit=commit)
        invitation = session_invitation(request)
        if invitation is not None and commit:
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            user.groups.add(*Group.objects.filter(name__in=invitation.roles or [DEFAULT_ROLE]))
            request.session.pop(SESSION_KEY, None)
            from allauth.account.models import EmailAddress

            EmailAddress.objects.filter(user=user, email__iexact=user.email).update(
                verified=True, primary=True
            )
        elif commit:
            user.groups.add(*Group.objects.filter(name=DEFAULT_ROLE))
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails through core.mail: multipart, our "Sie" texts, the recipient's language,
        links to SITE_URL. Queued in the outbox, so a mail server or broker that is down delays
        the mail but neither loses it nor shows the person an error."""
        request = self.request
        user = context.get("user")
        language = mail_language(request, email, user)
        ctx = {
            "email": email,
            "current_site": Site.objects.get_current(),
            "login_url": reverse("account_login"),
            **context,
        }
        for key, value in ctx.items():
            if key.endswith("_url") and isinstance(value, str):
                ctx[key] = site_url(value)
        try:
            message = compose(template_prefix, ctx, email, language=language)
        except TemplateDoesNotExist:
            logger.warning("No multipart templates for allauth mail %s", template_prefix)
            with translation.override(language):
                message = self.render_mail(template_prefix, email, ctx)
        # Through the outbox like every other mail: kept when the broker or mail server is down,
        # retried, listed for HR when it fails; the text (codes, reset links) is wiped once sent.
        kind = template_prefix.rsplit("/", 1)[-1]
        enqueue_email(
            message,
            topic=f"account-{kind}"[:80],
            key=f"account:{kind}:{uuid.uuid4().hex}",
            sensitive=True,
        )

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up two-factor authentication after an SSO log-in asks for no password: people
        who come by SSO may have none, and the provider has just vouched for them."""
        if app == "allauth.mfa" and sso.signed_in_by_sso(self.request):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_logout_redirect_url(self, request) -> str:
        """After logging out someone who came by SSO, end the provider's session too."""
        return sso.end_session_url(request) or super().get_logout_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Company SSO: people log in with the identity provider; accounts match by verified e-mail."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return bool(sso.provider_apps())

    def populate_user(self, request, sociallogin, data):
        """New SSO accounts speak the language of the page they signed up on."""
        user = super().populate_user(request, sociallogin, data)
        user.preferred_language = page_language()
        return user

    def save_user(self, request, sociallogin, form=None):
        """New SSO accounts get the role an invitation for their e-mail gives, else Learner."""
        user = super().save_user(request, sociallogin, form=form)
        invitation = services.pending_invitation_for(user.email)
        roles = (invitation.roles if invitation else None) or [DEFAULT_ROLE]
        user.groups.add(*Group.objects.filter(name__in=roles))
        if invitation is not None:
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
        return user
