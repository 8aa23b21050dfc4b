"""allauth adapters: sign-up only by invitation or from an allowed company domain."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from django.contrib.auth.models import Group
from django.utils import timezone

from . import services

SESSION_KEY = "cx_invitation_token"


def session_invitation(request):
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

        return session_invitation(request) is not None or bool(settings.ALLOWED_SIGNUP_DOMAINS)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        invitation = session_invitation(request)
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
