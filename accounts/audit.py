"""Recording sensitive HR actions in the audit log."""

from __future__ import annotations

from .models import AuditEntry


def record(actor, action: str, summary: str, **details) -> AuditEntry:
    """Write one audit entry; `actor` may be None for system actions (tasks, imports by command)."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor, action=action, summary=summary[:500], details=details
    )
