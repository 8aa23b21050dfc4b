"""Assignment rules → per-person assignments, and their status."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from enum import StrEnum

from django.db import transaction
from django.db.models import F, FilteredRelation, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import audit
from curriculum.models import CoursePage
from curriculum.services import original, path_courses
from people.models import EmployeeProfile
from people.services import department_with_children

from .models import Assignment, AssignmentRule, TargetKind


class Status(StrEnum):
    """Where a person stands with one assigned course."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED_ON_TIME = "completed_on_time"
    COMPLETED_LATE = "completed_late"
    OVERDUE = "overdue"


STATUS_LABELS = {
    Status.NOT_STARTED: _("Not started"),
    Status.IN_PROGRESS: _("In progress"),
    Status.COMPLETED_ON_TIME: _("Completed (on time)"),
    Status.COMPLETED_LATE: _("Completed (late)"),
    Status.OVERDUE: _("Overdue"),
}


def status_of(due_date: datetime.date, started: bool, completed_at, today: datetime.date) -> Status:
    """The status rule in one place."""
    if completed_at is not None:
        completed_day = timezone.localdate(completed_at)
        return Status.COMPLETED_ON_TIME if completed_day <= due_date else Status.COMPLETED_LATE
    if due_date < today:
        return Status.OVERDUE
    return Status.IN_PROGRESS if started else Status.NOT_STARTED


def with_progress(assignments: QuerySet) -> QuerySet:
    """Annotate assignments with their learner's enrolment start and completion (one query).

    A LEFT JOIN on the (user, course) enrolment, not a subquery per row: reports aggregate
    these columns over hundreds of thousands of assignments."""
    return assignments.annotate(
        enrolment=FilteredRelation(
            "user__course_enrolments", condition=Q(user__course_enrolments__course=F("course"))
        ),
        started_at=F("enrolment__started_at"),
        completed_at=F("enrolment__completed_at"),
    )


def assignments_with_status(assignments: QuerySet, today: datetime.date | None = None) -> list:
    """Assignments with a `status` attribute, in one query."""
    today = today or timezone.localdate()
    rows = list(with_progress(assignments).select_related("course", "user"))
    for row in rows:
        row.status = status_of(row.due_date, row.started_at is not None, row.completed_at, today)
        row.status_label = STATUS_LABELS[row.status]
    return rows


def assignments_for_users(user_ids: Iterable[int]) -> dict[int, list]:
    """{user id: [assignments with status]} for dashboards (one query)."""
    result: dict[int, list] = {}
    for row in assignments_with_status(
        Assignment.objects.filter(user_id__in=list(user_ids)).order_by("due_date")
    ):
        result.setdefault(row.user_id, []).append(row)
    return result


def rule_courses(rule: AssignmentRule) -> list[CoursePage]:
    """The (German) courses a rule assigns."""
    if rule.course_id:
        return [original(rule.course)]
    if rule.learning_path_id:
        return [original(c) for c in path_courses(original(rule.learning_path))]
    return []


def rule_profiles(rule: AssignmentRule) -> QuerySet:
    """Active employee profiles a rule targets."""
    profiles = EmployeeProfile.objects.filter(is_active=True)
    if rule.target_kind == TargetKind.PEOPLE:
        return profiles.filter(user__in=rule.people.all())
    if rule.target_kind == TargetKind.DEPARTMENT:
        return profiles.filter(department_id__in=department_with_children(rule.department))
    if rule.target_kind == TargetKind.LOCATION:
        return profiles.filter(location=rule.location)
    return profiles.filter(staff_role=rule.staff_role)


def due_date_for(rule: AssignmentRule, profile: EmployeeProfile) -> datetime.date:
    """Absolute due date, or N days after the person's hire date (today if unknown)."""
    if rule.due_days_after_hire is not None:
        start = profile.hire_date or timezone.localdate()
        return start + datetime.timedelta(days=rule.due_days_after_hire)
    return rule.due_date


@transaction.atomic
def apply_rule(rule: AssignmentRule, profiles: QuerySet | None = None) -> int:
    """Create the missing assignments of a rule (idempotent); returns how many were created."""
    courses = rule_courses(rule)
    targets = list(
        (profiles if profiles is not None else rule_profiles(rule)).select_related("user")
    )
    existing = set(
        Assignment.objects.filter(
            user_id__in=[p.user_id for p in targets], course__in=courses
        ).values_list("user_id", "course_id")
    )
    new = [
        Assignment(user_id=p.user_id, course=course, rule=rule, due_date=due_date_for(rule, p))
        for p in targets
        for course in courses
        if (p.user_id, course.pk) not in existing
    ]
    Assignment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def apply_rules_to_employee(profile: EmployeeProfile) -> int:
    """A new or changed employee gets every rule that targets them."""
    created = 0
    for rule in AssignmentRule.objects.all():
        if rule_profiles(rule).filter(pk=profile.pk).exists():
            created += apply_rule(rule, EmployeeProfile.objects.filter(pk=profile.pk))
    return created


class AssignmentError(ValueError):
    """Why an assignment cannot be created (a message for the person or system that asked)."""


@transaction.atomic
def assign_course(actor, user, course: CoursePage, due_date: datetime.date) -> Assignment:
    """One person must complete one course by a date (HR's API or screen); audited."""
    course = original(course)
    if not user.is_active:
        raise AssignmentError(_("This person is deactivated and cannot be assigned training."))
    if not course.live:
        raise AssignmentError(_("This course is not published."))
    if Assignment.objects.filter(user=user, course=course).exists():
        raise AssignmentError(_("This person already has this course assigned."))
    assignment = Assignment.objects.create(user=user, course=course, due_date=due_date)
    audit.record(
        actor,
        "assignments.assign",
        f"{user.email}: {course.title} by {due_date:%Y-%m-%d}",
        assignment_id=assignment.pk,
    )
    return assignment
