"""Learners' customer journey maps: touchpoints with emotions and friction, shared with champions."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class JourneyMap(models.Model):
    """One learner's map for one journey-map exercise block of a lesson (German original page)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journey_maps"
    )
    lesson = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    shared_with_champion = models.BooleanField(default=False, db_index=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson", "block_id"], name="one_map_per_exercise"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.lesson_id}/{self.block_id}"


class Touchpoint(models.Model):
    """A moment of the journey: where, through which channel, what the customer wants and feels."""

    journey_map = models.ForeignKey(
        JourneyMap, on_delete=models.CASCADE, related_name="touchpoints"
    )
    phase = models.PositiveSmallIntegerField(_("phase"))
    name = models.CharField(_("touchpoint"), max_length=120)
    channel = models.CharField(_("channel"), max_length=40, blank=True)
    customer_wants = models.CharField(_("what the customer wants"), max_length=300, blank=True)
    what_happens = models.CharField(_("what happens now"), max_length=300, blank=True)
    emotion = models.SmallIntegerField(
        _("customer emotion"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-2), MaxValueValidator(2)],
    )
    is_friction = models.BooleanField(_("friction point"), default=False)
    top_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["phase", "created_at", "id"]
        indexes = [models.Index(fields=["is_friction", "name"])]

    def __str__(self) -> str:
        return self.name


class MapComment(models.Model):
    """A champion's (or the learner's) comment on a shared map."""

    journey_map = models.ForeignKey(JourneyMap, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"
