"""HR report queries: completion and overdue figures grouped in the database (constant queries)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page

from accounts import privacy
from assignments.models import Assignment
from assignments.services import COMPLETED_Q, overdue_q, with_progress
from curriculum.models import CourseEnrolment
from people.models import Department, EmployeeProfile, Location, StaffRole, Team
from people.services import department_with_children
from quizzes.models import Attempt

DIMENSIONS = {
    "department": ("user__employee__department__name", _("Department")),
    "location": ("user__employee__location__name", _("Location")),
    "team": ("user__employee__team__name", _("Team")),
    "staff_role": ("user__employee__staff_role", _("Staff role")),
    "course": ("course__title", _("Course")),
}


@dataclass
class ReportFilters:
    """What HR narrowed the report down to."""

    department: int | None = None
    location: int | None = None
    team: int | None = None
    staff_role: str = ""
    course: int | None = None
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None


def _in_unit(qs, filters):
    """Rows of people in the filters' department (with its sub-units), location and team."""
    if filters.department:
        department = Department.objects.filter(pk=filters.department).first()
        qs = (
            qs.filter(user__employee__department_id__in=department_with_children(department))
            if department
            else qs.none()
        )
    if filters.location:
        qs = qs.filter(user__employee__location_id=filters.location)
    if filters.team:
        qs = qs.filter(user__employee__team_id=filters.team)
    return qs


def filtered_assignments(filters: ReportFilters):
    """Assignments of active employees matching the filters."""
    qs = _in_unit(Assignment.objects.filter(user__is_active=True), filters)
    if filters.staff_role:
        qs = qs.filter(user__employee__staff_role=filters.staff_role)
    if filters.course:
        qs = qs.filter(course_id=filters.course)
    if filters.due_from:
        qs = qs.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        qs = qs.filter(due_date__lte=filters.due_to)
    return qs


COUNTS = ("total", "completed", "overdue", "people")
FIGURES = ("total", "completed", "overdue", "percent")


def _counts(today: datetime.date) -> dict:
    """Aggregates per group: assigned, completed, overdue (open and past the due date)."""
    return {
        "total": Count("id"),
        "people": Count("user_id", distinct=True),
        "completed": Count("id", filter=COMPLETED_Q),
        "overdue": Count("id", filter=overdue_q(today)),
    }


def _with_percent(row: dict) -> dict:
    row["percent"] = round(100 * row["completed"] / row["total"]) if row["total"] else 0
    return row


def grouped(
    filters: ReportFilters, dimension: str, today: datetime.date | None = None
) -> list[dict]:
    """Completion % and overdue count per value of one dimension (one query)."""
    field, _label = DIMENSIONS[dimension]
    rows = (
        with_progress(filtered_assignments(filters))
        .values(key=F(field))
        .annotate(**_counts(today or timezone.localdate()))
        .order_by("key")
    )
    return [
        _with_percent({**row, "key": row["key"] or "–", "label": label_of(dimension, row["key"])})
        for row in rows
    ]


PERSON_DIMENSIONS = ("department", "location", "team", "staff_role")


def _one_pass_sql(inner_sql: str) -> str:
    """The PostgreSQL statement behind `dimension_tables`: the filtered assignments joined to
    their enrolments once (a materialised CTE), summed per person and per course, then grouped
    by each dimension.

    Summing per person first lets "people" be a plain count of rows, so every grouping is a
    hash aggregate over at most one row per person; a COUNT(DISTINCT) would sort all the
    assignments once per dimension (and spill to disk at 50,000 of them). Each person has one
    department, location, team and role, so the counts are exact even where two teams share a
    name. A course's people are its assignments (one per person and course); only where two
    assigned courses share a title are that title's people counted distinctly."""
    profile, page = EmployeeProfile._meta.db_table, Page._meta.db_table
    department, location, team = (
        Department._meta.db_table,
        Location._meta.db_table,
        Team._meta.db_table,
    )
    counts = (
        "COUNT(*) AS total, COUNT(c_completed_at) AS completed, "
        "COUNT(*) FILTER (WHERE c_completed_at IS NULL AND c_due_date < %s) AS overdue"
    )
    keys = ("department.name", "location.name", "team.name", "profile.staff_role")
    sums = "SUM(total)::bigint, SUM(completed)::bigint, SUM(overdue)::bigint, COUNT(*)"
    return (
        f"WITH assigned AS MATERIALIZED ({inner_sql}), "
        f"per_person AS (SELECT c_user, {counts} FROM assigned GROUP BY c_user), "
        f"per_course AS (SELECT c_course, {counts} FROM assigned GROUP BY c_course), "
        "titled AS (SELECT page.title, per_course.*, "
        "COUNT(*) OVER (PARTITION BY page.title) AS courses FROM per_course "
        f'INNER JOIN "{page}" page ON page.id = per_course.c_course), '
        "shared AS (SELECT titled.title, COUNT(DISTINCT assigned.c_user) AS people "
        "FROM assigned INNER JOIN titled ON titled.c_course = assigned.c_course "
        "WHERE titled.courses > 1 GROUP BY titled.title) "
        f"SELECT {', '.join(f'GROUPING({key})' for key in keys)}, 1, {', '.join(keys)}, NULL, "
        f"{sums} FROM per_person "
        f'LEFT JOIN "{profile}" profile ON profile.user_id = per_person.c_user '
        f'LEFT JOIN "{department}" department ON department.id = profile.department_id '
        f'LEFT JOIN "{location}" location ON location.id = profile.location_id '
        f'LEFT JOIN "{team}" team ON team.id = profile.team_id '
        f"GROUP BY GROUPING SETS ({', '.join(f'({key})' for key in keys)}) "
        "UNION ALL SELECT 1, 1, 1, 1, 0, NULL, NULL, NULL, NULL, titled.title, "
        "SUM(total)::bigint, SUM(completed)::bigint, SUM(overdue)::bigint, "
        "COALESCE(MAX(shared.people), SUM(total)::bigint) "
        "FROM titled LEFT JOIN shared ON shared.title = titled.title GROUP BY titled.title "
        # Within each dimension's rows this is the order `grouped` gives: by key, "–" (NULL) last.
        "ORDER BY 6, 7, 8, 9, 10"
    )


def dimension_tables(filters: ReportFilters, today: datetime.date | None = None) -> dict:
    """{dimension: rows as `grouped` gives them} for every dimension in one query.

    On PostgreSQL one pass over the assignments joined to their enrolments (`_one_pass_sql`);
    elsewhere one grouped query per dimension."""
    today = today or timezone.localdate()
    if connection.vendor != "postgresql":
        return {dimension: grouped(filters, dimension, today) for dimension in DIMENSIONS}
    inner = with_progress(filtered_assignments(filters)).values(
        c_user=F("user_id"),
        c_course=F("course_id"),
        c_completed_at=F("completed_at"),
        c_due_date=F("due_date"),
    )
    inner_sql, params = inner.query.sql_with_params()
    names = [*PERSON_DIMENSIONS, "course"]
    tables: dict[str, list[dict]] = {dimension: [] for dimension in DIMENSIONS}
    count = len(names)
    with connection.cursor() as cursor:
        cursor.execute(_one_pass_sql(inner_sql), [*params, today, today])
        for row in cursor.fetchall():
            flags, keys = row[:count], row[count : 2 * count]
            total, completed, overdue, people = row[2 * count :]
            position = flags.index(0)  # the one dimension this row is grouped by
            dimension, key = names[position], keys[position]
            tables[dimension].append(
                _with_percent(
                    {
                        "key": key if key is not None else "–",
                        "label": label_of(dimension, key),
                        "total": total,
                        "completed": completed,
                        "overdue": overdue,
                        "people": people,
                    }
                )
            )
    return tables


def label_of(dimension: str, key: str | None) -> str:
    """What people read for a group: staff roles by their translated name, others as stored."""
    if dimension == "staff_role" and key in StaffRole.values:
        return str(StaffRole(key).label)
    return key or "–"


def totals_of(rows: list[dict]) -> dict:
    """Overall figures from the rows of a dimension's table that puts each person in one row
    (department: people without one are in the "–" row), so the sums are exact; suppressed
    when they describe fewer people than the policy's minimum group size."""
    totals = _with_percent({count: sum(row[count] or 0 for row in rows) for count in COUNTS})
    return privacy.suppress_small([totals], hide=FIGURES, complement=False)[0]


def private_tables(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The dashboard's tables with every row describing too few people suppressed (and one more
    where a single suppressed row could be worked out from the total)."""
    return {
        dimension: privacy.suppress_small(rows, hide=FIGURES) for dimension, rows in tables.items()
    }


def completions_by_week(
    filters: ReportFilters, weeks: int = 12, today: datetime.date | None = None
) -> list[dict]:
    """Courses completed per calendar week (Monday–Sunday, local time) over the last `weeks`
    weeks by the filtered people, oldest first; empty when there were none (one query).

    One conditional count per week compares timestamps in the database; truncating every
    completion to its week would call a function per row (slow on SQLite)."""
    today = today or timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    starts = [this_monday - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]

    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    counts = CourseEnrolment.objects.filter(
        completed_at__gte=midnight(starts[0]),
        user_id__in=filtered_assignments(filters).values("user_id").distinct(),
    ).aggregate(
        **{
            f"week_{index}": Count(
                "id",
                filter=Q(
                    completed_at__gte=midnight(start),
                    completed_at__lt=midnight(start + datetime.timedelta(weeks=1)),
                ),
            )
            for index, start in enumerate(starts)
        },
        **{
            f"people_{index}": Count(
                "user_id",
                distinct=True,
                filter=Q(
                    completed_at__gte=midnight(start),
                    completed_at__lt=midnight(start + datetime.timedelta(weeks=1)),
                ),
            )
            for index, start in enumerate(starts)
        },
    )
    rows = [
        {"week": start, "count": counts[f"week_{i}"], "people": counts[f"people_{i}"]}
        for i, start in enumerate(starts)
    ]
    if not any(row["count"] for row in rows):
        return []
    # A week whose completions are by too few people is hidden (no complement: no total shown).
    return privacy.suppress_small(rows, hide=("count",), complement=False)


def quiz_summary() -> list[dict]:
    """Pass rate and average score per quiz (one query)."""
    rows = (
        Attempt.objects.filter(submitted_at__isnull=False)
        .values("quiz_id", "quiz__title")
        .annotate(
            attempts=Count("id"),
            people=Count("user_id", distinct=True),
            passed=Count("id", filter=Q(passed=True)),
            average=Avg("score_percent"),
        )
        .order_by("quiz__title")
    )
    return privacy.suppress_small(
        [
            {
                **r,
                "pass_rate": round(100 * r["passed"] / r["attempts"]) if r["attempts"] else 0,
                "average": round(float(r["average"] or 0), 1),
            }
            for r in rows
        ],
        hide=("attempts", "passed", "pass_rate", "average"),
        complement=False,
    )


# The dashboard's figures are the same for every HR person with the same filters and take
# most of a second at 10,000 employees: they are computed at most this often (the page says so).
FIGURES_SECONDS = 5 * 60


def dashboard_figures(filters: ReportFilters, today: datetime.date | None = None) -> dict:
    """The dashboard's figures for these filters: the tables (`dimension_tables`), weekly
    completions and the quiz summary, with `as_of`, the time they were computed.

    Kept in the cache for `FIGURES_SECONDS` per filters, day, language (staff roles are shown
    translated) and minimum group size (what is suppressed), so a change of the privacy
    settings shows at once; anything else shows within `FIGURES_SECONDS`."""
    today = today or timezone.localdate()
    identity = f"{filters!r}|{today}|{translation.get_language()}|{privacy.min_group_size()}"
    key = "reports:dashboard-figures:" + hashlib.sha256(identity.encode()).hexdigest()
    figures = cache.get(key)
    if figures is None:
        figures = {
            "tables": dimension_tables(filters, today),
            "weeks": completions_by_week(filters, today=today),
            "quiz_summary": quiz_summary(),
            "as_of": timezone.now(),
        }
        cache.set(key, figures, FIGURES_SECONDS)
    return figures


DRILL_DOWN_SORTS = {
    "name": ("user__last_name", "user__first_name", "pk"),
    "course": ("course__title", "user__last_name", "pk"),
    "due": ("due_date", "user__last_name", "pk"),
    "completed": ("completed_at", "user__last_name", "pk"),
}


def drill_down(
    filters: ReportFilters, dimension: str, value: str, only: str = "", sort: str = "due"
):
    """The assignments behind one number of the dashboard."""
    field, _label = DIMENSIONS[dimension]
    qs = filtered_assignments(filters)
    qs = qs.filter(**{f"{field}__isnull": True}) if value == "–" else qs.filter(**{field: value})
    qs = with_progress(qs)
    today = timezone.localdate()
    if only == "overdue":
        qs = qs.filter(overdue_q(today))
    elif only == "completed":
        qs = qs.filter(COMPLETED_Q)
    descending = sort.startswith("-")
    order = DRILL_DOWN_SORTS.get(sort.lstrip("-"), DRILL_DOWN_SORTS["due"])
    return qs.select_related(
        "user", "course", "user__employee__department", "user__employee__location"
    ).order_by(*(f"-{field}" if descending else field for field in order))


def person_page(viewer, person) -> dict:
    """What `viewer` (HR) sees on `person`'s page: who they are, and their training only when
    the privacy policy lets the viewer see this person's individual progress (the view is then
    logged for the person)."""
    individual = privacy.can_see_progress(viewer, person)
    if not individual:
        return {"person": person, "individual": False, "minimum": privacy.min_group_size()}
    privacy.record_views(viewer, [person], "reports.person", privacy.HR)
    return {"person": person, "individual": True, **person_training(person)}


def person_training(user) -> dict:
    """What HR sees on a person's page: assignments with status, every course started, and
    certificates (three queries)."""
    from assignments.services import assignments_with_status
    from curriculum.models import Certificate

    return {
        "assignments": assignments_with_status(
            Assignment.objects.filter(user=user).order_by("due_date")
        ),
        "enrolments": list(
            CourseEnrolment.objects.filter(user=user)
            .select_related("course")
            .order_by("-started_at")
        ),
        "certificates": list(Certificate.objects.filter(user=user).order_by("-issued_at")),
    }


# Recertification ---------------------------------------------------------------------------------

CERTIFICATE_BANDS = {
    "30": _("Expiring within 30 days"),
    "60": _("Expiring within 60 days"),
    "90": _("Expiring within 90 days"),
    "expired": _("Expired, not renewed"),
    "renewed_on_time": _("Renewed on time"),
    "renewed_late": _("Renewed late"),
}


@dataclass
class CertificateFilters:
    """HR's narrowing of the recertification report."""

    department: int | None = None
    location: int | None = None
    team: int | None = None
    course: int | None = None


def filtered_certificates(filters: CertificateFilters):
    """Certificates of active employees that expire (have an expiry date), by the filters."""
    from curriculum.models import Certificate

    qs = _in_unit(
        Certificate.objects.filter(user__is_active=True, expires_on__isnull=False), filters
    )
    if filters.course:
        qs = qs.filter(course_id=filters.course)
    return qs


def _band_conditions(today: datetime.date) -> dict[str, Q]:
    current = Q(is_current=True)
    return {
        **{
            days: current
            & Q(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=int(days)))
            for days in ("30", "60", "90")
        },
        "expired": current & Q(expires_on__lt=today),
        "renewed_on_time": Q(is_current=False, renewed_by__issued_at__date__lte=F("expires_on")),
        "renewed_late": Q(is_current=False, renewed_by__issued_at__date__gt=F("expires_on")),
    }


def certificate_figures(filters: CertificateFilters, today: datetime.date | None = None) -> dict:
    """How many certificates expire within 30/60/90 days (cumulative), have expired without
    renewal, were renewed on time (the new one issued by the old one's expiry day) or late;
    one query."""
    today = today or timezone.localdate()
    return filtered_certificates(filters).aggregate(
        **{
            band: Count("id", filter=condition)
            for band, condition in _band_conditions(today).items()
        }
    )


def certificate_bands(filters: CertificateFilters, today: datetime.date | None = None) -> list:
    """The recertification report's figures as HR may see them: each band with its count;
    when the privacy settings hide individual progress from HR, a count describing fewer
    people than the minimum group size is None (suppressed)."""
    figures = certificate_figures(filters, today)
    individual = privacy.policy_for(privacy.HR).individual_progress
    return [
        {
            "key": key,
            "label": label,
            "count": figures[key] if individual or not privacy.is_small(figures[key]) else None,
        }
        for key, label in CERTIFICATE_BANDS.items()
    ]


def certificates_in_band(
    filters: CertificateFilters, band: str, today: datetime.date | None = None
):
    """The certificates behind one figure, soonest expiry first."""
    today = today or timezone.localdate()
    condition = _band_conditions(today)[band]
    return (
        filtered_certificates(filters)
        .filter(condition)
        .select_related(
            "user",
            "renewed_by",
            "user__employee__department",
            "user__employee__location",
            "user__employee__team",
        )
        .order_by("expires_on", "user__last_name", "pk")
    )
