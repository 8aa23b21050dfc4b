"""API fixtures: tokens with chosen scopes, a client that sends them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api import services


@pytest.fixture
def make_token(hr_user):
    """`make_token({"people": "read"}, valid_days=…, rate_limit_per_minute=…)` → (token, key)."""

    def make(
        scopes: dict, valid_days: int = 30, rate_limit_per_minute: int = 1000, name="HR system"
    ):
        return services.create_token(hr_user, name, scopes, valid_days, rate_limit_per_minute)

    return make


@pytest.fixture
def api_client():
    """`api_client(key)`: a DRF client sending `Authorization: Bearer key` (no key: none)."""

    def build(key: str | None = None) -> APIClient:
        client = APIClient()
        if key:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return client

    return build
