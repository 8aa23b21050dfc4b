"""Migrate once, copy many times: the test databases are cloned from a migrated template.

Running every migration costs 40–50 seconds of CPU, and `pytest -n 2` used to pay it in each
worker of each run. Now the first test process to need a database migrates into a template
(under a file lock, so a second worker waits for it instead of migrating too) and every test
database is a copy of it: SQLite's backup API into the in-memory test database, PostgreSQL's
`CREATE DATABASE … TEMPLATE`. The template is kept between runs, named by a hash of everything
that decides what it holds (every installed app's migration files, the project's post_migrate
handler and the settings it reads, the site skeleton's code), so a changed migration builds a new
one and the stale one is deleted.

Besides the migrations the template holds the site skeleton (`home.demo.load`: locales, the home
page with its English translation, the default site and its settings), which two thirds of the
tests start from. Their `home_page` fixture still runs `demo.load`: it finds the skeleton in a
few queries (instead of building it, 0.06 s on SQLite and 0.1 s on PostgreSQL per test), and
builds it again where a transactional test has emptied the database.

`pytest --create-db` bypasses the template (each test database is migrated as before), and so
does `--reuse-db`, which keeps its own databases.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

# Template files (SQLite) and lock files live here, outside the repository; one machine shares them.
TEMPLATE_DIR = Path(tempfile.gettempdir()) / "cx-academy-test-templates"
PG_PREFIX = "test_cx_template_"  # PostgreSQL templates: PG_PREFIX + key
# Files outside migrations/ whose code decides what the template holds: the post_migrate handler,
# and the site skeleton (locales, home page, site) that the `home_page` fixture would build.
TEMPLATE_SOURCES = ("accounts/signals.py", "home/demo.py")


def template_key(connection) -> str:
    """A hash of what `migrate` builds: every installed app's migrations (models of an app
    without migrations), the post_migrate handlers and the settings they read, the engine."""
    import django
    from django.apps import apps
    from django.conf import settings

    digest = hashlib.sha256()
    digest.update(
        repr(
            (
                django.__version__,
                connection.vendor,
                settings.SITE_ID,
                settings.SITE_URL,
                settings.ACADEMY_NAME,
                settings.LANGUAGE_CODE,
                [config.name for config in apps.get_app_configs()],
            )
        ).encode()
    )
    sources: list[tuple[Path, Path]] = []  # (folder, file): the key names files relative to it
    for config in apps.get_app_configs():
        folder = Path(config.path)
        migrations = sorted((folder / "migrations").rglob("*.py"))
        if migrations:
            sources.extend((folder.parent, path) for path in migrations)
        elif config.models_module is not None and config.models_module.__file__:
            sources.append((folder.parent, Path(config.models_module.__file__)))
    root = Path(settings.BASE_DIR)
    sources.extend((root, root / name) for name in TEMPLATE_SOURCES)
    for folder, path in sources:
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def file_lock(folder: Path, name: str) -> Iterator[None]:
    """One process at a time holds `name` in `folder` (an flock on `<name>.lock`)."""
    with open(folder / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def machine_lock(name: str) -> Iterator[None]:
    """One process at a time on this machine (xdist workers, and runs of other work trees)."""
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    with file_lock(TEMPLATE_DIR, name):
        yield


def _migrate(connection, verbosity: int) -> None:
    """What Django's create_test_db runs on a new test database, into `connection`; then the site
    skeleton that most tests start from (see `home_page` in tests/conftest.py)."""
    from django.core.management import call_command

    from home import demo

    call_command(
        "migrate",
        verbosity=max(verbosity - 1, 0),
        interactive=False,
        database=connection.alias,
        run_syncdb=True,
    )
    call_command("createcachetable", database=connection.alias)
    demo.load(io.StringIO())


@contextlib.contextmanager
def _pointed_at(connection, name: str) -> Iterator[None]:
    """The connection talks to database `name` for the duration."""
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


def _sqlite_template(connection, key: str, verbosity: int) -> Path:
    path = TEMPLATE_DIR / f"sqlite-{key}.sqlite3"
    if not path.exists():
        for stale in TEMPLATE_DIR.glob("sqlite-*.sqlite3*"):
            stale.unlink()
        building = path.with_name(f"{path.name}.{os.getpid()}.building")
        with _pointed_at(connection, str(building)):
            _migrate(connection, verbosity)
        os.replace(building, path)
    return path


def _sqlite_clone(connection, template: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(template)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _pg_admin(connection, sql: str) -> None:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute(sql)


def _pg_names(connection, like: str) -> list[str]:
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [like])
        return [row[0] for row in cursor.fetchall()]


def _pg_template(connection, key: str, verbosity: int) -> str:
    qn = connection.ops.quote_name
    name = PG_PREFIX + key
    if name not in _pg_names(connection, PG_PREFIX + "%"):
        for stale in _pg_names(connection, PG_PREFIX + "%"):
            _pg_admin(connection, f"DROP DATABASE IF EXISTS {qn(stale)} WITH (FORCE)")
        building = f"{name}_{os.getpid()}"
        suffix = connection.creation.sql_table_creation_suffix()
        _pg_admin(connection, f"CREATE DATABASE {qn(building)} {suffix}")
        try:
            with _pointed_at(connection, building):
                _migrate(connection, verbosity)
        except BaseException:
            _pg_admin(connection, f"DROP DATABASE IF EXISTS {qn(building)} WITH (FORCE)")
            raise
        _pg_admin(connection, f"ALTER DATABASE {qn(building)} RENAME TO {qn(name)}")
    return name


def _pg_clone(connection, template: str, test_name: str) -> None:
    qn = connection.ops.quote_name
    _pg_admin(connection, f"DROP DATABASE IF EXISTS {qn(test_name)}")
    _pg_admin(connection, f"CREATE DATABASE {qn(test_name)} TEMPLATE {qn(template)}")


def create_test_db_from_template(
    creation, original: Callable, verbosity=1, autoclobber=False, serialize=True, keepdb=False
) -> str:
    """Django's `create_test_db`, with the migrations replaced by a copy of the template."""
    from django.conf import settings

    connection = creation.connection
    if keepdb or connection.vendor not in ("sqlite", "postgresql"):
        return original(verbosity, autoclobber, serialize, keepdb)
    if connection.settings_dict["TEST"].get("MIGRATE") is False:
        return original(verbosity, autoclobber, serialize, keepdb)
    test_name = creation._get_test_db_name()
    key = template_key(connection)
    with machine_lock(f"template-{connection.vendor}"):
        if connection.vendor == "sqlite":
            template = _sqlite_template(connection, key, verbosity)
            creation._create_test_db(verbosity, autoclobber, keepdb)  # clears a file database
            connection.close()
            settings.DATABASES[connection.alias]["NAME"] = test_name
            connection.settings_dict["NAME"] = test_name
            _sqlite_clone(connection, template)
        else:
            template = _pg_template(connection, key, verbosity)
            _pg_clone(connection, template, test_name)
            connection.close()
            settings.DATABASES[connection.alias]["NAME"] = test_name
            connection.settings_dict["NAME"] = test_name
    if verbosity >= 1:
        print(f"Test database for alias {connection.alias!r} copied from template {template}")
    if serialize:
        connection._test_serialized_contents = creation.serialize_db_to_string()
    connection.ensure_connection()
    return test_name


@contextlib.contextmanager
def cloned_test_databases() -> Iterator[None]:
    """While set up, every test database is created from the migrated template."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        def stock(*args):
            return original(self, *args)

        return create_test_db_from_template(self, stock, verbosity, autoclobber, serialize, keepdb)

    BaseDatabaseCreation.create_test_db = create_test_db
    try:
        yield
    finally:
        BaseDatabaseCreation.create_test_db = original
