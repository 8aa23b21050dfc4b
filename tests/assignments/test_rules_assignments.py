"""Assignment rules HR or a learner would notice (assignments/services.py), each named as that
behaviour: status boundaries, due dates, which people a rule reaches."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from django.utils import timezone

from assignments import services
from assignments.models import AssignmentRule, TargetKind
from assignments.services import Status, status_of

DUE = datetime.date(2026, 3, 10)


def _person(**fields):
    """An (unsaved) employee profile as the import sees it."""
    defaults = {
        "user_id": 1,
        "department_id": None,
        "location_id": None,
        "team_id": None,
        "staff_role": "",
        "hire_date": None,
        "is_active": True,
    }
    return SimpleNamespace(**{**defaults, **fields})


def test_training_due_today_is_not_yet_overdue():
    assert status_of(DUE, False, None, DUE) == Status.NOT_STARTED
    assert status_of(DUE, True, None, DUE) == Status.IN_PROGRESS
    assert status_of(DUE, False, None, DUE + datetime.timedelta(days=1)) == Status.OVERDUE


def test_completion_on_the_due_date_is_on_time_by_the_local_calendar():
    late_evening = timezone.make_aware(datetime.datetime(2026, 3, 10, 23, 30))
    assert status_of(DUE, True, late_evening, DUE) == Status.COMPLETED_ON_TIME
    # 23:30 UTC on the due date is already the next day in Berlin
    after_midnight_berlin = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)
    assert status_of(DUE, True, after_midnight_berlin, DUE) == Status.COMPLETED_LATE


def test_every_status_has_a_label():
    assert set(services.STATUS_LABELS) == set(Status)
    assert str(services.STATUS_LABELS[Status.OVERDUE]) == "Überfällig"


def test_days_after_hire_count_from_the_hire_date_or_today_when_unknown():
    rule = AssignmentRule(due_days_after_hire=30)
    today = datetime.date(2026, 5, 1)
    hired = _person(hire_date=datetime.date(2026, 4, 20))
    assert services.planned_due_date(rule, hired, today) == datetime.date(2026, 5, 20)
    assert services.planned_due_date(rule, _person(), today) == datetime.date(2026, 5, 31)
    fixed = AssignmentRule(due_date=DUE)
    assert services.planned_due_date(fixed, hired, today) == DUE


def test_a_past_due_date_gets_the_grace_period_only_when_the_rule_gives_one():
    today = datetime.date(2026, 5, 1)
    past = AssignmentRule(due_date=datetime.date(2026, 4, 30), grace_days=14)
    assert services.due_date_for(past, _person(), today) == datetime.date(2026, 5, 15)
    no_grace = AssignmentRule(due_date=datetime.date(2026, 4, 30), grace_days=0)
    assert services.due_date_for(no_grace, _person(), today) == datetime.date(2026, 4, 30)
    due_today = AssignmentRule(due_date=today, grace_days=14)
    assert services.due_date_for(due_today, _person(), today) == today  # not past: kept


def test_a_location_or_staff_role_rule_reaches_exactly_those_people():
    by_location = AssignmentRule(target_kind=TargetKind.LOCATION, location_id=7)
    matches = services.rule_matcher(by_location)
    assert matches(_person(location_id=7)) and not matches(_person(location_id=8))
    by_role = AssignmentRule(target_kind=TargetKind.STAFF_ROLE, staff_role="agent")
    matches = services.rule_matcher(by_role)
    assert matches(_person(staff_role="agent")) and not matches(_person(staff_role="lead"))


def test_a_filter_rule_needs_every_given_filter_to_hold():
    rule = AssignmentRule(
        target_kind=TargetKind.FILTERS,
        location_id=7,
        team_id=3,
        staff_role="agent",
        hired_from=datetime.date(2026, 1, 1),
        hired_until=datetime.date(2026, 6, 30),
    )
    matches = services.rule_matcher(rule)
    fits = {
        "location_id": 7,
        "team_id": 3,
        "staff_role": "agent",
        "hire_date": datetime.date(2026, 1, 1),
    }
    assert matches(_person(**fits))
    assert matches(_person(**{**fits, "hire_date": datetime.date(2026, 6, 30)}))  # both ends in
    for change in (
        {"location_id": 8},
        {"team_id": 4},
        {"staff_role": "lead"},
        {"hire_date": datetime.date(2025, 12, 31)},
        {"hire_date": datetime.date(2026, 7, 1)},
        {"hire_date": None},
    ):
        assert not matches(_person(**{**fits, **change})), change


def test_a_filter_rule_without_filters_reaches_everyone():
    matches = services.rule_matcher(AssignmentRule(target_kind=TargetKind.FILTERS))
    assert matches(_person()) and matches(_person(location_id=3, staff_role="lead"))


@pytest.mark.django_db
def test_a_department_rule_reaches_its_sub_departments_but_not_its_parent():
    from people.factories import DepartmentFactory

    parent = DepartmentFactory(name="Service")
    north = DepartmentFactory(name="Service Nord", parent=parent)
    rule = AssignmentRule(target_kind=TargetKind.DEPARTMENT, department=parent)
    matches = services.rule_matcher(rule)
    assert matches(_person(department_id=north.pk)) and matches(_person(department_id=parent.pk))
    narrow = services.rule_matcher(
        AssignmentRule(target_kind=TargetKind.DEPARTMENT, department=north)
    )
    assert not narrow(_person(department_id=parent.pk))
    filtered = services.rule_matcher(
        AssignmentRule(target_kind=TargetKind.FILTERS, department=north)
    )
    assert filtered(_person(department_id=north.pk)) and not filtered(_person())
