"""Floor-observation rules: authoring, starting, draft saving, sharing, acknowledging, follow-ups,
requests after course completion, and the skills picture (heatmap and lesson correlation)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, privacy
from accounts.models import User
from accounts.permissions import can_observe, is_champion
from core.pages import default_language_page
from curriculum.models import CourseEnrolment, LessonCompletion, LessonPage
from curriculum.services import localized_pages
from people.models import EmployeeProfile

from .models import (
    ActionItem,
    Behaviour,
    Membership,
    Observation,
    ObservationChecklist,
    ObservationKind,
    ObservationStatus,
    Rating,
)
from .models.observations import MAX_BEHAVIOURS, SHARED_STATUSES

MIN_REQUIRED_BEHAVIOURS = 1
DEFAULT_TRY_DAYS = 14
# Completions older than the checklist's delay plus this window are not requested any more
# (so switching a trigger on does not flood champions with requests for last year's courses).
REQUEST_WINDOW_DAYS = 14
HEATMAP_MONTHS = 6


def min_people_per_cell() -> int:
    """Aggregated pictures (group, team, location, department, HR) hide a cell that stands for
    fewer people than the privacy settings' minimum group size, so nobody can read one
    colleague's ratings out of an "aggregate"."""
    return privacy.min_group_size()


# --- authoring -------------------------------------------------------------------------------


def checklist_authoring_errors(
    checklist: dict, behaviours: list[dict], removed_ids: list[int]
) -> list[str]:
    """What is wrong with a checklist as an editor submitted it (empty list: fine).

    `behaviours` are the cleaned rows that stay, `removed_ids` the saved behaviours deleted."""
    errors = []
    if not behaviours:
        errors.append(_("A checklist needs at least one behaviour."))
    if len(behaviours) > MAX_BEHAVIOURS:
        errors.append(
            _("A checklist has at most %(max)d behaviours, so it stays quick on a phone.")
            % {"max": MAX_BEHAVIOURS}
        )
    if behaviours and all(b.get("optional") for b in behaviours):
        errors.append(_("At least one behaviour must be required (not optional)."))
    texts = [(b.get("text_de") or "").strip().lower() for b in behaviours]
    if len(set(texts)) != len(texts):
        errors.append(_("Two behaviours have the same German text."))
    for row in behaviours:
        for lesson in row.get("lessons") or []:
            if default_language_page(lesson).pk != lesson.pk:
                errors.append(
                    _(
                        "Link the German lesson “%(lesson)s”; English readers get its "
                        "translation automatically."
                    )
                    % {"lesson": lesson.title}
                )
    has_course = bool(checklist.get("trigger_course"))
    has_days = checklist.get("request_after_days") is not None
    if has_course != has_days:
        errors.append(
            _("An automatic request needs both a course and the number of days after it.")
        )
    if removed_ids and Rating.objects.filter(behaviour_id__in=removed_ids).exists():
        errors.append(
            _(
                "A behaviour that has already been rated cannot be removed (the history would "
                "be lost). Deactivate this checklist and create a new one instead."
            )
        )
    return errors


# --- who may be observed ------------------------------------------------------------------------


def observable_people(user) -> list[User]:
    """The people `user` may observe: members of the groups they coach and their direct reports."""
    member_ids = set()
    if is_champion(user):
        member_ids = set(
            Membership.objects.filter(
                Q(group__champion__user=user) | Q(group__co_champion__user=user),
                group__is_active=True,
                ended_on__isnull=True,
            ).values_list("user_id", flat=True)
        )
    return list(
        User.objects.filter(
            Q(pk__in=member_ids) | Q(employee__manager=user, employee__is_active=True),
            is_active=True,
        )
        .exclude(pk=user.pk)
        .order_by("first_name", "last_name")
    )


# --- observing ---------------------------------------------------------------------------------


@transaction.atomic
def start_observation(
    observer, person, checklist: ObservationChecklist, *, with_self: bool = False
) -> Observation:
    """A draft observation of `person` by `observer` (who must coach or manage them); with a
    self-observation the colleague is asked to rate themselves on the same checklist."""
    if not can_observe(observer, person):
        raise ValidationError(_("You can only observe colleagues you coach or manage."))
    if not checklist.is_active:
        raise ValidationError(_("This checklist is no longer in use."))
    today = timezone.localdate()
    observation = Observation.objects.create(
        checklist=checklist,
        observed=person,
        observer=observer,
        status=ObservationStatus.DRAFT,
        observed_on=today,
    )
    if with_self and checklist.allow_self_observation:
        observation.self_assessment = Observation.objects.create(
            checklist=checklist,
            observed=person,
            observer=person,
            kind=ObservationKind.SELF,
            status=ObservationStatus.SCHEDULED,
            due_on=today,
            reason=_("Asked by %(name)s for comparison") % {"name": observer.display_name},
        )
        observation.save(update_fields=["self_assessment"])
    return observation


def begin_scheduled(observation: Observation) -> Observation:
    """A planned or requested observation becomes a draft when the observer opens it."""
    if observation.status == ObservationStatus.SCHEDULED:
        observation.status = ObservationStatus.DRAFT
        observation.observed_on = timezone.localdate()
        observation.save(update_fields=["status", "observed_on", "updated_at"])
    return observation


def _editable(observation: Observation) -> None:
    if observation.status not in (ObservationStatus.SCHEDULED, ObservationStatus.DRAFT):
        raise ValidationError(_("This observation has already been shared."))


@transaction.atomic
def save_draft(observation: Observation, ratings: dict[int, int | None], notes: dict) -> None:
    """Keep what the observer entered so far (ratings by behaviour id, and the text fields)."""
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    _editable(observation)
    behaviours = {b.pk: b for b in observation.checklist.behaviours.all()}
    top = observation.checklist.top_level
    for behaviour_id, value in ratings.items():
        if behaviour_id not in behaviours:
            raise ValidationError(_("This behaviour is not part of the checklist."))
        if value is not None and not 0 <= value <= top:
            raise ValidationError(_("Choose one of the levels of the scale."))
        Rating.objects.update_or_create(
            observation=observation, behaviour_id=behaviour_id, defaults={"value": value}
        )
    for name in ("situation", "strength", "try_next", "try_next_due", "observed_on"):
        if name in notes:
            setattr(observation, name, notes[name])
    observation.status = ObservationStatus.DRAFT
    observation.save()


def missing_required(observation: Observation) -> list[Behaviour]:
    """Required behaviours still without a rating."""
    rated = set(
        observation.ratings.filter(value__isnull=False).values_list("behaviour_id", flat=True)
    )
    return [
        b for b in observation.checklist.behaviours.all() if not b.optional and b.pk not in rated
    ]


@transaction.atomic
def share(observation: Observation) -> Observation:
    """Share a finished observation with the colleague; "one thing to try" becomes their
    action item (due on the chosen date, two weeks by default)."""
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    _editable(observation)
    missing = missing_required(observation)
    if missing:
        raise ValidationError(
            _("Please rate every required behaviour first: %(list)s")
            % {"list": "; ".join(b.text for b in missing)}
        )
    if not observation.is_self and not (observation.strength.strip() and observation.try_next):
        raise ValidationError(_("Please name one strength and one thing to try next."))
    now = timezone.now()
    observation.status = ObservationStatus.SUBMITTED
    observation.submitted_at = now
    if observation.observed_on is None:
        observation.observed_on = timezone.localdate()
    observation.save()
    if observation.try_next and not observation.is_self:
        due = observation.try_next_due or (
            timezone.localdate() + datetime.timedelta(days=DEFAULT_TRY_DAYS)
        )
        ActionItem.objects.create(
            observation=observation,
            owner_id=observation.observed_id,
            description=observation.try_next,
            due_date=due,
        )
    if not observation.is_self:
        from .tasks import send_observation_shared_email

        send_observation_shared_email(observation)
    audit.record(
        observation.observer,
        "champions.observation_shared",
        str(observation),
        observation_id=observation.pk,
    )
    return observation


def acknowledge(observation: Observation, user, comment: str) -> Observation:
    """The observed colleague confirms they have seen it, optionally with a comment."""
    if observation.observed_id != user.pk or observation.is_self:
        raise ValidationError(_("Only the observed colleague can acknowledge an observation."))
    if not observation.is_shared:
        raise ValidationError(_("This observation has not been shared yet."))
    observation.colleague_comment = comment
    if observation.acknowledged_at is None:
        observation.acknowledged_at = timezone.now()
    observation.status = ObservationStatus.ACKNOWLEDGED
    observation.save(update_fields=["colleague_comment", "acknowledged_at", "status", "updated_at"])
    return observation


def schedule_follow_up(observation: Observation, user, due_on: datetime.date) -> Observation:
    """Plan the next observation of the same colleague on the same checklist."""
    if observation.observer_id != user.pk or observation.is_self:
        raise ValidationError(_("Only the observer can plan a follow-up."))
    if due_on < timezone.localdate():
        raise ValidationError(_("A follow-up can only be planned for today or later."))
    if not can_observe(user, observation.observed):
        raise ValidationError(_("You can only observe colleagues you coach or manage."))
    return Observation.objects.create(
        checklist=observation.checklist,
        observed=observation.observed,
        observer=user,
        status=ObservationStatus.SCHEDULED,
        due_on=due_on,
        follow_up_of=observation,
        reason=_("Follow-up"),
    )


# --- reading one observation ---------------------------------------------------------------------


@dataclass
class RatedBehaviour:
    behaviour: Behaviour
    value: int | None
    label: str
    self_value: int | None = None
    self_label: str = ""


@dataclass
class Suggestion:
    lesson: LessonPage
    behaviours: list[str] = field(default_factory=list)
    completed: bool = False


def rated_behaviours(observation: Observation) -> list[RatedBehaviour]:
    """Each behaviour with its rating (and the colleague's own rating when they rated themselves)."""
    levels = dict(observation.checklist.levels)
    values = dict(observation.ratings.values_list("behaviour_id", "value"))
    self_values = {}
    if observation.self_assessment_id:
        self_values = dict(
            Rating.objects.filter(
                observation_id=observation.self_assessment_id,
                observation__status__in=SHARED_STATUSES,
            ).values_list("behaviour_id", "value")
        )
    rows = []
    for behaviour in observation.checklist.behaviours.all():
        value = values.get(behaviour.pk)
        self_value = self_values.get(behaviour.pk)
        rows.append(
            RatedBehaviour(
                behaviour=behaviour,
                value=value,
                label=levels.get(value, _("not observed")),
                self_value=self_value,
                self_label=levels.get(self_value, "–") if self_values else "",
            )
        )
    return rows


def suggested_lessons(observation: Observation) -> list[Suggestion]:
    """Lessons that teach the behaviours not (yet) fully shown, in the reader's language;
    each marked when the colleague has already completed it (worth a refresher)."""
    threshold = observation.checklist.shown_from
    weak = list(
        observation.ratings.filter(value__lt=threshold).values_list("behaviour_id", flat=True)
    )
    if not weak:
        return []
    links = Behaviour.lessons.through.objects.filter(behaviour_id__in=weak).select_related(
        "lessonpage", "behaviour"
    )
    by_lesson: dict[int, Suggestion] = {}
    for link in links:
        lesson = link.lessonpage
        suggestion = by_lesson.setdefault(lesson.pk, Suggestion(lesson=lesson))
        suggestion.behaviours.append(link.behaviour.text)
    if not by_lesson:
        return []
    translated = localized_pages([s.lesson for s in by_lesson.values()])
    done = set(
        LessonCompletion.objects.filter(
            user_id=observation.observed_id, lesson_id__in=by_lesson
        ).values_list("lesson_id", flat=True)
    )
    for lesson_id, suggestion in by_lesson.items():
        suggestion.lesson = translated.get(lesson_id, suggestion.lesson)
        suggestion.completed = lesson_id in done
    return sorted(by_lesson.values(), key=lambda s: (s.completed, s.lesson.title))


def observations_to_do(user):
    """Planned, requested and draft observations `user` is to carry out (incl. self-ratings)."""
    return (
        Observation.objects.filter(
            observer=user, status__in=(ObservationStatus.SCHEDULED, ObservationStatus.DRAFT)
        )
        .select_related("checklist", "observed")
        .order_by("due_on", "created_at")
    )


def observations_about(user):
    """Observations of `user` that were shared with them, newest first."""
    return (
        Observation.objects.filter(
            observed=user, kind=ObservationKind.COACH, status__in=SHARED_STATUSES
        )
        .select_related("checklist", "observer")
        .order_by("-observed_on", "-submitted_at")
    )


def observations_made_by(user):
    """Observations `user` shared as observer, newest first."""
    return (
        Observation.objects.filter(
            observer=user, kind=ObservationKind.COACH, status__in=SHARED_STATUSES
        )
        .select_related("checklist", "observed")
        .order_by("-observed_on", "-submitted_at")
    )


# --- requests after course completion ------------------------------------------------------------


def request_observations_after_completion(today: datetime.date | None = None) -> int:
    """For every checklist with a trigger course: request an observation from the colleague's
    champion (else their manager) N days after they completed the course. Safe to run again:
    one request per checklist and completion, enforced by a unique constraint."""
    today = today or timezone.localdate()
    created = 0
    checklists = ObservationChecklist.objects.filter(
        is_active=True, trigger_course__isnull=False, request_after_days__isnull=False
    ).select_related("trigger_course")
    for checklist in checklists:
        course = default_language_page(checklist.trigger_course)
        latest = today - datetime.timedelta(days=checklist.request_after_days)
        earliest = latest - datetime.timedelta(days=REQUEST_WINDOW_DAYS)
        enrolments = list(
            CourseEnrolment.objects.filter(
                course_id=course.pk,
                completed_at__date__lte=latest,
                completed_at__date__gt=earliest,
                user__is_active=True,
            )
            .exclude(
                pk__in=Observation.objects.filter(
                    checklist=checklist, trigger_enrolment__isnull=False
                ).values("trigger_enrolment_id")
            )
            .select_related("user")
        )
        observers = responsible_observers([e.user_id for e in enrolments])
        for enrolment in enrolments:
            observer_id = observers.get(enrolment.user_id)
            if observer_id is None:
                continue  # nobody coaches or manages them: nobody to ask
            try:
                with transaction.atomic():
                    Observation.objects.create(
                        checklist=checklist,
                        observed_id=enrolment.user_id,
                        observer_id=observer_id,
                        status=ObservationStatus.SCHEDULED,
                        due_on=today,
                        trigger_enrolment=enrolment,
                        reason=_("%(days)d days after completing “%(course)s”")
                        % {"days": checklist.request_after_days, "course": course.title},
                    )
            except IntegrityError:
                continue  # a parallel run got there first
            created += 1
    return created


def responsible_observers(user_ids: list[int]) -> dict[int, int]:
    """{person: their active champion, else their manager} in two queries."""
    observers = dict(
        EmployeeProfile.objects.filter(user_id__in=user_ids, manager__isnull=False).values_list(
            "user_id", "manager_id"
        )
    )
    observers.update(
        Membership.objects.filter(
            user_id__in=user_ids, ended_on__isnull=True, group__is_active=True
        ).values_list("user_id", "group__champion__user_id")
    )
    return observers


# --- skills picture ------------------------------------------------------------------------------


@dataclass
class HeatCell:
    average: float | None  # mean rating, None when hidden or empty
    ratings: int
    people: int
    hidden: bool = False  # fewer people than the minimum group size in an aggregate

    @property
    def percent(self) -> int | None:
        return None if self.average is None else round(self.average)


@dataclass
class Heatmap:
    checklist: ObservationChecklist
    months: list[datetime.date]
    rows: list[tuple[Behaviour, list[HeatCell]]]
    aggregated: bool

    @property
    def has_data(self) -> bool:
        return any(cell.ratings for _b, cells in self.rows for cell in cells)


def month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    """The first days of the last `count` months, oldest first."""
    months = []
    year, month = today.year, today.month
    for _step in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return list(reversed(months))


def _shared_ratings(checklist: ObservationChecklist, people, observer=None):
    ratings = Rating.objects.filter(
        behaviour__checklist=checklist,
        value__isnull=False,
        observation__kind=ObservationKind.COACH,
        observation__status__in=SHARED_STATUSES,
        observation__observed_id__in=people,
    )
    if observer is not None:
        ratings = ratings.filter(observation__observer=observer)
    return ratings


class Scope:
    """The kinds of people a skills picture can be drawn for."""

    GROUP = "group"
    TEAM = "team"
    LOCATION = "location"
    DEPARTMENT = "department"
    AGGREGATES = (GROUP, TEAM, LOCATION, DEPARTMENT)


def scope_people(scope: str, pk: int):
    """The user ids of a coaching group (current members), team, location or department."""
    if scope == Scope.GROUP:
        return Membership.objects.filter(group_id=pk, ended_on__isnull=True).values("user_id")
    if scope in (Scope.TEAM, Scope.LOCATION, Scope.DEPARTMENT):
        return EmployeeProfile.objects.filter(**{f"{scope}_id": pk}).values("user_id")
    raise ValueError(scope)


def behaviour_heatmap(
    checklist: ObservationChecklist,
    people,
    *,
    aggregated: bool,
    observer=None,
    today: datetime.date | None = None,
    months: int = HEATMAP_MONTHS,
) -> Heatmap:
    """Behaviours × month: the mean rating as a percentage of the scale's top level, from shared
    observations of `people` (ids or a values() queryset). Two queries whatever the size."""
    today = today or timezone.localdate()
    starts = month_starts(today, months)
    top = checklist.top_level or 1
    grouped = (
        _shared_ratings(checklist, people, observer)
        .filter(observation__observed_on__gte=starts[0])
        .annotate(month=TruncMonth("observation__observed_on"))
        .values("behaviour_id", "month")
        .annotate(
            mean=Avg("value"),
            ratings=Count("id"),
            people=Count("observation__observed_id", distinct=True),
        )
    )
    cells = {}
    minimum = min_people_per_cell()
    for row in grouped:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        hidden = aggregated and row["people"] < minimum
        cells[(row["behaviour_id"], month)] = HeatCell(
            average=None if hidden else 100 * float(row["mean"]) / top,
            ratings=row["ratings"],
            people=row["people"],
            hidden=hidden,
        )
    empty = HeatCell(average=None, ratings=0, people=0)
    rows = [
        (behaviour, [cells.get((behaviour.pk, month), empty) for month in starts])
        for behaviour in checklist.behaviours.all()
    ]
    return Heatmap(checklist=checklist, months=starts, rows=rows, aggregated=aggregated)


@dataclass
class LessonComparison:
    behaviour: Behaviour
    has_lessons: bool
    with_lesson: tuple[int, int]  # (shown, rated) for people who had completed a linked lesson
    without_lesson: tuple[int, int]
    hidden: bool = False

    @staticmethod
    def _rate(pair: tuple[int, int]) -> int | None:
        shown, rated = pair
        return round(100 * shown / rated) if rated else None

    @property
    def with_rate(self) -> int | None:
        return self._rate(self.with_lesson)

    @property
    def without_rate(self) -> int | None:
        return self._rate(self.without_lesson)


def lessons_and_behaviour(
    checklist: ObservationChecklist, people, *, aggregated: bool, observer=None
) -> list[LessonComparison]:
    """Per behaviour: how often it was shown when the colleague had (by the day of the
    observation) completed a lesson that teaches it, and how often when not. A correlation,
    not proof that the lesson caused it. Two queries whatever the size."""
    learned = LessonCompletion.objects.filter(
        user_id=OuterRef("observation__observed_id"),
        lesson__observable_behaviours=OuterRef("behaviour_id"),
        completed_at__date__lte=OuterRef("observation__observed_on"),
    )
    counts = (
        _shared_ratings(checklist, people, observer)
        .annotate(learned=Exists(learned))
        .values("behaviour_id", "learned")
        .annotate(
            rated=Count("id"),
            shown=Count("id", filter=Q(value__gte=checklist.shown_from)),
            people=Count("observation__observed_id", distinct=True),
        )
    )
    table: dict[int, dict[bool, tuple[int, int, int]]] = defaultdict(dict)
    for row in counts:
        table[row["behaviour_id"]][row["learned"]] = (row["shown"], row["rated"], row["people"])
    comparisons = []
    minimum = min_people_per_cell()
    # an aggregate drops Meta.ordering: without order_by PostgreSQL lists behaviours in any order
    behaviours = checklist.behaviours.annotate(lesson_count=Count("lessons")).order_by(
        "sort_order", "pk"
    )
    for behaviour in behaviours:
        with_row = table[behaviour.pk].get(True, (0, 0, 0))
        without_row = table[behaviour.pk].get(False, (0, 0, 0))
        hidden = aggregated and any(0 < row[2] < minimum for row in (with_row, without_row))
        comparisons.append(
            LessonComparison(
                behaviour=behaviour,
                has_lessons=behaviour.lesson_count > 0,
                with_lesson=(0, 0) if hidden else with_row[:2],
                without_lesson=(0, 0) if hidden else without_row[:2],
                hidden=hidden,
            )
        )
    return comparisons


def person_skills_pictures(person: User, observer: User | None = None) -> list[dict]:
    """One colleague's heatmap and lesson comparison per checklist that has ratings of them
    (all shared observations, or with `observer` only the ones that person made)."""
    pictures = []
    for checklist in ObservationChecklist.objects.order_by("-is_active", "title_de"):
        heatmap = behaviour_heatmap(checklist, [person.pk], aggregated=False, observer=observer)
        if not heatmap.has_data:
            continue
        comparison = lessons_and_behaviour(
            checklist, [person.pk], aggregated=False, observer=observer
        )
        pictures.append({"heatmap": heatmap, "comparison": comparison})
    return pictures
