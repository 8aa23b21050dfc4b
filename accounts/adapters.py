"""allauth adapters: sign-up only by invitation or from an allowed company domain."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from django import forms
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services

SESSION_KEY = "cx_invitation_token"


def _session_invitation(request):
    token = request.session.get(SESSION_KEY) if request is not None else None
    if not token:
        return None
    try:
        return services.usable_invitation(token)
    except services.InvitationError:
        return None


class AccountAdapter(DefaultAccountAdapter):
    """Company accounts: invitation or allowed e-mail domain; invited e-mail counts as verified."""

    def is_open_for_signup(self, request) -> bool:
        from django.conf import settings

        return _session_invitation(request) is not None or bool(settings.ALLOWED_SIGNUP_DOMAINS)

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        invitation = _session_invitation(self.request)
        if invitation is not None:
            if invitation.email != email.lower():
                raise forms.ValidationError(
                    _("Please use the e-mail address your invitation was sent to.")
                )
        elif not services.email_domain_allowed(email):
            raise forms.ValidationError(_("Sign-up is only open to company e-mail addresses."))
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        invitation = _session_invitation(request)
        if invitation is not None and commit:
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
            user.groups.add(*Group.objects.filter(name__in=invitation.roles or ["Learner"]))
            request.session.pop(SESSION_KEY, None)
            from allauth.account.models import EmailAddress

            EmailAddress.objects.filter(user=user, email__iexact=user.email).update(
                verified=True, primary=True
            )
        elif commit:
            user.groups.add(*Group.objects.filter(name="Learner"))
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Company SSO: people log in with the identity provider; accounts match by verified e-mail."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        from django.conf import settings

        return bool(settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS"))
