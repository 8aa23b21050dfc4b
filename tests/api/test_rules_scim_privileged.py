"""An identity provider (SCIM) manages learners and champions, never the people who run
CX Academy: administrators, HR and editors keep their name, address and access."""

from __future__ import annotations

import pytest

from accounts.factories import UserFactory
from accounts.models import User

from .test_scim import GROUP, PATCH, USER

pytestmark = pytest.mark.django_db


def _scim_id(scim, email: str) -> str:
    found = scim.call("get", f'/Users?filter=userName eq "{email}"').json()
    assert found["totalResults"] == 1, found
    return found["Resources"][0]["id"]


def _replacement(email: str) -> dict:
    return {
        "schemas": [USER],
        "userName": email,
        "name": {"givenName": "Renamed", "familyName": "ByIdP"},
        "active": False,
    }


@pytest.fixture
def privileged(hr_user, editor):
    staff = UserFactory(email="ops@cx-academy.example", is_staff=True)
    return {"hr": hr_user, "editor": editor, "staff": staff}


@pytest.mark.parametrize("who", ["hr", "editor", "staff"])
def test_the_idp_cannot_rename_readdress_or_deactivate_a_privileged_account(scim, privileged, who):
    person = privileged[who]
    before = (person.email, person.first_name, person.last_name, person.is_active)
    scim_id = _scim_id(scim, person.email)

    replaced = scim.call("put", f"/Users/{scim_id}", _replacement("new.address@cx-academy.example"))
    patched = scim.call(
        "patch",
        f"/Users/{scim_id}",
        {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]},
    )
    deleted = scim.call("delete", f"/Users/{scim_id}")

    for response in (replaced, patched, deleted):
        assert response.status_code == 403, response.content
        body = response.json()
        assert body["status"] == "403"
        assert body["scimType"] == "mutability"
        assert "only an administrator" in body["detail"]
    person.refresh_from_db()
    assert (person.email, person.first_name, person.last_name, person.is_active) == before


def test_the_idp_still_manages_learners_and_champions(scim, learner, champion):
    for person in (learner, champion):
        scim_id = _scim_id(scim, person.email)
        replaced = scim.call("put", f"/Users/{scim_id}", _replacement(person.email))
        assert replaced.status_code == 200, replaced.content
        person.refresh_from_db()
        assert person.first_name == "Renamed" and not person.is_active


def test_the_people_import_and_scim_protect_the_same_accounts(privileged, learner, champion):
    from accounts.permissions import accounts_protected_from, is_protected_from_provisioning

    hr_colleague = privileged["hr"]
    protected_from_hr = accounts_protected_from(hr_colleague)
    for person in User.objects.all():
        assert (person.pk in protected_from_hr) == is_protected_from_provisioning(person)
    assert {privileged["editor"].pk, privileged["staff"].pk, hr_colleague.pk} <= protected_from_hr
    assert learner.pk not in protected_from_hr and champion.pk not in protected_from_hr


def test_a_group_change_cannot_move_a_privileged_account_between_departments(
    scim, privileged, learner
):
    from people.models import Department, EmployeeProfile

    hr_colleague = privileged["hr"]
    service = Department.objects.create(name="Kundenservice")
    EmployeeProfile.objects.update_or_create(user=hr_colleague, defaults={"department": service})
    group = scim.call("get", '/Groups?filter=displayName eq "Kundenservice"').json()["Resources"][0]
    hr_id, learner_id = _scim_id(scim, hr_colleague.email), _scim_id(scim, learner.email)
    body = {"schemas": [GROUP], "displayName": "Kundenservice"}

    # keeping the HR colleague where an administrator put them and adding a learner is fine
    kept = scim.call(
        "put",
        f"/Groups/{group['id']}",
        {**body, "members": [{"value": hr_id}, {"value": learner_id}]},
    )
    assert kept.status_code == 200, kept.content
    # taking them out of the department is not
    removed = scim.call(
        "put", f"/Groups/{group['id']}", {**body, "members": [{"value": learner_id}]}
    )
    assert removed.status_code == 403 and removed.json()["scimType"] == "mutability"
    assert hr_colleague.email in removed.json()["detail"]
    # nor moving them into another department
    other = scim.call(
        "post",
        "/Groups",
        {"schemas": [GROUP], "displayName": "Vertrieb", "members": [{"value": hr_id}]},
    )
    assert other.status_code == 403, other.content
    # nor deleting their department
    deleted = scim.call("delete", f"/Groups/{group['id']}")
    assert deleted.status_code == 403, deleted.content
    hr_colleague.employee.refresh_from_db()
    assert hr_colleague.employee.department == service
    assert not Department.objects.filter(name="Vertrieb").exists()
