"""Session-scoped real services for the fault tests."""

from __future__ import annotations

import pytest

from config.celery import app as celery_app

from .services import SmtpSink, free_port


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


@pytest.fixture(scope="session")
def demo_database(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """A PostgreSQL database of its own with the demo loaded (for the soak and the restore drill).

    Copied (CREATE DATABASE … TEMPLATE) from the run's demo database, which the first worker to
    need one builds: a copy of the migrated test database, then `load_demo` in a subprocess
    (tests/demo_copies.py). Dropped at the end of the session.
    """
    import subprocess
    import sys
    import uuid

    from django.db import connection, connections

    from tests.demo_copies import postgres_admin, postgres_demo_template, run_folder

    from .services import BASE_DIR, project_env

    if connection.vendor != "postgresql":
        pytest.skip("the soak and the restore drill run in the PostgreSQL CI run")
    settings_dict = connection.settings_dict
    if settings_dict.get("HOST") not in {"127.0.0.1", "localhost"}:
        pytest.skip("needs the local PostgreSQL of CI")
    server = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"

    def build(name: str) -> None:
        postgres_admin(f'CREATE DATABASE {name} TEMPLATE "{settings_dict["NAME"]}"')
        result = subprocess.run(
            [sys.executable, "manage.py", "load_demo"],
            cwd=BASE_DIR,
            env=project_env(
                DATABASE_URL=f"{server}/{name}",
                MEDIA_ROOT=str(tmp_path_factory.mktemp("demo-media")),
            ),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]

    name = f"cx_ops_{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        connections.close_all()
        template = postgres_demo_template(run_folder(request.config), build)
        postgres_admin(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield f"{server}/{name}"
    postgres_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
