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
    unknown_hire = AssignmentRule(due_days_after_hire=30, grace_days=0)
    assert services.due_date_for(unknown_hire, _person(), today) == datetime.date(2026, 5, 31)


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


@pytest.mark.django_db
def test_a_rule_for_named_people_reaches_exactly_them():
    from accounts.factories import UserFactory

    chosen, other = UserFactory(), UserFactory()
    rule = AssignmentRule.objects.create(target_kind=TargetKind.PEOPLE, due_date=DUE)
    rule.people.set([chosen])
    matches = services.rule_matcher(rule)
    assert matches(_person(user_id=chosen.pk))
    assert not matches(_person(user_id=other.pk))


@pytest.mark.django_db
def test_mass_assignment_without_filters_reaches_every_active_person():
    from people.factories import EmployeeProfileFactory

    EmployeeProfileFactory(staff_role="service")
    EmployeeProfileFactory(staff_role="")
    EmployeeProfileFactory(is_active=False)
    assert services.count_targets() == 2


@pytest.mark.django_db
def test_mass_assignment_by_location_and_hire_date_keeps_only_those_people():
    from people.factories import EmployeeProfileFactory, LocationFactory
    from people.models import EmployeeProfile

    hamburg, berlin = LocationFactory(name="Hamburg"), LocationFactory(name="Berlin")
    early = EmployeeProfileFactory(location=hamburg, hire_date=datetime.date(2025, 1, 1))
    EmployeeProfileFactory(location=hamburg, hire_date=datetime.date(2026, 6, 1))
    EmployeeProfileFactory(location=berlin, hire_date=datetime.date(2025, 1, 1))
    everyone = EmployeeProfile.objects.all()
    chosen = services.filter_profiles(
        everyone, location=hamburg, hired_until=datetime.date(2025, 12, 31)
    )
    assert list(chosen) == [early]
    assert services.count_targets(location=hamburg) == 2
    assert services.count_targets(hired_until=datetime.date(2025, 12, 31)) == 2


@pytest.mark.django_db
def test_assignment_mails_leave_in_spaced_batches(settings):
    from outbox.models import OutboxMessage

    settings.CELERY_TASK_ALWAYS_EAGER = False  # with a worker, batches wait their turn
    settings.INVITATION_BATCH_SIZE, settings.INVITATION_BATCH_SECONDS = 2, 60
    before = timezone.now()
    services.schedule_assignment_notices([11, 12, 13, 14, 15])
    batches = list(OutboxMessage.objects.order_by("pk"))
    assert [b.payload["args"] for b in batches] == [[[11, 12]], [[13, 14]], [[15]]]
    assert {b.topic for b in batches} == {"assignment-batch"}  # how operations find them
    assert batches[0].next_attempt_at is None  # the first batch at once
    waits = [(b.next_attempt_at - before).total_seconds() for b in batches[1:]]
    assert 60 <= waits[0] < 70 and 120 <= waits[1] < 130


def _forecast_rule(tree, **fields):
    return AssignmentRule.objects.create(
        course=tree.course, target_kind=TargetKind.STAFF_ROLE, staff_role="service", **fields
    )


@pytest.mark.django_db
def test_the_import_forecast_counts_new_assignments_and_who_gets_the_grace_period(tree):
    from accounts.factories import UserFactory
    from assignments.models import Assignment

    today = datetime.date(2026, 5, 1)
    assigned = UserFactory()
    Assignment.objects.create(user=assigned, course=tree.course, due_date=DUE)
    _forecast_rule(tree, due_date=datetime.date(2026, 4, 1), grace_days=14)
    people = [
        _person(user_id=None, staff_role="service"),  # a new employee
        _person(user_id=assigned.pk, staff_role="service"),  # has the course already
        _person(user_id=None, staff_role="lead"),  # not targeted
    ]
    forecast = services.forecast_for_profiles(people, today)
    assert forecast == {"assignments": 1, "given_grace": 1, "overdue_at_once": 0}


@pytest.mark.django_db
def test_the_import_forecast_warns_of_training_overdue_at_once_without_grace(tree):
    today = datetime.date(2026, 5, 1)
    _forecast_rule(tree, due_date=datetime.date(2026, 4, 1), grace_days=0)
    _forecast_rule(tree, due_date=datetime.date(2026, 5, 1), grace_days=0)  # due today: fine
    people = [
        _person(user_id=None, staff_role="service"),
        _person(user_id=None, staff_role="service"),
    ]
    forecast = services.forecast_for_profiles(people, today)
    assert forecast == {"assignments": 4, "given_grace": 0, "overdue_at_once": 2}


@pytest.mark.django_db
def test_the_import_forecast_skips_rules_without_courses(tree):
    AssignmentRule.objects.create(
        target_kind=TargetKind.FILTERS, due_date=datetime.date(2020, 1, 1)
    )
    forecast = services.forecast_for_profiles([_person(user_id=None)], datetime.date(2026, 5, 1))
    assert forecast == {"assignments": 0, "given_grace": 0, "overdue_at_once": 0}


def _assigned_user_ids(rule) -> set[int]:
    from assignments.models import Assignment

    services.apply_rule(rule)
    return set(Assignment.objects.filter(rule=rule).values_list("user_id", flat=True))


@pytest.mark.django_db
def test_a_new_location_or_staff_role_rule_assigns_exactly_those_people(tree):
    from people.factories import EmployeeProfileFactory, LocationFactory

    hamburg = LocationFactory(name="Hamburg")
    here = EmployeeProfileFactory(location=hamburg, staff_role="lead")
    agent = EmployeeProfileFactory(staff_role="agent")
    EmployeeProfileFactory(staff_role="")
    by_location = AssignmentRule.objects.create(
        course=tree.course, target_kind=TargetKind.LOCATION, location=hamburg, due_date=DUE
    )
    assert _assigned_user_ids(by_location) == {here.user_id}
    by_role = AssignmentRule.objects.create(
        course=tree.course, target_kind=TargetKind.STAFF_ROLE, staff_role="agent", due_date=DUE
    )
    assert _assigned_user_ids(by_role) == {agent.user_id}


@pytest.mark.django_db
def test_a_new_filter_rule_assigns_only_people_meeting_every_filter(tree):
    from people.factories import EmployeeProfileFactory, LocationFactory, TeamFactory

    hamburg, team = LocationFactory(name="Hamburg"), TeamFactory(name="Kasse")
    fits = {
        "location": hamburg,
        "team": team,
        "staff_role": "agent",
        "hire_date": datetime.date(2026, 3, 1),
    }
    match = EmployeeProfileFactory(**fits)
    for change in (
        {"location": LocationFactory(name="Berlin")},
        {"team": TeamFactory(name="Lager")},
        {"staff_role": "lead"},
        {"hire_date": datetime.date(2025, 12, 31)},
        {"hire_date": datetime.date(2026, 7, 1)},
    ):
        EmployeeProfileFactory(**{**fits, **change})
    rule = AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.FILTERS,
        location=hamburg,
        team=team,
        staff_role="agent",
        hired_from=datetime.date(2026, 1, 1),
        hired_until=datetime.date(2026, 6, 30),
        due_date=DUE,
    )
    assert _assigned_user_ids(rule) == {match.user_id}


@pytest.mark.django_db
def test_a_rule_applied_for_a_given_day_counts_the_grace_period_from_that_day(tree):
    from people.factories import EmployeeProfileFactory

    person = EmployeeProfileFactory(staff_role="agent")
    rule = AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.STAFF_ROLE,
        staff_role="agent",
        due_date=datetime.date(2020, 1, 1),
        grace_days=10,
    )
    (assignment,) = services.create_rule_assignments(rule, today=datetime.date(2026, 5, 1))
    assert (assignment.user_id, assignment.due_date) == (person.user_id, datetime.date(2026, 5, 11))


@pytest.mark.django_db
def test_applying_a_rule_costs_the_same_queries_for_many_people(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from people.factories import EmployeeProfileFactory

    def queries_to_apply(people: int, role: str) -> int:
        for _ in range(people):
            EmployeeProfileFactory(staff_role=role, hire_date=datetime.date(2026, 1, 1))
        rule = AssignmentRule.objects.create(
            course=tree.course,
            target_kind=TargetKind.STAFF_ROLE,
            staff_role=role,
            due_days_after_hire=30,
        )
        with CaptureQueriesContext(connection) as captured:
            assert services.apply_rule(rule) == people
        return len(captured)

    queries_to_apply(1, "trainee")  # the first one also fills caches (locales)
    assert queries_to_apply(1, "agent") == queries_to_apply(4, "lead")


@pytest.mark.django_db
def test_hrs_search_finds_people_by_any_part_of_their_name_mail_or_job():
    from people.factories import EmployeeProfileFactory
    from people.models import EmployeeProfile

    person = EmployeeProfileFactory(
        user__first_name="Mira",
        user__last_name="Okafor",
        user__email="m.okafor@cx-academy.example",
        job_title="Teamleitung Kasse",
    )
    EmployeeProfileFactory(user__first_name="Paul", user__last_name="Weber", job_title="Lager")
    for search in ("mira", "OKAFOR", "m.okafor@", "teamleitung", "mira okafor"):
        found = services.filter_profiles(EmployeeProfile.objects.all(), search=search)
        assert list(found) == [person], search


@pytest.mark.django_db
def test_an_assignment_shows_the_progress_of_its_own_course_only(tree, learner):
    from assignments.models import Assignment
    from curriculum import services as progress
    from curriculum.factories import CoursePageFactory

    other = CoursePageFactory(parent=tree.path, slug="andere", title="Anderer Kurs")
    Assignment.objects.create(user=learner, course=tree.course, due_date=DUE)
    Assignment.objects.create(user=learner, course=other, due_date=DUE)
    progress.enrol(learner, other)
    rows = services.assignments_with_status(
        Assignment.objects.order_by("pk"), today=datetime.date(2026, 3, 1)
    )
    assert [row.status for row in rows] == [Status.NOT_STARTED, Status.IN_PROGRESS]


@pytest.mark.django_db
def test_statuses_are_those_of_the_day_asked_for(tree, learner):
    from assignments.models import Assignment

    Assignment.objects.create(user=learner, course=tree.course, due_date=DUE)
    (row,) = services.assignments_with_status(
        Assignment.objects.all(), today=DUE + datetime.timedelta(days=1)
    )
    assert row.status == Status.OVERDUE
    (row,) = services.assignments_with_status(
        Assignment.objects.all(), today=datetime.date(2026, 1, 1)
    )
    assert row.status == Status.NOT_STARTED


@pytest.mark.django_db
def test_a_dashboard_of_many_assignments_reads_them_in_one_query(
    tree, learner, other_learner, django_assert_num_queries
):
    from assignments.models import Assignment

    for user in (learner, other_learner):
        Assignment.objects.create(user=user, course=tree.course, due_date=DUE)
    with django_assert_num_queries(1):
        by_user = services.assignments_for_users([learner.pk, other_learner.pk])
        shown = [(row.user.email, row.course.title) for rows in by_user.values() for row in rows]
    assert len(shown) == 2


@pytest.mark.django_db
def test_hr_assigns_one_course_to_one_person_by_a_date_and_it_is_audited(tree, learner, hr_user):
    from accounts.models import AuditEntry

    assignment = services.assign_course(hr_user, learner, tree.course, DUE)
    assert (assignment.user, assignment.course, assignment.due_date, assignment.rule) == (
        learner,
        tree.course,
        DUE,
        None,
    )
    entry = AuditEntry.objects.get(action="assignments.assign")
    assert (entry.actor, entry.details) == (hr_user, {"assignment_id": assignment.pk})
    assert entry.summary == f"lena@cx-academy.example: {tree.course.title} by 2026-03-10"


@pytest.mark.django_db
def test_a_deactivated_person_cannot_be_assigned_a_course(tree, learner):
    from assignments.models import Assignment

    learner.is_active = False
    learner.save()
    with pytest.raises(services.AssignmentError) as refused:
        services.assign_course(None, learner, tree.course, DUE)
    assert str(refused.value.args[0]) == (
        "Diese Person ist deaktiviert; ihr kann keine Schulung zugewiesen werden."
    )
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_an_unpublished_course_cannot_be_assigned(tree, learner):
    from assignments.models import Assignment

    tree.course.unpublish()
    tree.course.refresh_from_db()
    with pytest.raises(services.AssignmentError) as refused:
        services.assign_course(None, learner, tree.course, DUE)
    assert str(refused.value.args[0]) == "Dieser Kurs ist nicht veröffentlicht."
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_a_course_cannot_be_assigned_twice_to_the_same_person(tree, learner, other_learner):
    from assignments.models import Assignment

    services.assign_course(None, learner, tree.course, DUE)
    services.assign_course(None, other_learner, tree.course, DUE)  # another person: fine
    with pytest.raises(services.AssignmentError) as refused:
        services.assign_course(None, learner, tree.course, DUE + datetime.timedelta(days=30))
    assert str(refused.value.args[0]) == "Dieser Person ist dieser Kurs bereits zugewiesen."
    assert Assignment.objects.get(user=learner).due_date == DUE


@pytest.mark.django_db
def test_overdue_means_past_its_due_date_and_not_completed(tree, learner, other_learner):
    from accounts.factories import UserFactory
    from assignments.models import Assignment
    from curriculum import services as progress

    today = datetime.date(2026, 3, 11)
    late_finisher = UserFactory()
    Assignment.objects.create(user=learner, course=tree.course, due_date=DUE)  # overdue
    Assignment.objects.create(user=other_learner, course=tree.course, due_date=today)
    Assignment.objects.create(user=late_finisher, course=tree.course, due_date=DUE)
    enrolment = progress.enrol(late_finisher, tree.course)
    enrolment.completed_at = timezone.make_aware(datetime.datetime(2026, 3, 11, 9))
    enrolment.save()
    rows = services.with_progress(Assignment.objects.all())
    overdue = rows.filter(services.overdue_q(today))
    assert list(overdue.values_list("user_id", flat=True)) == [learner.pk]


@pytest.mark.django_db
def test_the_import_forecast_still_counts_rules_after_one_that_reaches_nobody(tree):
    AssignmentRule.objects.create(target_kind=TargetKind.FILTERS, due_date=DUE)  # no course
    _forecast_rule(tree, due_date=datetime.date(2026, 6, 1))
    AssignmentRule.objects.create(
        course=tree.course, target_kind=TargetKind.STAFF_ROLE, staff_role="lead", due_date=DUE
    )  # nobody in the import is a lead
    people = [_person(user_id=None, staff_role="service")]
    forecast = services.forecast_for_profiles(people, datetime.date(2026, 5, 1))
    assert forecast == {"assignments": 1, "given_grace": 0, "overdue_at_once": 0}


@pytest.mark.django_db
def test_the_import_forecast_counts_each_path_course_a_known_employee_still_lacks(tree):
    from accounts.factories import UserFactory
    from assignments.models import Assignment
    from curriculum.factories import CoursePageFactory

    second = CoursePageFactory(parent=tree.path, slug="zweiter-kurs", title="Zweiter Kurs")
    has_first, has_second, has_neither = UserFactory(), UserFactory(), UserFactory()
    Assignment.objects.create(user=has_first, course=tree.course, due_date=DUE)
    Assignment.objects.create(user=has_second, course=second, due_date=DUE)
    AssignmentRule.objects.create(
        learning_path=tree.path,
        target_kind=TargetKind.STAFF_ROLE,
        staff_role="service",
        due_date=datetime.date(2026, 6, 1),
    )
    people = [
        _person(user_id=user.pk, staff_role="service")
        for user in (has_first, has_second, has_neither)
    ]
    forecast = services.forecast_for_profiles(people, datetime.date(2026, 5, 1))
    assert forecast == {"assignments": 4, "given_grace": 0, "overdue_at_once": 0}


@pytest.mark.django_db
def test_the_import_forecast_counts_days_after_hire_from_the_hire_date_or_today(tree):
    _forecast_rule(tree, due_days_after_hire=30, grace_days=0)
    people = [
        _person(user_id=None, staff_role="service", hire_date=datetime.date(2026, 1, 1)),
        _person(user_id=None, staff_role="service"),  # hire date unknown: from today
        _person(user_id=None, staff_role="service", hire_date=datetime.date(2026, 4, 20)),
    ]
    forecast = services.forecast_for_profiles(people, datetime.date(2026, 5, 1))
    assert forecast == {"assignments": 3, "given_grace": 0, "overdue_at_once": 1}


@pytest.mark.django_db
def test_the_import_forecast_of_over_2000_known_people_sees_every_existing_assignment(tree):
    from accounts.factories import UserFactory
    from assignments.models import Assignment

    first, last = UserFactory(), UserFactory()
    for user in (first, last):
        Assignment.objects.create(user=user, course=tree.course, due_date=DUE)
    _forecast_rule(tree, due_date=datetime.date(2026, 6, 1))
    others = [_person(user_id=10**6 + n, staff_role="service") for n in range(1999)]
    people = [
        _person(user_id=first.pk, staff_role="service"),
        *others,
        _person(user_id=last.pk, staff_role="service"),  # the 2,001st
    ]
    forecast = services.forecast_for_profiles(people, datetime.date(2026, 5, 1))
    assert forecast["assignments"] == 1999


@pytest.mark.django_db
def test_the_import_forecast_reads_existing_assignments_once_per_rule(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _forecast_rule(tree, due_date=datetime.date(2026, 6, 1))
    today = datetime.date(2026, 5, 1)

    def queries_for(people: int) -> int:
        known = [_person(user_id=n + 1, staff_role="service") for n in range(people)]
        with CaptureQueriesContext(connection) as captured:
            assert services.forecast_for_profiles(known, today)["assignments"] == people
        return len(captured)

    queries_for(1)  # the first one also fills caches (locales)
    assert queries_for(1) == queries_for(3) <= 5


@pytest.mark.django_db
def test_hrs_rule_list_shows_newest_first_how_many_each_assigned_in_one_query(
    tree, django_assert_num_queries
):
    from accounts.factories import UserFactory
    from assignments.models import Assignment
    from people.factories import DepartmentFactory, LocationFactory, TeamFactory

    older = AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.FILTERS,
        department=DepartmentFactory(name="Service"),
        location=LocationFactory(name="Hamburg"),
        team=TeamFactory(name="Kasse"),
        due_date=DUE,
    )
    for user in (UserFactory(), UserFactory()):
        Assignment.objects.create(user=user, course=tree.course, rule=older, due_date=DUE)
    newer = AssignmentRule.objects.create(
        learning_path=tree.path, target_kind=TargetKind.FILTERS, due_date=DUE
    )
    with django_assert_num_queries(1):
        shown = [
            (
                rule.pk,
                rule.assignment_count,
                rule.course and rule.course.title,
                rule.learning_path and rule.learning_path.title,
                rule.department and rule.department.name,
                rule.location and rule.location.name,
                rule.team and rule.team.name,
            )
            for rule in services.rules_with_counts()
        ]
    assert shown == [
        (newer.pk, 0, None, tree.path.title, None, None, None),
        (older.pk, 2, tree.course.title, None, "Service", "Hamburg", "Kasse"),
    ]


@pytest.mark.django_db
def test_a_rule_for_over_2000_people_assigns_each_missing_person_exactly_once(tree):
    from accounts.models import User
    from assignments.models import Assignment
    from people.models import EmployeeProfile

    users = User.objects.bulk_create(
        User(email=f"person-{n}@cx-academy.example") for n in range(2002)
    )
    EmployeeProfile.objects.bulk_create(EmployeeProfile(user=user) for user in users)
    for user in (users[0], users[-1]):  # the first and the last already have the course
        Assignment.objects.create(user=user, course=tree.course, due_date=DUE)
    rule = AssignmentRule.objects.create(
        course=tree.course, target_kind=TargetKind.FILTERS, due_date=DUE
    )
    everyone = EmployeeProfile.objects.order_by("pk")
    created = services.create_rule_assignments(rule, everyone, today=datetime.date(2026, 1, 1))
    assert len(created) == 2000
    assigned = Assignment.objects.filter(rule=rule).values_list("user_id", flat=True)
    assert sorted(assigned) == [user.pk for user in users[1:-1]]


@pytest.mark.django_db
def test_a_rule_applied_to_chosen_people_assigns_only_them(tree):
    from assignments.models import Assignment
    from people.factories import EmployeeProfileFactory
    from people.models import EmployeeProfile

    chosen, _other = (EmployeeProfileFactory(staff_role="agent") for _ in range(2))
    rule = AssignmentRule.objects.create(
        course=tree.course, target_kind=TargetKind.STAFF_ROLE, staff_role="agent", due_date=DUE
    )
    assert services.apply_rule(rule, EmployeeProfile.objects.filter(pk=chosen.pk)) == 1
    assert list(Assignment.objects.values_list("user_id", flat=True)) == [chosen.user_id]


@pytest.mark.django_db
def test_a_rule_applied_while_someone_assigns_the_same_course_does_not_fail(tree, monkeypatch):
    from assignments.models import Assignment
    from people.factories import EmployeeProfileFactory

    person = EmployeeProfileFactory(staff_role="agent")
    rule = AssignmentRule.objects.create(
        course=tree.course, target_kind=TargetKind.STAFF_ROLE, staff_role="agent", due_date=DUE
    )
    planned = services.due_date_for

    def assigned_meanwhile(rule, profile, today=None):
        # another request assigns the course between this apply's check and its insert
        Assignment.objects.create(user_id=profile.user_id, course=tree.course, due_date=today)
        return planned(rule, profile, today)

    monkeypatch.setattr(services, "due_date_for", assigned_meanwhile)
    services.create_rule_assignments(rule, today=datetime.date(2026, 1, 1))
    (kept,) = Assignment.objects.filter(user=person.user)
    assert (kept.rule, kept.due_date) == (None, datetime.date(2026, 1, 1))


@pytest.mark.django_db
def test_people_saved_by_an_import_get_each_rule_targeting_them_once_and_counted(tree):
    from assignments.models import Assignment
    from curriculum.factories import CoursePageFactory
    from people.factories import EmployeeProfileFactory

    agent, known, lead = (EmployeeProfileFactory(staff_role=r) for r in ("agent", "agent", "lead"))
    Assignment.objects.create(user=known.user, course=tree.course, due_date=DUE)
    leading = CoursePageFactory(parent=tree.path, slug="fuehren", title="Führen")

    def staff_rule(role: str, course=tree.course, **fields) -> AssignmentRule:
        return AssignmentRule.objects.create(
            course=course, target_kind=TargetKind.STAFF_ROLE, staff_role=role, **fields
        )

    staff_rule("trainee", due_date=DUE)  # reaches nobody of the import
    rule = staff_rule("agent", due_date=datetime.date(2025, 12, 1), grace_days=10)
    staff_rule("trainee", due_date=DUE)
    staff_rule("lead", course=leading, due_date=DUE)
    import_day = datetime.date(2026, 1, 1)
    created = services.apply_rules_to_profiles([agent, known, lead], import_day)
    assert created == 2
    (assigned,) = Assignment.objects.filter(user=agent.user)
    assert (assigned.rule, assigned.due_date) == (rule, datetime.date(2026, 1, 11))
    assert Assignment.objects.filter(user=known.user).count() == 1
    assert list(Assignment.objects.filter(user=lead.user).values_list("course", flat=True)) == [
        leading.pk
    ]


@pytest.mark.django_db
def test_an_import_while_someone_assigns_the_same_course_does_not_fail(tree, monkeypatch):
    from assignments.models import Assignment
    from people.factories import EmployeeProfileFactory

    person = EmployeeProfileFactory(staff_role="agent")
    AssignmentRule.objects.create(
        course=tree.course, target_kind=TargetKind.STAFF_ROLE, staff_role="agent", due_date=DUE
    )
    planned = services.due_date_for

    def assigned_meanwhile(rule, profile, today=None):
        # another request assigns the course between the import's check and its insert
        Assignment.objects.create(user_id=profile.user_id, course=tree.course, due_date=today)
        return planned(rule, profile, today)

    monkeypatch.setattr(services, "due_date_for", assigned_meanwhile)
    services.apply_rules_to_profiles([person], datetime.date(2026, 1, 1))
    (kept,) = Assignment.objects.filter(user=person.user)
    assert (kept.rule, kept.due_date) == (None, datetime.date(2026, 1, 1))


@pytest.mark.django_db
def test_an_import_loads_every_rule_with_its_course_or_path_at_once(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for role in ("agent", "lead", "trainee"):
        AssignmentRule.objects.create(
            course=tree.course, target_kind=TargetKind.STAFF_ROLE, staff_role=role, due_date=DUE
        )
    AssignmentRule.objects.create(
        learning_path=tree.path, target_kind=TargetKind.STAFF_ROLE, staff_role="agent", due_date=DUE
    )
    services.RuleBook()  # the first one also fills caches (locales)
    with CaptureQueriesContext(connection) as captured:
        book = services.RuleBook()
    assert [courses for _rule, courses, _matches in book.entries] == [[tree.course]] * 4
    assert len(captured) == 1  # the rules with courses and paths (a path's courses: cached)
