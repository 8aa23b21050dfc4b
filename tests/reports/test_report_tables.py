"""The HR dashboard's tables in one pass (GROUPING SETS on PostgreSQL) and its pinned queries."""

from __future__ import annotations

import datetime

import pytest

from django.core.cache import cache
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
    # session, user, site (footer), the filter form's choices (4), tables, weekly completions,
    # quiz summary: the first time these filters are asked for …
    with django_assert_num_queries(3 + 4 + tables + 2):
        assert client.get("/reports/?due_to=2099-12-31").status_code == 200
    # … then the figures come from the cache, whatever the number of tables.
    with django_assert_num_queries(4 + 3):
        assert client.get("/reports/?due_to=2099-12-31").status_code == 200


@pytest.mark.django_db
def test_hr_sees_when_the_figures_were_computed_and_new_data_within_minutes(
    client_as, hr_user, staff, tree, privacy_settings
):
    from django.utils import timezone

    from reports import services

    privacy_settings(min_group_size=1)
    client = client_as(hr_user)
    first = client.get("/reports/?due_to=2099-12-31")
    as_of = timezone.localtime(first.context["as_of"]).strftime("%H:%M")
    assert f"Stand der Zahlen: {as_of} Uhr" in first.content.decode()
    assert "höchstens alle 5 Minuten" in first.content.decode()
    assert first.context["totals"]["total"] == 4
    newcomer = EmployeeProfileFactory()
    Assignment.objects.create(
        user=newcomer.user, course=tree.course, due_date=datetime.date(2099, 1, 1)
    )
    # within the stated minutes the figures are those computed before …
    assert client.get("/reports/?due_to=2099-12-31").context["totals"]["total"] == 4
    # … other filters are computed on their own, and once the figures expire the new
    # assignment counts
    assert client.get("/reports/").context["totals"]["total"] == 5
    assert services.FIGURES_SECONDS == 5 * 60
    cache.clear()  # as when the entry expires
    assert client_as(hr_user).get("/reports/?due_to=2099-12-31").context["totals"]["total"] == 5


@pytest.mark.django_db
def test_a_stricter_privacy_minimum_hides_cached_figures_at_once(
    client_as, hr_user, staff, privacy_settings
):
    privacy_settings(min_group_size=1)
    client = client_as(hr_user)
    assert not client.get("/reports/").context["totals"]["suppressed"]
    privacy_settings(min_group_size=50)
    assert client.get("/reports/").context["totals"]["suppressed"]
