"""Rules of the outbox: enqueue in the caller's transaction, dispatch after commit, deliver once.

A row is written together with the business change it belongs to; when the transaction commits it
is handed to Celery with a short broker timeout. If the broker is down the request does not wait:
the row stays pending and the sweep (beat, every minute, and at worker start-up) hands it over
again. Delivery claims the row with one conditional UPDATE, so however often a row is dispatched,
only one worker sends it; the mail carries a Message-ID made from the idempotency key.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import smtplib
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Heartbeat, OutboxMessage, OutboxStatus

logger = logging.getLogger("outbox")

_handlers: dict[str, Callable[[OutboxMessage], None]] = {}


def register_handler(kind: str, handler: Callable[[OutboxMessage], None]) -> None:
    """Let a higher app deliver its own kind of outbox row (webhooks, xAPI statements, …)."""
    _handlers[kind] = handler


def _setting(name: str, default):
    return getattr(settings, name, default)


def enqueue(
    *,
    kind: str,
    topic: str,
    key: str,
    recipient: str,
    subject: str = "",
    payload: dict,
    delay: float = 0,
    not_before: datetime.datetime | None = None,
) -> OutboxMessage:
    """Write a piece of after-commit work in the current transaction (once per idempotency key);
    with `delay` (seconds) it is not handed over before then (spacing out batches; in eager mode,
    with no worker to wait for, there is no delay). `not_before` is a time the row must wait for
    in every mode (a push held through the recipient's quiet hours); the sweep hands it over."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        delay = 0
    if not_before is not None:
        delay = max(delay, (not_before - timezone.now()).total_seconds())
    elif delay:
        not_before = timezone.now() + datetime.timedelta(seconds=delay)
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "kind": kind,
            "topic": topic,
            "recipient": recipient[:254],
            "subject": subject[:300],
            "payload": payload,
            "next_attempt_at": not_before,
        },
    )
    if created:
        transaction.on_commit(
            partial(dispatch, message.pk, countdown=delay + 1 if delay else None), robust=True
        )
    return message


def enqueue_task(
    task_name: str, *, key: str, args: list | None = None, delay: float = 0, topic: str = ""
) -> OutboxMessage:
    """Start a Celery task after the commit, even if the broker is down right then: the row is
    handed to the worker, which puts the task on the broker (the sweep retries until it can).
    The task itself must be safe to run twice (the hand-over is at least once)."""
    return enqueue(
        kind=OutboxMessage.KIND_TASK,
        topic=topic or task_name.rsplit(".", 1)[-1],
        key=key,
        recipient=task_name,
        payload={"task": task_name, "args": list(args or [])},
        delay=delay,
    )


def hand_over_task(message: OutboxMessage) -> None:
    """Deliver a task row: put its task on the broker (in eager mode: run it now)."""
    from celery import Task

    task = import_string(message.payload["task"])  # importing it registers it, in any process
    if not isinstance(task, Task):
        raise TypeError(f"{message.payload['task']} is not a Celery task")
    task.apply_async(args=message.payload.get("args", []), retry=False)


def enqueue_mail(
    *,
    topic: str,
    key: str,
    to: str,
    subject: str,
    body: str,
    html_body: str = "",
    language: str = "",
    reply_to: list[str] | None = None,
) -> OutboxMessage:
    """Queue an e-mail composed now (in the recipient's language) to go out after commit."""
    return enqueue(
        kind=OutboxMessage.KIND_MAIL,
        topic=topic,
        key=key,
        recipient=to,
        subject=subject,
        payload={
            "subject": subject,
            "body": body,
            "html_body": html_body,
            "to": [to],
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "reply_to": reply_to or [],
            "language": language,
        },
    )


def enqueue_email(
    message: EmailMessage, *, topic: str, key: str, sensitive: bool = False, delay: float = 0
) -> OutboxMessage:
    """Queue a composed e-mail (core.mail.compose) to go out once the current transaction commits.

    `sensitive` mails (log-in codes, password-reset links) have their text wiped once sent."""
    return enqueue(
        kind=OutboxMessage.KIND_MAIL,
        topic=topic,
        key=key,
        recipient=", ".join(message.to)[:254],
        subject=str(message.subject),
        payload=email_payload(message, sensitive=sensitive),
        delay=delay,
    )


def email_payload(message: EmailMessage, sensitive: bool = False) -> dict:
    """A composed e-mail as an outbox row keeps it (what `send_mail_message` sends)."""
    html = next(
        (
            body
            for body, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    return {
        "subject": str(message.subject),
        "body": message.body,
        "html_body": html,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "from_email": message.from_email or settings.DEFAULT_FROM_EMAIL,
        "reply_to": list(message.reply_to),
        "headers": {k: str(v) for k, v in (message.extra_headers or {}).items()},
        "sensitive": sensitive,
    }


def dispatch(message_id: int, countdown: float | None = None) -> bool:
    """Hand a row to Celery; False (and a warning) when the broker cannot be reached quickly."""
    from .tasks import deliver

    try:
        deliver.apply_async((message_id,), countdown=countdown, retry=False)
    except Exception as exc:  # kombu/redis raise many types; none of them may fail the request
        logger.warning(
            "outbox: broker unreachable, message %s waits for the sweep (%s)", message_id, exc
        )
        return False
    OutboxMessage.objects.filter(pk=message_id).update(dispatched_at=timezone.now())
    return True


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the n-th failed attempt: doubling from the base, capped."""
    base = _setting("OUTBOX_RETRY_BASE_SECONDS", 60)
    cap = _setting("OUTBOX_RETRY_MAX_SECONDS", 3600)
    return float(min(cap, base * 2 ** max(0, attempts - 1)))


def message_id_header(message: OutboxMessage) -> str:
    """The same Message-ID on every attempt, so a mail client shows a rare double delivery once."""
    digest = hashlib.sha256(message.idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}.{message.pk}@cx-academy.outbox>"


def send_mail_message(message: OutboxMessage) -> None:
    """Send a stored mail over the configured e-mail backend."""
    data = message.payload
    mail = EmailMultiAlternatives(
        subject=data.get("subject", message.subject),
        body=data.get("body", ""),
        from_email=data.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        to=data.get("to") or [message.recipient],
        cc=data.get("cc") or None,
        bcc=data.get("bcc") or None,
        reply_to=data.get("reply_to") or None,
        headers={
            **data.get("headers", {}),
            "Message-ID": message_id_header(message),
            "X-CX-Outbox-Key": message.idempotency_key,
        },
    )
    if data.get("html_body"):
        mail.attach_alternative(data["html_body"], "text/html")
    mail.send()


def _permanent(exc: Exception) -> bool:
    """An error that will not go away by itself (recipient refused, 5xx from the mail server)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def claim(message_id: int) -> bool:
    """Take a due row for sending; False when it is sent, failed, taken or not due yet."""
    now = timezone.now()
    return bool(
        OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


class Postpone(Exception):  # noqa: N818 (an answer, not an error)
    """A handler's answer "not now": the row waits until `until` (e.g. the recipient's quiet
    hours end); it does not count as a failed attempt."""

    def __init__(self, until: datetime.datetime) -> None:
        super().__init__(f"postponed until {until.isoformat()}")
        self.until = until


def _postpone(message: OutboxMessage, until: datetime.datetime) -> str:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.PENDING,
        attempts=F("attempts") - 1,
        next_attempt_at=until,
        dispatched_at=None,
    )
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # eager mode: the sweep hands it over then
        dispatch(message.pk, countdown=max(1.0, (until - timezone.now()).total_seconds()))
    return "postponed"


def deliver(message_id: int) -> str:
    """Send one row if it is due and nobody else has; schedule a retry or give up on failure."""
    if not claim(message_id):
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        if message.kind == OutboxMessage.KIND_MAIL:
            send_mail_message(message)
        elif message.kind == OutboxMessage.KIND_TASK:
            hand_over_task(message)
        else:
            _handlers[message.kind](message)
    except Postpone as later:
        return _postpone(message, later.until)
    except Exception as exc:
        return _record_failure(message, exc)
    done = {"status": OutboxStatus.SENT, "sent_at": timezone.now(), "last_error": ""}
    if message.payload.get("sensitive"):  # a sent log-in code or reset link is not kept
        done["payload"] = {"sensitive": True, "wiped": True}
    OutboxMessage.objects.filter(pk=message_id).update(next_attempt_at=None, **done)
    return "sent"


def _record_failure(message: OutboxMessage, exc: Exception) -> str:
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    max_attempts = _setting("OUTBOX_MAX_ATTEMPTS", 10)
    if _permanent(exc) or message.attempts >= max_attempts:
        logger.error(
            "outbox: giving up on %s after %s attempts: %s", message, message.attempts, reason
        )
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.FAILED, last_error=reason, next_attempt_at=None
        )
        return "failed"
    delay = retry_delay(message.attempts)
    logger.warning(
        "outbox: %s failed (attempt %s), again in %ss: %s", message, message.attempts, delay, reason
    )
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.PENDING,
        last_error=reason,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
    )
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # eager mode: the sweep retries, not a recursion
        dispatch(message.pk, countdown=delay)
    return "retry"


def sweep(limit: int = 500) -> dict[str, int]:
    """Re-dispatch what was not handed over or was lost, free rows of killed workers; heartbeat."""
    now = timezone.now()
    record_heartbeat("worker")
    stuck_after = datetime.timedelta(seconds=_setting("OUTBOX_STUCK_AFTER_SECONDS", 600))
    freed = OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - stuck_after
    ).update(
        status=OutboxStatus.PENDING,
        last_error="Interrupted while sending (worker stopped); sending again.",
        next_attempt_at=None,
    )
    grace = datetime.timedelta(seconds=_setting("OUTBOX_REDISPATCH_AFTER_SECONDS", 60))
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - grace))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    dispatched = 0
    for pk in due:
        if not dispatch(pk):
            break  # broker still down: the next sweep tries again
        dispatched += 1
    return {"freed": freed, "due": len(due), "dispatched": dispatched}


def record_heartbeat(name: str) -> None:
    """Record that a background process (worker, beat) is alive now."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now()})


def retry_now(message: OutboxMessage) -> OutboxMessage:
    """HR's retry button: a failed or waiting message is sent again at once, with fresh attempts."""
    if message.status == OutboxStatus.SENT:
        return message
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=OutboxStatus.SENT).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=None
    )
    transaction.on_commit(partial(dispatch, message.pk), robust=True)
    message.refresh_from_db()
    return message


def undelivered():
    """Mails that failed or still wait (incl. being sent), newest first: what HR and admins see.

    Task hand-overs are left out: they are plumbing, and their mails show up here themselves."""
    return (
        OutboxMessage.objects.filter(kind=OutboxMessage.KIND_MAIL)
        .exclude(status=OutboxStatus.SENT)
        .order_by("status", "-created_at")
    )
