"""Background jobs of the people app."""

from __future__ import annotations

from celery import shared_task


@shared_task(time_limit=30 * 60, soft_time_limit=29 * 60)
def apply_employee_import(import_id: int) -> str:
    """Apply a previewed employee import (all or nothing); safe to run twice."""
    from .services import run_import

    return run_import(import_id).status
