"""What "this session passed two-factor authentication" means, from allauth's session records."""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator

from django.http import HttpRequest

# Set at log-in when the user has an authenticator but the session did not use it.
SECOND_FACTOR_PENDING = "cx_second_factor_pending"
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def session_passed_second_factor(request: HttpRequest) -> bool:
    """True if this session completed allauth's second factor (log-in, re-check or set-up)."""
    user = getattr(request, "user", None)
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def has_second_factor(user) -> bool:
    """The user has an authenticator app (or security key) set up."""
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()


def second_factor_of(user) -> Authenticator | None:
    """The user's authenticator app (or security key), if set up."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).first()


def record_second_factor(request: HttpRequest, authenticator: Authenticator) -> None:
    """Record in allauth's session log that this session passed the second factor."""
    # allauth keeps the per-session log in its internal flows module; this is its one writer.
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(
        request, authenticator.user, "mfa", id=authenticator.pk, type=authenticator.type
    )
    request.session.pop(SECOND_FACTOR_PENDING, None)
