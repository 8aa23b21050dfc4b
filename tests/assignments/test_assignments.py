"""Assignment rules, status rules, reminders and digests."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from django.core import mail
from django.test import TestCase
from django.utils import timezone

from accounts.models import AuditEntry
from assignments.models import Assignment, AssignmentRule, TargetKind
from assignments.services import (
    Status,
    apply_rule,
    assignments_with_status,
    create_rule,
    create_rule_for_targets,
    status_of,
    with_status,
)
from assignments.tasks import send_due_reminders, send_weekly_digests
from curriculum import services as progress
from people.factories import DepartmentFactory, EmployeeProfileFactory


@pytest.fixture
def service_department(db):
    parent = DepartmentFactory(name="Kundenservice")
    return DepartmentFactory(name="Kundenservice Nord", parent=parent)


def test_status_rules():
    due = datetime.date(2026, 3, 10)
    today = datetime.date(2026, 3, 5)
    on_time = timezone.make_aware(datetime.datetime(2026, 3, 10, 12))
    late = timezone.make_aware(datetime.datetime(2026, 3, 11, 9))
    assert status_of(due, False, None, today) == Status.NOT_STARTED
    assert status_of(due, True, None, today) == Status.IN_PROGRESS
    assert status_of(due, True, None, datetime.date(2026, 3, 11)) == Status.OVERDUE
    assert status_of(due, True, on_time, datetime.date(2026, 4, 1)) == Status.COMPLETED_ON_TIME
    assert status_of(due, True, late, datetime.date(2026, 4, 1)) == Status.COMPLETED_LATE


@pytest.mark.django_db
def test_days_after_hire_rule_applies_to_a_future_hire(tree, service_department):
    rule = AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.DEPARTMENT,
        department=service_department.parent,
        due_days_after_hire=30,
        grace_days=0,  # a due date in the past stays (no grace period)
    )
    apply_rule(rule)
    assert not Assignment.objects.exists()
    hire = EmployeeProfileFactory(
        department=service_department, hire_date=datetime.date(2026, 5, 1)
    )
    assignment = Assignment.objects.get(user=hire.user)  # sub-department counts, created on save
    assert assignment.due_date == datetime.date(2026, 5, 31)
    assert apply_rule(rule) == 0  # idempotent


@pytest.mark.django_db
def test_learning_path_rule_assigns_every_course(tree, service_department):
    from curriculum.factories import CoursePageFactory

    CoursePageFactory(parent=tree.path, slug="zweiter-kurs", title="Zweiter Kurs")
    person = EmployeeProfileFactory(department=service_department)
    rule = AssignmentRule.objects.create(
        learning_path=tree.path, target_kind=TargetKind.PEOPLE, due_date=datetime.date(2026, 12, 1)
    )
    rule.people.add(person.user)
    assert apply_rule(rule) == 2


@pytest.mark.django_db
def test_late_completion_shows_as_completed_late(tree, service_department):
    person = EmployeeProfileFactory(department=service_department)
    Assignment.objects.create(
        user=person.user, course=tree.course, due_date=datetime.date(2026, 1, 10)
    )
    with time_machine.travel(datetime.datetime(2026, 1, 20, 10, tzinfo=datetime.UTC)):
        for lesson in tree.lessons:
            progress.complete_lesson(person.user, lesson)
        (row,) = assignments_with_status(Assignment.objects.all())
    assert row.status == Status.COMPLETED_LATE


@pytest.mark.django_db
def test_reminders_are_sent_once_per_reason_and_day_in_the_users_language(
    tree, service_department, django_capture_on_commit_callbacks
):
    today = datetime.date(2026, 6, 1)
    english = EmployeeProfileFactory(department=service_department)
    english.user.preferred_language = "en"
    english.user.save()
    german = EmployeeProfileFactory(department=service_department)
    Assignment.objects.create(
        user=english.user, course=tree.course, due_date=today + datetime.timedelta(days=7)
    )
    Assignment.objects.create(
        user=german.user, course=tree.course, due_date=today - datetime.timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders.delay(today.isoformat()).get() == 2
        assert send_due_reminders.delay(today.isoformat()).get() == 0  # second run: nothing new
    assert len(mail.outbox) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[english.user.email].subject.startswith("Due in 7 days")
    assert by_recipient[german.user.email].subject.startswith("Überfällig")
    # next day neither is due for a reminder (3 days overdue -> next at 7)
    assert send_due_reminders.delay((today + datetime.timedelta(days=1)).isoformat()).get() == 0


def reminder_days(cadence, due: datetime.date, days: int) -> list[int]:
    """Days relative to `due` (from 10 before to `days` after) on which a reminder goes out."""
    return [
        offset
        for offset in range(-10, days + 1)
        if cadence.reason(due, due + datetime.timedelta(days=offset)) is not None
    ]


def test_reminder_cadence_respects_people(settings):
    from assignments.tasks import Cadence

    due = datetime.date(2026, 6, 10)
    cadence = Cadence.from_settings()
    assert reminder_days(cadence, due, 60) == [-7, -1, 0, 1, 3, 7, 14, 21, 28, 35, 42, 49, 56]
    assert cadence.escalates(due, due + datetime.timedelta(days=14))
    assert not cadence.escalates(due, due + datetime.timedelta(days=15))
    # configurable: no weekly repeats, escalation after 5 days, one reminder 3 days before
    settings.REMINDER_DAYS_BEFORE_DUE = [3]
    settings.REMINDER_DAYS_AFTER_DUE = [2]
    settings.REMINDER_WEEKLY_AFTER_DUE = False
    settings.REMINDER_ESCALATE_AFTER_DAYS = 5
    cadence = Cadence.from_settings()
    assert reminder_days(cadence, due, 60) == [-3, 0, 2]
    assert cadence.escalates(due, due + datetime.timedelta(days=5))


@pytest.mark.django_db
def test_overdue_training_two_years_ago_is_not_reminded_daily(tree, service_department):
    person = EmployeeProfileFactory(department=service_department)
    due = datetime.date(2024, 6, 1)
    Assignment.objects.create(user=person.user, course=tree.course, due_date=due)
    sent = sum(
        send_due_reminders.delay(
            (datetime.date(2026, 6, 1) + datetime.timedelta(days=d)).isoformat()
        ).get()
        for d in range(14)
    )
    assert sent == 2  # weekly, not 14 times


@pytest.mark.django_db
def test_manager_is_told_once_after_the_escalation_delay(
    tree, service_department, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_ESCALATE_AFTER_DAYS = 10
    manager = EmployeeProfileFactory(department=service_department)
    manager.user.preferred_language = "en"
    manager.user.save()
    report = EmployeeProfileFactory(department=service_department, manager=manager.user)
    due = datetime.date(2026, 6, 1)
    Assignment.objects.create(user=report.user, course=tree.course, due_date=due)
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(0, 20):
            send_due_reminders.delay((due + datetime.timedelta(days=day)).isoformat()).get()
    to_manager = [m for m in mail.outbox if m.to == [manager.user.email]]
    assert len(to_manager) == 1
    assert "is overdue with" in to_manager[0].subject and tree.course.title in to_manager[0].body
    assert "10 days ago" in to_manager[0].body


@pytest.mark.django_db
def test_weekly_digest_goes_to_the_manager(
    tree, service_department, django_capture_on_commit_callbacks
):
    manager = EmployeeProfileFactory(department=service_department)
    report = EmployeeProfileFactory(department=service_department, manager=manager.user)
    Assignment.objects.create(
        user=report.user, course=tree.course, due_date=datetime.date(2020, 1, 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_weekly_digests.delay("2026-06-01").get() == 1
        assert send_weekly_digests.delay("2026-06-01").get() == 1  # run again: no second mail
    (message,) = mail.outbox
    assert message.to == [manager.user.email]
    assert str(report.user) in message.body and tree.course.title in message.body
    assert "1" in message.subject


@pytest.mark.django_db
def test_hr_sees_the_count_then_assigns_a_department(client_as, hr_user, tree, service_department):
    people = [
        EmployeeProfileFactory(department=service_department, user__preferred_language=language)
        for language in ("de", "en")
    ]
    EmployeeProfileFactory()  # elsewhere
    client = client_as(hr_user)
    data = {
        "course": tree.course.pk,
        "department": service_department.parent.pk,
        "due_date": "2026-12-31",
        "grace_days": 14,
    }
    first = client.post("/assignments/", data)
    assert first.status_code == 200
    assert "2 Personen erhalten diese Schulung" in first.content.decode()
    assert not Assignment.objects.exists()  # nothing before the confirmation
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/assignments/", {**data, "confirm": "on"})
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("user_id", flat=True)) == {p.user_id for p in people}
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        f"Neue Pflichtschulung: {tree.course.title}",
        f"New mandatory training: {tree.course.title}",
    ]
    page = client.get("/assignments/").content.decode()
    assert "Abteilung Kundenservice (mit Unterabteilungen)" in page  # readable, German
    assert "2 Personen zugewiesen" in page
    bad = client.post("/assignments/", {"department": service_department.pk})
    assert bad.status_code == 400


@pytest.mark.django_db
def test_mass_assignment_by_search_team_role_and_hire_date(client_as, hr_user, tree):
    from people.factories import TeamFactory

    team = TeamFactory(name="Kasse")
    early = EmployeeProfileFactory(
        team=team, staff_role="service", hire_date=datetime.date(2025, 1, 1)
    )
    late = EmployeeProfileFactory(
        team=team, staff_role="service", hire_date=datetime.date(2026, 6, 1)
    )
    EmployeeProfileFactory(team=team, staff_role="management", hire_date=datetime.date(2026, 6, 1))
    client = client_as(hr_user)
    count = client.get(
        "/assignments/count/",
        {"team": team.pk, "staff_role": "service", "hired_from": "2026-01-01"},
    )
    assert "1 Person" in count.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            "/assignments/",
            {
                "course": tree.course.pk,
                "search": late.user.last_name,
                "due_date": "2026-12-31",
                "grace_days": 0,
                "confirm": "on",
            },
        )
    rule = AssignmentRule.objects.get()
    assert rule.target_kind == TargetKind.PEOPLE
    assert list(Assignment.objects.values_list("user_id", flat=True)) == [late.user_id]
    assert early.user_id not in set(rule.people.values_list("pk", flat=True))


@pytest.mark.django_db
def test_grace_period_moves_a_past_due_date(tree, service_department):
    person = EmployeeProfileFactory(department=service_department)
    rule = AssignmentRule.objects.create(
        course=tree.course,
        target_kind=TargetKind.FILTERS,
        department=service_department,
        due_date=datetime.date(2020, 1, 1),
        grace_days=21,
    )
    apply_rule(rule)
    assert Assignment.objects.get(user=person.user).due_date == (
        timezone.localdate() + datetime.timedelta(days=21)
    )


@pytest.mark.django_db
def test_learner_sees_assignments_on_home(client_as, learner, tree):
    Assignment.objects.create(user=learner, course=tree.course, due_date=datetime.date(2020, 1, 1))
    html = client_as(learner).get("/").content.decode()
    assert tree.course.title in html and "badge-danger" in html


@pytest.mark.django_db
def test_create_rule_applies_at_once_and_is_audited(tree, hr_user):
    people = [EmployeeProfileFactory().user for _ in range(2)]
    rule, created = create_rule(
        hr_user,
        course=tree.course,
        target_kind=TargetKind.PEOPLE,
        due_date=datetime.date(2026, 12, 1),
        people=people,
    )
    assert created == 2 and rule.created_by == hr_user
    assert set(Assignment.objects.values_list("user_id", flat=True)) == {p.pk for p in people}
    entry = AuditEntry.objects.get(action="assignments.rule_created")
    assert (entry.actor, entry.details) == (hr_user, {"rule_id": rule.pk})


@pytest.mark.django_db
def test_mass_assignment_by_filters_is_audited_by_the_service(tree, hr_user, service_department):
    """The audit entry is written by the service, so every caller (not only HR's form) leaves one."""
    for _ in range(3):
        EmployeeProfileFactory(department=service_department)
    EmployeeProfileFactory()  # elsewhere: not assigned, not counted
    rule = AssignmentRule(
        course=tree.course,
        target_kind=TargetKind.FILTERS,
        department=service_department,
        due_date=datetime.date(2026, 12, 1),
    )
    created = create_rule_for_targets(rule, {"department": service_department}, hr_user)
    assert len(created) == 3
    entry = AuditEntry.objects.get(action="assignments.rule_created")
    assert (entry.actor, entry.details) == (hr_user, {"rule_id": rule.pk})
    assert entry.summary.endswith(": 3 assignments")


@pytest.mark.django_db
def test_with_status_is_the_rule_the_reports_use(tree, learner):
    from assignments.services import with_progress

    due = datetime.date(2026, 3, 10)
    Assignment.objects.create(user=learner, course=tree.course, due_date=due)
    rows = with_progress(Assignment.objects.all())
    (row,) = with_status(rows, today=datetime.date(2026, 3, 11))
    assert row.status == Status.OVERDUE and row.status_label == "Überfällig"
    (row,) = with_status(rows, today=datetime.date(2026, 3, 1))
    assert row.status == Status.NOT_STARTED
