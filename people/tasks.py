"""Background jobs of the people app."""

from __future__ import annotations

from celery import shared_task

IMPORT_TIME_LIMIT = 30 * 60  # seconds; an import still "running" after this has been killed


@shared_task(bind=True, time_limit=IMPORT_TIME_LIMIT, soft_time_limit=IMPORT_TIME_LIMIT - 60)
def apply_employee_import(self, import_id: int) -> str:
    """Apply a previewed employee import (all or nothing); safe to run twice."""
    from .services import run_import

    return run_import(import_id, worker=self.request.hostname or "").status


@shared_task(ignore_result=True)
def sweep_imports(restarted_worker: str = "") -> dict:
    """Mark imports whose worker died as interrupted; hand over queued ones nobody started
    (beat, every few minutes, and at each worker start with that worker's name)."""
    from .services import sweep_imports as sweep

    return sweep(restarted_worker=restarted_worker)
