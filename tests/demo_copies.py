"""The demo content loaded once per test run and copied to every test process that needs it.

`load_demo` takes 15–80 seconds. The browser tests (SQLite) and the fault tests' demo database
(PostgreSQL) used to run it once in each xdist worker. Now the first worker to need it loads it
(under a file lock in the run's own temporary folder, which all workers of one run share, so the
second worker waits for it) and leaves a copy there: a SQLite file plus the media files the demo
wrote, or a PostgreSQL template database. Later requests copy that. The PostgreSQL template is
dropped when the run ends (`drop_run_demo`, called by the controlling process).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from tests.database_template import file_lock

PG_TEMPLATE_FILE = "demo-postgres-template"  # holds the template database's name


def run_folder(config) -> Path:
    """The temporary folder of this test run: the same for every xdist worker of the run."""
    basetemp = config._tmp_path_factory.getbasetemp()
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


def restore_sqlite_demo(
    folder: Path, connection, media_root: Path, load: Callable[[], None]
) -> None:
    """Fill the SQLite test database `connection` with the demo: loaded by `load()` the first
    time in this run, copied from the run's snapshot (database file and media) afterwards."""
    snapshot = folder / "demo.sqlite3"
    media = folder / "demo-media"
    with file_lock(folder, "demo-sqlite"):
        if snapshot.exists():
            source = sqlite3.connect(snapshot)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            shutil.copytree(media, media_root, dirs_exist_ok=True)
            return
        load()
        building = folder / "demo.sqlite3.building"
        target = sqlite3.connect(building)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        shutil.copytree(media_root, media, dirs_exist_ok=True)
        os.replace(building, snapshot)


def postgres_demo_template(folder: Path, build: Callable[[str], None]) -> str:
    """The name of this run's PostgreSQL database with the demo loaded, built by `build(name)`
    the first time (a database of that name must then hold the demo)."""
    record = folder / PG_TEMPLATE_FILE
    with file_lock(folder, "demo-postgres"):
        if record.exists():
            return record.read_text()
        name = f"cx_demo_{uuid.uuid4().hex[:10]}"
        try:
            build(name)
        except BaseException:
            postgres_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            raise
        record.write_text(name)
        return name


def postgres_admin(sql: str) -> None:
    """Run `sql` on CI's local PostgreSQL server (the fault tests' databases live there)."""
    import psycopg

    with psycopg.connect(
        "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=5
    ) as conn:
        conn.execute(sql)


def drop_run_demo(folder: Path) -> None:
    """At the end of the run: drop the run's PostgreSQL demo template, if one was built."""
    record = folder / PG_TEMPLATE_FILE
    if record.exists():
        postgres_admin(f"DROP DATABASE IF EXISTS {record.read_text()} WITH (FORCE)")
        record.unlink()
