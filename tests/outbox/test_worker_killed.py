"""A real Celery worker is SIGKILLed in the middle of an employee import.

HR apply an import of a few thousand people; the import's task goes through the outbox to a
throwaway redis-server and a real `celery worker` (prefork, like production) runs it against the
test database. When the import has written its first thousand profiles (inside its one
transaction) the whole worker, pool included, is killed like an out-of-memory kill or a lost host.
Nothing of the import may be visible, the job may not stay "running", and when HR start it again
it runs to the end once. PostgreSQL only: the worker is another process on the same database.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.test import override_settings

from accounts import roles
from accounts.factories import UserFactory
from accounts.models import User
from people.factories import DepartmentFactory, LocationFactory
from people.models import EmployeeImport, EmployeeProfile, ImportStatus
from people.services import PROGRESS_KEY

from ..people.test_import import HEADER, latest_job, upload
from .services import Worker, project_env, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.faults,
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
]
ROWS = 4000
NODE = "importer@faults-test"


def employee_file(rows: int) -> str:
    return HEADER + "".join(
        f"worker.kill.{n}@example.com,Vera,Nummer{n},Kundenservice,Hamburg,service,Beraterin,"
        f",,2025-01-15,de,yes\n"
        for n in range(rows)
    )


def status_of(job: EmployeeImport) -> str:
    return EmployeeImport.objects.values_list("status", flat=True).get(pk=job.pk)


@pytest.fixture
def import_under_way(client_as, home_page, broker, tmp_path):
    """HR applied an import of ROWS people; a real worker has written the first thousand
    profiles (inside the import's transaction) when the test gets it."""
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs the test database on PostgreSQL")
    roles.ensure_roles()  # an earlier transactional test may have flushed the migrations' roles
    DepartmentFactory(name="Kundenservice")
    LocationFactory(name="Hamburg")
    hr_user = UserFactory(roles=[roles.LEARNER, roles.HR], email="hr-import@cx-academy.example")
    db = connection.settings_dict
    cache_url = broker.url.replace("/0", "/2")
    env = project_env(
        DEBUG="False",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        CELERY_BROKER_URL=broker.url,
        CELERY_RESULT_BACKEND="",
        REDIS_URL=cache_url,  # the job's progress, read below
        LOG_LEVEL="INFO",
    )
    log = tmp_path / "worker.log"
    client = client_as(hr_user)
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None):
        upload(client, employee_file(ROWS))
    job = latest_job()
    assert job.status == ImportStatus.PREVIEW
    progress = RedisCache(cache_url, {})  # the worker's cache, as the progress page reads it

    def rows_done() -> int:
        return progress.get(PROGRESS_KEY.format(job.pk), (0, 0))[0]

    workers = [Worker(env, log, NODE)]
    try:
        response = client.post(f"/people/import/{job.pk}/apply/", {"invitations": "never"})
        assert response.status_code == 302
        wait_for(
            "the import writes its first profiles",
            lambda: rows_done() >= 1000,
            180,
            log,
            every=0.05,  # kill it long before the last batch
        )
        yield SimpleNamespace(
            client=client,
            job=job,
            rows_done=rows_done,
            log=log,
            workers=workers,
            start_worker=lambda: workers.append(Worker(env, log, NODE)) or workers[-1],
        )
    finally:
        for worker in workers:
            worker.stop()


def imported() -> tuple[int, int]:
    """(accounts, profiles) of the file's people that the database shows."""
    return (
        User.objects.filter(email__startswith="worker.kill.").count(),
        EmployeeProfile.objects.filter(user__email__startswith="worker.kill.").count(),
    )


def test_an_import_whose_worker_is_killed_changes_nothing_and_runs_once_when_restarted(
    import_under_way,
):
    run = import_under_way
    job, log = run.job, run.log
    run.workers[0].kill()  # the whole worker, pool included: a lost host
    assert run.rows_done() < ROWS  # killed half-way
    assert status_of(job) == ImportStatus.RUNNING  # nobody told the database
    assert imported() == (0, 0)

    run.start_worker()  # the same node name: it knows what its previous life ran
    wait_for(
        "the new worker marks the import interrupted",
        lambda: status_of(job) != ImportStatus.RUNNING,
        120,
        log,
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.INTERRUPTED and job.runs == 1
    assert job.error.startswith("Der Import wurde unterbrochen, weil der Hintergrunddienst")
    assert imported() == (0, 0)  # nothing half-applied
    page = run.client.get(f"/people/import/{job.pk}/").content.decode()
    assert "Nichts wurde geändert" in page and 'id="restart-import"' in page

    response = run.client.post(f"/people/import/{job.pk}/restart/")
    assert response.status_code == 302
    wait_for("the restarted import finishes", lambda: status_of(job) == "done", 240, log)
    job.refresh_from_db()
    assert job.runs == 2 and job.result["created"] == ROWS, job.result
    assert imported() == (ROWS, ROWS)


def test_an_import_whose_pool_process_is_killed_runs_again_at_once_and_once(import_under_way):
    run = import_under_way
    job, log = run.job, run.log
    run.workers[0].kill_pool_process()  # the worker lives on and gets the task back (late ack)
    wait_for(
        "the import is taken over and finishes",
        lambda: status_of(job) not in (ImportStatus.RUNNING, ImportStatus.QUEUED),
        240,
        log,
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, (job.status, job.error)
    assert job.runs == 2 and job.result["created"] == ROWS, job.result
    assert imported() == (ROWS, ROWS)  # each person once
    assert "its worker process died; running it again" in log.read_text()
