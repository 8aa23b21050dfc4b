"""Champions become active automatically when they complete the champions path."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from curriculum.models import CourseEnrolment

from .models import ChampionProfile, ChampionStatus


@receiver(post_save, sender=CourseEnrolment)
def activate_champion_on_completion(sender, instance: CourseEnrolment, **kwargs) -> None:
    """A completed course may complete the champions path of a champion in training."""
    if instance.completed_at is None:
        return
    from .services import activate_if_ready

    profile = ChampionProfile.objects.filter(
        user_id=instance.user_id, status=ChampionStatus.IN_TRAINING
    ).first()
    if profile is not None:
        activate_if_ready(profile)


@receiver(post_save, sender=CourseEnrolment)
def forget_company_rate_on_change(sender, instance, created, update_fields=None, **kwargs) -> None:
    """A new enrolment or a changed completion moves the company rate; "where I am" does not."""
    if created or update_fields is None or "completed_at" in update_fields:
        from .services import forget_company_rate

        forget_company_rate()


@receiver(post_delete, sender=CourseEnrolment)
def forget_company_rate_on_delete(sender, instance, **kwargs) -> None:
    from .services import forget_company_rate

    forget_company_rate()
