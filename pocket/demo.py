"""Demo CX-Minute: every demo learner's questions from what they passed, and Lea (the demo
learner) with three questions due today and a two-day streak."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from . import services
from .models import PracticeDay, ReviewCard

DEMO_LEARNER = "learner@cx-academy.example"


@transaction.atomic
def load(stdout) -> None:
    """Cards for the demo accounts (once); the demo learner's minute ready to try today."""
    for user in User.objects.filter(email__endswith="@cx-academy.example"):
        services.sync_review_cards(user)
    learner = User.objects.filter(email=DEMO_LEARNER).first()
    if learner is None or PracticeDay.objects.filter(user=learner).exists():
        return
    today = timezone.localdate()
    due = list(ReviewCard.objects.filter(user=learner).order_by("pk")[:3])
    ReviewCard.objects.filter(pk__in=[card.pk for card in due]).update(due_on=today)
    PracticeDay.objects.bulk_create(
        PracticeDay(user=learner, day=today - timedelta(days=days), answered=3, correct=2)
        for days in (1, 2)
    )
    stdout.write(f"CX-Minute: {len(due)} questions due today for {DEMO_LEARNER}.")
