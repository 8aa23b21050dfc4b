"""How the API knows who calls: bearer tokens, their scopes, their rate limit."""

from __future__ import annotations

import time

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from django.core.cache import cache
from django.utils.translation import gettext as _

from accounts.permissions import is_hr

from . import services
from .models import ApiToken


class TokenClient:
    """The caller behind an API token (another system, not a person)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None

    def __init__(self, token: ApiToken) -> None:
        self.token = token

    def __str__(self) -> str:
        return f"API token {self.token.name}"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer cxa_…`; revoked and expired tokens are refused (and audited)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send exactly one token after 'Bearer'."))
        token = services.find_token(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("Unknown API token."))
        if token.revoked_at is not None:
            services.record_refused(token, request.method, request.path, "revoked")
            raise exceptions.AuthenticationFailed(_("This API token has been revoked."))
        if token.is_expired:
            services.record_refused(token, request.method, request.path, "expired")
            raise exceptions.AuthenticationFailed(_("This API token has expired."))
        return TokenClient(token), token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class HasTokenScope(permissions.BasePermission):
    """The token must allow the view's resource family (read for GET, write otherwise)."""

    message = _("This API token's scope does not allow this.")

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        write = request.method not in permissions.SAFE_METHODS
        return token.allows(view.resource_family, write=write)


class TokenOrHRSession(permissions.BasePermission):
    """The schema: any valid token, or HR logged in to the site (for the docs page)."""

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiToken):
            return True
        return bool(request.user and request.user.is_authenticated and is_hr(request.user))


class TokenRateThrottle(throttling.BaseThrottle):
    """Fixed one-minute window per token, limit set on the token."""

    def allow_request(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        now = time.time()
        window = int(now // 60)
        key = f"api-rate:{token.prefix}:{window}"
        cache.add(key, 0, timeout=70)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=70)
            count = 1
        self.retry_after = 60 - (now % 60)
        return count <= token.rate_limit_per_minute

    def wait(self) -> float:
        return self.retry_after


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Tells the OpenAPI schema that the API wants `Authorization: Bearer <token>`."""

    target_class = ApiTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "http", "scheme": "bearer", "description": "API token from HR"}
