"""Quizzes' part of a learner's data download: their attempts."""

from __future__ import annotations

from accounts.services import register_personal_data

from .models import Attempt


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def quiz_attempts(user) -> list[dict]:
    """The learner's quiz attempts with their scores."""
    return [
        {
            "quiz": a.quiz.title,
            "started_at": _iso(a.started_at),
            "submitted_at": _iso(a.submitted_at),
            "score_percent": float(a.score_percent) if a.score_percent is not None else None,
            "passed": a.passed,
        }
        for a in Attempt.objects.filter(user=user).select_related("quiz")
    ]


def register() -> None:
    """Add the attempts to the download (called from `QuizzesConfig.ready`)."""
    register_personal_data(
        "quiz_attempts",
        quiz_attempts,
        lambda r: ["quiz_attempt", r["quiz"], r["started_at"], r["score_percent"]],
        order=30,
    )


def register_lifecycle() -> None:
    """Retention of attempts; erasure keeps the scores for the quiz statistics but drops the
    answers (the person is no longer named)."""
    from accounts.lifecycle import register_eraser, register_retention

    register_retention(
        "quiz_attempts",
        "quiz_attempts_days",
        lambda cutoff: Attempt.objects.filter(started_at__lt=cutoff),
    )
    register_eraser(
        "quiz_answers",
        lambda user: Attempt.objects.filter(user=user).count(),
        lambda user: Attempt.objects.filter(user=user).update(answers={}),
    )
