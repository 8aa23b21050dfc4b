"""Session-scoped real services for the fault tests."""

from __future__ import annotations

import shutil

import pytest

from config.celery import app as celery_app

from .services import RedisServer, SmtpSink, free_port


@pytest.fixture(scope="session")
def redis_server():
    """A throwaway redis-server on a free port; tests kill and restart it (`.kill()`, `.start()`)."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    server = RedisServer()
    server.start()
    yield server
    server.kill()


@pytest.fixture
def redis_up(redis_server):
    """The throwaway Redis, running (restarted if a previous test left it down)."""
    if redis_server.process is None:
        redis_server.start()
    return redis_server


@pytest.fixture
def broker(redis_up, settings):
    """Celery sends to the throwaway Redis for real (no eager mode) during the test."""
    saved = {
        key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.update(broker_url=redis_up.url, task_always_eager=False, result_backend=None)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield redis_up
    celery_app.conf.update(saved)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(scope="session")
def smtp_sink():
    """A real SMTP server (aiosmtpd) on a free port that fails on demand."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(port=free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def smtp(smtp_sink, settings):
    """Mail goes over SMTP to the sink, which starts out accepting and empty."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    smtp_sink.fail_with, smtp_sink.delay = "", 0
    smtp_sink.clear()
    yield smtp_sink
    smtp_sink.fail_with, smtp_sink.delay = "", 0


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(
        "postgres://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=5
    ) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session")
def demo_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """A PostgreSQL database of its own with the demo loaded (for the soak and the restore drill).

    Copied from the migrated test database (CREATE DATABASE … TEMPLATE), then `load_demo` runs in
    a subprocess; dropped at the end of the session.
    """
    import subprocess
    import sys
    import uuid

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("the soak and the restore drill run in the PostgreSQL CI run")
    settings_dict = connection.settings_dict
    if settings_dict.get("HOST") not in {"127.0.0.1", "localhost"}:
        pytest.skip("needs the local PostgreSQL of CI")
    name = f"cx_ops_{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        connections.close_all()
        _admin(f'CREATE DATABASE {name} TEMPLATE "{settings_dict["NAME"]}"')
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{name}"
    )
    from .services import BASE_DIR, project_env

    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=BASE_DIR,
        env=project_env(DATABASE_URL=url, MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media"))),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    yield url
    _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
