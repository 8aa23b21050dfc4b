"""The log-in page invites people to sign up only when sign-up is open."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_login_page_does_not_invite_sign_up_when_it_is_closed(client, settings):
    settings.ALLOWED_SIGNUP_DOMAINS = []
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" not in html
    assert "Ihr Konto richtet HR ein" in html


@pytest.mark.django_db
def test_login_page_offers_sign_up_for_company_domains(client, settings):
    settings.ALLOWED_SIGNUP_DOMAINS = ["firma.example"]
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/signup/" in html
    assert "Ihr Konto richtet HR ein" not in html
