"""Template helpers for embedding quizzes."""

from __future__ import annotations

from django import template

from core.content_cache import cached_content
from quizzes import services
from quizzes.models import Attempt

register = template.Library()


@register.simple_tag(takes_context=True)
def quiz_status(context, quiz) -> dict:
    """The current user's standing on a quiz: open attempt, best score, attempts left (2 queries;
    one more for a quiz with an attempt limit). During a renewal only the attempts since it
    began count: best score, passed and attempts left are those of the renewal."""
    user = context["request"].user
    if quiz is None or not user.is_authenticated:
        return {}
    attempts = list(  # every language version counts towards the attempt limit
        Attempt.objects.filter(user=user, quiz__translation_key=quiz.translation_key).only(
            "pk", "quiz_id", "started_at", "submitted_at", "score_percent", "passed", "deadline"
        )
    )
    open_attempt = next((a for a in attempts if a.submitted_at is None), None)
    since = services.attempts_count_since(user, quiz)
    if since is not None:
        attempts = [a for a in attempts if a.started_at >= since]
    submitted = [a for a in attempts if a.submitted_at]
    best = max(submitted, key=lambda a: a.score_percent, default=None)
    return {
        "open_attempt": open_attempt,
        "best": best,
        "passed": any(a.passed for a in submitted),
        "attempts_left": services.attempts_left(user, quiz, used=len(attempts)),
        "question_count": quiz.draw_count
        or cached_content(f"quiz-questions:{quiz.pk}", quiz.questions.count),
    }


@register.simple_tag
def quiz_context_token(quiz, context_key: str) -> str:
    """The signed context (lesson or course) this page gives the quiz's start form."""
    return services.sign_context(quiz, context_key) if quiz is not None else ""
