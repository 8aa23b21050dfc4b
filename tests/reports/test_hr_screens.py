"""HR screens from issue #15: employee count, person page, employee export, drill-down with
links, sort and completion date, thousands separators."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from accounts.factories import UserFactory
from assignments.models import Assignment
from curriculum import services as progress
from people.factories import DepartmentFactory, EmployeeProfileFactory, LocationFactory


@pytest.fixture
def data(tree):
    service = DepartmentFactory(name="Service")
    hamburg = LocationFactory(name="Hamburg")
    done = EmployeeProfileFactory(
        department=service,
        location=hamburg,
        user__last_name="Albers",
        hire_date=datetime.date(2024, 3, 1),
    )
    late = EmployeeProfileFactory(department=service, location=hamburg, user__last_name="Zeller")
    Assignment.objects.create(
        user=done.user, course=tree.course, due_date=datetime.date(2099, 1, 1)
    )
    Assignment.objects.create(
        user=late.user, course=tree.course, due_date=datetime.date(2020, 1, 1)
    )
    for lesson in tree.lessons:
        progress.complete_lesson(done.user, lesson)
    return {"done": done, "late": late, "tree": tree}


@pytest.mark.django_db
def test_employee_list_counts_links_to_the_person_and_exports(client_as, hr_user, data):
    client = client_as(hr_user)
    html = client.get("/people/").content.decode()
    assert 'data-count="2"' in html and "2 Personen" in html
    assert f'href="/reports/person/{data["done"].user.pk}/"' in html
    assert "export=xlsx" in html and "Excel-Datei (XLSX)" in html
    response = client.get("/people/?q=Albers&export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    rows = list(sheet.values)
    assert rows[0][:3] == ("Nachname", "Vorname", "E-Mail")
    assert len(rows) == 2 and rows[1][0] == "Albers"
    assert rows[1][9] == datetime.datetime(2024, 3, 1)  # a real date, not text
    csv = client.get("/people/?export=csv")
    assert b"".join(csv.streaming_content).decode("utf-8-sig").count("\n") == 3


@pytest.mark.django_db
def test_person_page_shows_that_persons_training(client_as, hr_user, data):
    done = data["done"].user
    html = client_as(hr_user).get(f"/reports/person/{done.pk}/").content.decode()
    assert done.display_name in html and data["tree"].course.title in html
    assert "Abgeschlossen am" in html and "Zertifikate" in html
    late = data["late"].user
    html = client_as(hr_user).get(f"/reports/person/{late.pk}/").content.decode()
    assert "Überfällig" in html


@pytest.mark.django_db
def test_person_page_and_employee_export_are_for_hr_only(client, client_as, data, hr_user):
    url = f"/reports/person/{data['done'].user.pk}/"
    for roles in (["Learner"], ["Learner", "Champion"], ["Learner", "Editor"]):
        user = UserFactory(roles=roles)
        assert client_as(user).get(url).status_code == 403
        assert client_as(user).get("/people/?export=csv").status_code == 403
    assert client_as(hr_user).post(url).status_code == 405
    assert client_as(hr_user).get("/reports/person/99999999/").status_code == 404
    assert client_as(hr_user).get("/reports/person/99999999999999999999/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
def test_drill_down_links_sorts_and_shows_completion_date(client_as, hr_user, data):
    client = client_as(hr_user)
    html = client.get("/reports/location/people/?value=Hamburg&sort=name").content.decode()
    assert html.index("Albers") < html.index("Zeller")
    assert 'aria-sort="ascending"' in html and "sort=-name" in html
    assert f'href="/reports/person/{data["late"].user.pk}/"' in html
    assert "2 Zuweisungen" in html and "Abgeschlossen am" in html
    html = client.get("/reports/location/people/?value=Hamburg&sort=-name").content.decode()
    assert html.index("Zeller") < html.index("Albers")
    assert client.get("/reports/location/people/?value=Hamburg&sort=evil").status_code == 200


@pytest.mark.django_db
def test_big_numbers_get_thousands_separators(client_as, hr_user, data, monkeypatch):
    from reports import services

    monkeypatch.setattr(
        services,
        "totals_of",
        lambda rows: {"total": 12345, "completed": 1234, "overdue": 1000, "percent": 10},
    )
    html = client_as(hr_user).get("/reports/").content.decode()
    assert 'data-stat="total">12.345<' in html and 'data-stat="completed">1.234<' in html


@pytest.mark.django_db
def test_person_page_hides_training_when_the_policy_hides_individual_progress(
    client_as, hr_user, data, privacy_settings
):
    """Regression (#21 review): the person page showed assignments, courses and certificates
    although HR may only see aggregates; the employee list linked to it."""
    from accounts.models import ResultView

    privacy_settings(hr_individual_progress=False)
    done = data["done"].user
    certificate = done.certificates.get()
    client = client_as(hr_user)
    response = client.get(f"/reports/person/{done.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert done.display_name in html and done.email in html  # who they are: master data
    assert 'data-privacy="individual-hidden"' in html
    assert data["tree"].course.title not in html and certificate.code not in html
    assert "Zertifikate" not in html and "Abgeschlossen am" not in html
    assert not ResultView.objects.filter(subject=done).exists()  # nothing was seen
    employees = client.get("/people/").content.decode()
    assert "/reports/person/" not in employees and done.display_name in employees

    privacy_settings(hr_individual_progress=True)
    html = client.get(f"/reports/person/{done.pk}/").content.decode()
    assert certificate.code in html and data["tree"].course.title in html
    assert ResultView.objects.filter(subject=done, viewer=hr_user).count() == 1
    assert f'href="/reports/person/{done.pk}/"' in client.get("/people/").content.decode()


@pytest.mark.django_db
def test_person_page_under_a_strict_policy_is_still_for_hr_only(
    client, client_as, data, hr_user, privacy_settings
):
    """Each role, GET and POST: only HR opens it, whatever the policy; nobody's view logged."""
    from accounts.models import ResultView

    privacy_settings(hr_individual_progress=False, manager_individual_progress=True)
    person = data["done"].user
    manager = UserFactory(roles=["Learner"])
    data["done"].manager = manager
    data["done"].save()
    url = f"/reports/person/{person.pk}/"
    for roles in (["Learner"], ["Learner", "Champion"], ["Learner", "Editor"]):
        user = UserFactory(roles=roles)
        assert client_as(user).get(url).status_code == 403
        assert client_as(user).post(url).status_code == 405  # a page to read, never a form
    # their manager may see their progress on My team, but this is HR's page
    assert client_as(manager).get(url).status_code == 403
    assert client_as(hr_user).get(url).status_code == 200
    assert client_as(hr_user).post(url).status_code == 405
    client.logout()
    assert client.get(url).status_code == 302 and client.post(url).status_code == 405
    assert not ResultView.objects.exists()
