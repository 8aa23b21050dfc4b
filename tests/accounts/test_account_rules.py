"""Who may hand out which role; a company-domain sign-up must prove its address first."""

from __future__ import annotations

import re

import pytest

from django.core import mail

from accounts import services
from accounts.factories import UserFactory
from accounts.models import Invitation, User

SIGNUP = {"password1": "Kundenfokus-2026!", "password2": "Kundenfokus-2026!"}


@pytest.mark.django_db
def test_hr_cannot_invite_with_a_role_above_its_own(client_as, hr_user, home_page):
    """Regression: HR invited outsiders with the HR or editor role."""
    client = client_as(hr_user)
    for roles in (["HR"], ["Editor"], ["Learner", "HR"]):
        response = client.post("/account/invite/", {"email": "aussen@example.com", "roles": roles})
        assert response.status_code == 400, roles
    assert not Invitation.objects.exists()
    page = client.get("/account/invite/").content.decode()
    assert 'value="Champion"' in page and 'value="HR"' not in page and 'value="Editor"' not in page
    with pytest.raises(services.InvitationError):
        services.invite("aussen@example.com", hr_user, ["Editor"])
    ok = client.post("/account/invite/", {"email": "neu@firma.example", "roles": ["Champion"]})
    assert ok.status_code == 302
    assert Invitation.objects.get().roles == ["Champion"]


@pytest.mark.django_db
def test_an_administrator_may_hand_out_every_role(client_as, home_page):
    admin = UserFactory(is_superuser=True, is_staff=True)
    response = client_as(admin).post(
        "/account/invite/", {"email": "hr2@firma.example", "roles": ["HR", "Editor"]}
    )
    assert response.status_code == 302
    assert sorted(Invitation.objects.get().roles) == ["Editor", "HR"]


@pytest.mark.django_db
def test_domain_sign_up_must_verify_the_address_before_the_first_log_in(
    client, home_page, settings, django_capture_on_commit_callbacks
):
    """Anyone may type ceo@firma.example: the account is of no use until the link in the mail to
    that address is opened."""
    settings.ALLOWED_SIGNUP_DOMAINS = ["firma.example"]
    with django_capture_on_commit_callbacks(execute=True):  # the mail leaves via the outbox
        response = client.post("/accounts/signup/", {"email": "ceo@firma.example", **SIGNUP})
    assert response.status_code == 302 and "confirm-email" in response["Location"]
    user = User.objects.get(email="ceo@firma.example")
    assert "_auth_user_id" not in client.session
    assert not user.emailaddress_set.filter(verified=True).exists()
    login = client.post(
        "/accounts/login/", {"login": "ceo@firma.example", "password": SIGNUP["password1"]}
    )
    assert "_auth_user_id" not in client.session
    assert login.status_code == 302 and "confirm-email" in login["Location"]
    assert client.get("/").status_code == 200 and client.get("/account/").status_code == 302
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    assert mail.outbox[-1].to == ["ceo@firma.example"]
    path = "/" + link.split("/", 3)[3]
    client.post(path)
    client.post("/accounts/login/", {"login": "ceo@firma.example", "password": SIGNUP["password1"]})
    assert client.session["_auth_user_id"] == str(user.pk)
