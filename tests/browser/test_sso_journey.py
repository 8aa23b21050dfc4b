"""Company SSO in Chromium with the Content Security Policy enforced, against a real OpenID Connect
provider (node-oidc-provider): new person, existing verified person, unverified e-mail refused,
consent denied, provider down, and log-out that ends the provider's session too."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress

from accounts import roles
from accounts.factories import UserFactory
from accounts.models import User
from tests.peers import free_port

from .conftest import screenshot


@pytest.fixture
def sso_site(demo_site, company_sso, settings):
    """The demo site with company SSO against the real provider; SITE_URL is the live server."""
    settings.SITE_URL = demo_site
    return demo_site


@pytest.fixture
def csp_page(new_page):
    """A fresh browser context that records every CSP violation Chromium reports."""

    def open_page():
        page = new_page()
        page.csp_violations = []
        page.on(
            "console",
            lambda msg: (
                page.csp_violations.append(msg.text)
                if "Content Security Policy" in msg.text
                else None
            ),
        )
        return page

    return open_page


def start_sso(page, base_url: str, button: str = "Firmen-Login") -> None:
    """From our log-in page through allauth's confirmation to the provider."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("link", name=button).click()
    page.locator("main form[method=post] button[type=submit]").click()


def provider_log_in(page, provider, login: str) -> None:
    """The provider's own log-in form (any password)."""
    page.wait_for_url(re.compile(re.escape(provider.issuer) + r"/interaction/"))
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any-password")
    page.locator("button.login-submit").click()


def consent(page, provider) -> None:
    page.wait_for_url(re.compile(re.escape(provider.issuer) + r"/interaction/"))
    page.get_by_role("button", name="Continue").click()


def test_new_person_logs_in_by_sso_and_logs_out_of_the_provider_too(
    sso_site, company_sso, csp_page
):
    page = csp_page()
    start_sso(page, sso_site)
    provider_log_in(page, company_sso, "nina.neu@firma.example")
    consent(page, company_sso)
    page.wait_for_url(re.compile(re.escape(sso_site) + r"/"))
    page.wait_for_load_state("networkidle")
    user = User.objects.get(email="nina.neu@firma.example")
    assert list(user.groups.values_list("name", flat=True)) == [roles.LEARNER]
    assert page.locator("form[action='/accounts/logout/']").count() >= 1
    screenshot(page, "sso-new-person")
    # log out: our session and then the provider's (RP-initiated log-out)
    page.goto(f"{sso_site}/accounts/logout/")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(company_sso.issuer) + r"/session/end"))
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{sso_site}/**")
    # the next SSO click asks for the provider's log-in again (shared PC)
    start_sso(page, sso_site)
    page.wait_for_url(re.compile(re.escape(company_sso.issuer) + r"/interaction/"))
    assert page.locator("input[name=login]").is_visible()
    assert page.csp_violations == []


def test_existing_verified_person_is_logged_into_their_account(sso_site, company_sso, csp_page):
    existing = UserFactory(
        email="vera.da@firma.example", first_name="Vera", roles=[roles.LEARNER, roles.CHAMPION]
    )
    page = csp_page()
    start_sso(page, sso_site)
    provider_log_in(page, company_sso, "vera.da@firma.example")
    consent(page, company_sso)
    page.wait_for_url(re.compile(re.escape(sso_site) + r"/"))
    page.wait_for_load_state("networkidle")
    assert page.locator("form[action='/accounts/logout/']").count() >= 1
    assert User.objects.filter(email__iexact="vera.da@firma.example").count() == 1
    assert existing.socialaccount_set.filter(provider="company").exists()
    assert page.csp_violations == []


def test_unverified_email_is_not_linked_to_an_existing_account(sso_site, company_sso, csp_page):
    existing = UserFactory(email="unverified.uwe@firma.example")
    assert EmailAddress.objects.get(user=existing).verified
    page = csp_page()
    start_sso(page, sso_site)
    provider_log_in(page, company_sso, "unverified.uwe@firma.example")
    consent(page, company_sso)
    page.wait_for_url(re.compile(re.escape(sso_site) + r"/"))
    page.wait_for_load_state("networkidle")
    assert not existing.socialaccount_set.exists()
    assert page.locator("form[action='/accounts/logout/']").count() == 0
    screenshot(page, "sso-unverified-email")
    assert page.csp_violations == []


def test_consent_denied_leaves_the_person_logged_out(sso_site, company_sso, csp_page):
    page = csp_page()
    start_sso(page, sso_site)
    provider_log_in(page, company_sso, "doris.nein@firma.example")
    page.wait_for_url(re.compile(re.escape(company_sso.issuer) + r"/interaction/"))
    page.get_by_role("link", name="[ Cancel ]").click()
    page.wait_for_url(re.compile(re.escape(sso_site) + r"/"))
    page.wait_for_load_state("networkidle")
    assert not User.objects.filter(email="doris.nein@firma.example").exists()
    assert page.locator("form[action='/accounts/logout/']").count() == 0
    assert page.csp_violations == []


def test_provider_down_is_a_clear_page(sso_site, settings, csp_page):
    down = {
        "provider_id": "company",
        "name": "Firmen-Login",
        "client_id": "cx-academy",
        "secret": "x",
        "settings": {"server_url": f"http://127.0.0.1:{free_port()}"},
    }
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [down]}}
    page = csp_page()
    page.goto(f"{sso_site}/accounts/login/")
    page.get_by_role("link", name="Firmen-Login").click()
    with page.expect_response(re.compile(r"/accounts/oidc/company/login/")) as response:
        page.locator("main form[method=post] button[type=submit]").click()
    assert response.value.status == 503
    assert page.get_by_role("heading", name="Firmen-Login nicht erreichbar").is_visible()
    screenshot(page, "sso-provider-down")
    assert page.csp_violations == []
