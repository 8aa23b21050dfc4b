"""Company single sign-on (OpenID Connect): the configured providers, the origins the browser may
be sent to, and the provider's end-session URL for RP-initiated log-out."""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

import requests

from django.conf import settings
from django.http import HttpRequest

from core.mail import site_url

logger = logging.getLogger(__name__)

SESSION_KEY = "cx_sso_provider"


def provider_apps() -> list[dict]:
    """The OpenID Connect apps configured in SOCIALACCOUNT_PROVIDERS (from the environment)."""
    return list(settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []))


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def provider_origins() -> list[str]:
    """Origins of the configured identity providers: the only places besides our own site that a
    form may send the browser to (CSP form-action), derived from each provider's server_url."""
    origins = []
    for app in provider_apps():
        origin = _origin(app.get("settings", {}).get("server_url", ""))
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def remember_provider(request: HttpRequest, provider_id: str) -> None:
    """Note in the session which provider the person logged in with (for RP-initiated log-out)."""
    request.session[SESSION_KEY] = provider_id


def signed_in_by_sso(request: HttpRequest | None) -> bool:
    """Whether this session's person came in through the company's identity provider, and that
    is what vouches for them now: they have no password of ours, or their SSO log-in is recent."""
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return False
    if not request.session.get(SESSION_KEY):
        return False
    if not request.user.has_usable_password():
        return True
    import time

    from allauth.account import app_settings
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, request.user)
    latest = records[-1] if records else {}
    return (
        latest.get("method") == "socialaccount"
        and time.time() - latest.get("at", 0) < app_settings.REAUTHENTICATION_TIMEOUT
    )


def end_session_url(request: HttpRequest) -> str | None:
    """Where to send the browser on log-out so the provider's session ends too, or None when the
    person did not log in by SSO, or the provider has no end_session_endpoint or cannot be
    reached (then only our session ends)."""
    provider_id = request.session.get(SESSION_KEY)
    app = next((a for a in provider_apps() if a.get("provider_id") == provider_id), None)
    if app is None:
        return None
    from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter

    try:
        config = OpenIDConnectOAuth2Adapter(request, provider_id).openid_config
    except (requests.RequestException, ValueError) as error:
        logger.warning("SSO provider %s unreachable at log-out: %s", provider_id, error)
        return None
    endpoint = config.get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode({"client_id": app["client_id"], "post_logout_redirect_uri": site_url("/")})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
