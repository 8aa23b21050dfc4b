"""Demo mandatory training: service staff must take the basics within 30 days of hire."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from wagtail.models import Locale

from curriculum.models import CoursePage, LearningPathPage

from .models import AssignmentRule, TargetKind
from .services import apply_rule


@transaction.atomic
def load(stdout) -> None:
    """Two rules (once): basics for service staff, the managers' path for management."""
    german = Locale.get_default()
    basics = CoursePage.objects.filter(slug="cx-grundlagen", locale=german).first()
    journey = CoursePage.objects.filter(slug="customer-journey", locale=german).first()
    managers_path = LearningPathPage.objects.filter(slug="fuehrungskraefte", locale=german).first()
    if basics and not AssignmentRule.objects.filter(course=basics).exists():
        apply_rule(
            AssignmentRule.objects.create(
                course=basics,
                target_kind=TargetKind.STAFF_ROLE,
                staff_role="service",
                due_days_after_hire=30,
            )
        )
    if journey and not AssignmentRule.objects.filter(course=journey).exists():
        apply_rule(
            AssignmentRule.objects.create(
                course=journey,
                target_kind=TargetKind.STAFF_ROLE,
                staff_role="service",
                due_date=timezone.localdate() + datetime.timedelta(days=7),
            )
        )
    if managers_path and not AssignmentRule.objects.filter(learning_path=managers_path).exists():
        apply_rule(
            AssignmentRule.objects.create(
                learning_path=managers_path,
                target_kind=TargetKind.STAFF_ROLE,
                staff_role="management",
                due_date=timezone.localdate() + datetime.timedelta(days=60),
            )
        )
