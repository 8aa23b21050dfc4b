"""My team: a manager's overview of their reports' training, and what a manager may do about it
(remind overdue people, assign a course or path, export). Team membership comes from the
employee profiles' manager chain (people.services.team_user_ids); every rule is here, views only
parse, call and render."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import audit, privacy
from accounts.models import User
from core.pages import default_language_page
from curriculum.models import (
    Certificate,
    CourseEnrolment,
    CoursePage,
    LearningPathPage,
    LessonCompletion,
    LessonPage,
)
from curriculum.quiz_context import COURSE, LESSON, context_key
from curriculum.services import localized_pages, path_courses
from people.models import EmployeeProfile
from people.services import team_user_ids
from quizzes.models import Attempt

from .models import Assignment, AssignmentRule, ReminderReason, TargetKind
from .reminders import ReminderResult, plan_reminders, reminder_mail, send_reminders
from .services import (
    Status,
    create_rule_assignments,
    overdue_q,
    schedule_assignment_notices,
    with_progress,
)


class TeamStatus(StrEnum):
    """Where a team member stands with one assigned training, as a manager reads it."""

    OVERDUE = "overdue"
    EXPIRING = "expiring"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


TEAM_STATUS_LABELS = {
    TeamStatus.OVERDUE: _("Overdue"),
    TeamStatus.EXPIRING: _("Expiring"),
    TeamStatus.NOT_STARTED: _("Not started"),
    TeamStatus.IN_PROGRESS: _("In progress"),
    TeamStatus.COMPLETED: _("Completed"),
}
STATUS_ORDER = list(TeamStatus)  # most urgent first
SORTS = ("name", "status", "due", "activity")


class TeamActionError(ValueError):
    """Why a manager's action cannot be done (a message for the manager)."""


@dataclass
class TrainingRow:
    """One assigned course of one team member."""

    assignment: Assignment
    course: CoursePage
    status: TeamStatus
    due_date: datetime.date
    completed_at: datetime.datetime | None
    best_score: float | None
    certificate: Certificate | None
    is_renewal: bool
    # Quizzes of the course attempted and passed (0/0 when the privacy policy hides them).
    quizzes_taken: int = 0
    quizzes_passed: int = 0

    @property
    def status_label(self) -> str:
        return str(TEAM_STATUS_LABELS[self.status])


@dataclass
class MemberRow:
    """One team member with their trainings, certificates and last activity."""

    user: User
    profile: EmployeeProfile
    is_direct: bool
    trainings: list[TrainingRow] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    last_activity: datetime.datetime | None = None

    def count(self, status: TeamStatus) -> int:
        return sum(t.status == status for t in self.trainings)

    @property
    def overdue(self) -> int:
        return self.count(TeamStatus.OVERDUE)

    @property
    def worst_status(self) -> TeamStatus | None:
        return min((t.status for t in self.trainings), key=STATUS_ORDER.index, default=None)

    @property
    def next_due(self) -> datetime.date | None:
        open_dates = [t.due_date for t in self.trainings if t.completed_at is None]
        return min(open_dates, default=None)


@dataclass
class TeamOverview:
    """The My team page: totals over the whole team, and the (filtered, sorted) members.

    What it holds follows the managers' privacy policy (`accounts.privacy`): with individual
    progress hidden the members carry no trainings, certificates or activity, the figures come
    per course (`course_figures`, small groups suppressed), and `totals` is None when the team's
    figures would describe fewer people than the minimum group size."""

    members: list[MemberRow]
    totals: dict | None
    shown: list[MemberRow]
    policy: privacy.RolePolicy = privacy.EVERYTHING
    course_figures: list[dict] = field(default_factory=list)

    @property
    def individual(self) -> bool:
        """Whether the manager sees each person's training (else group figures only)."""
        return self.policy.individual_progress


def team_status(
    status: Status,
    certificate: Certificate | None,
    is_renewal: bool,
    today: datetime.date,
    expiring_within: int,
) -> TeamStatus:
    """The manager's status of one training: an open renewal, or a completed course whose
    certificate runs out soon, is "expiring"; an overdue one stays overdue."""
    if status == Status.OVERDUE:
        return TeamStatus.OVERDUE
    if status in (Status.COMPLETED_ON_TIME, Status.COMPLETED_LATE):
        expires = certificate.expires_on if certificate is not None else None
        if expires is not None and expires <= today + datetime.timedelta(days=expiring_within):
            return TeamStatus.EXPIRING
        return TeamStatus.COMPLETED
    if is_renewal:
        return TeamStatus.EXPIRING
    return TeamStatus.IN_PROGRESS if status == Status.IN_PROGRESS else TeamStatus.NOT_STARTED


def _status_of(row, today: datetime.date) -> Status:
    from .services import status_of

    return status_of(row.due_date, row.started_at is not None, row.completed_at, today)


def _last_activity(user_ids: list[int]) -> dict[int, datetime.datetime]:
    """{user id: latest of enrolment change, lesson completion, quiz submission} (3 queries)."""
    latest: dict[int, datetime.datetime] = {}
    sources = [
        CourseEnrolment.objects.filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(last=Max("updated_at")),
        LessonCompletion.objects.filter(user_id__in=user_ids)
        .values("user_id")
        .annotate(last=Max("completed_at")),
        Attempt.objects.filter(user_id__in=user_ids, submitted_at__isnull=False)
        .values("user_id")
        .annotate(last=Max("submitted_at")),
    ]
    for source in sources:
        for row in source.order_by():
            if row["last"] is not None and (
                row["user_id"] not in latest or row["last"] > latest[row["user_id"]]
            ):
                latest[row["user_id"]] = row["last"]
    return latest


@dataclass
class QuizResult:
    """One person's quizzes in one course: best score, quizzes attempted and passed."""

    best: float = 0.0
    taken: int = 0
    passed: int = 0


def _quiz_results(
    user_ids: list[int], courses: list[CoursePage]
) -> dict[tuple[int, int], QuizResult]:
    """{(user id, course id): their quizzes in that course} – its final exam and the knowledge
    checks of its lessons (2 queries)."""
    if not courses or not user_ids:
        return {}
    course_by_key = {context_key(COURSE, c.pk): c.pk for c in courses}
    course_by_path = {c.path: c.pk for c in courses}
    condition = Q(pk__in=[])
    for course in courses:
        condition |= Q(path__startswith=course.path, depth=course.depth + 1)
    for lesson_id, path in LessonPage.objects.filter(condition).values_list("pk", "path"):
        course_by_key[context_key(LESSON, lesson_id)] = course_by_path[path[: -LessonPage.steplen]]
    results: dict[tuple[int, int], QuizResult] = {}
    rows = (
        Attempt.objects.filter(
            user_id__in=user_ids, submitted_at__isnull=False, context_key__in=list(course_by_key)
        )
        .values("user_id", "context_key")
        .annotate(best=Max("score_percent"), passes=Count("pk", filter=Q(passed=True)))
        .order_by()
    )
    for row in rows:
        result = results.setdefault(
            (row["user_id"], course_by_key[row["context_key"]]), QuizResult()
        )
        result.best = max(result.best, float(row["best"] or 0))
        result.taken += 1
        result.passed += bool(row["passes"])
    return results


def team_overview(
    manager,
    *,
    status: str = "",
    search: str = "",
    sort: str = "name",
    today: datetime.date | None = None,
    include_indirect: bool | None = None,
) -> TeamOverview:
    """Everything the My team page shows, in a constant number of queries whatever the team's
    size: members, their trainings with status, best quiz result per course, current
    certificates with expiry, last activity; totals over the whole team."""
    today = today or timezone.localdate()
    expiring_within = settings.TEAM_EXPIRING_WITHIN_DAYS
    user_ids = team_user_ids(manager, include_indirect)
    profiles = list(
        EmployeeProfile.objects.filter(user_id__in=user_ids)
        .select_related("user", "department", "location", "team")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    assignments = list(
        with_progress(Assignment.objects.filter(user_id__in=user_ids))
        .select_related("course")
        .order_by("due_date")
    )
    certificates = list(
        Certificate.objects.filter(user_id__in=user_ids, is_current=True).order_by("course_title")
    )
    cert_by_key = {(c.user_id, c.course_id): c for c in certificates}
    courses = list({a.course_id: a.course for a in assignments}.values())
    shown_courses = localized_pages(courses)
    policy = privacy.policy_for(privacy.MANAGER)
    individual = policy.individual_progress
    # Quiz results only as far as the privacy settings let managers see them.
    quizzes = _quiz_results(user_ids, courses) if individual and policy.individual_pass_fail else {}
    activity = _last_activity(user_ids) if individual else {}

    members = {
        p.user_id: MemberRow(
            user=p.user,
            profile=p,
            is_direct=p.manager_id == manager.pk,
            last_activity=activity.get(p.user_id),
        )
        for p in profiles
    }
    for certificate in certificates:
        members[certificate.user_id].certificates.append(certificate)
    for row in assignments:
        certificate = cert_by_key.get((row.user_id, row.course_id))
        quiz = quizzes.get((row.user_id, row.course_id), QuizResult())
        members[row.user_id].trainings.append(
            TrainingRow(
                assignment=row,
                course=shown_courses.get(row.course_id, row.course),
                status=team_status(
                    _status_of(row, today),
                    certificate,
                    row.renewal_of_id is not None,
                    today,
                    expiring_within,
                ),
                due_date=row.due_date,
                completed_at=row.completed_at,
                best_score=quiz.best if quiz.taken and policy.individual_scores else None,
                certificate=certificate,
                is_renewal=row.renewal_of_id is not None and row.completed_at is None,
                quizzes_taken=quiz.taken,
                quizzes_passed=quiz.passed,
            )
        )
    everyone = list(members.values())
    totals = team_totals(everyone)
    if individual:
        return TeamOverview(
            members=everyone,
            totals=totals,
            shown=filter_members(everyone, status, search, sort),
            policy=policy,
        )
    # Group figures only: nothing about any one person leaves this function.
    figures = course_figures(everyone)
    anonymous = [MemberRow(user=m.user, profile=m.profile, is_direct=m.is_direct) for m in everyone]
    return TeamOverview(
        members=anonymous,
        totals=None if privacy.is_small(totals["people_assigned"]) else totals,
        shown=filter_members(anonymous, "", search, "name"),
        policy=policy,
        course_figures=figures,
    )


def team_totals(members: list[MemberRow]) -> dict:
    """The figures on top of My team: people, trainings per status, share completed."""
    totals = {
        "people": len(members),
        "people_assigned": sum(1 for m in members if m.trainings),
        "assigned": sum(len(m.trainings) for m in members),
        "people_overdue": sum(1 for m in members if m.overdue),
        **{s.value: sum(m.count(s) for m in members) for s in TeamStatus},
    }
    totals["percent"] = (
        round(100 * (totals["completed"] + totals["expiring"]) / totals["assigned"])
        if totals["assigned"]
        else 0
    )
    return totals


def course_figures(members: list[MemberRow]) -> list[dict]:
    """Per assigned course: how many people, and how many of them per status; a course whose
    figures describe fewer people than the minimum group size is suppressed (with one more,
    so it cannot be worked out from the others)."""
    by_course: dict[int, dict] = {}
    for member in members:
        for t in member.trainings:
            row = by_course.setdefault(
                t.assignment.course_id,
                {"title": t.course.title, "people": 0, **{s.value: 0 for s in TeamStatus}},
            )
            row["people"] += 1  # one assignment per person and course
            row[t.status.value] += 1
    rows = sorted(by_course.values(), key=lambda row: row["title"])
    return privacy.suppress_small(rows)


def filter_members(
    members: list[MemberRow], status: str, search: str, sort: str
) -> list[MemberRow]:
    """Members with at least one training of `status`, whose name/e-mail/job has every word of
    `search`, in the chosen order (unknown values are ignored)."""
    shown = members
    if status in {s.value for s in TeamStatus}:
        shown = [m for m in shown if m.count(TeamStatus(status))]
    for word in search.lower().split():
        shown = [
            m
            for m in shown
            if word
            in f"{m.user.first_name} {m.user.last_name} {m.user.email} {m.profile.job_title}".lower()
        ]
    far = datetime.date.max
    if sort == "status":
        shown = sorted(
            shown,
            key=lambda m: (
                STATUS_ORDER.index(m.worst_status) if m.worst_status else len(STATUS_ORDER),
                -m.overdue,
            ),
        )
    elif sort == "due":
        shown = sorted(shown, key=lambda m: m.next_due or far)
    elif sort == "activity":
        epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
        shown = sorted(shown, key=lambda m: m.last_activity or epoch, reverse=True)
    return shown


def member_of_team(manager, user_id: int) -> User:
    """The team member with this id, or TeamActionError when they are not in the team."""
    if user_id not in team_user_ids(manager):
        raise TeamActionError(gettext("This person is not in your team."))
    return User.objects.get(pk=user_id)


def _team_members(manager, user_ids: list[int]) -> list[User]:
    """The chosen people, all of them in the team, or an error naming how many are not."""
    if not user_ids:
        raise TeamActionError(gettext("Choose at least one person."))
    team = set(team_user_ids(manager))
    outside = [pk for pk in user_ids if pk not in team]
    if outside:
        raise TeamActionError(gettext("Some of the chosen people are not in your team."))
    return list(User.objects.filter(pk__in=user_ids).order_by("last_name", "first_name"))


# Reminders -------------------------------------------------------------------------------------


def overdue_assignments(user_ids: list[int], today: datetime.date) -> list[Assignment]:
    """Open assignments past their due date of these people (one query)."""
    return list(
        with_progress(Assignment.objects.filter(user_id__in=user_ids, user__is_active=True))
        .filter(overdue_q(today))
        .select_related("user", "course")
        .order_by("due_date")
    )


@transaction.atomic
def remind_overdue(
    manager, user_ids: list[int] | None = None, today: datetime.date | None = None
) -> ReminderResult:
    """Remind overdue team members (the chosen ones, or everyone overdue): one e-mail per person
    in their language about all their overdue courses, logged per assignment and audited. A
    training reminded about personally within TEAM_REMINDER_INTERVAL_DAYS (by the manager or
    HR) is not reminded again; a person with only such trainings is skipped."""
    today = today or timezone.localdate()
    if user_ids is None:
        user_ids = team_user_ids(manager)
    else:
        _team_members(manager, user_ids)
        if not privacy.policy_for(privacy.MANAGER).individual_progress:
            # Choosing whom to remind would tell the manager who is overdue.
            raise TeamActionError(
                gettext("Under the privacy settings you can only remind everyone overdue at once.")
            )
    overdue = overdue_assignments(user_ids, today)
    if not overdue:
        raise TeamActionError(gettext("Nobody of the chosen people has overdue training."))
    return send_reminders(
        manager,
        plan_reminders(overdue, today),
        reason=ReminderReason.MANAGER,
        mail=lambda person, items: reminder_mail(
            "assignments/email/team_reminder",
            person,
            items,
            today,
            manager_name=manager.get_full_name() or manager.email,
        ),
        topic="reminder-manager",
        audit_action="team.reminded",
        today=today,
    )


def reminder_messages(result: ReminderResult, individual: bool) -> list[tuple[str, str]]:
    """What the manager is told after reminding: (level, text) pairs. With individual progress
    hidden by the privacy settings, neither names nor numbers (they would say who was late)."""
    told: list[tuple[str, str]] = []
    if not individual:
        if result.reminded:
            told.append(("success", gettext("The overdue people in your team were reminded.")))
        if result.skipped:
            told.append(("warning", gettext("Some were reminded recently and not again yet.")))
        return told
    if result.reminded:
        count = len(result.reminded)
        told.append(
            (
                "success",
                ngettext(
                    "%(count)d person was reminded by e-mail.",
                    "%(count)d people were reminded by e-mail.",
                    count,
                )
                % {"count": count},
            )
        )
    if result.skipped:
        names = ", ".join(p.get_full_name() or p.email for p in result.skipped)
        told.append(
            ("warning", gettext("Reminded recently, not again yet: %(names)s.") % {"names": names})
        )
    return told


# Assigning -------------------------------------------------------------------------------------


@dataclass
class AssignmentPlan:
    """What assigning a course or path to chosen team members would do (the preview)."""

    people: list[User]
    courses: list[CoursePage]
    due_date: datetime.date
    course: CoursePage | None = None
    learning_path: LearningPathPage | None = None
    new: list[tuple[User, CoursePage]] = field(default_factory=list)
    existing: list[tuple[User, CoursePage]] = field(default_factory=list)

    @property
    def title(self) -> str:
        return (self.course or self.learning_path).title


def plan_team_assignment(
    manager,
    user_ids: list[int],
    *,
    course: CoursePage | None = None,
    learning_path: LearningPathPage | None = None,
    due_date: datetime.date | None,
    today: datetime.date | None = None,
) -> AssignmentPlan:
    """Check a manager's assignment and say what it would create: every chosen person must be
    in the team, one published course or path, a due date from today on. People who already
    have a course are listed and keep their assignment."""
    today = today or timezone.localdate()
    people = _team_members(manager, user_ids)
    if (course is None) == (learning_path is None):
        raise TeamActionError(gettext("Choose either a course or a learning path."))
    if due_date is None:
        raise TeamActionError(gettext("Enter a due date."))
    if due_date < today:
        raise TeamActionError(gettext("The due date cannot be in the past."))
    if course is not None:
        course = default_language_page(course)
        if not course.live:
            raise TeamActionError(gettext("This course is not published."))
        courses = [course]
    else:
        learning_path = default_language_page(learning_path)
        courses = [default_language_page(c) for c in path_courses(learning_path)]
        if not learning_path.live or not courses:
            raise TeamActionError(gettext("This learning path has no published courses."))
    existing = set(
        Assignment.objects.filter(user__in=people, course__in=courses).values_list(
            "user_id", "course_id"
        )
    )
    plan = AssignmentPlan(
        people=people,
        courses=courses,
        due_date=due_date,
        course=course,
        learning_path=learning_path,
    )
    for person in people:
        for item in courses:
            target = plan.existing if (person.pk, item.pk) in existing else plan.new
            target.append((person, item))
    return plan


@transaction.atomic
def assign_to_team(manager, plan: AssignmentPlan) -> list[Assignment]:
    """Carry out a previewed plan, all or nothing: a "selected people" rule (so HR sees who
    assigned what) materialised for the chosen people, each told by e-mail after the commit."""
    if not plan.new:
        raise TeamActionError(gettext("Everyone chosen already has this training."))
    rule = AssignmentRule.objects.create(
        course=plan.course,
        learning_path=plan.learning_path,
        target_kind=TargetKind.PEOPLE,
        due_date=plan.due_date,
        grace_days=0,
        created_by=manager,
    )
    rule.people.set(plan.people)
    created = create_rule_assignments(
        rule, EmployeeProfile.objects.filter(user__in=plan.people, is_active=True)
    )
    ids = [a.pk for a in created if a.pk is not None] or list(
        Assignment.objects.filter(rule=rule).values_list("pk", flat=True)
    )
    schedule_assignment_notices(ids)
    audit.record(
        manager,
        "team.assigned",
        f"{plan.title} by {plan.due_date:%Y-%m-%d}: {len(created)} assignments for "
        + ", ".join(p.email for p in plan.people)[:300],
        rule_id=rule.pk,
    )
    return created


# Export ----------------------------------------------------------------------------------------

EXPORT_HEADER = [
    "Name",
    "E-Mail",
    "Team",
    "Kurs",
    "Status",
    "Fällig",
    "Abgeschlossen",
    "Bestes Quiz-Ergebnis %",
    "Zertifikat gültig bis",
    "Letzte Aktivität",
]
QUIZ_COLUMN = EXPORT_HEADER.index("Bestes Quiz-Ergebnis %")
FIGURES_HEADER = [
    "Kurs",
    "Personen",
    *[str(TEAM_STATUS_LABELS[s]) for s in TeamStatus],
    "Hinweis",
]


def export_table(overview: TeamOverview) -> tuple[list[str], Iterator[list]]:
    """The My team export as far as the privacy policy lets managers see: one row per person
    and training (the quiz column as scores, passed quizzes, or left out), or else one row per
    course with its figures (small groups suppressed)."""
    if not overview.individual:
        return FIGURES_HEADER, _figure_rows(overview)
    header = list(EXPORT_HEADER)
    if not overview.policy.individual_scores:
        if overview.policy.individual_pass_fail:
            header[QUIZ_COLUMN] = "Quizze bestanden"
        else:
            del header[QUIZ_COLUMN]
    return header, _person_rows(overview)


def _quiz_cell(t: TrainingRow, policy: privacy.RolePolicy):
    if policy.individual_scores:
        return round(t.best_score) if t.best_score is not None else None
    return f"{t.quizzes_passed} von {t.quizzes_taken}" if t.quizzes_taken else None


def _person_rows(overview: TeamOverview) -> Iterator[list]:
    """One row per team member and training (a member without training gets one row)."""
    with_quiz = overview.policy.individual_pass_fail
    for member in overview.shown:
        base = [
            member.user.get_full_name() or member.user.email,
            member.user.email,
            member.profile.team.name if member.profile.team else "",
        ]
        if not member.trainings:
            quiz = [None] if with_quiz else []
            yield [*base, "", "", None, None, *quiz, None, member.last_activity]
        for t in member.trainings:
            quiz = [_quiz_cell(t, overview.policy)] if with_quiz else []
            yield [
                *base,
                t.course.title,
                t.status_label,
                t.due_date,
                timezone.localdate(t.completed_at) if t.completed_at else None,
                *quiz,
                t.certificate.expires_on if t.certificate else None,
                member.last_activity,
            ]


def _figure_rows(overview: TeamOverview) -> Iterator[list]:
    """One row per course: people and how many per status, or a note that it is hidden."""
    for row in overview.course_figures:
        note = "ausgeblendet (zu wenige Personen)" if row[privacy.SUPPRESSED] else ""
        yield [row["title"], row["people"], *[row[s.value] for s in TeamStatus], note]


def certificate_history(user: User) -> list[Certificate]:
    """All of a person's certificates, renewed ones included, newest first (one query)."""
    return list(Certificate.objects.filter(user=user).order_by("course_title", "-issued_at"))
