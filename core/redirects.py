"""The one safe way to follow a `next` parameter: only to this site, never to another host."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_next(request: HttpRequest, url: str | None) -> bool:
    """True if `url` is a path on this site (no other host, no `//` or `/\\` tricks)."""
    if not url or not url.startswith("/"):
        return False
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next(request: HttpRequest, fallback: str = "/", *, name: str = "next") -> str:
    """The `next` of the request (POST first, then GET) if it stays on this site, else `fallback`."""
    candidate = request.POST.get(name) or request.GET.get(name) or ""
    return candidate if is_safe_next(request, candidate) else fallback


def with_query(url: str, **params: object) -> str:
    """`url` with the given query parameters, properly encoded; empty values are left out."""
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    if not query:
        return url
    return f"{url}{'&' if '?' in url else '?'}{query}"
