"""Rules apply to future hires: a saved employee profile gets the assignments that target it."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from people.models import EmployeeProfile

from .services import apply_rules_to_employee


@receiver(post_save, sender=EmployeeProfile)
def assign_rules_to_employee(sender, instance: EmployeeProfile, **kwargs) -> None:
    """Materialise matching rules for an active employee after every save."""
    if instance.is_active:
        apply_rules_to_employee(instance)
