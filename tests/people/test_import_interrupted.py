"""A worker that dies in the middle of an import never leaves it "running" forever.

The import is one transaction, so a killed worker leaves nothing half-applied; the sweep (beat,
and every worker start) marks such a job interrupted by a heartbeat rule, HR see why and start it
again. The clock is frozen with time-machine, so the stale rule is tested at its edges.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from django.core import mail
from django.test import TestCase

from accounts.models import User
from outbox.models import OutboxMessage
from people import services
from people.celery_hooks import sweep_imports_on_worker_start
from people.models import EmployeeImport, ImportStatus

from .test_import import GOOD, latest_job, org, upload  # noqa: F401  (org is a fixture)

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
PEOPLE = ["mia.meyer@example.com", "tom.tester@example.com"]


class WorkerKilled(BaseException):
    """What the job sees when its worker process is killed: no `except Exception` catches it."""


@pytest.fixture
def queued(client_as, hr_user, org, home_page):  # noqa: F811
    """An import HR started, handed to the outbox; no worker has run it yet."""
    client = client_as(hr_user)
    upload(client, GOOD)
    job = latest_job()
    with time_machine.travel(T0, tick=False), TestCase.captureOnCommitCallbacks(execute=False):
        response = client.post(f"/people/import/{job.pk}/apply/", {"invitations": "now"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and job.queued_at == T0
    return client, job


def die_half_way(monkeypatch, job: EmployeeImport, worker: str = "celery@w1") -> None:
    """Run the job on `worker` at T0 and kill it in the middle of writing."""

    def killed(*args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr("people.services.apply_import", killed)
    with time_machine.travel(T0, tick=False), pytest.raises(WorkerKilled):
        services.run_import(job.pk, worker=worker)
    monkeypatch.undo()
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING and job.heartbeat_at == T0


@pytest.mark.django_db
def test_a_killed_job_is_marked_interrupted_after_its_time_limit_and_hr_start_it_again(
    queued, monkeypatch, settings
):
    client, job = queued
    die_half_way(monkeypatch, job)
    assert not User.objects.filter(email__in=PEOPLE).exists()  # nothing half-applied
    stale = services.import_stale_after()
    assert stale == datetime.timedelta(minutes=32)  # the task's 30-minute limit + 2 minutes

    assert services.sweep_imports(now=T0 + stale) == {"interrupted": 0, "requeued": 0}
    job.refresh_from_db()
    assert job.status == ImportStatus.RUNNING  # it may still be running: not touched
    page = client.get(f"/people/import/{job.pk}/progress/").content.decode()
    assert "hx-trigger" in page  # the page keeps asking

    later = T0 + stale + datetime.timedelta(seconds=1)
    assert services.sweep_imports(now=later) == {"interrupted": 1, "requeued": 0}
    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED and job.finished_at == later
    page = client.get(f"/people/import/{job.pk}/").content.decode()
    assert "hx-trigger" not in page  # no endless polling
    assert "Nichts wurde geändert" in page and 'id="restart-import"' in page
    listing = client.get("/people/import/").content.decode()
    assert "Unterbrochen – nichts wurde geändert" in listing

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/people/import/{job.pk}/restart/", follow=True)
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.runs == 2, job.error
    assert set(User.objects.filter(email__in=PEOPLE).values_list("email", flat=True)) == set(PEOPLE)
    assert sorted(m.to[0] for m in mail.outbox) == PEOPLE  # invitations once

    # the task of the killed run, delivered again late (acks_late), changes nothing
    assert services.run_import(job.pk).runs == 2
    again = client.post(f"/people/import/{job.pk}/restart/", follow=True)
    assert "Nur ein unterbrochener Import" in again.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_restarted_worker_interrupts_at_once_what_it_was_running(queued, monkeypatch):
    _client, job = queued
    die_half_way(monkeypatch, job, worker="celery@w1")
    soon = T0 + datetime.timedelta(minutes=1)
    assert services.sweep_imports(now=soon, restarted_worker="celery@w2")["interrupted"] == 0
    with time_machine.travel(soon, tick=False):
        sweep_imports_on_worker_start(sender=SimpleNamespace(hostname="celery@w1"))
    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED
    assert "Hintergrunddienst" in job.error


@pytest.mark.django_db
def test_a_queued_import_no_worker_started_is_handed_over_again(queued):
    _client, job = queued
    handed = OutboxMessage.objects.filter(kind="task", topic="employee-import")
    assert handed.count() == 1
    timeout = services.import_start_timeout()
    assert services.sweep_imports(now=T0 + timeout)["requeued"] == 0  # still within its time
    later = T0 + timeout + datetime.timedelta(seconds=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.sweep_imports(now=later) == {"interrupted": 0, "requeued": 1}
    assert handed.count() == 2
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.runs == 1, job.error
    assert services.sweep_imports(now=later + timeout * 2) == {"interrupted": 0, "requeued": 0}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "learner", "champion", "editor"])
def test_only_hr_may_restart_an_import(
    client, role, queued, monkeypatch, learner, champion, editor
):
    _hr_client, job = queued
    die_half_way(monkeypatch, job)
    services.sweep_imports(now=T0 + datetime.timedelta(hours=1))
    client.logout()
    if role != "anonymous":
        client.force_login({"learner": learner, "champion": champion, "editor": editor}[role])
    response = client.post(f"/people/import/{job.pk}/restart/")
    assert response.status_code == (302 if role == "anonymous" else 403)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]
    assert client.get(f"/people/import/{job.pk}/restart/").status_code in (302, 403, 405)
    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED


@pytest.mark.django_db
def test_the_demo_shows_an_interrupted_import_and_failed_mails_that_hr_can_act_on(
    client_as, hr_user, home_page
):
    from outbox import demo as outbox_demo
    from people import demo as people_demo

    for _twice in range(2):  # safe to run again
        people_demo.load(None)
        outbox_demo.load(None)
    client = client_as(hr_user)
    job = EmployeeImport.objects.get(filename="neue-mitarbeitende-demo.csv")
    assert "Unterbrochen – nichts wurde geändert" in client.get("/people/import/").content.decode()
    mails = client.get("/reports/mails/").content.decode()
    assert "j.alt@cx-academy.example" in mails and "Mailbox unavailable" in mails
    assert OutboxMessage.objects.filter(status="failed").count() == 2

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(f"/people/import/{job.pk}/restart/")
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.error
    assert User.objects.filter(email__startswith="neu.").count() == 2
