"""Invitations, domain sign-up, required MFA, company SSO, personal data, audit, CSP."""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
import responses

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from accounts import services
from accounts.factories import UserFactory
from accounts.models import AuditEntry, Invitation, User

SIGNUP = {"password1": "Kundenfokus-2026!", "password2": "Kundenfokus-2026!"}


@pytest.mark.django_db
def test_invitation_lets_exactly_one_person_sign_up_once(client, client_as, hr_user, home_page):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail goes out after the commit
        response = client_as(hr_user).post(
            "/account/invite/", {"email": "neu@firma.example", "roles": ["Learner", "Champion"]}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.token in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="accounts.invite").exists()
    client.logout()
    assert client.get(f"/account/invite/{invitation.token}/").status_code == 302
    wrong = client.post("/accounts/signup/", {"email": "jemand@firma.example", **SIGNUP})
    assert "an die Ihre Einladung ging" in wrong.content.decode()  # German, the default
    response = client.post("/accounts/signup/", {"email": "neu@firma.example", **SIGNUP})
    assert response.status_code == 302
    user = User.objects.get(email="neu@firma.example")
    assert set(user.groups.values_list("name", flat=True)) == {"Learner", "Champion"}
    assert user.emailaddress_set.get().verified
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    client.logout()
    reused = client.get(f"/account/invite/{invitation.token}/")
    assert reused.status_code == 410 and "bereits" in reused.content.decode()


@pytest.mark.django_db
def test_expired_invitation_is_refused(client, home_page):
    invitation = Invitation.objects.create(
        email="alt@firma.example",
        token="t0ken",
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    response = client.get(f"/account/invite/{invitation.token}/")
    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()


@pytest.mark.django_db
def test_public_sign_up_is_closed_without_invitation(client, home_page, settings):
    settings.ALLOWED_SIGNUP_DOMAINS = []
    response = client.post("/accounts/signup/", {"email": "fremd@example.com", **SIGNUP})
    assert not User.objects.filter(email="fremd@example.com").exists()
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_company_domain_may_sign_up(client, home_page, settings):
    settings.ALLOWED_SIGNUP_DOMAINS = ["firma.example"]
    client.post("/accounts/signup/", {"email": "fremd@example.com", **SIGNUP})
    assert not User.objects.filter(email="fremd@example.com").exists()
    client.post("/accounts/signup/", {"email": "kollegin@firma.example", **SIGNUP})
    assert User.objects.filter(email="kollegin@firma.example").exists()


@pytest.mark.django_db
def test_csv_imported_people_are_invited(
    client_as, hr_user, home_page, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from people.factories import DepartmentFactory, LocationFactory

    DepartmentFactory(name="Service")
    LocationFactory(name="Hamburg")
    client = client_as(hr_user)
    csv = b"email,first_name,last_name,department,location\nx@firma.example,X,Y,Service,Hamburg\n"
    response = client.post("/people/import/", {"file": SimpleUploadedFile("staff.csv", csv)})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(response["Location"] + "apply/", {"invitations": "now"})
    assert Invitation.objects.filter(email="x@firma.example").exists()
    assert [m.to for m in mail.outbox] == [["x@firma.example"]]


@pytest.mark.django_db
def test_mfa_is_required_for_hr_when_configured(client_as, hr_user, learner, home_page, settings):
    from allauth.mfa.models import Authenticator

    settings.MFA_REQUIRED_ROLES = ["HR"]
    response = client_as(hr_user).get("/reports/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    assert client_as(learner).get("/").status_code == 200
    # enrol TOTP through allauth's own form, after a real (recent) log-in
    client = client_as(learner)
    client.logout()
    client.post("/accounts/login/", {"login": hr_user.email, "password": "correct-horse-42"})
    client.post("/accounts/reauthenticate/", {"password": "correct-horse-42"})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    import time

    from allauth.mfa.totp.internal.auth import hotp_value

    code = f"{hotp_value(secret, int(time.time()) // 30):06d}"
    enrol = client.post("/accounts/2fa/totp/activate/", {"code": code})
    assert enrol.status_code == 302, enrol.content.decode()[:500]
    assert Authenticator.objects.filter(user=hr_user, type=Authenticator.Type.TOTP).exists()
    assert client.get("/reports/").status_code == 200


SSO_SERVER = "https://idp.firma.example"
ACCESS = {"access_token": "at", "token_type": "Bearer", "expires_in": 300}


@pytest.fixture
def firma_sso(settings):
    """Company SSO configured as from the environment, with the provider's discovery document
    served by `responses`; `sign_in(client, token_response)` runs the log-in through allauth's
    views and returns the callback response."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "firma",
                    "name": "Firmen-Login",
                    "client_id": "cx",
                    "secret": "s3cret",
                    "settings": {"server_url": SSO_SERVER, "email_authentication": True},
                }
            ]
        }
    }
    responses.get(
        f"{SSO_SERVER}/.well-known/openid-configuration",
        json={
            "issuer": SSO_SERVER,
            "authorization_endpoint": f"{SSO_SERVER}/authorize",
            "token_endpoint": f"{SSO_SERVER}/token",
            "userinfo_endpoint": f"{SSO_SERVER}/userinfo",
            "jwks_uri": f"{SSO_SERVER}/jwks",
        },
    )

    def sign_in(client, token_response: dict, fetch_userinfo: bool = True):
        app = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"][0]
        app["settings"]["fetch_userinfo"] = fetch_userinfo
        responses.post(f"{SSO_SERVER}/token", json=token_response)
        start = client.post("/accounts/oidc/firma/login/")
        assert start.status_code == 302
        assert start["Location"].startswith(f"{SSO_SERVER}/authorize")
        state = parse_qs(urlparse(start["Location"]).query)["state"][0]
        return client.get("/accounts/oidc/firma/login/callback/", {"code": "abc", "state": state})

    return sign_in


def id_token(**claims) -> str:
    """An id_token as the provider's token endpoint returns it (received directly over TLS, so
    allauth checks issuer, audience and expiry rather than the signature)."""
    import jwt

    now = int(timezone.now().timestamp())
    payload = {"iss": SSO_SERVER, "aud": "cx", "sub": "42", "iat": now, "exp": now + 300}
    return jwt.encode(
        {**payload, **claims}, "a-provider-signing-key-of-32-bytes", algorithm="HS256"
    )


@pytest.mark.django_db
@responses.activate
def test_company_sso_logs_in_an_existing_user_by_verified_email(client, home_page, firma_sso):
    existing = UserFactory(email="lena.sso@firma.example")
    responses.get(
        f"{SSO_SERVER}/userinfo",
        json={
            "sub": "42",
            "email": "lena.sso@firma.example",
            "email_verified": True,
            "given_name": "Lena",
            "family_name": "SSO",
        },
    )
    assert "Firmen-Login" in client.get("/accounts/login/").content.decode()
    callback = firma_sso(client, ACCESS)
    assert callback.status_code == 302, callback.content.decode()[:800]
    assert int(client.session["_auth_user_id"]) == existing.pk


@pytest.mark.django_db
@responses.activate
def test_company_sso_with_the_id_token_only(client, home_page, firma_sso):
    existing = UserFactory(email="otto.sso@firma.example")
    token = id_token(email="otto.sso@firma.example", email_verified=True)
    callback = firma_sso(client, {**ACCESS, "id_token": token}, fetch_userinfo=False)
    assert callback.status_code == 302, callback.content.decode()[:800]
    assert int(client.session["_auth_user_id"]) == existing.pk
    assert not any(call.request.url.endswith("/userinfo") for call in responses.calls)


@pytest.mark.django_db
@responses.activate
def test_company_sso_refuses_an_id_token_for_another_client(client, home_page, firma_sso):
    UserFactory(email="otto.sso@firma.example")
    token = id_token(aud="another-app", email="otto.sso@firma.example", email_verified=True)
    callback = firma_sso(client, {**ACCESS, "id_token": token}, fetch_userinfo=False)
    assert callback.status_code == 401  # allauth's "log-in failed" page, not a 500
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@responses.activate
def test_sso_never_links_an_account_by_an_unverified_address(client, home_page, firma_sso):
    """An address the provider has not verified must not open someone's existing account."""
    from allauth.socialaccount.models import SocialAccount

    existing = UserFactory(email="lena.sso@firma.example")
    token = id_token(email="lena.sso@firma.example", email_verified=False)
    callback = firma_sso(client, {**ACCESS, "id_token": token}, fetch_userinfo=False)
    assert callback.status_code in (200, 302)
    assert client.session.get("_auth_user_id") != str(existing.pk)
    assert not SocialAccount.objects.filter(user=existing).exists()
    assert client.get("/account/").status_code == 302  # not logged in as anyone


@pytest.mark.django_db
@responses.activate
def test_sso_takes_a_squatted_domain_sign_up_back_from_the_squatter(
    client, home_page, firma_sso, settings
):
    """Someone signs up with ceo@firma.example (never verified, so unusable to them). When the
    real owner arrives by SSO with the provider-verified address, the account is linked to them
    and the squatter's password is wiped: only the verified owner gets in."""
    from django.test import Client

    settings.ALLOWED_SIGNUP_DOMAINS = ["firma.example"]
    password = "Kundenfokus-2026!"
    squatter = Client()
    squatter.post(
        "/accounts/signup/",
        {"email": "ceo@firma.example", "password1": password, "password2": password},
    )
    squatted = User.objects.get(email="ceo@firma.example")
    assert squatted.has_usable_password()
    assert "_auth_user_id" not in squatter.session

    token = id_token(email="ceo@firma.example", email_verified=True, sub="99")
    callback = firma_sso(client, {**ACCESS, "id_token": token}, fetch_userinfo=False)
    assert callback.status_code == 302, callback.content.decode()[:500]
    assert int(client.session["_auth_user_id"]) == squatted.pk
    squatted.refresh_from_db()
    assert not squatted.has_usable_password()
    squatter.post("/accounts/login/", {"login": "ceo@firma.example", "password": password})
    assert "_auth_user_id" not in squatter.session


@pytest.mark.django_db
def test_sso_button_hidden_when_not_configured(client, home_page, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    assert "/accounts/oidc/" not in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_personal_data_download_contains_only_my_data(client_as, learner, other_learner, tree):
    from curriculum import services as progress

    progress.complete_lesson(learner, tree.lessons[0])
    progress.complete_lesson(other_learner, tree.lessons[1])
    data = json.loads(client_as(learner).get("/account/data.json").content)
    assert data["user"]["email"] == learner.email
    assert [row["lesson"] for row in data["lessons"]] == [tree.lessons[0].title]
    csv_text = client_as(learner).get("/account/data.csv").content.decode("utf-8-sig")
    assert tree.lessons[0].title in csv_text and tree.lessons[1].title not in csv_text
    assert client_as(learner).get("/account/data.exe").status_code == 404


def test_personal_data_sections_are_registered_by_the_apps_that_store_them():
    from accounts.services import personal_data_sections

    assert [section.key for section in personal_data_sections()] == [
        "employee_profile",
        "courses",
        "assignments",
        "lessons",
        "certificates",
        "quiz_attempts",
        "reflections",
        "journey_maps",
        "cx_minute",
        "action_items",
        "observations",
        "views_of_my_results",
        "reminders",
    ]


@pytest.mark.django_db
def test_account_page_sets_the_preferred_language(client_as, learner, home_page):
    client = client_as(learner)
    response = client.post(
        "/account/", {"first_name": "Lena", "last_name": "L", "preferred_language": "en"}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.preferred_language == "en"
    client.cookies.pop("django_language", None)
    assert 'lang="en"' in client.get("/account/").content.decode()
    assert client.post("/account/", {"preferred_language": "xx"}).status_code == 400


@pytest.mark.django_db
def test_role_changes_are_audited_and_visible_to_hr(client_as, hr_user, learner):
    from django.contrib.auth.models import Group

    learner.groups.add(Group.objects.get(name="Champion"))
    entry = AuditEntry.objects.filter(
        action="accounts.roles", summary__contains=learner.email
    ).latest("created_at")
    assert "Champion" in entry.summary
    html = client_as(hr_user).get("/account/audit/?action=accounts.roles").content.decode()
    assert learner.email in html


@pytest.mark.django_db
def test_security_headers_and_csp_without_inline_script(client, home_page):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert not re.search(r"<script>(?!\s*</script>)", response.content.decode())


@pytest.mark.django_db
def test_login_rate_limit_gives_a_clear_message(client, home_page, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/5m/ip"}
    UserFactory(email="vergesslich@firma.example")
    for _ in range(3):
        response = client.post(
            "/accounts/login/", {"login": "vergesslich@firma.example", "password": "falsch"}
        )
    text = response.content.decode()
    assert response.status_code in (200, 429)
    assert "Zu viele gescheiterte Anmeldeversuche" in text


def test_invitation_usable_rules():
    assert services.INVITATION_DAYS == 14


@pytest.mark.django_db
@responses.activate
def test_hr_arriving_by_sso_sets_up_mfa_without_a_password(client, home_page, firma_sso, settings):
    import time

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import hotp_value

    from accounts import roles

    settings.MFA_REQUIRED_ROLES = [roles.HR]
    hr = UserFactory(email="hanna.hr@firma.example", roles=[roles.LEARNER, roles.HR])
    hr.set_unusable_password()
    hr.save()
    token = id_token(email=hr.email, email_verified=True)
    callback = firma_sso(client, {**ACCESS, "id_token": token}, fetch_userinfo=False)
    assert callback.status_code == 302
    # the HR report sends her to set up the second factor, which asks for no password
    assert client.get("/reports/")["Location"] == "/accounts/2fa/totp/activate/"
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200, page.get("Location")
    secret = page.context["form"].secret
    code = f"{hotp_value(secret, int(time.time()) // 30):06d}"
    assert client.post("/accounts/2fa/totp/activate/", {"code": code}).status_code == 302
    assert Authenticator.objects.filter(user=hr, type=Authenticator.Type.TOTP).exists()
    assert client.get("/reports/").status_code == 200


@pytest.mark.django_db
@responses.activate
def test_sso_sign_up_gets_the_default_learner_role(client, home_page, firma_sso):
    token = id_token(email="neu.sso@firma.example", email_verified=True, sub="77")
    callback = firma_sso(client, {**ACCESS, "id_token": token}, fetch_userinfo=False)
    assert callback.status_code == 302, callback.content.decode()[:500]
    user = User.objects.get(email="neu.sso@firma.example")
    assert list(user.groups.values_list("name", flat=True)) == ["Learner"]


@pytest.mark.django_db
def test_form_action_allows_exactly_the_configured_provider(client, home_page, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "form-action 'self';" in policy + ";"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "firma",
                    "name": "Firmen-Login",
                    "client_id": "cx",
                    "settings": {"server_url": "https://idp.firma.example/realms/cx"},
                }
            ]
        }
    }
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    form_action = next(p for p in policy.split(";") if p.strip().startswith("form-action"))
    assert form_action.split() == ["form-action", "'self'", "https://idp.firma.example"]


@pytest.mark.django_db
def test_sso_provider_unreachable_is_a_clear_page(client, home_page, settings):
    from tests.peers import free_port

    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "firma",
                    "name": "Firmen-Login",
                    "client_id": "cx",
                    "settings": {"server_url": f"http://127.0.0.1:{free_port()}"},
                }
            ]
        }
    }
    response = client.post("/accounts/oidc/firma/login/")
    assert response.status_code == 503
    assert "Firmen-Login nicht erreichbar" in response.content.decode()


INFORMAL = re.compile(r"\b(du|dich|dir|dein\w*|Du|Dich|Dir|Dein\w*|gib|bitte habe)\b")


@pytest.mark.django_db
def test_allauth_pages_say_sie_in_german_and_follow_the_browser_when_logged_out(
    client, client_as, learner, home_page
):
    from django.utils.html import strip_tags

    for path in ("/accounts/login/", "/accounts/password/reset/"):
        page = strip_tags(client.get(path, HTTP_ACCEPT_LANGUAGE="de").content.decode())
        assert not INFORMAL.search(page), (path, INFORMAL.search(page))
    reset = client.get("/accounts/password/reset/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Geben Sie unten Ihre E-Mail-Adresse ein" in reset
    english = client.get("/accounts/password/reset/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Forgotten your password?" in english.content.decode()
    assert "Accept-Language" in english["Vary"]
    logout = client_as(learner).get("/accounts/logout/").content.decode()
    assert "Möchten Sie sich wirklich abmelden?" in logout
    assert not INFORMAL.search(strip_tags(logout))


def test_invite_person_sends_the_invitation_and_audits_it(
    hr_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite_person("Neu@Firma.example", hr_user, ["Learner"])
    assert invitation.email == "neu@firma.example" and invitation.invited_by == hr_user
    assert invitation.token in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="accounts.invite")
    assert (entry.actor, entry.summary, entry.details) == (
        hr_user,
        "Invitation to neu@firma.example",
        {"roles": ["Learner"]},
    )
