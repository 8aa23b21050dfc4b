"""CX champions: profiles, coaching groups, sessions and action items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChampionStatus(models.TextChoices):
    """A champion's way from nomination to active coaching (and out again)."""

    NOMINATED = "nominated", _("Nominated")
    IN_TRAINING = "in_training", _("In training")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    RETIRED = "retired", _("Retired")


FOCUS_AREAS = [
    ("journey_mapping", _("Journey mapping")),
    ("complaints", _("Complaint handling")),
    ("omnichannel", _("Omnichannel")),
    ("feedback", _("Feedback & VOC")),
    ("culture", _("Culture & role-modelling")),
]


class ChampionProfile(models.Model):
    """A CX champion: who they are, what they focus on and how many colleagues they can coach."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="champion"
    )
    bio = models.TextField(_("about me"), blank=True, max_length=2000)
    photo = models.ImageField(_("photo"), upload_to="champions/photos/", blank=True)
    photo_small = models.ImageField(upload_to="champions/photos/", blank=True, editable=False)
    focus_areas = models.JSONField(_("focus areas"), default=list, blank=True)
    languages = models.CharField(
        _("languages"), max_length=120, blank=True, help_text=_("e.g. Deutsch, Englisch")
    )
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.SET_NULL
    )
    location = models.ForeignKey(
        "people.Location", null=True, blank=True, on_delete=models.SET_NULL
    )
    capacity = models.PositiveSmallIntegerField(_("capacity (coachees)"), default=8)
    status = models.CharField(
        max_length=20,
        choices=ChampionStatus.choices,
        default=ChampionStatus.NOMINATED,
        db_index=True,
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return str(self.user)

    def focus_labels(self) -> list[str]:
        labels = dict(FOCUS_AREAS)
        return [str(labels[f]) for f in self.focus_areas if f in labels]


class CoachingGroup(models.Model):
    """A champion (optionally with a co-champion) and the colleagues they coach."""

    name = models.CharField(_("name"), max_length=120)
    champion = models.ForeignKey(ChampionProfile, on_delete=models.PROTECT, related_name="groups")
    co_champion = models.ForeignKey(
        ChampionProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="co_groups"
    )
    focus = models.CharField(_("focus"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A colleague in a coaching group; ended memberships stay as history."""

    group = models.ForeignKey(CoachingGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_memberships"
    )
    joined_on = models.DateField(auto_now_add=True)
    ended_on = models.DateField(null=True, blank=True)
    unassigned_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_on__isnull=True),
                name="one_active_group_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class CoachingSession(models.Model):
    """A coaching session a champion held with a group."""

    group = models.ForeignKey(CoachingGroup, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"), db_index=True)
    topic = models.CharField(_("topic"), max_length=200)
    related_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("course or lesson"),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coaching_sessions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.group}: {self.topic} ({self.held_on})"


class ActionItem(models.Model):
    """Something a colleague agreed to do after a coaching session or a floor observation."""

    session = models.ForeignKey(
        CoachingSession,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    observation = models.ForeignKey(
        "champions.Observation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items"
    )
    description = models.CharField(_("what"), max_length=300)
    due_date = models.DateField(_("due"))
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date"]
        indexes = [models.Index(fields=["owner", "done_at"]), models.Index(fields=["due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, observation__isnull=True)
                | Q(session__isnull=True, observation__isnull=False),
                name="action_item_from_session_or_observation",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_overdue(self) -> bool:
        """Still open after its due date."""
        return self.done_at is None and self.due_date < timezone.localdate()


class ActionItemReminder(models.Model):
    """An overdue reminder sent for an action item; unique per day so the task is idempotent."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "sent_on"], name="one_item_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.sent_on})"


class Nudge(models.Model):
    """A friendly reminder a champion sent a member; at most one per member per day."""

    champion = models.ForeignKey(ChampionProfile, on_delete=models.CASCADE, related_name="nudges")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "sent_on"], name="one_nudge_per_member_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.champion} → {self.member} ({self.sent_on})"
