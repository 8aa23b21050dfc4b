"""Heartbeats of the worker and beat processes, and a sweep whenever a worker starts."""

from __future__ import annotations

import logging

from celery.signals import beat_init, before_task_publish, worker_ready

logger = logging.getLogger("outbox")
_in_beat = False


@worker_ready.connect
def sweep_on_worker_start(sender=None, **kwargs) -> None:
    """A worker that comes up sends what waited while no worker (or no broker) was there."""
    from .tasks import sweep

    try:
        sweep.apply_async(retry=False)
    except Exception as exc:  # the beat sweep will catch up
        logger.warning("outbox: start-up sweep not queued (%s)", exc)


@beat_init.connect
def mark_beat_process(sender=None, **kwargs) -> None:
    global _in_beat
    _in_beat = True


@before_task_publish.connect
def beat_heartbeat(sender=None, **kwargs) -> None:
    """Each time beat sends a scheduled task, note that beat is alive (for the health check)."""
    if not _in_beat:
        return
    from .services import record_heartbeat

    try:
        record_heartbeat("beat")
    except Exception as exc:  # never stop beat from scheduling because the database blinked
        logger.warning("outbox: beat heartbeat not recorded (%s)", exc)
