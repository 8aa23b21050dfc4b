"""Demo outbox rows: two mails the mail server refused, so HR's "E-mails not delivered" page
shows what it is for on the first run (safe to run again)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from .models import OutboxMessage, OutboxStatus

FAILED_MAILS = [
    (
        "demo:failed-reminder",
        "reminder-overdue",
        "j.alt@cx-academy.example",
        "Erinnerung: Ihre Pflichtschulung „CX-Grundlagen“ ist überfällig",
        "SMTPRecipientsRefused: 550 5.1.1 <j.alt@cx-academy.example>: Mailbox unavailable",
        1,
    ),
    (
        "demo:failed-invitation",
        "invitation",
        "neu.kollege@cx-academy.example",
        "Ihre Einladung zur CX Academy",
        "SMTPServerDisconnected: Connection unexpectedly closed (gave up after 10 attempts)",
        10,
    ),
]


def load(stdout) -> None:
    """Two failed mails (one refused recipient, one that ran out of attempts)."""
    now = timezone.now()
    for key, topic, to, subject, error, attempts in FAILED_MAILS:
        OutboxMessage.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "topic": topic,
                "recipient": to,
                "subject": subject,
                "status": OutboxStatus.FAILED,
                "attempts": attempts,
                "last_error": error,
                "payload": {
                    "subject": subject,
                    "body": "Guten Tag,\n\n(Demo-Nachricht der CX Academy)\n",
                    "to": [to],
                    "from_email": settings.DEFAULT_FROM_EMAIL,
                },
                "dispatched_at": now - datetime.timedelta(hours=5),
            },
        )
