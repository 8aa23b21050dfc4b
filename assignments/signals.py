"""Rules apply to future hires: saved employee profiles get the assignments that target them."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from people.models import EmployeeProfile
from people.signals import employees_batch_saved, import_forecast, units_merged

from .services import (
    RuleBook,
    apply_rules_to_employee,
    apply_rules_to_profiles,
    forecast_for_profiles,
)


@receiver(post_save, sender=EmployeeProfile)
def assign_rules_to_employee(sender, instance: EmployeeProfile, **kwargs) -> None:
    """Materialise matching rules for an active employee after every single save."""
    if instance.is_active:
        apply_rules_to_employee(instance)


@receiver(employees_batch_saved)
def assign_rules_to_batch(sender, profiles, today, context=None, **kwargs) -> int:
    """An import batch: every rule evaluated once for the whole batch (rules loaded once)."""
    context = context if context is not None else {}
    book = context.setdefault("assignments.rulebook", RuleBook())
    return apply_rules_to_profiles(profiles, today, book)


@receiver(import_forecast)
def forecast_assignments(sender, profiles, **kwargs) -> dict:
    """The import preview announces the assignments it will create and how many are late."""
    from django.utils import timezone

    return forecast_for_profiles(profiles, timezone.localdate())


@receiver(units_merged)
def move_rules_to_merged_unit(sender, source, target, **kwargs) -> None:
    """Rules naming a merged department/location/team now name the unit it was merged into."""
    from .models import AssignmentRule

    field = {"Department": "department", "Location": "location", "Team": "team"}[sender.__name__]
    AssignmentRule.objects.filter(**{field: source}).update(**{field: target})
