"""The outbox through a real SMTP server: written with the change, sent once, retried, given up."""

from __future__ import annotations

import datetime
import threading

import pytest

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from champions.models import ChampionProfile, ChampionStatus, CoachingGroup, Membership, Nudge
from outbox import services
from outbox.models import OutboxMessage, OutboxStatus


@pytest.fixture
def group(db, champion, learner):
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="Runde Nord", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.create(group=group, user=learner)
    return group


def queue_mail(key: str = "test:1", to: str = "lena@cx-academy.example") -> OutboxMessage:
    return services.enqueue_mail(
        topic="nudge", key=key, to=to, subject="Weiter so!", body="Hallo Lena"
    )


def make_due(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_the_nudge_and_its_mail_are_committed_together_and_sent_after_commit(
    client_as, group, champion, learner, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_as(champion).post(f"/champions/nudge/{learner.pk}/")
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING and message.recipient == learner.email
    assert message.idempotency_key == f"nudge:{Nudge.objects.get().pk}"
    assert smtp.messages == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 1
    (sent,) = smtp.messages
    assert sent["To"] == learner.email and sent["Message-ID"] == services.message_id_header(message)


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_mail_behind(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            queue_mail()
            raise RuntimeError("the business change failed")
    assert not OutboxMessage.objects.exists() and smtp.messages == []


@pytest.mark.django_db
def test_the_same_key_is_queued_and_sent_once(smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_mail()
        second = queue_mail()
    assert first.pk == second.pk and OutboxMessage.objects.count() == 1
    assert services.deliver(first.pk) == "skipped"  # a second delivery of a sent row
    assert len(smtp.messages) == 1


@pytest.mark.django_db
def test_a_refusing_mail_server_means_retries_with_growing_waits_then_failed(
    smtp, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    smtp.fail_with = "451 4.3.0 Mailbox busy, try again later"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_mail()
    waits = []
    for _attempt in range(3):
        message.refresh_from_db()
        if message.next_attempt_at:
            waits.append(round((message.next_attempt_at - timezone.now()).total_seconds(), -1))
            assert services.deliver(message.pk) == "skipped"  # not due yet: no early retry
            make_due(message)
            services.deliver(message.pk)
    message.refresh_from_db()
    assert waits == [60, 120]  # doubling
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert "451" in message.last_error and "Mailbox busy" in message.last_error
    assert smtp.messages == []


@pytest.mark.django_db
def test_a_permanent_refusal_fails_at_once(smtp, django_capture_on_commit_callbacks):
    smtp.fail_with = "550 5.1.1 No such user here"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_mail()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 1
    assert "No such user" in message.last_error


@pytest.mark.django_db
def test_hr_sees_failed_mails_and_sends_them_again(
    client_as, hr_user, smtp, django_capture_on_commit_callbacks
):
    smtp.fail_with = "550 5.7.1 Relaying denied"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_mail(to="otto@cx-academy.example")
    client = client_as(hr_user)
    page = client.get("/reports/mails/")
    assert page.status_code == 200
    for text in ("otto@cx-academy.example", "Weiter so!", "Relaying denied"):
        assert text in page.content.decode()
    smtp.fail_with = ""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reports/mails/{message.pk}/retry/", follow=True)
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m["To"] for m in smtp.messages] == ["otto@cx-academy.example"]
    assert "otto@cx-academy.example" not in client.get("/reports/mails/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "learner", "champion", "editor"])
def test_only_hr_may_see_or_retry_mails(client, role, learner, champion, editor, smtp):
    users = {"learner": learner, "champion": champion, "editor": editor}
    smtp.fail_with = "550 5.7.1 Relaying denied"
    message = queue_mail()
    if role != "anonymous":
        client.force_login(users[role])
    expected = 302 if role == "anonymous" else 403
    assert client.get("/reports/mails/").status_code == expected
    assert client.post(f"/reports/mails/{message.pk}/retry/").status_code == expected
    message.refresh_from_db()
    assert message.attempts == 0 and message.status == OutboxStatus.PENDING


@pytest.mark.django_db
def test_the_mail_list_costs_the_same_queries_for_many_mails(
    client_as, hr_user, django_assert_num_queries
):
    client = client_as(hr_user)
    client.get("/reports/mails/")
    for n in range(3):
        queue_mail(key=f"few:{n}")
    with CaptureQueriesContext(connection) as few:
        client.get("/reports/mails/")
    for n in range(30):
        queue_mail(key=f"many:{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/reports/mails/")


@pytest.mark.django_db
def test_sweep_hands_over_what_was_never_dispatched_and_frees_killed_sends(smtp, settings):
    never = queue_mail(
        key="never-dispatched"
    )  # its on-commit dispatch never ran (test transaction)
    killed = queue_mail(key="worker-killed")
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS + 5)
    OutboxMessage.objects.filter(pk=killed.pk).update(
        status=OutboxStatus.SENDING, claimed_at=long_ago, attempts=1
    )
    first = services.sweep()
    assert first["freed"] == 1
    killed.refresh_from_db()
    assert killed.status == OutboxStatus.SENT  # freed, then sent by the same sweep
    never.refresh_from_db()
    assert never.status == OutboxStatus.SENT
    assert sorted(m["X-CX-Outbox-Key"] for m in smtp.messages) == [
        "never-dispatched",
        "worker-killed",
    ]
    assert services.sweep() == {"freed": 0, "due": 0, "dispatched": 0}


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_row_send_one_mail(smtp):
    if connection.vendor != "postgresql":
        pytest.skip("a race needs PostgreSQL (SQLite serialises every write)")
    message = queue_mail()  # autocommit: dispatched (eagerly sent) at once
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxStatus.PENDING, sent_at=None)
    smtp.clear()
    results: list[str] = []
    barrier = threading.Barrier(4)

    def deliver() -> None:
        barrier.wait()
        try:
            results.append(services.deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert len(smtp.messages) == 1
