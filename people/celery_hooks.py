"""A worker that starts looks for imports its previous life left "running"."""

from __future__ import annotations

import logging

from celery.signals import worker_ready

logger = logging.getLogger(__name__)


@worker_ready.connect
def sweep_imports_on_worker_start(sender=None, **kwargs) -> None:
    """Imports this worker (same node name) was running before it restarted are interrupted."""
    from .tasks import sweep_imports

    try:
        sweep_imports.apply_async(
            kwargs={"restarted_worker": getattr(sender, "hostname", "") or ""}, retry=False
        )
    except Exception as exc:  # the beat sweep catches up within minutes
        logger.warning("people: start-up import sweep not queued (%s)", exc)
