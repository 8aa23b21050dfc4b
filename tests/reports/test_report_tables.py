"""The HR dashboard's tables in one pass (GROUPING SETS on PostgreSQL) and its pinned queries."""

from __future__ import annotations

import datetime

import pytest

from django.db import connection

from assignments.models import Assignment
from curriculum import services as progress
from curriculum.factories import CoursePageFactory
from people.factories import (
    DepartmentFactory,
    EmployeeProfileFactory,
    LocationFactory,
    TeamFactory,
)
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
def test_people_are_counted_once_where_two_teams_or_two_courses_share_a_name(tree):
    """Two teams called "Nord" (in two departments) make one row, as do two courses with the
    same title; someone assigned both courses is one person of that row, not two."""
    today = datetime.date(2026, 6, 1)
    service, sales = DepartmentFactory(name="Service"), DepartmentFactory(name="Vertrieb")
    north_service = TeamFactory(name="Nord", department=service)
    north_sales = TeamFactory(name="Nord", department=sales)
    twin = CoursePageFactory(parent=tree.path, slug="cx-grundlagen-2", title=tree.course.title)
    both = EmployeeProfileFactory(department=service, team=north_service)
    other = EmployeeProfileFactory(department=sales, team=north_sales)
    for course in (tree.course, twin):
        Assignment.objects.create(user=both.user, course=course, due_date=datetime.date(2020, 1, 1))
    Assignment.objects.create(user=other.user, course=twin, due_date=datetime.date(2099, 1, 1))

    tables = dimension_tables(ReportFilters(), today)

    assert tables == {
        dimension: grouped(ReportFilters(), dimension, today) for dimension in DIMENSIONS
    }
    expected = {"total": 3, "completed": 0, "overdue": 2, "people": 2, "percent": 0}
    (team,) = tables["team"]
    assert {"key": "Nord", **expected}.items() <= team.items()
    (course,) = tables["course"]
    assert {"key": tree.course.title, **expected}.items() <= course.items()
    departments = {row["key"]: (row["total"], row["people"]) for row in tables["department"]}
    assert departments == {"Service": (2, 1), "Vertrieb": (1, 1)}


@pytest.mark.django_db
def test_hr_dashboard_queries_are_pinned(client_as, hr_user, staff, django_assert_num_queries):
    client = client_as(hr_user)
    client.get("/reports/")
    tables = 1 if connection.vendor == "postgresql" else len(DIMENSIONS)
    # session, user, roles, the filter form's choices (4), tables, weekly completions, quiz
    # summary, site (footer).
    with django_assert_num_queries(4 + 4 + tables + 2):
        assert client.get("/reports/").status_code == 200
