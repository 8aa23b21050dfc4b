"""Assignment rules → per-person assignments, and their status."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum

from django.db import transaction
from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import audit
from core.pages import default_language_page
from curriculum.models import CoursePage
from curriculum.services import path_courses
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


def overdue_q(today: datetime.date) -> Q:
    """The status rule's "overdue" as a filter on rows annotated by `with_progress`."""
    return Q(completed_at__isnull=True, due_date__lt=today)


COMPLETED_Q = Q(completed_at__isnull=False)  # "completed", on time or late, as a filter


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


def with_status(rows: Iterable, today: datetime.date | None = None) -> Iterator:
    """Yield assignment rows (annotated by `with_progress`) with `status` and `status_label`;
    a queryset is read in chunks, so a report over many rows stays small in memory."""
    today = today or timezone.localdate()
    for row in rows.iterator(chunk_size=2000) if isinstance(rows, QuerySet) else rows:
        row.status = status_of(row.due_date, row.started_at is not None, row.completed_at, today)
        row.status_label = STATUS_LABELS[row.status]
        yield row


def assignments_with_status(assignments: QuerySet, today: datetime.date | None = None) -> list:
    """Assignments with a `status` attribute, in one query."""
    return list(
        with_status(list(with_progress(assignments).select_related("course", "user")), today)
    )


def assignments_for_users(user_ids: Iterable[int]) -> dict[int, list]:
    """{user id: [assignments with status]} for dashboards (one query)."""
    result: dict[int, list] = {}
    for row in assignments_with_status(
        Assignment.objects.filter(user_id__in=list(user_ids)).order_by("due_date")
    ):
        result.setdefault(row.user_id, []).append(row)
    return result


def assignment_statuses_for_users(user_ids: Iterable[int]) -> dict[int, list[dict]]:
    """{user id: [{course_title, due_date, status, status_label}]}, soonest due first, for
    overviews of many people that show only the course's title (one query, no page objects)."""
    today = timezone.localdate()
    result: dict[int, list[dict]] = {}
    for row in (
        with_progress(Assignment.objects.filter(user_id__in=list(user_ids)))
        .values(
            "user_id", "due_date", "started_at", "completed_at", course_title=F("course__title")
        )
        .order_by("due_date", "pk")
    ):
        status = status_of(
            row["due_date"], row["started_at"] is not None, row["completed_at"], today
        )
        row["status"], row["status_label"] = status, STATUS_LABELS[status]
        result.setdefault(row["user_id"], []).append(row)
    return result


def rule_courses(rule: AssignmentRule) -> list[CoursePage]:
    """The (German) courses a rule assigns."""
    if rule.course_id:
        return [default_language_page(rule.course)]
    if rule.learning_path_id:
        return [
            default_language_page(c)
            for c in path_courses(default_language_page(rule.learning_path))
        ]
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
    if rule.target_kind == TargetKind.STAFF_ROLE:
        return profiles.filter(staff_role=rule.staff_role)
    return filter_profiles(
        profiles,
        department=rule.department,
        location=rule.location,
        team=rule.team,
        staff_role=rule.staff_role,
        hired_from=rule.hired_from,
        hired_until=rule.hired_until,
    )


def filter_profiles(
    profiles: QuerySet,
    *,
    department=None,
    location=None,
    team=None,
    staff_role: str = "",
    hired_from: datetime.date | None = None,
    hired_until: datetime.date | None = None,
    search: str = "",
) -> QuerySet:
    """Mass assignment's choice of people: every given filter must hold."""
    if department is not None:
        profiles = profiles.filter(department_id__in=department_with_children(department))
    if location is not None:
        profiles = profiles.filter(location=location)
    if team is not None:
        profiles = profiles.filter(team=team)
    if staff_role:
        profiles = profiles.filter(staff_role=staff_role)
    if hired_from:
        profiles = profiles.filter(hire_date__gte=hired_from)
    if hired_until:
        profiles = profiles.filter(hire_date__lte=hired_until)
    for word in search.split():
        profiles = profiles.filter(
            Q(user__email__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(job_title__icontains=word)
        )
    return profiles


def rule_matcher(rule: AssignmentRule) -> Callable[[EmployeeProfile], bool]:
    """The rule's target as a test on (possibly unsaved) profiles: evaluate many in memory."""
    kind = rule.target_kind
    if kind == TargetKind.PEOPLE:
        people = set(rule.people.values_list("pk", flat=True))
        return lambda p: p.user_id in people
    departments = set(department_with_children(rule.department)) if rule.department_id else None
    if kind == TargetKind.DEPARTMENT:
        return lambda p: p.department_id in departments
    if kind == TargetKind.LOCATION:
        return lambda p: p.location_id == rule.location_id
    if kind == TargetKind.STAFF_ROLE:
        return lambda p: p.staff_role == rule.staff_role

    def matches(p: EmployeeProfile) -> bool:
        return (
            (departments is None or p.department_id in departments)
            and (not rule.location_id or p.location_id == rule.location_id)
            and (not rule.team_id or p.team_id == rule.team_id)
            and (not rule.staff_role or p.staff_role == rule.staff_role)
            and (not rule.hired_from or (p.hire_date and p.hire_date >= rule.hired_from))
            and (not rule.hired_until or (p.hire_date and p.hire_date <= rule.hired_until))
        )

    return matches


def planned_due_date(
    rule: AssignmentRule, profile: EmployeeProfile, today: datetime.date
) -> datetime.date:
    """The due date before the grace period: absolute, or N days after hire (today if unknown)."""
    if rule.due_days_after_hire is not None:
        start = profile.hire_date or today
        return start + datetime.timedelta(days=rule.due_days_after_hire)
    return rule.due_date


def due_date_for(
    rule: AssignmentRule, profile: EmployeeProfile, today: datetime.date | None = None
) -> datetime.date:
    """Due date of a new assignment: a date already past becomes today + the rule's grace days."""
    today = today or timezone.localdate()
    due = planned_due_date(rule, profile, today)
    if due < today and rule.grace_days:
        return today + datetime.timedelta(days=rule.grace_days)
    return due


@transaction.atomic
def apply_rule(rule: AssignmentRule, profiles: QuerySet | None = None) -> int:
    """Create the missing assignments of a rule (idempotent); returns how many were created."""
    return len(create_rule_assignments(rule, profiles))


def create_rule_assignments(
    rule: AssignmentRule, profiles: QuerySet | None = None, today: datetime.date | None = None
) -> list[Assignment]:
    """The new assignments of a rule for its targets (or the given profiles), in bulk."""
    today = today or timezone.localdate()
    courses = rule_courses(rule)
    targets = list(
        (profiles if profiles is not None else rule_profiles(rule)).only(
            "pk", "user_id", "hire_date"
        )
    )
    new: list[Assignment] = []
    for start in range(0, len(targets), 2000):
        chunk = targets[start : start + 2000]
        existing = set(
            Assignment.objects.filter(
                user_id__in=[p.user_id for p in chunk], course__in=courses
            ).values_list("user_id", "course_id")
        )
        new.extend(
            Assignment(
                user_id=p.user_id, course=course, rule=rule, due_date=due_date_for(rule, p, today)
            )
            for p in chunk
            for course in courses
            if (p.user_id, course.pk) not in existing
        )
    Assignment.objects.bulk_create(new, batch_size=2000, ignore_conflicts=True)
    return new


def count_targets(**filters) -> int:
    """How many active people a mass assignment with these filters reaches (shown first)."""
    return filter_profiles(EmployeeProfile.objects.filter(is_active=True), **filters).count()


class RuleBook:
    """Every rule with its courses and target test, loaded once for a whole import."""

    def __init__(self) -> None:
        self.rules = list(AssignmentRule.objects.select_related("course", "learning_path"))
        self.entries = [(rule, rule_courses(rule), rule_matcher(rule)) for rule in self.rules]


def apply_rules_to_profiles(
    profiles: list[EmployeeProfile], today: datetime.date, book: RuleBook | None = None
) -> int:
    """Every rule for a batch of saved profiles: one existing-check and one insert per rule."""
    book = book or RuleBook()
    created = 0
    for rule, courses, matches in book.entries:
        targets = [p for p in profiles if p.is_active and matches(p)]
        if not targets or not courses:
            continue
        existing = set(
            Assignment.objects.filter(
                user_id__in=[p.user_id for p in targets], course__in=courses
            ).values_list("user_id", "course_id")
        )
        new = [
            Assignment(
                user_id=p.user_id, course=course, rule=rule, due_date=due_date_for(rule, p, today)
            )
            for p in targets
            for course in courses
            if (p.user_id, course.pk) not in existing
        ]
        Assignment.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
    return created


def forecast_for_profiles(profiles: list[EmployeeProfile], today: datetime.date) -> dict:
    """What the rules would do for these (unsaved) profiles: new assignments, how many would
    have been overdue and got the grace period, how many are overdue at once."""
    book = RuleBook()
    result = {"assignments": 0, "given_grace": 0, "overdue_at_once": 0}
    for rule, courses, matches in book.entries:
        targets = [p for p in profiles if matches(p)]
        if not targets or not courses:
            continue
        existing: set = set()
        target_ids = [p.user_id for p in targets if p.user_id]
        for start in range(0, len(target_ids), 2000):
            existing |= set(
                Assignment.objects.filter(
                    user_id__in=target_ids[start : start + 2000], course__in=courses
                ).values_list("user_id", "course_id")
            )
        for p in targets:
            for course in courses:
                if p.user_id and (p.user_id, course.pk) in existing:
                    continue
                result["assignments"] += 1
                if planned_due_date(rule, p, today) < today:
                    key = "given_grace" if rule.grace_days else "overdue_at_once"
                    result[key] += 1
    return result


@transaction.atomic
def create_rule(actor, *, people: Iterable = (), **fields) -> tuple[AssignmentRule, int]:
    """HR's new assignment rule, applied at once and audited, all or nothing; returns the rule
    and how many assignments it created (future hires get it through `apply_rules_to_employee`)."""
    creator = actor if getattr(actor, "is_authenticated", False) else None
    rule = AssignmentRule.objects.create(created_by=creator, **fields)
    rule.people.set(people)
    created = apply_rule(rule)
    audit.record(
        actor, "assignments.rule_created", f"{rule}: {created} assignments", rule_id=rule.pk
    )
    return rule, created


def apply_rules_to_employee(profile: EmployeeProfile) -> int:
    """A new or changed employee gets every rule that targets them."""
    return apply_rules_to_profiles([profile], timezone.localdate())


@transaction.atomic
@transaction.atomic
def create_rule_for_targets(rule: AssignmentRule, filters: dict, actor=None) -> list[Assignment]:
    """Mass assignment: save the rule, assign it to the people the filters (or search) find,
    audit it, and e-mail each new assignee after the commit. Returns the new assignments."""
    rule.created_by = actor if getattr(actor, "is_authenticated", False) else None
    rule.save()
    profiles = None
    if rule.target_kind == TargetKind.PEOPLE:
        profiles = filter_profiles(EmployeeProfile.objects.filter(is_active=True), **filters)
        rule.people.add(*profiles.values_list("user_id", flat=True))
    created = create_rule_assignments(rule, profiles)
    schedule_assignment_notices([a.pk for a in created if a.pk is not None] or _new_ids(rule))
    audit.record(
        actor, "assignments.rule_created", f"{rule}: {len(created)} assignments", rule_id=rule.pk
    )
    return created


def rules_with_counts() -> QuerySet[AssignmentRule]:
    """HR's list of assignment rules, newest first, each with how many assignments it made."""
    return (
        AssignmentRule.objects.select_related(
            "course", "learning_path", "department", "location", "team"
        )
        .annotate(assignment_count=Count("assignments"))
        .order_by("-created_at")
    )


def _new_ids(rule: AssignmentRule) -> list[int]:
    """Ids of a rule's assignments on backends whose bulk insert returns no ids."""
    return list(Assignment.objects.filter(rule=rule).values_list("pk", flat=True))


def schedule_assignment_notices(assignment_ids: list[int]) -> None:
    """E-mail assignees in batches (one mail per person), written to the outbox in this
    transaction and sent after the commit, even if the broker is down at that moment."""
    from django.conf import settings

    from outbox.services import enqueue_task

    size, pause = settings.INVITATION_BATCH_SIZE, settings.INVITATION_BATCH_SECONDS
    for number, start in enumerate(range(0, len(assignment_ids), size)):
        batch = assignment_ids[start : start + size]
        enqueue_task(
            "assignments.tasks.send_assignment_notices",
            key=f"assigned:{batch[0]}-{batch[-1]}:{len(batch)}",
            args=[batch],
            delay=number * pause,
            topic="assignment-batch",
        )


class AssignmentError(ValueError):
    """Why an assignment cannot be created (a message for the person or system that asked)."""


@transaction.atomic
def assign_course(actor, user, course: CoursePage, due_date: datetime.date) -> Assignment:
    """One person must complete one course by a date (HR's API or screen); audited."""
    course = default_language_page(course)
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
