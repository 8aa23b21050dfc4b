"""Organisation data: departments, locations, teams and one employee profile per user."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A department; departments nest (e.g. Service → Service Hamburg)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent department"),
        help_text=_("Leave empty for a top-level department."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive units are kept for history.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """A site where employees work (branch, office, contact centre)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive units are kept for history.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team inside a department."""

    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="teams", verbose_name=_("department")
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive units are kept for history.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], name="unique_team_per_department"
            )
        ]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return f"{self.name} ({self.department})"


class StaffRole(models.TextChoices):
    """Which curriculum track an employee belongs to."""

    SERVICE = "service", _("Service staff")
    MANAGEMENT = "management", _("Management")
    OTHER = "other", _("Other")


class EmployeeProfile(models.Model):
    """HR's record of an employee; kept (inactive) when they leave so their history stays."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employee"
    )
    staff_role = models.CharField(
        _("staff role"), max_length=20, choices=StaffRole.choices, default=StaffRole.SERVICE
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="employees"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="employees"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="employees"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="direct_reports",
        verbose_name=_("manager"),
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        indexes = [
            models.Index(fields=["staff_role"]),
            models.Index(fields=["is_active", "department"]),
            models.Index(fields=["is_active", "location"]),
        ]
        verbose_name = _("employee profile")
        verbose_name_plural = _("employee profiles")

    def __str__(self) -> str:
        return str(self.user)


class ImportStatus(models.TextChoices):
    """Where an employee import stands."""

    PREVIEW = "preview", _("Checked, not applied")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed – nothing was changed")
    INTERRUPTED = "interrupted", _("Interrupted – nothing was changed")


class InvitationTiming(models.TextChoices):
    """When the people an import creates get their invitation e-mail."""

    NOW = "now", _("Send invitations now")
    LATER = "later", _("Send invitations later (from this page)")
    NEVER = "never", _("Do not send invitations")


class EmployeeImport(models.Model):
    """One uploaded employee file: kept from the preview through the background apply."""

    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the running job last said it is alive.")
    )
    worker = models.CharField(
        max_length=200, blank=True, help_text=_("The background worker that runs the job.")
    )
    runs = models.PositiveSmallIntegerField(default=0)
    invitations = models.CharField(
        max_length=10, choices=InvitationTiming.choices, default=InvitationTiming.NOW
    )
    deactivate_missing = models.BooleanField(default=False)
    total_rows = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("employee import")
        verbose_name_plural = _("employee imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"
