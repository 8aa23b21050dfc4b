"""Learner progress rules: enrolment, lesson completion, locks, course completion, certificates.

Progress rows reference the default-locale (German) pages; every function here accepts a page in
any language and maps it to that original first."""

from __future__ import annotations

import calendar
import datetime
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.db.models.functions import Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.models import Page

from core.content_cache import cached_content, cached_contents
from core.locales import active_locale
from core.pages import default_language_page

from .events import lesson_opened
from .models import (
    Certificate,
    CourseEnrolment,
    CoursePage,
    LearningPathPage,
    LessonCompletion,
    LessonPage,
    ReflectionAnswer,
    RenewalMode,
)


def localized_pages(pages) -> dict[int, Page]:
    """{page id: the page in the active language (itself when untranslated)} in one query."""
    pages = [p for p in pages if p is not None]
    active = active_locale()
    result = {p.pk: p for p in pages}
    foreign = [p for p in pages if p.locale_id != active.pk]
    if foreign:
        translations = {
            t.translation_key: t
            for t in Page.objects.live()
            .filter(translation_key__in=[p.translation_key for p in foreign], locale=active)
            .specific()
        }
        for page in foreign:
            result[page.pk] = translations.get(page.translation_key, page)
    return result


def search_terms(text: str) -> str:
    """The words of a search text, lower-case: quotes, brackets, `*`, `-` or `AND`/`OR`/`NOT`
    are search-engine syntax (SQLite FTS5 fails on an unbalanced quote), so any text works."""
    return " ".join(re.findall(r"\w+", text.lower()))[:200]


def document_is_public(document) -> bool:
    """Whether a visitor who is not logged in may fetch a document: only when a live page that
    anyone may view links it (the home page's intro, a learning path). Documents that only
    courses and lessons link (their pages need a log-in) are for logged-in people."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import ReferenceIndex

    linking = ReferenceIndex.get_references_to(document).filter(
        base_content_type=ContentType.objects.get_for_model(Page)
    )
    page_ids = [int(pk) for pk in linking.values_list("object_id", flat=True) if pk.isdigit()]
    for page in Page.objects.live().filter(pk__in=page_ids).specific():
        if not getattr(page, "requires_login", False) and not page.get_view_restrictions():
            return True
    return False


def course_lessons(course: CoursePage) -> list[LessonPage]:
    """The live lessons of a course in tree order, without their bodies (for lists and links)."""
    return cached_content(
        f"course-lessons:{course.pk}",
        lambda: list(
            LessonPage.objects.child_of(course).live().order_by("path").defer_streamfields()
        ),
    )


def path_courses(path: LearningPathPage) -> list[CoursePage]:
    """The live courses of a learning path in tree order."""
    return cached_content(
        f"path-courses:{path.pk}",
        lambda: list(CoursePage.objects.child_of(path).live().order_by("path")),
    )


def enrol(user, course: CoursePage) -> CourseEnrolment:
    """Start a course (idempotent)."""
    course = default_language_page(course)
    enrolment, _created = CourseEnrolment.objects.get_or_create(user=user, course=course)
    return enrolment


@dataclass
class LockReason:
    """Why a learner cannot open a lesson yet, and what to do first."""

    message: str
    todo: list[Page] = field(default_factory=list)


def missing_prerequisites(user, course: CoursePage) -> list[CoursePage]:
    """Prerequisite courses the user has not completed yet."""
    course = default_language_page(course)
    required = cached_content(
        f"course-prerequisites:{course.pk}", lambda: list(course.prerequisites.all())
    )
    if not required:
        return []
    done = set(
        CourseEnrolment.objects.filter(
            user=user, course__in=required, completed_at__isnull=False
        ).values_list("course_id", flat=True)
    )
    return [c for c in required if c.pk not in done]


def lesson_lock(user, lesson: LessonPage) -> LockReason | None:
    """The reason a lesson is locked for this user, or None when it is open."""
    lesson = default_language_page(lesson)
    course = lesson.course
    missing = missing_prerequisites(user, course)
    if missing:
        return LockReason(_("Complete the prerequisite courses first."), missing)
    if course.lessons_in_order:
        lessons = course_lessons(course)
        done = completed_lesson_ids(user, course)
        for earlier in lessons:
            if earlier.pk == lesson.pk:
                break
            if earlier.pk not in done:
                return LockReason(
                    _("This course is taken in order. Finish the previous lesson first."),
                    [earlier],
                )
    return None


def completed_lesson_ids(user, course: CoursePage) -> set[int]:
    """Ids of the course's lessons the user has completed."""
    return set(
        LessonCompletion.objects.filter(
            user=user, course=default_language_page(course)
        ).values_list("lesson_id", flat=True)
    )


def open_lesson(user, lesson: LessonPage) -> CourseEnrolment:
    """Opening a lesson enrols implicitly and remembers it for "continue"."""
    lesson = default_language_page(lesson)
    course = lesson.course
    enrolment = enrol(user, course)
    if enrolment.last_lesson_id != lesson.pk:
        enrolment.last_lesson = lesson
        enrolment.save(update_fields=["last_lesson", "updated_at"])
    lesson_opened.send(sender=LessonPage, user=user, lesson=lesson)
    return enrolment


class LessonLocked(Exception):
    """The lesson cannot be completed yet; the message (and `lock.todo`) say what comes first."""

    def __init__(self, lock: LockReason) -> None:
        super().__init__(lock.message)
        self.lock = lock


@transaction.atomic
def complete_lesson(user, lesson: LessonPage) -> LessonCompletion:
    """Mark a lesson done (idempotent) and complete the course when everything is done.

    Every caller (the "done" button, a passed quiz, a finished journey map) goes through the
    lesson's lock: prerequisites and lesson order hold, or LessonLocked is raised."""
    lesson = default_language_page(lesson)
    existing = LessonCompletion.objects.filter(user=user, lesson=lesson).first()
    if existing is not None:
        return existing
    lock = lesson_lock(user, lesson)
    if lock is not None:
        raise LessonLocked(lock)
    course = lesson.course
    enrolment = enrol(user, course)
    try:
        with transaction.atomic():
            # None existed a moment ago (checked above): insert without another SELECT.
            completion = LessonCompletion.objects.create(user=user, lesson=lesson, course=course)
    except IntegrityError:  # a concurrent request completed it first
        completion = LessonCompletion.objects.get(user=user, lesson=lesson)
    check_course_completion(user, course, enrolment=enrolment)
    return completion


def lesson_embeds_quiz(lesson: LessonPage, quiz) -> bool:
    """True when the lesson (in any language) has a knowledge-check block with this quiz."""
    if any(  # the usual case, read from the stored blocks: no quiz or translation is fetched
        block.get("type") == "quiz"
        and isinstance(block.get("value"), dict)
        and block["value"].get("quiz") == quiz.pk
        for block in lesson.body.raw_data
    ):
        return True
    lesson = default_language_page(lesson)
    versions = [
        lesson,
        *Page.objects.filter(translation_key=lesson.translation_key)
        .exclude(pk=lesson.pk)
        .type(LessonPage)
        .specific(),
    ]
    return any(
        block.block_type == "quiz"
        and block.value["quiz"] is not None
        and block.value["quiz"].translation_key == quiz.translation_key
        for version in versions
        for block in version.specific.body
    )


def is_final_exam_of(course: CoursePage, quiz) -> bool:
    """True when the quiz (in any language) is the course's final exam."""
    course = default_language_page(course)
    return bool(course.final_exam_id) and course.final_exam.translation_key == quiz.translation_key


def final_exam_passed(user, course: CoursePage, since: datetime.datetime | None = None) -> bool:
    """True when the course has no final exam or the user passed it (in any language);
    with `since`, only a pass submitted after that moment counts (a renewal)."""
    from quizzes.models import Attempt, Quiz

    course = default_language_page(course)
    if not course.final_exam_id:
        return True
    exam_versions = Quiz.objects.filter(translation_key=course.final_exam.translation_key)
    passes = Attempt.objects.filter(user=user, quiz__in=exam_versions, passed=True)
    if since is not None:
        passes = passes.filter(submitted_at__gte=since)
    return passes.exists()


@transaction.atomic
def check_course_completion(
    user, course: CoursePage, enrolment: CourseEnrolment | None = None
) -> bool:
    """Complete the course (and issue its certificate) when all lessons and the exam are done.

    `enrolment` is the user's enrolment in the course when the caller already holds it."""
    course = default_language_page(course)
    if enrolment is None or enrolment.course_id != course.pk or enrolment.user_id != user.pk:
        enrolment = enrol(user, course)
    if enrolment.completed_at:
        return True
    lesson_ids = {lesson.pk for lesson in course_lessons(course)}
    if not lesson_ids or not lesson_ids <= completed_lesson_ids(user, course):
        return False
    if not final_exam_passed(user, course, since=enrolment.renewal_started_at):
        return False
    enrolment.completed_at = timezone.now()
    renewing = enrolment.renewal_of
    enrolment.renewal_of = None
    # renewal_started_at stays: the final exam's attempts keep counting from the renewal.
    enrolment.save(update_fields=["completed_at", "renewal_of", "updated_at"])
    issue_certificate(user, course, renewing=renewing)
    return True


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the 31st becomes the month's last day (31.01. + 1 → 28./29.02.)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity_months(course: CoursePage) -> int | None:
    """How long the course's certificates are valid: its own setting, else its path's."""
    course = default_language_page(course)
    if course.validity_months:
        return course.validity_months
    path = LearningPathPage.objects.filter(path=course.path[: -course.steplen]).first()
    return path.validity_months if path is not None and path.validity_months else None


def certificate_expiry(course: CoursePage, issued_at: datetime.datetime) -> datetime.date | None:
    """The expiry date a certificate issued now gets (None: it never expires). Fixed at issue:
    editing the validity later changes only certificates issued after the edit."""
    months = validity_months(course)
    if not months:
        return None
    return add_months(timezone.localdate(issued_at), months)


def issue_certificate(user, course: CoursePage, renewing: Certificate | None = None) -> Certificate:
    """The user's current certificate for a completed course (created once). A renewal issues a
    new one that replaces `renewing`; the old certificate is kept (no longer current)."""
    course = default_language_page(course)
    existing = Certificate.objects.filter(user=user, course=course, is_current=True).first()
    if existing and (renewing is None or existing.pk != renewing.pk):
        return existing
    issued_at = timezone.now()
    if existing is not None:
        existing.is_current = False
        existing.save(update_fields=["is_current"])
    return Certificate.objects.create(
        user=user,
        course=course,
        code=secrets.token_hex(8).upper(),
        learner_name=name_on_record(user),
        course_title=course.title,
        issued_at=issued_at,
        expires_on=certificate_expiry(course, issued_at),
        replaces=existing,
    )


def name_on_record(user) -> str:
    """The name a certificate is issued in, frozen on it: the name HR keeps on record (the person
    cannot change that one, `accounts.services.name_kept_by_hr`), else the account's name."""
    name = " ".join(f"{user.first_name} {user.last_name}".split())
    return (name or user.email)[: Certificate._meta.get_field("learner_name").max_length]


class CertificateNameError(ValueError):
    """A name a certificate cannot carry; the message says why."""


def clean_certificate_name(name: str) -> str:
    """One line of printable text: line breaks and control characters become spaces."""
    name = " ".join("".join(c if c.isprintable() else " " for c in name).split())
    if not name:
        raise CertificateNameError(_("Please enter the name for the certificate."))
    limit = Certificate._meta.get_field("learner_name").max_length
    if len(name) > limit:
        raise CertificateNameError(
            _("The name may have at most %(limit)d characters.") % {"limit": limit}
        )
    return name


def correct_certificate_name(certificate: Certificate, name: str, actor) -> Certificate:
    """HR corrects the name an issued certificate carries; the PDF and the public verification
    show it from now on, and the audit log keeps the old and the new name."""
    from accounts import audit

    name = clean_certificate_name(name)
    old = certificate.learner_name
    if name == old:
        return certificate
    with transaction.atomic():
        certificate.learner_name = name
        certificate.save(update_fields=["learner_name"])
        audit.record(
            actor,
            "certificate.name_corrected",
            f"Certificate {certificate.code}: name “{old}” → “{name}”",
            certificate=certificate.code,
            user=certificate.user.email,
            old=old,
            new=name,
        )
    return certificate


def certificates_for_hr(query: str = ""):
    """Issued certificates, newest first, for HR to find by name, e-mail, course or code.

    When the privacy policy hides individual progress from HR, a list of who holds which
    certificate would show it: HR then finds a certificate only by its exact code (which its
    holder gives them, and which the public verification page shows anyway)."""
    from accounts import privacy

    certificates = Certificate.objects.select_related("user").order_by("-issued_at", "-pk")
    if not privacy.policy_for(privacy.HR).individual_progress:
        code = query.strip()
        return certificates.filter(code__iexact=code) if code and " " not in code else []
    for word in query.split():
        certificates = certificates.filter(
            Q(learner_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(course_title__icontains=word)
            | Q(code__iexact=word)
        )
    return certificates


class CertificateState:
    """What the public verification page says about a certificate."""

    VALID = "valid"
    EXPIRED = "expired"
    RENEWED = "renewed"


def certificate_state(certificate: Certificate, today: datetime.date | None = None) -> str:
    """Valid, expired (its expiry date has passed) or renewed (a newer one replaced it)."""
    today = today or timezone.localdate()
    if not certificate.is_current:
        return CertificateState.RENEWED
    if certificate.expires_on is not None and certificate.expires_on < today:
        return CertificateState.EXPIRED
    return CertificateState.VALID


def renewal_mode(course: CoursePage) -> str:
    """Full course again, or only the final exam (which needs a final exam to exist)."""
    course = default_language_page(course)
    if course.renewal_mode == RenewalMode.FINAL_EXAM and course.final_exam_id:
        return RenewalMode.FINAL_EXAM
    return RenewalMode.FULL_COURSE


def final_exam_attempts_since(user, quiz) -> datetime.datetime | None:
    """When the user's latest renewal of a course whose final exam this quiz is began: the
    exam's attempt limit counts from then, so a renewal gets the full allowance again (one
    query; registered with quizzes as its attempt window)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return CourseEnrolment.objects.filter(
        user=user,
        renewal_started_at__isnull=False,
        course__final_exam__translation_key=quiz.translation_key,
    ).aggregate(since=Max("renewal_started_at"))["since"]


@transaction.atomic
def start_renewal(certificate: Certificate) -> CourseEnrolment:
    """Open the course again to renew a certificate: the enrolment is no longer complete; for a
    full renewal the lessons are to be done again (their completions are cleared), for an exam
    renewal only a new pass of the final exam is needed. The certificate stays valid until it
    expires or the renewal replaces it. Idempotent."""
    course = certificate.course
    enrolment = enrol(certificate.user, course)
    if enrolment.renewal_of_id == certificate.pk:
        return enrolment
    enrolment.completed_at = None
    enrolment.renewal_of = certificate
    enrolment.renewal_started_at = timezone.now()
    if renewal_mode(course) == RenewalMode.FULL_COURSE:
        LessonCompletion.objects.filter(user=certificate.user, course=course).delete()
        enrolment.last_lesson = None
    enrolment.save()
    return enrolment


@dataclass
class CourseProgress:
    """A learner's position in one course."""

    course: CoursePage
    total: int
    done: int
    started: bool
    completed_at: object = None
    next_lesson: LessonPage | None = None
    done_ids: set[int] = field(default_factory=set)

    @property
    def percent(self) -> int:
        if self.completed_at:
            return 100
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def lessons_done(self) -> bool:
        return self.total > 0 and self.done >= self.total


def course_progress(user, course: CoursePage) -> CourseProgress:
    """Progress of one user in one course, with the lesson to continue with."""
    course = default_language_page(course)
    lessons = course_lessons(course)
    enrolment = CourseEnrolment.objects.filter(user=user, course=course).first()
    done = completed_lesson_ids(user, course) if enrolment else set()
    return _progress(course, lessons, enrolment, done)


def _progress(course, lessons, enrolment, done) -> CourseProgress:
    lesson_ids = [lesson.pk for lesson in lessons]
    next_lesson = None
    if (
        enrolment
        and enrolment.last_lesson_id in lesson_ids
        and enrolment.last_lesson_id not in done
    ):
        next_lesson = next(lesson for lesson in lessons if lesson.pk == enrolment.last_lesson_id)
    if next_lesson is None:
        next_lesson = next((lesson for lesson in lessons if lesson.pk not in done), None)
    return CourseProgress(
        course=course,
        total=len(lessons),
        done=len(done & set(lesson_ids)),
        started=enrolment is not None,
        completed_at=enrolment.completed_at if enrolment else None,
        next_lesson=next_lesson,
        done_ids=done,
    )


def progress_for_users(users, courses) -> dict[tuple[int, int], dict]:
    """Bulk progress for reports and dashboards: {(user_id, course_id): {...}} in 4 queries."""
    courses = [default_language_page(c) for c in courses]
    course_ids = [c.pk for c in courses]
    user_ids = [getattr(u, "pk", u) for u in users]
    lesson_ids = live_lesson_ids_by_course(courses)
    totals = {course.pk: len(lesson_ids[course.path]) for course in courses}
    done: dict[tuple[int, int], int] = defaultdict(int)
    for user_id, course_id in LessonCompletion.objects.filter(
        user_id__in=user_ids, course_id__in=course_ids
    ).values_list("user_id", "course_id"):
        done[(user_id, course_id)] += 1
    result = {}
    for enrolment in CourseEnrolment.objects.filter(
        user_id__in=user_ids, course_id__in=course_ids
    ).only("user_id", "course_id", "completed_at", "started_at"):
        key = (enrolment.user_id, enrolment.course_id)
        total = totals[enrolment.course_id]
        percent = (
            100 if enrolment.completed_at else (round(100 * done[key] / total) if total else 0)
        )
        result[key] = {
            "started_at": enrolment.started_at,
            "completed_at": enrolment.completed_at,
            "done": done[key],
            "total": total,
            "percent": percent,
        }
    return result


def lessons_under(course_paths):
    """Lessons (live or not) directly under the courses with these tree paths, in one query.

    Matched on the parent's path (a lesson's path less its last step) with one IN list: a
    `startswith` condition per course made building the query cost more than running it."""
    course_paths = list(course_paths)
    return (
        LessonPage.objects.filter(
            depth__in={len(path) // LessonPage.steplen + 1 for path in course_paths}
        )
        .alias(parent_path=Substr("path", 1, Length("path") - LessonPage.steplen))
        .filter(parent_path__in=course_paths)
    )


def my_learning(user) -> dict:
    """The home page's "My learning": courses in progress and completed, and what to do next.

    Constant queries whatever the number of courses; lessons are read as ids only, and the one
    lesson shown as "continue" is the only lesson page loaded."""
    enrolments = list(CourseEnrolment.objects.filter(user=user).order_by("-started_at"))
    if not enrolments:
        return {"in_progress": [], "completed": [], "next_lesson": None}
    course_by_id = courses_by_id([e.course_id for e in enrolments])
    enrolments = [e for e in enrolments if e.course_id in course_by_id]
    for enrolment in enrolments:
        enrolment.course = course_by_id[enrolment.course_id]
    courses = [e.course for e in enrolments]
    lesson_ids_by_course = live_lesson_ids_by_course(courses)
    done_by_course: dict[int, set[int]] = defaultdict(set)
    for course_id, lesson_id in LessonCompletion.objects.filter(user=user).values_list(
        "course_id", "lesson_id"
    ):
        done_by_course[course_id].add(lesson_id)
    certificates = {c.course_id: c for c in Certificate.objects.filter(user=user, is_current=True)}
    in_progress, completed, next_lesson_id = [], [], None
    shown = localized_pages(courses)
    for enrolment in enrolments:
        lesson_ids = lesson_ids_by_course[enrolment.course.path]
        done = done_by_course[enrolment.course_id]
        progress = CourseProgress(
            course=enrolment.course,
            total=len(lesson_ids),
            done=len(done.intersection(lesson_ids)),
            started=True,
            completed_at=enrolment.completed_at,
            done_ids=done,
        )
        item = {"progress": progress, "course": shown[enrolment.course_id]}
        if enrolment.completed_at:
            completed.append({**item, "certificate": certificates.get(enrolment.course_id)})
            continue
        in_progress.append(item)
        if next_lesson_id is None:
            next_lesson_id = _next_lesson_id(lesson_ids, enrolment.last_lesson_id, done)
    next_lesson = None
    if next_lesson_id is not None:
        lesson = cached_content(
            f"lesson-without-body:{next_lesson_id}",
            lambda: LessonPage.objects.filter(pk=next_lesson_id).defer_streamfields().first(),
        )
        next_lesson = localized_pages([lesson])[lesson.pk] if lesson else None
    return {"in_progress": in_progress, "completed": completed, "next_lesson": next_lesson}


def courses_by_id(course_ids) -> dict[int, CoursePage]:
    """{id: course page} for these ids (the same for everyone: cached per course, in one round
    trip; reading 200 course pages from the database cost more than the rest of the page)."""

    def load(keys: list[str]) -> dict[str, CoursePage]:
        found = CoursePage.objects.in_bulk([int(key.rsplit(":", 1)[1]) for key in keys])
        return {f"course:{pk}": course for pk, course in found.items()}

    cached = cached_contents([f"course:{pk}" for pk in dict.fromkeys(course_ids)], load)
    return {course.pk: course for course in cached.values()}


def live_lesson_ids_by_course(courses) -> dict[str, list[int]]:
    """{course tree path: ids of its live lessons in order} (the same for everyone: cached per
    course, all in one round trip)."""
    paths = {course.path for course in courses}

    def load(keys: list[str]) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {key: [] for key in keys}
        wanted = [key.rsplit(":", 1)[1] for key in keys]
        for lesson_id, path in (
            lessons_under(wanted).live().order_by("path").values_list("pk", "path")
        ):
            found[f"course-lesson-ids:{path[: -LessonPage.steplen]}"].append(lesson_id)
        return found

    cached = cached_contents([f"course-lesson-ids:{path}" for path in paths], load)
    return {key.rsplit(":", 1)[1]: ids for key, ids in cached.items()}


def _next_lesson_id(lesson_ids: list[int], last_lesson_id: int | None, done: set[int]):
    """The lesson to continue with: the last one opened if still open, else the first open one."""
    if last_lesson_id in lesson_ids and last_lesson_id not in done:
        return last_lesson_id
    return next((pk for pk in lesson_ids if pk not in done), None)


def has_reflection_prompt(lesson: LessonPage, block_id: str) -> bool:
    """Whether `block_id` names a reflection prompt in the lesson's body."""
    return any(b.id == block_id and b.block_type == "reflection" for b in lesson.body)


def save_reflection(user, lesson: LessonPage, block_id: str, text: str) -> ReflectionAnswer | None:
    """The learner's private answer to a reflection prompt, kept against the default-language
    lesson (one answer in either language); an empty text deletes it (returns None)."""
    if not has_reflection_prompt(lesson, block_id):
        raise ValueError(f"no reflection prompt {block_id!r} in lesson {lesson.pk}")
    lesson = default_language_page(lesson)
    if not text:
        ReflectionAnswer.objects.filter(user=user, lesson=lesson, block_id=block_id).delete()
        return None
    answer, _created = ReflectionAnswer.objects.update_or_create(
        user=user, lesson=lesson, block_id=block_id, defaults={"text": text}
    )
    return answer


def quiz_next_steps(attempt) -> list:
    """After a passed quiz: the certificate when the course is complete, else the next open
    lesson (or the course page, where the final test is). Registered with quizzes."""
    from django.urls import reverse

    from quizzes.services import NextStep

    from .quiz_context import LESSON, parse_context_key

    parsed = parse_context_key(attempt.context_key)
    if parsed is None:
        return []
    kind, page_id = parsed
    if kind == LESSON:
        lesson = LessonPage.objects.filter(pk=page_id).defer_streamfields().first()
        course = default_language_page(lesson).course if lesson else None
    else:
        course = CoursePage.objects.filter(pk=page_id).first()
    if course is None:
        return []
    course = default_language_page(course)
    certificate = Certificate.objects.filter(
        user=attempt.user, course=course, is_current=True
    ).first()
    if certificate is not None:
        return [
            NextStep(
                label=_("Download your certificate"),
                url=reverse("curriculum:download_certificate", args=[certificate.code]),
                primary=True,
            )
        ]
    progress = course_progress(attempt.user, course)
    if progress.next_lesson is not None:
        shown = localized_pages([progress.next_lesson])[progress.next_lesson.pk]
        return [
            NextStep(
                label=_("Next lesson: %(title)s") % {"title": shown.title},
                url=shown.url,
                primary=True,
            )
        ]
    shown_course = localized_pages([course])[course.pk]
    return [NextStep(label=_("To the course"), url=shown_course.url, primary=True)]
