"""HR's organisation screens: nested departments, locations, teams; create, edit, merge,
deactivate, with search and filters."""

from __future__ import annotations

import pytest

from assignments.models import AssignmentRule, TargetKind
from people.factories import DepartmentFactory, EmployeeProfileFactory, LocationFactory, TeamFactory
from people.models import Department, Location, Team


@pytest.mark.django_db
def test_hr_creates_edits_and_searches_nested_departments(client_as, hr_user, home_page):
    client = client_as(hr_user)
    assert (
        client.post("/people/organisation/departments/new/", {"name": "Service"}).status_code == 302
    )
    service = Department.objects.get(name="Service")
    response = client.post(
        "/people/organisation/departments/new/", {"name": "Service Nord", "parent": service.pk}
    )
    assert response.status_code == 302
    child = Department.objects.get(name="Service Nord")
    assert child.parent == service
    # a department cannot sit below its own child
    loop = client.post(
        f"/people/organisation/departments/{service.pk}/", {"name": "Service", "parent": child.pk}
    )
    assert loop.status_code == 400
    listing = client.get("/people/organisation/departments/", {"q": "nord"}).content.decode()
    assert "Service Nord" in listing and ">Service</a>" not in listing
    duplicate = client.post("/people/organisation/departments/new/", {"name": "Service"})
    assert duplicate.status_code == 400


@pytest.mark.django_db
def test_deactivated_units_are_kept_and_filtered(client_as, hr_user, home_page):
    location = LocationFactory(name="Bremen")
    person = EmployeeProfileFactory(location=location)
    client = client_as(hr_user)
    client.post(f"/people/organisation/locations/{location.pk}/active/", {"active": "0"})
    location.refresh_from_db()
    person.refresh_from_db()
    assert not location.is_active and person.location == location
    inactive = client.get("/people/organisation/locations/", {"status": "inactive"})
    assert "Bremen" in inactive.content.decode()
    active = client.get("/people/organisation/locations/", {"status": "active"})
    assert "Bremen" not in active.content.decode()


@pytest.mark.django_db
def test_merge_moves_people_teams_children_and_rules(client_as, hr_user, tree):
    old, new = DepartmentFactory(name="Filiale Nord"), DepartmentFactory(name="Region Nord")
    child = DepartmentFactory(name="Filiale Nord Kasse", parent=old)
    team = TeamFactory(name="Kasse", department=old)
    twin_source = TeamFactory(name="Lager", department=old)
    twin_target = TeamFactory(name="Lager", department=new)
    person = EmployeeProfileFactory(department=old, team=twin_source)
    rule = AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.DEPARTMENT,
        department=old,
        grace_days=0,
        due_date="2030-01-01",
    )
    client = client_as(hr_user)
    into_child = client.post(
        f"/people/organisation/departments/{old.pk}/merge/", {"target": child.pk}
    )
    assert into_child.status_code == 400
    response = client.post(f"/people/organisation/departments/{old.pk}/merge/", {"target": new.pk})
    assert response.status_code == 302
    assert not Department.objects.filter(pk=old.pk).exists()
    person.refresh_from_db()
    assert person.department == new and person.team == twin_target
    assert Department.objects.get(pk=child.pk).parent == new
    assert Team.objects.get(pk=team.pk).department == new
    rule.refresh_from_db()
    assert rule.department == new


@pytest.mark.django_db
def test_only_hr_reaches_the_organisation(client_as, learner, champion, editor, home_page):
    location = Location.objects.create(name="Köln")
    for user in (learner, champion, editor):
        client = client_as(user)
        assert client.get("/people/organisation/locations/").status_code == 403
        assert client.post("/people/organisation/locations/new/", {"name": "X"}).status_code == 403
        merge = client.post(
            f"/people/organisation/locations/{location.pk}/active/", {"active": "0"}
        )
        assert merge.status_code == 403
    assert Location.objects.get(pk=location.pk).is_active
    assert not Location.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_unknown_kind_and_huge_ids_are_not_found(client_as, hr_user, home_page):
    client = client_as(hr_user)
    assert client.get("/people/organisation/planets/").status_code == 404
    assert client.get(f"/people/organisation/teams/{2**64}/").status_code == 404
    assert client.get(f"/people/import/{2**64}/").status_code == 404


@pytest.mark.django_db
def test_every_change_to_the_organisation_is_audited_by_the_service(hr_user):
    """Creating, changing, deactivating and merging units leave audit entries whoever calls the
    service (HR's screens, a command, an API), each naming the kind of unit."""
    from django.utils import translation

    from accounts.models import AuditEntry
    from people import services

    north = Location(name="Nord")
    with translation.override("de"):  # the summary names the kind of unit in German
        services.save_unit(north, hr_user)
        north.name = "Nordost"
        services.save_unit(north, hr_user)
    services.set_unit_active(north, False, hr_user)
    north_id = north.pk  # gone after the merge
    south = LocationFactory(name="Süd")
    EmployeeProfileFactory(location=north)
    assert services.merge_units(north, south, hr_user) == 1
    organisation = AuditEntry.objects.filter(action__startswith="organisation.").order_by("pk")
    entries = list(organisation.values_list("action", "summary", "details"))
    assert [(action, summary) for action, summary, _details in entries] == [
        ("organisation.created", "Standort: Nord"),
        ("organisation.changed", "Standort: Nordost"),
        ("organisation.deactivated", "Nordost"),
        ("organisation.merged", "Nordost → Süd"),
    ]
    assert entries[0][2] == {"kind": "locations", "unit_id": north_id}
    assert entries[3][2] == {"kind": "locations", "moved": 1}
    assert set(organisation.values_list("actor", flat=True)) == {hr_user.pk}
