"""Curriculum's part of a learner's data download: courses, lessons, reflections."""

from __future__ import annotations

from accounts.services import register_personal_data

from .models import Certificate, CourseEnrolment, LessonCompletion, ReflectionAnswer


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


def certificates(user) -> list[dict]:
    """The learner's certificates with their verification codes."""
    return [
        {
            "course": c.course_title,
            "code": c.code,
            "name_on_certificate": c.learner_name,
            "issued_at": _iso(c.issued_at),
            "withdrawn_at": _iso(c.withdrawn_at),
        }
        for c in Certificate.objects.filter(user=user)
    ]


def _withdraw_certificates(user) -> int:
    """Erasure: the certificates say "withdrawn" and no longer carry the name."""
    from django.utils import timezone

    return Certificate.objects.filter(user=user, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), learner_name=""
    )


def register_lifecycle() -> None:
    """Certificates in the download; retention of reflections; erasure of reflections and
    certificates (enrolments and completions stay for the group figures)."""
    from accounts.lifecycle import register_eraser, register_retention

    register_personal_data(
        "certificates",
        certificates,
        lambda r: ["certificate", r["course"], r["issued_at"], r["code"]],
        order=25,
    )
    register_retention(
        "reflections",
        "reflections_days",
        lambda cutoff: ReflectionAnswer.objects.filter(updated_at__lt=cutoff),
    )
    register_eraser(
        "reflections",
        lambda user: ReflectionAnswer.objects.filter(user=user).count(),
        lambda user: ReflectionAnswer.objects.filter(user=user).delete()[0],
    )
    register_eraser(
        "certificates",
        lambda user: Certificate.objects.filter(user=user, withdrawn_at__isnull=True).count(),
        _withdraw_certificates,
    )
