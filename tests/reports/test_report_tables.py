"""The HR dashboard's tables in one pass (GROUPING SETS on PostgreSQL) and its pinned queries."""

from __future__ import annotations

import datetime

import pytest

from django.db import connection

from assignments.models import Assignment
from curriculum import services as progress
from people.factories import DepartmentFactory, EmployeeProfileFactory, LocationFactory
from reports.services import DIMENSIONS, ReportFilters, dimension_tables, grouped


@pytest.fixture
def staff(tree):
    """Four people in two locations (one without), one course done, one overdue."""
    service, sales = DepartmentFactory(name="Service"), DepartmentFactory(name="Vertrieb")
    hamburg, munich = LocationFactory(name="Hamburg"), LocationFactory(name="München")
    people = [
        EmployeeProfileFactory(department=service, location=hamburg),
        EmployeeProfileFactory(department=service, location=hamburg),
        EmployeeProfileFactory(department=sales, location=munich),
        EmployeeProfileFactory(department=sales, location=None),
    ]
    for n, profile in enumerate(people):
        Assignment.objects.create(
            user=profile.user,
            course=tree.course,
            due_date=datetime.date(2020, 1, 1) if n == 1 else datetime.date(2099, 1, 1),
        )
    for lesson in tree.lessons:
        progress.complete_lesson(people[0].user, lesson)
    return {"hamburg": hamburg, "service": service}


@pytest.mark.django_db
def test_one_pass_gives_the_same_tables_as_one_query_per_dimension(staff):
    today = datetime.date(2026, 6, 1)
    for filters in [
        ReportFilters(),
        ReportFilters(location=staff["hamburg"].pk),
        ReportFilters(department=staff["service"].pk, due_to=datetime.date(2030, 1, 1)),
    ]:
        expected = {dimension: grouped(filters, dimension, today) for dimension in DIMENSIONS}
        assert dimension_tables(filters, today) == expected
    locations = {row["key"]: row for row in dimension_tables(ReportFilters(), today)["location"]}
    assert set(locations) == {"Hamburg", "München", "–"}  # "–": people without a location
    assert locations["Hamburg"] == {
        "key": "Hamburg",
        "label": "Hamburg",
        "total": 2,
        "completed": 1,
        "overdue": 1,
        "percent": 50,
        "people": 2,
    }


@pytest.mark.django_db
def test_hr_dashboard_queries_are_pinned(client_as, hr_user, staff, django_assert_num_queries):
    client = client_as(hr_user)
    client.get("/reports/")
    tables = 1 if connection.vendor == "postgresql" else len(DIMENSIONS)
    # session, user, roles, the filter form's choices (4), tables, weekly completions, quiz
    # summary, site (footer).
    with django_assert_num_queries(4 + 4 + tables + 2):
        assert client.get("/reports/").status_code == 200
