"""Rules for course feedback and CX outcomes: who is asked, what may be shown, how figures are
read, and how training and customer figures are put side by side."""

from __future__ import annotations

import datetime
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from accounts import privacy
from accounts.permissions import is_hr
from assignments.models import Assignment
from assignments.services import with_progress
from core.pages import default_language_page
from curriculum.models import CourseEnrolment, CoursePage
from people.models import Department, EmployeeProfile, Location

from .models import CourseFeedback, FeedbackReceipt, FigureUpload, Metric, MetricValue


def min_group_size() -> int:
    """No aggregate describing fewer people than this is ever shown: the privacy settings'
    minimum group size (`accounts.privacy`, the one place that decides)."""
    return privacy.min_group_size()


def first_of_month(day: datetime.date) -> datetime.date:
    """The month a date belongs to, as its first day."""
    return day.replace(day=1)


def last_months(count: int, today: datetime.date | None = None) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first, ending with this month."""
    month = first_of_month(today or timezone.localdate())
    months = []
    for _index in range(count):
        months.append(month)
        month = first_of_month(month - datetime.timedelta(days=1))
    return months[::-1]


def month_end(month: datetime.date) -> datetime.datetime:
    """The first moment after a month (aware), for "done by the end of the month"."""
    following = first_of_month(month + datetime.timedelta(days=32))
    return timezone.make_aware(datetime.datetime.combine(following, datetime.time.min))


# Course feedback ----------------------------------------------------------------------------


class FeedbackAlreadyGiven(Exception):
    """The person has already answered or declined the survey for this course."""


def feedback_due(user, course: CoursePage) -> bool:
    """Ask once per completed course: finished, and neither answered nor declined yet."""
    course = default_language_page(course)
    return (
        CourseEnrolment.objects.filter(
            user=user, course=course, completed_at__isnull=False
        ).exists()
        and not FeedbackReceipt.objects.filter(user=user, course=course).exists()
    )


@transaction.atomic
def record_feedback(
    user,
    course: CoursePage,
    *,
    rating: int,
    recommend: int | None,
    change_tomorrow: str,
    comment: str,
    language: str,
) -> CourseFeedback:
    """Store an anonymous answer and remember only *that* the person answered."""
    course = default_language_page(course)
    _receipt(user, course, answered=True)
    return CourseFeedback.objects.create(
        course=course,
        language=language[:8],
        month=first_of_month(timezone.localdate()),
        rating=rating,
        recommend=recommend,
        change_tomorrow=change_tomorrow,
        comment=comment,
    )


def decline_feedback(user, course: CoursePage) -> None:
    """The person does not want to answer: don't ask again."""
    _receipt(user, default_language_page(course), answered=False)


def _receipt(user, course: CoursePage, answered: bool) -> None:
    if not CourseEnrolment.objects.filter(
        user=user, course=course, completed_at__isnull=False
    ).exists():
        raise FeedbackAlreadyGiven  # nothing to answer for: treated like "not due"
    try:
        with transaction.atomic():
            FeedbackReceipt.objects.create(user=user, course=course, answered=answered)
    except IntegrityError as exc:
        raise FeedbackAlreadyGiven from exc


def net_promoter_score(scores: list[int]) -> int | None:
    """Share of promoters (9–10) minus share of detractors (0–6), in points; None if empty."""
    if not scores:
        return None
    promoters = sum(1 for score in scores if score >= 9)
    detractors = sum(1 for score in scores if score <= 6)
    return round(100 * (promoters - detractors) / len(scores))


STOPWORDS = {
    "de": set(
        "der die das und oder aber ich du sie er es wir ihr ein eine einen einem einer eines "
        "nicht noch mehr mit im in am an auf aus bei für von zu zum zur den dem des ist sind "
        "war werde werden wird will mich mir mein meine meinen kunden kunde kundin dass als "
        "wie was wenn dann auch so nur schon sehr gut immer morgen jetzt mal man sich "
        "hat habe haben kann können soll sollte besser".split()
    ),
    "en": set(
        "the a an and or but i you he she it we they to of in on at for with from by is are "
        "was be will would can could should my me our your their this that these those more "
        "not no so very just also then when what how customer customers tomorrow better "
        "have has had do did".split()
    ),
}
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)


def themes(texts: list[str], language: str, top: int = 8) -> list[tuple[str, int]]:
    """The most frequent words and two-word phrases in free text (no external AI).

    Each text counts a phrase once, so one long answer cannot dominate; phrases beat the
    single words they contain when they occur as often."""
    stop = STOPWORDS.get(language[:2], set())
    counts: Counter[str] = Counter()
    for text in texts:
        words = [w for w in _WORD.findall(text.lower()) if w not in stop]
        found = set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
        counts.update(found)
    frequent = [(term, n) for term, n in counts.items() if n >= 2]
    phrases = {term for term, _n in frequent if " " in term}
    covered = {(word, n) for phrase in phrases for word in phrase.split() for n in [counts[phrase]]}
    ranked = sorted(
        (item for item in frequent if item not in covered),
        key=lambda item: (-item[1], " " not in item[0], item[0]),
    )
    return ranked[:top]


@dataclass
class FeedbackSummary:
    """What editors and HR may see about one course's feedback."""

    course: CoursePage
    completions: int
    responses: int
    suppressed: bool
    response_rate: int | None = None
    average_rating: float | None = None
    nps: int | None = None
    themes: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    trend: list[dict] = field(default_factory=list)


def feedback_overview() -> list[FeedbackSummary]:
    """One row per course (German originals) with its headline figures, in two queries."""
    courses = list(
        CoursePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        .annotate(
            completions=Count(
                "enrolments", filter=Q(enrolments__completed_at__isnull=False), distinct=True
            )
        )
        .order_by("title")
    )
    stats = {
        row["course"]: row
        for row in CourseFeedback.objects.values("course").annotate(
            responses=Count("pk"), rating=Avg("rating")
        )
    }
    minimum = min_group_size()
    rows = []
    for course in courses:
        row = stats.get(course.pk, {"responses": 0, "rating": None})
        suppressed = row["responses"] < minimum
        rows.append(
            FeedbackSummary(
                course=course,
                completions=course.completions,
                responses=row["responses"],
                suppressed=suppressed,
                response_rate=None
                if suppressed or not course.completions
                else round(100 * row["responses"] / course.completions),
                average_rating=None if suppressed else round(row["rating"], 1),
            )
        )
    return rows


def feedback_summary(course: CoursePage, months: int = 12) -> FeedbackSummary:
    """Response rate, average rating, course NPS, themes per language and the monthly trend;
    everything stays hidden while fewer people than the minimum group size answered."""
    course = default_language_page(course)
    completions = CourseEnrolment.objects.filter(course=course, completed_at__isnull=False).count()
    answers = list(
        CourseFeedback.objects.filter(course=course).values(
            "month", "language", "rating", "recommend", "change_tomorrow", "comment"
        )
    )
    minimum = min_group_size()
    summary = FeedbackSummary(
        course=course,
        completions=completions,
        responses=len(answers),
        suppressed=len(answers) < minimum,
    )
    if summary.suppressed:
        return summary
    summary.response_rate = round(100 * len(answers) / completions) if completions else None
    summary.average_rating = round(sum(a["rating"] for a in answers) / len(answers), 1)
    summary.nps = net_promoter_score(
        [a["recommend"] for a in answers if a["recommend"] is not None]
    )
    by_language: dict[str, list[str]] = defaultdict(list)
    for answer in answers:
        by_language[answer["language"][:2]] += [answer["change_tomorrow"], answer["comment"]]
    summary.themes = {
        language: themes(texts, language) for language, texts in sorted(by_language.items())
    }
    by_month: dict[datetime.date, list[dict]] = defaultdict(list)
    for answer in answers:
        by_month[answer["month"]].append(answer)
    for month in last_months(months):
        group = by_month.get(month, [])
        hidden = len(group) < minimum
        summary.trend.append(
            {
                "month": month,
                "responses": len(group),
                "suppressed": hidden,
                "rating": None
                if hidden
                else round(sum(a["rating"] for a in group) / len(group), 1),
                "nps": None
                if hidden
                else net_promoter_score(
                    [a["recommend"] for a in group if a["recommend"] is not None]
                ),
            }
        )
    return summary


# CX figures per unit ------------------------------------------------------------------------

UNIT_KINDS = {"location": Location, "department": Department}


def visible_units(user, kind: str) -> list:
    """HR and operations leads see every unit; a manager sees the units of their own reports."""
    model = UNIT_KINDS[kind]
    if is_hr(user) or user.has_perm("outcomes.view_outcomes"):
        return list(model.objects.order_by("name"))
    ids = EmployeeProfile.objects.filter(manager=user, is_active=True).values(kind)
    return list(model.objects.filter(pk__in=ids).order_by("name"))


@dataclass
class UnitMonth:
    """Training, coaching and customer figures of one unit in one month."""

    month: datetime.date
    staff: int
    completion: int | None  # % of assigned trainings done by the month's end
    coverage: int | None  # % of staff in a coaching group at the month's end
    figures: dict[int, Decimal | None]  # metric id → value

    @property
    def suppressed(self) -> bool:
        """Training figures are hidden because too few people work in the unit."""
        return 0 < self.staff < min_group_size()

    @property
    def figure_list(self) -> list[Decimal | None]:
        """The figures' values in the order of the figures (for table rows)."""
        return list(self.figures.values())


def monthly_table(
    kind: str, units: list, months: list[datetime.date]
) -> dict[int, list[UnitMonth]]:
    """{unit id: one UnitMonth per month} for the given units, in three queries in all.

    Staff counts are today's; completion counts assignments that existed at each month's end;
    units with fewer people than the minimum group size show no training figures."""
    unit_ids = [unit.pk for unit in units]
    ends = [month_end(month) for month in months]
    assignment_counts = {
        row["unit"]: row
        for row in with_progress(
            Assignment.objects.filter(
                user__employee__is_active=True, **{f"user__employee__{kind}__in": unit_ids}
            )
        )
        .values(unit=F(f"user__employee__{kind}"))
        .annotate(
            **{
                f"assigned_{i}": Count("pk", filter=Q(created_at__lt=end))
                for i, end in enumerate(ends)
            },
            **{
                f"done_{i}": Count("pk", filter=Q(created_at__lt=end, completed_at__lt=end))
                for i, end in enumerate(ends)
            },
        )
    }
    staff = {
        row[kind]: row
        for row in EmployeeProfile.objects.filter(is_active=True, **{f"{kind}__in": unit_ids})
        .values(kind)
        .annotate(
            staff=Count("pk", distinct=True),
            **{
                f"covered_{i}": Count(
                    "user__coaching_memberships__user",
                    distinct=True,
                    filter=Q(user__coaching_memberships__joined_on__lt=end.date())
                    & (
                        Q(user__coaching_memberships__ended_on__isnull=True)
                        | Q(user__coaching_memberships__ended_on__gte=end.date())
                    ),
                )
                for i, end in enumerate(ends)
            },
        )
    }
    values: dict[tuple[int, datetime.date], dict[int, Decimal]] = defaultdict(dict)
    for row in MetricValue.objects.filter(
        **{f"{kind}__in": unit_ids}, month__gte=months[0], month__lte=months[-1]
    ).values(kind, "month", "metric_id", "value"):
        values[(row[kind], row["month"])][row["metric_id"]] = row["value"]
    metric_ids = list(Metric.objects.values_list("pk", flat=True))
    minimum = min_group_size()
    table: dict[int, list[UnitMonth]] = {}
    for unit_id in unit_ids:
        counts = assignment_counts.get(unit_id, {})
        people = staff.get(unit_id, {"staff": 0})
        hidden = people["staff"] < minimum
        rows = []
        for i, month in enumerate(months):
            assigned = counts.get(f"assigned_{i}", 0)
            rows.append(
                UnitMonth(
                    month=month,
                    staff=people["staff"],
                    completion=None
                    if hidden or not assigned
                    else round(100 * counts[f"done_{i}"] / assigned),
                    coverage=None
                    if hidden
                    else round(100 * people[f"covered_{i}"] / people["staff"]),
                    figures={
                        metric_id: values.get((unit_id, month), {}).get(metric_id)
                        for metric_id in metric_ids
                    },
                )
            )
        table[unit_id] = rows
    return table


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's correlation coefficient; None with fewer than three pairs or no spread."""
    if len(xs) != len(ys) or len(xs) < 3:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x == 0 or var_y == 0:
        return None
    return round(cov / math.sqrt(var_x * var_y), 2)


@dataclass
class RankedUnit:
    """A unit's training level beside how much its figure moved over the period."""

    unit: object
    completion: int | None
    first: Decimal | None
    last: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.first is None or self.last is None:
            return None
        return self.last - self.first


def ranking(
    kind: str, units: list, metric: Metric, months: list[datetime.date]
) -> tuple[list[RankedUnit], float | None]:
    """Units ranked by improvement of the figure (its direction respected), and the
    correlation between training completion at the end and that improvement."""
    table = monthly_table(kind, units, months)
    ranked = []
    for unit in units:
        rows = table[unit.pk]
        series = [row.figures.get(metric.pk) for row in rows]
        known = [value for value in series if value is not None]
        ranked.append(
            RankedUnit(
                unit=unit,
                completion=rows[-1].completion,
                first=known[0] if known else None,
                last=known[-1] if len(known) > 1 else None,
            )
        )
    sign = 1 if metric.higher_is_better else -1
    ranked.sort(key=lambda r: (r.change is None, -(sign * r.change) if r.change is not None else 0))
    pairs = [
        (r.completion, float(sign * r.change))
        for r in ranked
        if r.change is not None and r.completion is not None
    ]
    r = pearson([p[0] for p in pairs], [p[1] for p in pairs])
    return ranked, r


# Reading figure files -----------------------------------------------------------------------


def create_upload(user, filename: str, content: bytes) -> FigureUpload:
    """Parse and check an uploaded file; nothing is applied yet."""
    from .importing import read_figures

    rows, errors = read_figures(content, filename)
    return FigureUpload.objects.create(
        uploaded_by=user, filename=filename[:255], rows=rows, errors=errors
    )


def upload_preview(upload: FigureUpload) -> dict:
    """How many values the upload adds, changes or leaves as they are."""
    existing = {
        (v.metric_id, v.location_id, v.department_id, v.month.isoformat()): v.value
        for v in MetricValue.objects.filter(
            month__in={row["month"] for row in upload.rows},
            metric_id__in={row["metric"] for row in upload.rows},
        )
    }
    new = changed = same = 0
    for row in upload.rows:
        key = (row["metric"], row.get("location"), row.get("department"), row["month"])
        if key not in existing:
            new += 1
        elif existing[key] != Decimal(row["value"]):
            changed += 1
        else:
            same += 1
    return {"new": new, "changed": changed, "unchanged": same, "total": len(upload.rows)}


class UploadNotApplicable(Exception):
    """The upload has errors or was applied already."""


@transaction.atomic
def apply_upload(upload: FigureUpload) -> int:
    """Write every value of a checked upload, all or nothing; returns how many were written."""
    upload = FigureUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.errors or upload.applied_at is not None:
        raise UploadNotApplicable
    incoming = {
        (row["metric"], row.get("location"), row.get("department"), row["month"]): row
        for row in upload.rows
    }
    replaced = [
        value.pk
        for value in MetricValue.objects.filter(
            month__in={row["month"] for row in upload.rows},
            metric_id__in={row["metric"] for row in upload.rows},
        )
        if (value.metric_id, value.location_id, value.department_id, value.month.isoformat())
        in incoming
    ]
    MetricValue.objects.filter(pk__in=replaced).delete()
    MetricValue.objects.bulk_create(
        [
            MetricValue(
                metric_id=row["metric"],
                location_id=row.get("location"),
                department_id=row.get("department"),
                month=datetime.date.fromisoformat(row["month"]),
                value=Decimal(row["value"]),
            )
            for row in incoming.values()
        ],
        batch_size=1000,
    )
    upload.applied_at = timezone.now()
    upload.save(update_fields=["applied_at"])
    return len(incoming)
