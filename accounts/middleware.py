"""Per-request account rules: the user's preferred language and required two-factor authentication."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from core.redirects import with_query

from . import mfa
from .permissions import has_role

MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/media/", "/language/", "/i18n/")


class PreferredLanguageMiddleware:
    """On pages without a language prefix (every app view): the logged-in user's preferred
    language; for someone logged out, their language cookie or their browser's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        prefixed = translation.get_language_from_path(request.path_info)
        if (
            user is not None
            and user.is_authenticated
            and not prefixed
            and user.preferred_language in dict(settings.LANGUAGES)
            and not _is_wagtail_page_path(request.path_info)
        ):
            # The stored preference wins over a stale cookie: the switcher updates both, and a
            # cookie from another account on this browser must not turn the header German.
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
            response = self.get_response(request)
            patch_vary_headers(response, ("Cookie",))
            return response
        elif (
            (user is None or not user.is_authenticated)
            and not prefixed
            and not _is_wagtail_page_path(request.path_info)
        ):
            # Logged out (log-in, password reset, sign-up): the language cookie, else the
            # browser's language. Django would use LANGUAGE_CODE for every unprefixed URL.
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        return self.get_response(request)


def _is_wagtail_page_path(path: str) -> bool:
    """Wagtail pages carry their language in the URL; app views do not."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(path)
    except Resolver404:
        return True
    return match.url_name == "wagtail_serve"


class RequireMFAMiddleware:
    """Two-factor authentication means "this session completed the second factor".

    Users in MFA_REQUIRED_ROLES must set up an authenticator, and every logged-in user who has
    one must have passed it in this session (allauth records the methods a session used). A
    session that skipped it (any log-in path that is not allauth's) is sent to allauth's MFA
    check before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and not mfa.session_passed_second_factor(request)
        ):
            required = bool(settings.MFA_REQUIRED_ROLES) and has_role(
                user, *settings.MFA_REQUIRED_ROLES
            )
            if required or request.session.get(mfa.SECOND_FACTOR_PENDING):
                if mfa.has_second_factor(user):
                    return redirect(
                        with_query(reverse("mfa_reauthenticate"), next=request.get_full_path())
                    )
                if required:
                    return redirect("mfa_activate_totp")
                request.session.pop(mfa.SECOND_FACTOR_PENDING, None)
        return self.get_response(request)


class SSOFormActionMiddleware:
    """CSP form-action allows, besides our own site, exactly the configured identity providers'
    origins: the SSO button and the log-out form redirect the browser there. Listed after
    csp.middleware.CSPMiddleware so it runs before the header is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        from . import sso

        origins = sso.provider_origins()
        if origins:
            update = dict(getattr(response, "_csp_update", None) or {})
            update["form-action"] = [*update.get("form-action", []), *origins]
            response._csp_update = update
        return response


class SSOUnavailableMiddleware:
    """When the identity provider cannot be reached, say so on a page (503), not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        import requests

        if not isinstance(exception, requests.RequestException):
            return None
        if not request.path_info.startswith("/accounts/"):
            return None
        import logging

        from django.shortcuts import render

        logging.getLogger(__name__).warning("SSO provider unreachable: %s", exception)
        return render(request, "accounts/sso_unavailable.html", status=503)
