"""Curriculum reacts to quizzes: a passed knowledge check completes its lesson."""

from __future__ import annotations

from django.dispatch import receiver

from journeys.signals import journey_map_completed
from quizzes.signals import attempt_submitted

from . import services
from .models import CoursePage, LessonPage
from .quiz_context import LESSON, parse_context_key


@receiver(attempt_submitted)
def complete_on_passed_quiz(sender, attempt, **kwargs) -> None:
    """`lesson:<id>` completes the lesson; `course:<id>` re-checks course completion.

    Only when that page really embeds this quiz (in any language): the context names a page,
    the page decides which quiz counts for it."""
    parsed = parse_context_key(attempt.context_key) if attempt.passed else None
    if parsed is None:
        return
    kind, page_id = parsed
    if kind == LESSON:
        lesson = LessonPage.objects.filter(pk=page_id).first()
        if lesson is not None and services.lesson_embeds_quiz(lesson, attempt.quiz):
            _complete_if_open(attempt.user, lesson)
    else:
        course = CoursePage.objects.filter(pk=page_id).first()
        if course is not None and services.is_final_exam_of(course, attempt.quiz):
            services.check_course_completion(attempt.user, course)


@receiver(journey_map_completed)
def complete_on_finished_journey_map(sender, journey_map, user, lesson_page_id, **kwargs) -> None:
    """A completed journey-map exercise completes its lesson (if the lesson is open)."""
    lesson = LessonPage.objects.filter(pk=lesson_page_id).first()
    if lesson is not None:
        _complete_if_open(user, lesson)


def _complete_if_open(user, lesson: LessonPage) -> None:
    """A locked lesson stays incomplete; the quiz attempt or the map is kept all the same."""
    try:
        services.complete_lesson(user, lesson)
    except services.LessonLocked:
        pass
