"""Curriculum's part of a learner's data download: courses, lessons, reflections."""

from __future__ import annotations

from accounts.services import register_personal_data

from .models import CourseEnrolment, LessonCompletion, ReflectionAnswer


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def courses(user) -> list[dict]:
    """The learner's course enrolments."""
    return [
        {
            "course": e.course.title,
            "started_at": _iso(e.started_at),
            "completed_at": _iso(e.completed_at),
        }
        for e in CourseEnrolment.objects.filter(user=user).select_related("course")
    ]


def lessons(user) -> list[dict]:
    """The lessons the learner completed."""
    return [
        {"lesson": c.lesson.title, "completed_at": _iso(c.completed_at)}
        for c in LessonCompletion.objects.filter(user=user).select_related("lesson")
    ]


def reflections(user) -> list[dict]:
    """The learner's written reflections."""
    return [
        {"lesson": r.lesson.title, "text": r.text, "updated_at": _iso(r.updated_at)}
        for r in ReflectionAnswer.objects.filter(user=user).select_related("lesson")
    ]


def register() -> None:
    """Add the three sections to the download (called from `CurriculumConfig.ready`)."""
    register_personal_data(
        "courses",
        courses,
        lambda r: ["course", r["course"], r["started_at"], r["completed_at"] or ""],
        order=10,
    )
    register_personal_data(
        "lessons", lessons, lambda r: ["lesson", r["lesson"], r["completed_at"], ""], order=20
    )
    register_personal_data(
        "reflections",
        reflections,
        lambda r: ["reflection", r["lesson"], r["updated_at"], r["text"]],
        order=40,
    )
