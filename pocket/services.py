"""What the phone app keeps for offline reading and when its cache must be renewed; the
CX-Minute's spaced-retrieval schedule."""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import Page

from assignments.models import Assignment
from core.locales import active_locale, default_locale
from curriculum.models import CourseEnrolment, CoursePage, LessonPage
from curriculum.quiz_context import COURSE, LESSON, parse_context_key
from curriculum.services import lessons_under, localized_pages
from quizzes.models import Attempt, Question, QuestionKind, Quiz, ShowAnswers
from quizzes.services import score_answer

from .models import PracticeDay, ReviewCard

# Bump when the service worker's own logic changes.
WORKER_REVISION = "1"
MAX_OFFLINE_LESSONS = 60


def cache_version() -> str:
    """Changes whenever a lesson is (re)published, so phones replace their cached copies."""
    latest = LessonPage.objects.live().aggregate(latest=Max("last_published_at"))["latest"]
    seed = f"{WORKER_REVISION}:{latest.isoformat() if latest else '-'}:{settings.STATIC_URL}"
    return hashlib.sha256(seed.encode()).hexdigest()[:12]


def offline_lessons(user) -> list[LessonPage]:
    """The lessons of courses the person is taking (not finished) or has been assigned,
    in the language they read in – the ones worth having on the phone between customers.
    Three queries, whatever the number of courses."""
    finished = set(
        CourseEnrolment.objects.filter(user=user, completed_at__isnull=False).values_list(
            "course_id", flat=True
        )
    )
    course_ids = (
        set(
            CourseEnrolment.objects.filter(user=user, completed_at__isnull=True).values_list(
                "course_id", flat=True
            )
        )
        | set(Assignment.objects.filter(user=user).values_list("course_id", flat=True))
    ) - finished
    paths = Page.objects.filter(pk__in=course_ids).values_list("path", flat=True)
    if not paths:
        return []
    within = Q()
    for path in paths:
        within |= Q(path__startswith=path)
    lessons = list(LessonPage.objects.live().filter(within).order_by("path")[:MAX_OFFLINE_LESSONS])
    localized = localized_pages(lessons)
    return [localized.get(lesson.pk, lesson) for lesson in lessons]


# ---------------------------------------------------------------------------------------------
# CX-Minute: a daily spaced-retrieval practice of questions from quizzes the learner has passed.
#
# Leitner boxes: a card starts in box 1, due the day after the quiz was passed. A right answer
# moves it one box up and out to that box's interval (3, 7, 16, 35 days); a wrong one sends it
# back to box 1, due tomorrow, and links the lesson. Each day offers at most DAILY_QUESTIONS.
# ---------------------------------------------------------------------------------------------

DAILY_QUESTIONS = 3
TOP_BOX = 5
BOX_INTERVAL_DAYS = {1: 1, 2: 3, 3: 7, 4: 16, 5: 35}


class MinuteError(Exception):
    """A CX-Minute rule refuses this answer; the message is shown to the learner."""


def next_review(box: int, correct: bool, today: date) -> tuple[int, date]:
    """The Leitner rule: (new box, next due day) after an answer given today."""
    if not correct:
        return 1, today + timedelta(days=BOX_INTERVAL_DAYS[1])
    box = min(max(box, 1) + 1, TOP_BOX)
    return box, today + timedelta(days=BOX_INTERVAL_DAYS[box])


@dataclass(frozen=True)
class PracticeSource:
    """A quiz whose questions a learner practises, with when it was learned and where."""

    quiz_key: uuid.UUID
    learned_on: date
    course_id: int | None = None
    lesson_id: int | None = None


def practice_sources(user) -> dict[uuid.UUID, PracticeSource]:
    """Quizzes the learner has passed (any language) and the knowledge checks and final exams of
    courses they completed, each with the day learned and its course and lesson (the
    default-language pages). At most seven queries, whatever the number of courses."""
    sources = _passed_quiz_sources(user)
    for key, source in _completed_course_sources(user).items():
        sources.setdefault(key, source)
    return sources


def _passed_quiz_sources(user) -> dict[uuid.UUID, PracticeSource]:
    """Quizzes the learner passed, first pass first, placed by the page they were taken on."""
    sources: dict[uuid.UUID, PracticeSource] = {}
    passed = list(
        Attempt.objects.filter(user=user, passed=True)
        .order_by("submitted_at")
        .values_list("quiz__translation_key", "context_key", "submitted_at")
    )
    context_ids = {LESSON: set(), COURSE: set()}
    contexts = {key: parse_context_key(key) for _quiz, key, _at in passed}
    for parsed in contexts.values():
        if parsed is not None:
            context_ids[parsed[0]].add(parsed[1])
    lesson_paths = dict(
        LessonPage.objects.filter(pk__in=context_ids["lesson"]).values_list("pk", "path")
    )
    course_ids_by_path = dict(
        CoursePage.objects.filter(
            path__in={path[: -LessonPage.steplen] for path in lesson_paths.values()}
        ).values_list("path", "pk")
    )
    for quiz_key, context_key, submitted_at in passed:
        if quiz_key in sources:
            continue
        kind, page_id = contexts[context_key] or ("", None)
        lesson_id = course_id = None
        if kind == LESSON and page_id in lesson_paths:
            lesson_id = page_id
            course_id = course_ids_by_path.get(lesson_paths[lesson_id][: -LessonPage.steplen])
        elif kind == COURSE:
            course_id = page_id
        sources[quiz_key] = PracticeSource(
            quiz_key, timezone.localdate(submitted_at), course_id, lesson_id
        )
    return sources


def _completed_course_sources(user) -> dict[uuid.UUID, PracticeSource]:
    """The knowledge checks (read from the stored lesson bodies) and final exams of the courses
    the learner completed."""
    sources: dict[uuid.UUID, PracticeSource] = {}
    completed = list(
        CourseEnrolment.objects.filter(user=user, completed_at__isnull=False).values_list(
            "course_id", "course__path", "course__final_exam__translation_key", "completed_at"
        )
    )
    if not completed:
        return sources
    quiz_ids_by_lesson: dict[tuple[int, str], list[int]] = {}
    for lesson_id, path, body in lessons_under(
        path for _course_id, path, _exam, _at in completed
    ).values_list("pk", "path", "body"):
        blocks = getattr(body, "raw_data", body)  # the stored JSON: no snippet is fetched
        if isinstance(blocks, str):
            blocks = json.loads(blocks or "[]")
        quiz_ids_by_lesson[(lesson_id, path[: -LessonPage.steplen])] = [
            block["value"]["quiz"]
            for block in blocks
            if block.get("type") == "quiz"
            and isinstance(block.get("value"), dict)
            and block["value"].get("quiz")
        ]
    quiz_keys = dict(
        Quiz.objects.filter(
            pk__in={pk for ids in quiz_ids_by_lesson.values() for pk in ids}
        ).values_list("pk", "translation_key")
    )
    for course_id, path, exam_key, completed_at in completed:
        learned_on = timezone.localdate(completed_at)
        for (lesson_id, course_path), quiz_ids in quiz_ids_by_lesson.items():
            if course_path != path:
                continue
            for quiz_id in quiz_ids:
                key = quiz_keys.get(quiz_id)
                if key is not None and key not in sources:
                    sources[key] = PracticeSource(key, learned_on, course_id, lesson_id)
        if exam_key is not None and exam_key not in sources:
            sources[exam_key] = PracticeSource(exam_key, learned_on, course_id, None)
    return sources


def sync_review_cards(user) -> int:
    """Give the learner a card for every question of their practice sources (once); returns how
    many cards were added. A new card is due the day after the quiz was learned."""
    sources = practice_sources(user)
    if not sources:
        return 0
    counts: dict[uuid.UUID, int] = {}
    for key, count in (
        Question.objects.filter(quiz__translation_key__in=sources)
        .values_list("quiz__translation_key", "quiz_id")
        .annotate(count=Count("pk"))
        .values_list("quiz__translation_key", "count")
    ):
        counts[key] = max(counts.get(key, 0), count)
    existing = set(
        ReviewCard.objects.filter(user=user, quiz_key__in=sources).values_list(
            "quiz_key", "position"
        )
    )
    new_cards = [
        ReviewCard(
            user=user,
            quiz_key=source.quiz_key,
            position=position,
            course_id=source.course_id,
            lesson_id=source.lesson_id,
            due_on=source.learned_on + timedelta(days=BOX_INTERVAL_DAYS[1]),
        )
        for source in sources.values()
        for position in range(counts.get(source.quiz_key, 0))
        if (source.quiz_key, position) not in existing
    ]
    ReviewCard.objects.bulk_create(new_cards, ignore_conflicts=True)
    return len(new_cards)


def card_questions(cards: list[ReviewCard]) -> dict[int, Question]:
    """{card id: its question in the active language} – the German one when there is no
    translation. Two queries for any number of cards."""
    if not cards:
        return {}
    active, default = active_locale().pk, default_locale().pk
    chosen: dict[uuid.UUID, tuple[int, int]] = {}
    for quiz_id, key, locale_id in Quiz.objects.filter(
        translation_key__in={card.quiz_key for card in cards}
    ).values_list("pk", "translation_key", "locale_id"):
        rank = 0 if locale_id == active else 1 if locale_id == default else 2
        if key not in chosen or rank < chosen[key][0]:
            chosen[key] = (rank, quiz_id)
    questions: dict[int, list[Question]] = {}
    for question in (
        Question.objects.filter(quiz_id__in=[quiz_id for _rank, quiz_id in chosen.values()])
        .select_related("quiz")
        .order_by("quiz_id", "sort_order", "pk")
    ):
        questions.setdefault(question.quiz_id, []).append(question)
    result = {}
    for card in cards:
        if card.quiz_key not in chosen:
            continue
        in_quiz = questions.get(chosen[card.quiz_key][1], [])
        if card.position < len(in_quiz):
            result[card.pk] = in_quiz[card.position]
    return result


def presented_options(card: ReviewCard, question: Question, today: date) -> list[dict]:
    """The question's options in the order shown today (ordering questions always shuffled, so
    the right order is never the order shown), without telling which are right."""
    options = [{"id": o["id"], "text": o["text"]} for o in question.option_items()]
    if question.kind == QuestionKind.ORDERING or question.quiz.shuffle_options:
        rng = random.Random(f"{card.pk}:{today.isoformat()}")  # noqa: S311 (display order only)
        rng.shuffle(options)
        if question.kind == QuestionKind.ORDERING and len(options) > 1:
            right = [o["id"] for o in question.option_items()]
            if [o["id"] for o in options] == right:
                options.append(options.pop(0))
    return options


@dataclass
class MinuteToday:
    """Today's CX-Minute for one learner: the questions still open, what is done, the streak."""

    cards: list[ReviewCard]
    answered: int
    correct: int
    streak: int
    has_cards: bool

    @property
    def total(self) -> int:
        return self.answered + len(self.cards)

    @property
    def done(self) -> bool:
        return not self.cards


def minute_today(user, today: date | None = None, sync: bool = True) -> MinuteToday:
    """The learner's CX-Minute for today: up to DAILY_QUESTIONS due questions (longest overdue
    first, then lowest box), each with `.question` in the learner's language."""
    today = today or timezone.localdate()
    if sync:
        sync_review_cards(user)
    day = PracticeDay.objects.filter(user=user, day=today).first()
    answered = day.answered if day else 0
    remaining = max(0, DAILY_QUESTIONS - answered)
    due = list(
        ReviewCard.objects.filter(user=user, due_on__lte=today).order_by("due_on", "box", "pk")[
            : remaining + 5
        ]
        if remaining
        else []
    )
    questions = card_questions(due)
    gone = [card.pk for card in due if card.pk not in questions]
    if gone:  # the quiz lost questions or was deleted: nothing left to practise
        ReviewCard.objects.filter(pk__in=gone).delete()
    cards = []
    for card in due:
        if card.pk in questions and len(cards) < remaining:
            card.question = questions[card.pk]
            cards.append(card)
    return MinuteToday(
        cards=cards,
        answered=answered,
        correct=day.correct if day else 0,
        streak=practice_streak(user, today),
        has_cards=bool(cards) or ReviewCard.objects.filter(user=user).exists(),
    )


def practice_streak(user, today: date | None = None) -> int:
    """Days in a row the learner practised, up to today (today not yet practised keeps
    yesterday's streak alive)."""
    today = today or timezone.localdate()
    return _streak(set(_answered_by_day(user, today)), today)


def _answered_by_day(user, today: date) -> dict[date, int]:
    """{day: questions answered} for the learner's practice days of the last 400 days."""
    return dict(
        PracticeDay.objects.filter(
            user=user, day__lte=today, day__gte=today - timedelta(days=400), answered__gt=0
        ).values_list("day", "answered")
    )


def _streak(days: set[date], today: date) -> int:
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def validate_choice(question: Question, chosen: list[str]) -> list[str]:
    """The chosen option ids if they make a complete answer to this question; else MinuteError."""
    ids = [o["id"] for o in question.option_items()]
    if not chosen:
        raise MinuteError(_("Choose an answer first."))
    if any(option not in ids for option in chosen):
        raise MinuteError(_("That answer is not an option of this question."))
    if len(set(chosen)) != len(chosen):
        raise MinuteError(_("Each option can be chosen only once."))
    if question.kind == QuestionKind.ORDERING and len(chosen) != len(ids):
        raise MinuteError(_("Give every step a position."))
    if question.kind not in (QuestionKind.ORDERING, QuestionKind.MULTIPLE) and len(chosen) != 1:
        raise MinuteError(_("Choose one answer."))
    return chosen


@dataclass
class MinuteFeedback:
    """What the learner sees after answering: right or wrong, why, and when it comes back."""

    card: ReviewCard
    question: Question
    correct: bool
    chosen: list[dict]
    options: list[dict]
    show_answers: bool
    lesson: LessonPage | None
    today: MinuteToday
    next_in_days: int


def answer_card(user, card_id: int, chosen: list[str], today: date | None = None) -> MinuteFeedback:
    """Score one CX-Minute answer on the server (as every quiz is scored) and reschedule the
    card. A card counts once a day: a repeated post is refused with a clear message."""
    today = today or timezone.localdate()
    card = ReviewCard.objects.filter(user=user, pk=card_id).first()
    if card is None:
        raise MinuteError(_("This question is not part of your CX-Minute."))
    if card.due_on > today:
        raise MinuteError(_("You have already answered this question. It comes back later."))
    if PracticeDay.objects.filter(user=user, day=today, answered__gte=DAILY_QUESTIONS).exists():
        raise MinuteError(_("That was today's CX-Minute. See you tomorrow!"))
    question = card_questions([card]).get(card.pk)
    if question is None:
        card.delete()
        raise MinuteError(_("This question no longer exists."))
    chosen = validate_choice(question, chosen)
    correct = score_answer(question.answer_key(), chosen) >= 1
    box, due_on = next_review(card.box, correct, today)
    with transaction.atomic():
        day, _created = PracticeDay.objects.get_or_create(user=user, day=today)
        if day.answered >= DAILY_QUESTIONS:
            raise MinuteError(_("That was today's CX-Minute. See you tomorrow!"))
        # Conditional: a double submit (two taps, two tabs) reschedules the card once.
        updated = ReviewCard.objects.filter(pk=card.pk, due_on__lte=today).update(
            box=box,
            due_on=due_on,
            reviews=F("reviews") + 1,
            last_reviewed_on=today,
            last_correct=correct,
        )
        if updated != 1:
            raise MinuteError(_("You have already answered this question. It comes back later."))
        PracticeDay.objects.filter(pk=day.pk).update(
            answered=F("answered") + 1, correct=F("correct") + int(correct)
        )
    card.refresh_from_db()
    options = question.option_items()
    by_id = {o["id"]: o for o in options}
    lesson = None
    if not correct and card.lesson_id:
        lesson_page = LessonPage.objects.live().filter(pk=card.lesson_id).defer_streamfields()
        found = lesson_page.first()
        lesson = localized_pages([found])[found.pk] if found else None
    return MinuteFeedback(
        card=card,
        question=question,
        correct=correct,
        chosen=[by_id[option] for option in chosen],
        options=options,
        show_answers=question.quiz.show_answers != ShowAnswers.NEVER,
        lesson=lesson,
        today=minute_today(user, today, sync=False),
        next_in_days=(card.due_on - today).days,
    )


@dataclass
class CourseRetention:
    """How much of one course's quiz knowledge a learner (or a group) keeps."""

    course: CoursePage | None
    cards: int
    reviewed: int
    kept: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.kept / self.reviewed) if self.reviewed else None


def knowledge_kept(user) -> list[CourseRetention]:
    """Per course: the learner's questions practised and the share answered right the last time.
    Three queries at most."""
    rows = list(
        ReviewCard.objects.filter(user=user)
        .values("course_id")
        .annotate(
            cards=Count("pk"),
            reviewed=Count("pk", filter=Q(reviews__gt=0)),
            kept=Count("pk", filter=Q(last_correct=True)),
        )
        .order_by("course_id")
    )
    courses = {c.pk: c for c in CoursePage.objects.filter(pk__in=[r["course_id"] for r in rows])}
    shown = localized_pages(courses.values())
    result = [
        CourseRetention(
            course=shown.get(row["course_id"]),
            cards=row["cards"],
            reviewed=row["reviewed"],
            kept=row["kept"],
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (r.course is None, r.course.title if r.course else ""))


def minute_summary(user, today: date | None = None) -> dict:
    """For the dashboard: questions due today (without syncing) and the streak. Two queries."""
    today = today or timezone.localdate()
    answered_by_day = _answered_by_day(user, today)
    answered = answered_by_day.get(today, 0)
    due = ReviewCard.objects.filter(user=user, due_on__lte=today).count()
    return {
        "due": min(due, max(0, DAILY_QUESTIONS - answered)),
        "answered": answered,
        "streak": _streak(set(answered_by_day), today),
    }


# ---------------------------------------------------------------------------------------------
# Knowledge kept by groups: champions see their coaching groups, HR the company and each
# department – always aggregated, and never for fewer people than the privacy policy's minimum.
# ---------------------------------------------------------------------------------------------


def _course_rows(rows: list[dict], key: str) -> list[dict]:
    """Aggregate rows (one per person and course, as `_kept_per_person` gives them) into one row
    per `key` and course: people who practised, questions practised, answered right last time."""
    totals: dict[tuple, dict] = {}
    for row in rows:
        group = (row[key], row["course_id"])
        total = totals.setdefault(
            group, {key: row[key], "course_id": row["course_id"], "people": 0, "reviewed": 0}
        )
        total["people"] += 1
        total["reviewed"] += row["reviewed"]
        total["kept"] = total.get("kept", 0) + row["kept"]
    return list(totals.values())


def _kept_per_person(user_ids: list[int] | None) -> list[dict]:
    """Per person and course (one query): questions practised and answered right last time,
    with the person's department; `user_ids` None is everyone active."""
    cards = ReviewCard.objects.filter(reviews__gt=0, user__is_active=True)
    if user_ids is not None:
        cards = cards.filter(user_id__in=user_ids)
    return list(
        cards.values("user_id", "course_id", department_id=F("user__employee__department_id"))
        .annotate(reviewed=Count("pk"), kept=Count("pk", filter=Q(last_correct=True)))
        .order_by()
    )


def _with_percent_and_courses(rows: list[dict]) -> list[dict]:
    """Rows with the course in the reader's language and the share kept (None when hidden)."""
    courses = CoursePage.objects.filter(pk__in={r["course_id"] for r in rows if r["course_id"]})
    shown = localized_pages(list(courses))
    for row in rows:
        row["course"] = shown.get(row["course_id"])
        kept, reviewed = row.get("kept"), row.get("reviewed")
        row["percent"] = round(100 * kept / reviewed) if reviewed and kept is not None else None
    return sorted(
        rows, key=lambda r: (r["course"] is None, r["course"].title if r["course"] else "")
    )


def group_retention(champion) -> list[dict]:
    """For each active coaching group of this champion: {"group", "people", "courses"} with,
    per course, the share of practised CX-Minute questions the members answered right the last
    time – suppressed below the minimum group size. Five queries, any number of groups."""
    from accounts import privacy
    from champions.models import Membership
    from champions.services import groups_coached_by

    groups = list(groups_coached_by(champion).order_by("name"))
    members: dict[int, list[int]] = {group.pk: [] for group in groups}
    for group_id, user_id in Membership.objects.filter(
        group__in=groups, ended_on__isnull=True
    ).values_list("group_id", "user_id"):
        members[group_id].append(user_id)
    per_person = _kept_per_person([u for ids in members.values() for u in ids])
    minimum = privacy.min_group_size()
    result = []
    for group in groups:
        in_group = set(members[group.pk])
        rows = _course_rows(
            [{**row, "group": group.pk} for row in per_person if row["user_id"] in in_group],
            "group",
        )
        rows = privacy.suppress_small(rows, minimum, hide=("reviewed", "kept"), complement=False)
        result.append({"group": group, "people": len(in_group), "courses": rows})
    courses = _with_percent_and_courses([row for item in result for row in item["courses"]])
    by_group: dict[int, list[dict]] = {}
    for row in courses:
        by_group.setdefault(row["group"], []).append(row)
    for item in result:
        item["courses"] = by_group.get(item["group"].pk, [])
    return result


def company_retention() -> dict:
    """HR's picture: per course company-wide, and per department and course – the share of
    practised CX-Minute questions answered right the last time, rows of too few people
    suppressed (within a course, a second row too when one alone would be worked out from the
    total). Four queries, any number of people."""
    from accounts import privacy
    from people.models import Department

    per_person = _kept_per_person(None)
    minimum = privacy.min_group_size()
    company = privacy.suppress_small(
        _course_rows([{**row, "all": 0} for row in per_person], "all"),
        minimum,
        hide=("reviewed", "kept"),
        complement=False,
    )
    by_department = _course_rows(per_person, "department_id")
    departments = dict(
        Department.objects.filter(
            pk__in={r["department_id"] for r in by_department if r["department_id"]}
        ).values_list("pk", "name")
    )
    suppressed = []
    for course_id in {row["course_id"] for row in by_department}:
        suppressed += privacy.suppress_small(
            [row for row in by_department if row["course_id"] == course_id],
            minimum,
            hide=("reviewed", "kept", "people"),
        )
    for row in suppressed:
        row["department"] = departments.get(row["department_id"])
    rows = _with_percent_and_courses(suppressed)
    rows.sort(key=lambda r: (r["department"] is None, r["department"] or ""))
    return {"courses": _with_percent_and_courses(company), "departments": rows}
