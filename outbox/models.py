"""The outbox: one row per piece of after-commit work, written in the caller's transaction."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """An e-mail (or other outbound message) that must go out once its transaction has committed."""

    KIND_MAIL = "mail"
    KIND_TASK = "task"  # a Celery task to start once the broker takes it (payload: task, args)

    kind = models.CharField(max_length=40, default=KIND_MAIL)
    topic = models.CharField(
        _("what"), max_length=80, help_text=_("Short name of the kind of message, e.g. nudge.")
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    recipient = models.CharField(_("to"), max_length=254, db_index=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")

    def __str__(self) -> str:
        return f"{self.topic} → {self.recipient} ({self.status})"


class Heartbeat(models.Model):
    """When a background process (worker, beat) last showed it is alive; read by the health check."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
