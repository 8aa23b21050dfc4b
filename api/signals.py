"""The API listens to what the apps below already announce and turns it into webhooks and xAPI."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from assignments.models import ReminderLog, ReminderReason
from curriculum.events import lesson_opened
from curriculum.models import Certificate, CourseEnrolment, CoursePage, LessonCompletion, LessonPage
from curriculum.quiz_context import COURSE, LESSON, parse_context_key
from people.models import EmployeeProfile
from quizzes.signals import attempt_submitted

from . import webhooks, xapi
from .models import WebhookEvent

log = logging.getLogger(__name__)


def _safely(build):
    """Integration must never break learning: log a failure to build an event and go on."""

    def wrapped(*args, **kwargs):
        try:
            build(*args, **kwargs)
        except Exception:
            log.exception("integration event %s failed", build.__name__)

    wrapped.__name__ = build.__name__
    return wrapped


def _person(user) -> dict:
    return {"id": user.pk, "email": user.email}


@receiver(post_save, sender=User)
def touch_employee_on_user_change(sender, instance: User, created: bool, **kwargs) -> None:
    """Name or e-mail changes live on the user: mark the employee changed for incremental sync."""
    if not created:
        EmployeeProfile.objects.filter(user=instance).update(updated_at=timezone.now())


@receiver(lesson_opened)
@_safely
def lesson_experienced(sender, user, lesson: LessonPage, **kwargs) -> None:
    if not xapi.is_configured():
        return
    course = lesson.get_parent().specific
    xapi.queue(
        [
            xapi.statement(
                user,
                "experienced",
                xapi.activity("lesson", lesson),
                parent=xapi.activity("course", course),
            )
        ]
    )


@receiver(post_save, sender=LessonCompletion)
@_safely
def lesson_completed(sender, instance: LessonCompletion, created: bool, **kwargs) -> None:
    if not created or not xapi.is_configured():
        return
    xapi.queue(
        [
            xapi.statement(
                instance.user,
                "completed",
                xapi.activity("lesson", instance.lesson),
                result={"completion": True},
                parent=xapi.activity("course", instance.course),
                timestamp=instance.completed_at,
            )
        ]
    )


def _quiz_parent(context_key: str) -> dict | None:
    parsed = parse_context_key(context_key)
    if parsed is None:
        return None
    kind, page_id = parsed
    model = {LESSON: LessonPage, COURSE: CoursePage}[kind]
    page = model.objects.filter(pk=page_id).first()
    return xapi.activity(kind, page) if page else None


@receiver(attempt_submitted)
@_safely
def quiz_attempted(sender, attempt, **kwargs) -> None:
    """attempted, then passed or failed, each with the score."""
    if not xapi.is_configured():
        return
    quiz = xapi.activity("quiz", attempt.quiz, "assessment")
    parent = _quiz_parent(attempt.context_key)
    score = Decimal(attempt.score_percent or 0)
    result = {
        "score": {"scaled": float(score / 100), "raw": float(score), "min": 0, "max": 100},
        "success": bool(attempt.passed),
        "completion": True,
    }
    xapi.queue(
        [
            xapi.statement(
                attempt.user, "attempted", quiz, parent=parent, timestamp=attempt.started_at
            ),
            xapi.statement(
                attempt.user,
                "passed" if attempt.passed else "failed",
                quiz,
                result=result,
                parent=parent,
                timestamp=attempt.submitted_at,
            ),
        ]
    )


@receiver(post_save, sender=CourseEnrolment)
@_safely
def course_completed(sender, instance: CourseEnrolment, update_fields=None, **kwargs) -> None:
    """The enrolment's completion is saved once, by curriculum's check_course_completion."""
    if instance.completed_at is None or not update_fields or "completed_at" not in update_fields:
        return
    course = instance.course
    webhooks.emit(
        WebhookEvent.COURSE_COMPLETED,
        {
            "enrolment_id": instance.pk,
            "user": _person(instance.user),
            "course": {"id": course.pk, "title": course.title},
            "completed_at": instance.completed_at.isoformat(),
        },
    )
    if xapi.is_configured():
        xapi.queue(
            [
                xapi.statement(
                    instance.user,
                    "completed",
                    xapi.activity("course", course),
                    result={"completion": True},
                    timestamp=instance.completed_at,
                )
            ]
        )


@receiver(post_save, sender=Certificate)
@_safely
def certificate_issued(sender, instance: Certificate, created: bool, **kwargs) -> None:
    if not created:
        return
    url = settings.SITE_URL.rstrip("/") + reverse(
        "curriculum:verify_certificate", kwargs={"code": instance.code}
    )
    webhooks.emit(
        WebhookEvent.CERTIFICATE_ISSUED,
        {
            "certificate_id": instance.pk,
            "code": instance.code,
            "user": _person(instance.user),
            "course": {"id": instance.course_id, "title": instance.course_title},
            "issued_at": instance.issued_at.isoformat(),
            "verification_url": url,
        },
    )
    if xapi.is_configured():
        certificate = {
            "objectType": "Activity",
            "id": url,
            "definition": {
                "type": xapi.ACTIVITY_TYPES["certificate"],
                "name": {"de-DE": instance.course_title},
            },
        }
        xapi.queue(
            [
                xapi.statement(
                    instance.user,
                    "earned",
                    certificate,
                    parent=xapi.activity("course", instance.course),
                    timestamp=instance.issued_at,
                )
            ]
        )


@receiver(post_save, sender=ReminderLog)
@_safely
def assignment_overdue(sender, instance: ReminderLog, created: bool, **kwargs) -> None:
    """The first overdue reminder of an assignment is the moment it became overdue."""
    if not created or instance.reason != ReminderReason.OVERDUE:
        return
    if (
        ReminderLog.objects.filter(assignment_id=instance.assignment_id, reason=instance.reason)
        .exclude(pk=instance.pk)
        .exists()
    ):
        return
    assignment = instance.assignment
    webhooks.emit(
        WebhookEvent.ASSIGNMENT_OVERDUE,
        {
            "assignment_id": assignment.pk,
            "user": _person(assignment.user),
            "course": {"id": assignment.course_id, "title": assignment.course.title},
            "due_date": assignment.due_date.isoformat(),
        },
    )
