"""Organisation rules: unit queries, merging and deactivating units, running imports."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts import audit
from accounts.models import User
from accounts.services import invite_many

from .importing import apply_import, preview_import
from .models import (
    Department,
    EmployeeImport,
    EmployeeProfile,
    ImportStatus,
    InvitationTiming,
    Location,
    Team,
)
from .signals import employees_imported, units_merged

logger = logging.getLogger(__name__)


def has_employee_record(user: User) -> bool:
    """Whether HR keeps this person on record (an employee profile, from import or SCIM)."""
    return EmployeeProfile.objects.filter(user_id=user.pk).exists()


def department_with_children(department: Department) -> list[int]:
    """Ids of a department and all departments below it."""
    ids, frontier = [department.pk], [department.pk]
    while frontier:
        frontier = list(
            Department.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


def team_user_ids(manager, include_indirect: bool | None = None) -> list[int]:
    """Ids of the active people who report to `manager`: direct reports, and with
    `include_indirect` (default: the TEAM_INCLUDE_INDIRECT_REPORTS setting) their reports'
    reports down the whole chain. One query whatever the depth; a cycle in the data is harmless."""
    from django.conf import settings

    if include_indirect is None:
        include_indirect = settings.TEAM_INCLUDE_INDIRECT_REPORTS
    active = EmployeeProfile.objects.filter(is_active=True, user__is_active=True)
    if not include_indirect:
        return list(
            active.filter(manager_id=manager.pk)
            .order_by("user__last_name", "user__first_name")
            .values_list("user_id", flat=True)
        )
    reports: dict[int, list[int]] = {}
    for user_id, manager_id in active.filter(manager__isnull=False).values_list(
        "user_id", "manager_id"
    ):
        reports.setdefault(manager_id, []).append(user_id)
    found: list[int] = []
    seen = {manager.pk}
    frontier = [manager.pk]
    while frontier:
        frontier = [u for m in frontier for u in reports.get(m, []) if u not in seen]
        seen.update(frontier)
        found.extend(frontier)
    return found


# Organisation units ---------------------------------------------------------------------------

UNIT_MODELS = {"departments": Department, "locations": Location, "teams": Team}


def _kind_of(unit) -> str:
    return next(kind for kind, model in UNIT_MODELS.items() if isinstance(unit, model))


def save_unit(unit, actor) -> None:
    """Save a new or changed department, location or team (audited)."""
    created = unit._state.adding
    unit.save()
    audit.record(
        actor,
        "organisation.created" if created else "organisation.changed",
        f"{unit._meta.verbose_name}: {unit}",
        kind=_kind_of(unit),
        unit_id=unit.pk,
    )


def set_unit_active(unit, active: bool, actor=None) -> None:
    """Deactivate or reactivate a department, location or team; people and history stay
    (audited)."""
    unit.is_active = active
    unit.save(update_fields=["is_active"])
    audit.record(
        actor,
        "organisation.activated" if active else "organisation.deactivated",
        str(unit),
        kind=_kind_of(unit),
        unit_id=unit.pk,
    )


def can_merge(source, target) -> str | None:
    """Why `source` cannot be merged into `target` (None when it can)."""
    if source.pk == target.pk or type(source) is not type(target):
        return gettext("Choose a different unit to merge into.")
    if isinstance(source, Department) and target.pk in department_with_children(source):
        return gettext("A department cannot be merged into one of its own sub-departments.")
    return None


@transaction.atomic
def merge_units(source, target, actor=None) -> int:
    """Move everything of `source` to `target` and delete `source` (audited); returns people
    moved.

    Employees, sub-departments and teams (departments), and assignment rules that name the unit
    (through the ON DELETE of the rules, which the rules app moves in `units_merged`)."""
    problem = can_merge(source, target)
    if problem:
        raise ValueError(problem)
    moved = 0
    if isinstance(source, Department):
        moved = EmployeeProfile.objects.filter(department=source).update(
            department=target, updated_at=timezone.now()
        )
        Department.objects.filter(parent=source).update(parent=target, updated_at=timezone.now())
        target_teams = {t.name.lower(): t for t in target.teams.all()}
        for team in list(source.teams.all()):
            twin = target_teams.get(team.name.lower())
            if twin is None:
                team.department = target
                team.save(update_fields=["department"])
            else:
                units_merged.send(sender=Team, source=team, target=twin)
                EmployeeProfile.objects.filter(team=team).update(
                    team=twin, updated_at=timezone.now()
                )
                team.delete()
    elif isinstance(source, Location):
        moved = EmployeeProfile.objects.filter(location=source).update(
            location=target, updated_at=timezone.now()
        )
    elif isinstance(source, Team):
        moved = EmployeeProfile.objects.filter(team=source).update(
            team=target, department=target.department, updated_at=timezone.now()
        )
    units_merged.send(sender=type(source), source=source, target=target)
    name, kind = str(source), _kind_of(source)
    source.delete()
    audit.record(actor, "organisation.merged", f"{name} → {target}", kind=kind, moved=moved)
    return moved


# Employee imports ----------------------------------------------------------------------------

PROGRESS_KEY = "people-import-progress-{}"


def import_progress(job: EmployeeImport) -> tuple[int, int]:
    """(rows done, rows in total) of a running import, from the cache the task writes."""
    done, total = cache.get(PROGRESS_KEY.format(job.pk), (0, job.total_rows or 0))
    if job.status == ImportStatus.DONE:
        return total or done, total or done
    return done, total


IMPORT_TASK = "people.tasks.apply_employee_import"


def _hand_over_import(job_id: int) -> None:
    """Write the start of the job to the outbox: it reaches the worker even if the broker is
    down right now (the job only starts from "queued", so a second hand-over is harmless)."""
    from outbox.services import enqueue_task

    enqueue_task(
        IMPORT_TASK,
        key=f"employee-import:{job_id}:{uuid.uuid4().hex}",
        args=[job_id],
        topic="employee-import",
    )


def queue_import(job: EmployeeImport, invitations: str, deactivate_missing: bool) -> bool:
    """Mark a previewed import as queued and start the background job after the commit.

    False when it was already started (a second click or a second tab)."""
    with transaction.atomic():
        started = EmployeeImport.objects.filter(pk=job.pk, status=ImportStatus.PREVIEW).update(
            status=ImportStatus.QUEUED,
            invitations=invitations,
            deactivate_missing=deactivate_missing,
            queued_at=timezone.now(),
        )
        if started:
            _hand_over_import(job.pk)
    return bool(started)


def restart_import(job: EmployeeImport, actor) -> bool:
    """HR starts an interrupted import again (it changed nothing, so it simply runs anew)."""
    with transaction.atomic():
        restarted = EmployeeImport.objects.filter(
            pk=job.pk, status=ImportStatus.INTERRUPTED
        ).update(status=ImportStatus.QUEUED, queued_at=timezone.now(), error="")
        if restarted:
            audit.record(
                actor,
                "employees.import_restarted",
                f"Import {job.filename} restarted",
                import_id=job.pk,
            )
            _hand_over_import(job.pk)
    return bool(restarted)


def import_stale_after() -> datetime.timedelta:
    """A running import not heard of for this long cannot be running any more: the job's hard
    time limit has passed, so Celery has killed it if the worker itself did not die."""
    from .tasks import IMPORT_TIME_LIMIT

    return datetime.timedelta(
        seconds=getattr(settings, "IMPORT_STALE_AFTER_SECONDS", IMPORT_TIME_LIMIT + 120)
    )


def import_start_timeout() -> datetime.timedelta:
    """A queued import that no worker started within this time is handed over again."""
    return datetime.timedelta(seconds=getattr(settings, "IMPORT_START_TIMEOUT_SECONDS", 15 * 60))


INTERRUPTED_MESSAGE = gettext_lazy(
    "The import was interrupted because the background worker stopped. Nothing was changed: "
    "the import runs in one step, all or nothing. Start it again."
)


def sweep_imports(now: datetime.datetime | None = None, restarted_worker: str = "") -> dict:
    """Never "running" forever: a running import whose heartbeat is older than the job's time
    limit, or that ran on a worker which has since started afresh (`restarted_worker`), is
    marked interrupted for HR to start again; a queued import no worker picked up is handed over
    again. Runs from beat and whenever a worker starts."""
    now = now or timezone.now()
    running = EmployeeImport.objects.filter(status=ImportStatus.RUNNING)
    dead = running.filter(heartbeat_at__lt=now - import_stale_after())
    if restarted_worker:
        dead = dead | running.filter(worker=restarted_worker, heartbeat_at__lt=now)
    interrupted = 0
    for job in dead.defer("content"):
        interrupted += EmployeeImport.objects.filter(
            pk=job.pk, status=ImportStatus.RUNNING, heartbeat_at=job.heartbeat_at
        ).update(status=ImportStatus.INTERRUPTED, error=str(INTERRUPTED_MESSAGE), finished_at=now)
        logger.warning("Employee import %s interrupted (worker %s stopped)", job.pk, job.worker)
    requeued = 0
    waiting = EmployeeImport.objects.filter(
        status=ImportStatus.QUEUED, queued_at__lt=now - import_start_timeout()
    ).values_list("pk", flat=True)
    for pk in waiting:
        with transaction.atomic():
            if EmployeeImport.objects.filter(pk=pk, status=ImportStatus.QUEUED).update(
                queued_at=now
            ):
                _hand_over_import(pk)
                requeued += 1
    return {"interrupted": interrupted, "requeued": requeued}


# PostgreSQL advisory lock (class, import id) held by the session that runs an import: it is
# released when that process dies (its connection closes), so a lock that can be taken proves
# that a "running" import has nobody running it. (Needs session pooling, not pgbouncer's
# transaction pooling.)
IMPORT_LOCK_CLASS = 0x43584931
IMPORT_LOCK_WAIT = "10s"  # long enough for the server to notice a killed worker's connection
IMPORT_MAX_RUNS = 3  # a run that lost its worker is taken over while it has run fewer times


def _lock_import(job_id: int) -> bool | None:
    """Take the import's lock (None where the database has no such locks); False when a live
    run holds it."""
    if connection.vendor != "postgresql":
        return None
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{IMPORT_LOCK_WAIT}'")
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [IMPORT_LOCK_CLASS, job_id])
    except OperationalError:  # lock_timeout: another run is alive
        return False
    return True


def _unlock_import(job_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [IMPORT_LOCK_CLASS, job_id])


def run_import(job_id: int, worker: str = "") -> EmployeeImport:
    """The background job: check the file again, apply it all or nothing, then invite.

    Starts only from "queued" (claimed with one conditional UPDATE), so a task delivered twice
    or handed over twice runs the import once. On PostgreSQL a "running" import whose lock is
    free lost its worker process (the task comes back at once when a worker's pool process is
    killed, `CELERY_TASK_REJECT_ON_WORKER_LOST`): its transaction was rolled back, so it runs
    again from the start."""
    locked = _lock_import(job_id)
    if locked is False:
        return EmployeeImport.objects.get(pk=job_id)  # a live run has it
    try:
        return _run_claimed_import(job_id, worker, may_take_over=bool(locked))
    finally:
        if locked:
            _unlock_import(job_id)


def _run_claimed_import(job_id: int, worker: str, may_take_over: bool) -> EmployeeImport:
    now = timezone.now()
    claim = {
        "status": ImportStatus.RUNNING,
        "started_at": now,
        "heartbeat_at": now,
        "worker": worker or "",
        "runs": F("runs") + 1,
    }
    claimed = EmployeeImport.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(**claim)
    if not claimed and may_take_over:
        dead = EmployeeImport.objects.filter(pk=job_id, status=ImportStatus.RUNNING)
        claimed = dead.filter(runs__lt=IMPORT_MAX_RUNS).update(**claim)
        if claimed:
            logger.warning("Employee import %s: its worker process died; running it again", job_id)
        elif dead.update(  # killed again and again (a file too big for the worker?): HR decide
            status=ImportStatus.INTERRUPTED, error=str(INTERRUPTED_MESSAGE), finished_at=now
        ):
            logger.warning(
                "Employee import %s interrupted: its worker died %s times", job_id, IMPORT_MAX_RUNS
            )
    job = EmployeeImport.objects.select_related("created_by").get(pk=job_id)
    if not claimed:
        return job  # running elsewhere, done, failed or interrupted: nothing to do here
    key = PROGRESS_KEY.format(job.pk)

    def progress(done: int, total: int) -> None:
        cache.set(key, (done, total), 3600)

    try:
        preview = preview_import(bytes(job.content), job.filename, actor=job.created_by)
        progress(0, len(preview.rows))
        EmployeeImport.objects.filter(pk=job.pk).update(
            total_rows=len(preview.rows), heartbeat_at=timezone.now()
        )
        if not preview.ok:
            raise ValueError("; ".join(preview.errors[:5]) or gettext("The file has errors."))
        with transaction.atomic():
            result = apply_import(preview, job.deactivate_missing, progress)
            summary = result.as_dict()
            summary["created_user_ids"] = result.created_user_ids
            if job.invitations == InvitationTiming.NOW:
                summary["invitations"] = invite_created(result.created_user_ids, job.created_by)
                job.invitations_sent_at = timezone.now()
            audit.record(
                job.created_by,
                "employees.import",
                f"Import {job.filename}: {len(preview.rows)} rows",
                import_id=job.pk,
                **result.as_dict(),
            )
            job.status = ImportStatus.DONE
            job.result = summary
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "result", "finished_at", "invitations_sent_at"])
            employees_imported.send(
                sender=EmployeeProfile,
                created_user_ids=result.created_user_ids,
                actor=job.created_by,
            )
    except Exception as exc:  # anything at all: nothing was written, HR must see why
        logger.exception("Employee import %s failed", job.pk)
        EmployeeImport.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
    cache.delete(key)
    job.refresh_from_db()
    return job


def invite_created(user_ids: list[int], actor) -> int:
    """Invite the active people an import created who have not logged in yet."""
    emails = list(
        User.objects.filter(pk__in=user_ids, is_active=True, last_login__isnull=True).values_list(
            "email", flat=True
        )
    )
    invite_many(emails, actor, ["Learner"])
    return len(emails)


@transaction.atomic
def send_import_invitations(job: EmployeeImport, actor) -> int:
    """The "later" choice: send the invitations of a finished import now (once)."""
    locked = EmployeeImport.objects.select_for_update().get(pk=job.pk)
    if locked.status != ImportStatus.DONE or locked.invitations_sent_at is not None:
        return 0
    count = invite_created(locked.result.get("created_user_ids", []), actor)
    locked.invitations_sent_at = timezone.now()
    locked.save(update_fields=["invitations_sent_at"])
    audit.record(actor, "employees.invite", f"Invitations for import {locked.pk}: {count}")
    return count


def filter_employees(filters: dict):
    """Employee profiles matching HR's list filters (name/e-mail, department, location, role),
    sorted by name, with what the list shows joined in."""
    from django.db.models import Q

    profiles = EmployeeProfile.objects.select_related(
        "user", "department", "location", "team", "manager"
    )
    if filters.get("q"):
        q = filters["q"]
        profiles = profiles.filter(
            Q(user__email__icontains=q)
            | Q(user__last_name__icontains=q)
            | Q(user__first_name__icontains=q)
        )
    for key in ("department", "location", "staff_role"):
        if filters.get(key):
            profiles = profiles.filter(**{key: filters[key]})
    return profiles.order_by("user__last_name", "user__first_name", "pk")


def employee_export_rows(profiles) -> tuple[list[str], Iterator[list]]:
    """Header and rows of the employee list as HR downloads it (real dates, no formulas)."""
    _ = gettext
    header = [
        _("Last name"),
        _("First name"),
        _("E-mail"),
        _("Department"),
        _("Location"),
        _("Team"),
        _("Staff role"),
        _("Manager"),
        _("Language"),
        _("Hired on"),
        _("Active"),
        _("Left on"),
    ]
    rows = (
        [
            p.user.last_name,
            p.user.first_name,
            p.user.email,
            str(p.department or ""),
            str(p.location or ""),
            str(p.team or ""),
            p.get_staff_role_display(),
            str(p.manager or ""),
            p.user.get_preferred_language_display(),
            p.hire_date,
            _("yes") if p.is_active else _("no"),
            p.left_on,
        ]
        for p in profiles.iterator(chunk_size=2000)
    )
    return header, rows
