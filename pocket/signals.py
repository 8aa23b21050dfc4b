"""The CX-Minute learns of passed quizzes at once, so their questions come back the next day."""

from __future__ import annotations

from django.dispatch import receiver

from quizzes.signals import attempt_submitted

from . import services


@receiver(attempt_submitted)
def practise_passed_quiz(sender, attempt, **kwargs) -> None:
    """A passed quiz adds its questions to the learner's CX-Minute (once per question)."""
    if attempt.passed:
        services.sync_review_cards(attempt.user)
