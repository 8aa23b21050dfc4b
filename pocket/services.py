"""What the phone app keeps for offline reading, and when its cache must be renewed."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import Max, Q

from wagtail.models import Page

from assignments.models import Assignment
from curriculum.models import CourseEnrolment, LessonPage
from curriculum.services import localized_pages

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
