"""Mandatory training: HR's assignment rules and the per-person assignments they produce."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    """Who an assignment rule applies to."""

    PEOPLE = "people", _("Selected people")
    DEPARTMENT = "department", _("Department (incl. sub-departments)")
    LOCATION = "location", _("Location")
    STAFF_ROLE = "staff_role", _("Staff role")
    FILTERS = "filters", _("People matching the filters")


class AssignmentRule(models.Model):
    """ "Everyone in X must complete course/path Y by Z" – applies to future hires too."""

    course = models.ForeignKey(
        "curriculum.CoursePage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    learning_path = models.ForeignKey(
        "curriculum.LearningPathPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target_kind = models.CharField(_("target"), max_length=20, choices=TargetKind.choices)
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.CASCADE
    )
    location = models.ForeignKey("people.Location", null=True, blank=True, on_delete=models.CASCADE)
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.CASCADE)
    staff_role = models.CharField(_("staff role"), max_length=20, blank=True)
    hired_from = models.DateField(_("hired on or after"), null=True, blank=True)
    hired_until = models.DateField(_("hired on or before"), null=True, blank=True)
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    due_date = models.DateField(_("due date"), null=True, blank=True)
    due_days_after_hire = models.PositiveIntegerField(_("days after hire"), null=True, blank=True)
    grace_days = models.PositiveIntegerField(
        _("grace period (days)"),
        default=14,
        help_text=_(
            "Someone whose due date has already passed when the training is assigned gets this "
            "many days from the day of assignment. 0: overdue at once."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assignment rule")

    def __str__(self) -> str:
        target = self.course or self.learning_path
        return f"{target} → {self.describe_target()}"

    def describe_target(self) -> str:
        """Who the rule is for, in words HR reads ("Department Service, hired from 01.01.2025")."""
        from django.utils.translation import gettext as _

        from people.models import StaffRole

        parts = []
        if self.target_kind == TargetKind.PEOPLE:
            return _("Selected people")
        if self.department_id:
            parts.append(
                _("Department %(name)s (incl. sub-departments)") % {"name": self.department}
            )
        if self.location_id:
            parts.append(_("Location %(name)s") % {"name": self.location})
        if self.team_id:
            parts.append(_("Team %(name)s") % {"name": self.team})
        if self.staff_role:
            parts.append(
                _("Role %(name)s") % {"name": dict(StaffRole.choices).get(self.staff_role, "")}
            )
        if self.hired_from:
            parts.append(_("hired on or after %(date)s") % {"date": f"{self.hired_from:%d.%m.%Y}"})
        if self.hired_until:
            parts.append(
                _("hired on or before %(date)s") % {"date": f"{self.hired_until:%d.%m.%Y}"}
            )
        return ", ".join(parts) or _("Everyone")


class Assignment(models.Model):
    """One person must complete one course by a date (materialised from a rule)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_assignments"
    )
    course = models.ForeignKey("curriculum.CoursePage", on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(
        AssignmentRule, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    due_date = models.DateField(_("due date"), db_index=True)
    # Set while the assignment is the renewal of this (expiring) certificate.
    renewal_of = models.ForeignKey(
        "curriculum.Certificate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_assignment_per_course")
        ]
        indexes = [models.Index(fields=["course", "due_date"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.course} bis {self.due_date:%d.%m.%Y}"


class ReminderReason(models.TextChoices):
    """Why a reminder e-mail goes out."""

    BEFORE_DUE = "before", _("Before the due date")
    DUE_TODAY = "due_today", _("On the due date")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Told the manager")
    MANAGER = "manager", _("Reminded by the manager")
    HR = "hr", _("Reminded by HR")
    RENEWAL = "renewal", _("Re-assigned for renewal")


class ReminderLog(models.Model):
    """A reminder that was sent; the unique key makes the daily task idempotent."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    reason = models.CharField(max_length=10, choices=ReminderReason.choices)
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "reason", "sent_on"], name="one_reminder_per_reason_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment} – {self.reason} ({self.sent_on})"
