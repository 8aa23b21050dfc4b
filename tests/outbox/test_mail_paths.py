"""Every mail path goes through the outbox: allauth's mails, invitations, assignment notices and
the start of an import survive a mail server or broker that is down, and go out once when it is
back. Real services: the SMTP sink of the session, a throwaway redis-server as broker."""

from __future__ import annotations

import time

import pytest

from django.test import TestCase

from accounts.factories import UserFactory
from accounts.models import Invitation
from assignments.tasks import send_assignment_notices
from outbox import services
from outbox.models import OutboxMessage, OutboxStatus

from .services import free_port, queued_tasks


def text_of(message) -> str:
    """The decoded text of every part of a received mail."""
    return "".join(
        part.get_payload(decode=True).decode() for part in message.walk() if not part.is_multipart()
    )


def make_due() -> None:
    """Time passes: the retry is due and the last hand-over long ago."""
    import datetime

    from django.utils import timezone

    now = timezone.now()
    OutboxMessage.objects.exclude(status=OutboxStatus.SENT).update(
        next_attempt_at=now, dispatched_at=now - datetime.timedelta(hours=1)
    )


@pytest.mark.django_db
def test_a_password_reset_while_the_mail_server_is_down_is_sent_when_it_is_back(
    client, home_page, smtp, settings
):
    person = UserFactory(email="gerd@firma.example")
    settings.EMAIL_PORT = free_port()  # nothing listens there: the mail server is down
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/accounts/password/reset/", {"email": person.email}, HTTP_ACCEPT_LANGUAGE="de"
        )
    assert response.status_code == 302  # the normal "we sent you a link" page, no error
    message = OutboxMessage.objects.get()
    assert message.topic == "account-password_reset_key" and message.recipient == person.email
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "Connection refused" in message.last_error or "ConnectionRefused" in message.last_error
    assert message.next_attempt_at is not None  # retried later, with backoff

    settings.EMAIL_PORT = smtp.port  # the mail server is back
    make_due()
    assert services.sweep()["dispatched"] == 1
    (sent,) = smtp.messages
    assert sent["To"] == person.email and "/accounts/password/reset/key/" in text_of(sent)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.payload == {"sensitive": True, "wiped": True}  # the reset link is not kept
    assert services.sweep()["dispatched"] == 0 and len(smtp.messages) == 1


@pytest.mark.django_db
@pytest.mark.faults
def test_an_invitation_while_the_broker_is_down_is_mailed_once_when_it_is_back(
    client_as,
    hr_user,
    home_page,
    broker,
    smtp,
    settings,
):
    from config.celery import app as celery_app

    client = client_as(hr_user)
    broker.kill()
    started = time.monotonic()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/account/invite/", {"email": "neu@firma.example", "roles": ["Learner"]}
        )
    assert response.status_code == 302 and time.monotonic() - started < 1.5
    invitation = Invitation.objects.get()
    batch = OutboxMessage.objects.get(kind="task")
    assert batch.payload == {
        "task": "accounts.tasks.send_invitation_batch",
        "args": [[invitation.pk]],
    }
    assert batch.status == OutboxStatus.PENDING and batch.dispatched_at is None

    broker.start()
    assert services.sweep()["dispatched"] == 1
    assert queued_tasks(broker.url) == 1  # on the broker, once
    # the worker runs the hand-over (here in this process, eagerly, as a worker would)
    celery_app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER = True
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.deliver(batch.pk) == "sent"
        assert services.deliver(batch.pk) == "skipped"  # a second delivery does nothing
    (sent,) = smtp.messages
    assert sent["To"] == "neu@firma.example" and invitation.token in text_of(sent)
    assert services.sweep() == {"freed": 0, "due": 0, "dispatched": 0}


@pytest.mark.django_db
def test_assignment_notices_are_one_mail_per_person_however_often_the_batch_runs(
    tree, learner, smtp
):
    from assignments.models import Assignment

    assignment = Assignment.objects.create(user=learner, course=tree.course, due_date="2026-12-31")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert send_assignment_notices([assignment.pk]) == 1
        assert send_assignment_notices([assignment.pk]) == 1  # the batch ran twice
    (sent,) = smtp.messages
    assert sent["To"] == learner.email
    assert OutboxMessage.objects.get().topic == "assigned"
