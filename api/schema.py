"""OpenAPI schema hooks: the public schema describes /api/v1/ only (not Wagtail's admin API)."""

from __future__ import annotations


def only_api_v1(endpoints: list, **kwargs) -> list:
    """drf-spectacular preprocessing hook: keep the versioned REST API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
