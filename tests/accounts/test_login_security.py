"""Log-in security: no way round the second factor, failed log-ins limited per account and per
real client address (trusted proxies from settings), the admin's log-in is allauth's."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value

from django.core.cache import cache

from accounts.factories import UserFactory

PASSWORD = "correct-horse-42"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and used TOTP codes live in the cache."""
    cache.clear()
    yield
    cache.clear()


def code_for(secret: str, step: int = 0) -> str:
    return f"{hotp_value(secret, int(time.time()) // 30 + step):06d}"


@pytest.fixture
def hr_with_totp(hr_user):
    """An HR person who has set up an authenticator app; returns (user, secret)."""
    secret = generate_totp_secret()
    TOTP.activate(hr_user, secret)
    return hr_user, secret


@pytest.mark.django_db
def test_wagtail_admin_login_cannot_skip_the_second_factor(client, hr_with_totp, home_page):
    """Regression: POST /admin/login/ logged in with the password alone and reached /reports/."""
    user, _secret = hr_with_totp
    response = client.post(
        "/admin/login/", {"username": user.email, "password": PASSWORD, "next": "/reports/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Freports%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/reports/").status_code == 302
    # the admin itself sends people to allauth's log-in
    assert client.get("/admin/").url.startswith("/accounts/login/?next=/admin/")
    assert client.get("/admin/password_reset/").status_code == 404
    evil = client.get("/admin/login/", {"next": "//evil.example/"})
    assert evil["Location"] == "/accounts/login/?next=%2Fadmin%2F"


@pytest.mark.django_db
def test_a_session_that_skipped_the_second_factor_must_pass_it(client, hr_with_totp, home_page):
    """Any log-in that is not allauth's (here: a bare Django log-in) is not enough: the session
    has to complete the second factor before it sees anything, whatever MFA_REQUIRED_ROLES says."""
    user, secret = hr_with_totp
    client.force_login(user)
    response = client.get("/reports/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Freports%2F"
    assert client.get("/people/").status_code == 302
    assert client.get("/account/audit/").status_code == 302
    assert client.get("/reports/course/export.csv").status_code == 302
    wrong = client.post("/accounts/2fa/reauthenticate/?next=/reports/", {"code": "000000"})
    assert wrong.status_code == 200  # the form again, with an error
    assert client.get("/reports/").status_code == 302
    passed = client.post("/accounts/2fa/reauthenticate/?next=/reports/", {"code": code_for(secret)})
    assert passed.status_code == 302
    assert client.get("/reports/").status_code == 200


@pytest.mark.django_db
def test_required_mfa_means_this_session_passed_it(client, hr_with_totp, home_page, settings):
    """With MFA required for HR, having an authenticator is not enough; a log-in through allauth
    asks for the code and only then the reports open."""
    settings.MFA_REQUIRED_ROLES = ["HR"]
    user, secret = hr_with_totp
    first = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert first.status_code == 302 and first["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # password alone: not logged in
    client.post("/accounts/2fa/authenticate/", {"code": code_for(secret)})
    assert client.get("/reports/").status_code == 200
    # a second session of the same person with the password only is sent to the code check
    other = client.__class__()
    other.force_login(user)
    assert other.get("/reports/")["Location"].startswith("/accounts/2fa/reauthenticate/")


@pytest.mark.django_db
def test_failed_logins_are_limited_per_account(client, home_page, settings):
    """Five wrong passwords for one account block that account's log-in for a while (even with
    the right password), but not other people logging in from the same address."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "30/5m/ip,5/5m/key"}
    victim = UserFactory(email="ziel@firma.example")
    colleague = UserFactory(email="kollegin@firma.example")
    for _ in range(5):
        client.post("/accounts/login/", {"login": victim.email, "password": "falsch"})
    blocked = client.post("/accounts/login/", {"login": victim.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "zu viele" in blocked.content.decode().lower()
    ok = client.post("/accounts/login/", {"login": colleague.email, "password": PASSWORD})
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(colleague.pk)


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_is_limited_on_its_own(client, home_page, settings):
    """Regression: behind the proxy everyone shared one address, so one attacker locked out all.
    With TRUSTED_PROXY_COUNT the real client address counts; a spoofed header without it does not
    get an attacker round the per-address limit."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip,50/5m/key"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    colleague = UserFactory(email="kollegin@firma.example")
    for number in range(4):  # the attacker tries several accounts from one address
        client.post(
            "/accounts/login/",
            {"login": f"raten{number}@firma.example", "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    ok = client.post(
        "/accounts/login/",
        {"login": colleague.email, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert ok.status_code == 302 and client.session["_auth_user_id"] == str(colleague.pk)
    client.logout()
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    cache.clear()
    for number in range(4):  # without a trusted proxy, a made-up header changes nothing
        client.post(
            "/accounts/login/",
            {"login": f"raten{number}@firma.example", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )
    blocked = client.post("/accounts/login/", {"login": colleague.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert blocked.status_code in (200, 429)


def test_rate_limit_and_proxy_settings_come_from_the_environment():
    from django.conf import settings

    from config.settings import base

    assert base.ACCOUNT_RATE_LIMITS["login_failed"] == "30/5m/ip,5/5m/key"
    assert base.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    assert settings.WAGTAILADMIN_LOGIN_URL == "account_login"
