"""The company integration: API tokens, webhooks and their delivery log, SCIM identities, the
xAPI statement queue."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ResourceFamily(models.TextChoices):
    """Groups of API resources a token is scoped to."""

    PEOPLE = "people", _("Employees and organisation")
    LEARNING = "learning", _("Courses, progress, quiz attempts and certificates")
    ASSIGNMENTS = "assignments", _("Assignments")
    CHAMPIONS = "champions", _("Champion groups")
    SCIM = "scim", _("SCIM user provisioning")


class Access(models.TextChoices):
    """What a token may do with one resource family."""

    NONE = "", _("No access")
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    """A named, scoped, expiring credential HR hands to another system; only its hash is kept."""

    name = models.CharField(_("name"), max_length=120, help_text=_("Which system uses it."))
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=dict, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def access(self, family: str) -> str:
        """ "read", "write" or "" for one resource family."""
        value = self.scopes.get(family, "")
        return value if value in (Access.READ, Access.WRITE) else ""

    def allows(self, family: str, write: bool) -> bool:
        """Whether this token may read (or write) the family's resources."""
        access = self.access(family)
        return access == Access.WRITE if write else access in (Access.READ, Access.WRITE)

    def scope_labels(self) -> list[str]:
        """ "Assignments: Read and write" and so on, for HR's token list."""
        return [
            f"{family.label}: {Access(self.access(family)).label}"
            for family in ResourceFamily
            if self.access(family)
        ]

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class WebhookEvent(models.TextChoices):
    """Events a webhook endpoint can subscribe to."""

    COURSE_COMPLETED = "course.completed", _("Course completed")
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    ASSIGNMENT_OVERDUE = "assignment.overdue", _("Assignment overdue")


class WebhookEndpoint(models.Model):
    """A URL of another system that receives signed events (Standard Webhooks)."""

    url = models.URLField(
        _("URL"), max_length=500, help_text=_("HTTPS address that receives events.")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(max_length=100)
    events = models.JSONField(default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook endpoint")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    """Where one webhook delivery stands."""

    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed (gave up)")


class WebhookDelivery(models.Model):
    """One event for one endpoint, with every attempt's outcome: the delivery log."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=64, unique=True)
    event_type = models.CharField(max_length=64)
    payload = models.JSONField()
    status = models.CharField(
        max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint} ({self.status})"


class ScimIdentity(models.Model):
    """The SCIM view of a user: stable id, the IdP's externalId, and whether the IdP deleted it.

    A SCIM DELETE deactivates the employee and hides them from SCIM; their history stays."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim_identity"
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=200, blank=True, db_index=True)
    user_name = models.CharField(
        max_length=200,
        blank=True,
        db_index=True,
        help_text="The IdP's userName when not the e-mail.",
    )
    attributes = models.JSONField(default=dict, blank=True)  # what the IdP sent, returned as is
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.scim_id)


class ScimGroup(models.Model):
    """The SCIM view of a department (SCIM Groups are departments here)."""

    department = models.OneToOneField(
        "people.Department", on_delete=models.CASCADE, related_name="scim_group"
    )
    scim_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(max_length=200, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.scim_id)


class XapiStatement(models.Model):
    """An xAPI statement waiting for (or already in) the Learning Record Store."""

    statement_id = models.UUIDField(unique=True)
    verb = models.CharField(max_length=200)
    statement = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.verb} {self.statement_id}"
