"""Session-scoped real services for the fault tests."""

from __future__ import annotations

import shutil

import pytest

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
    smtp_sink.fail_with = ""
    smtp_sink.clear()
    yield smtp_sink
    smtp_sink.fail_with = ""
