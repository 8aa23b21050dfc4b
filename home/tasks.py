"""Celery tasks of the home app."""

from __future__ import annotations

from celery import shared_task


@shared_task
def ping(message: str = "pong") -> str:
    """Echo a message back: proves that a worker picks up and answers tasks."""
    return message
