"""Template helpers for embedding quizzes."""

from __future__ import annotations

from django import template

from quizzes import services
from quizzes.models import Attempt

register = template.Library()


@register.simple_tag(takes_context=True)
def quiz_status(context, quiz) -> dict:
    """The current user's standing on a quiz: open attempt, best score, attempts left (2 queries)."""
    user = context["request"].user
    if quiz is None or not user.is_authenticated:
        return {}
    attempts = list(
        Attempt.objects.filter(user=user, quiz=quiz).only(
            "pk", "submitted_at", "score_percent", "passed", "deadline"
        )
    )
    submitted = [a for a in attempts if a.submitted_at]
    best = max(submitted, key=lambda a: a.score_percent, default=None)
    return {
        "open_attempt": next((a for a in attempts if a.submitted_at is None), None),
        "best": best,
        "passed": any(a.passed for a in submitted),
        "attempts_left": services.attempts_left(user, quiz, used=len(attempts)),
        "question_count": quiz.draw_count or quiz.questions.count(),
    }
