"""The broker dies while a real worker is sending a mail: the mail still goes out, once.

A real `celery worker` (prefork, as in production) takes an outbox mail from a throwaway
redis-server and starts talking to an SMTP server that takes its time. Redis is SIGKILLed
during the conversation and comes back empty. The worker must finish the mail it is sending
and record it as sent: cancelling it would leave the row "being sent" until the stuck-row
sweep, minutes later. PostgreSQL only: the worker is another process on the same database.
"""

from __future__ import annotations

import time

import pytest

from django.db import connection

from outbox import services
from outbox.models import OutboxMessage, OutboxStatus

from .services import Worker, project_env, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.faults,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]


def status_of(message: OutboxMessage) -> str:
    return OutboxMessage.objects.values_list("status", flat=True).get(pk=message.pk)


def test_a_mail_being_sent_when_the_broker_dies_is_sent_once_and_recorded(broker, smtp, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the test database on PostgreSQL")
    db = connection.settings_dict
    env = project_env(
        DEBUG="False",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=broker.url,
        CELERY_RESULT_BACKEND="",
        REDIS_URL=broker.url.replace("/0", "/2"),
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
        LOG_LEVEL="INFO",
    )
    log = tmp_path / "worker.log"
    smtp.delay = 4  # the mail server thinks long enough for the broker to die meanwhile
    worker = Worker(env, log, "mailer@faults-test")
    try:
        message = services.enqueue_mail(
            topic="nudge", key="broker-lost:1", to="lena@cx-academy.example",
            subject="Weiter so!", body="Hallo Lena",
        )  # fmt: skip
        wait_for("the worker claims the mail", lambda: status_of(message) != "pending", 120, log)
        assert status_of(message) == OutboxStatus.SENDING
        broker.kill()  # cache and broker gone, the task's message with them
        wait_for("the mail is recorded as sent", lambda: status_of(message) == "sent", 30, log)
        broker.start()  # back, empty: nothing left to run it again
        time.sleep(3)
        assert smtp.message_ids() == [services.message_id_header(message)]
        message.refresh_from_db()
        assert message.attempts == 1 and message.last_error == ""
    finally:
        worker.stop()
