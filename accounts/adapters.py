"""allauth adapters: sign-up is closed to the public (invitations and company domains only)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Company accounts: no open sign-up."""

    def is_open_for_signup(self, request) -> bool:
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Company SSO: accounts come from the identity provider."""

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False
