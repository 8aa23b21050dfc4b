"""Shared fixtures: the site skeleton and one user per role."""

from __future__ import annotations

import contextlib
import io
import threading

import pytest

from django.test import testcases

from accounts import roles
from accounts.factories import UserFactory

# The live server's threads and the test's own thread share one SQLite connection (the test
# database lives in memory). Python's sqlite3 module holds the GIL while it binds parameters or reads
# columns, and SQLite holds the connection's mutex while a query runs one of Django's Python
# functions (which needs the GIL): two threads using the connection at once can deadlock, GIL
# against mutex, and then nothing runs, pytest-timeout's thread included (seen in CI: a browser test
# hung until the whole run was killed). So everything that touches the database while a live
# server runs takes this one lock: each request of the server, whole, and each statement or fetch
# of any other thread.
_DATABASE_LOCK = threading.RLock()


class _OneRequestAtATime:
    """Serves one request at a time, its response body included (a streamed body reads the
    database too). Connections stay threaded, so the browser's keep-alive connections do not
    block each other."""

    def __call__(self, environ, start_response):
        with _DATABASE_LOCK:
            response = super().__call__(environ, start_response)
            try:
                return list(response)
            finally:
                if hasattr(response, "close"):
                    response.close()


def _locked(method):
    def call(self, *args, **kwargs):
        with _DATABASE_LOCK:
            return method(self, *args, **kwargs)

    return call


class _LiveServerThread(testcases.LiveServerThread):
    """pytest-django hands the live server its static-files handler explicitly, so the lock goes
    around whichever handler it passes (a class attribute would be ignored); and from the first
    live server on, every SQLite statement and fetch in this process takes the lock."""

    def __init__(self, *args, static_handler=None, **kwargs):
        from django.db.backends.sqlite3 import base as sqlite

        handler = static_handler or testcases._StaticFilesHandler
        locked = type(f"OneRequestAtATime{handler.__name__}", (_OneRequestAtATime, handler), {})
        super().__init__(*args, static_handler=locked, **kwargs)
        if not getattr(sqlite.SQLiteCursorWrapper, "locked", False):
            names = ("execute", "executemany", "fetchone", "fetchmany", "fetchall")
            methods = {name: _locked(getattr(sqlite.SQLiteCursorWrapper, name)) for name in names}
            sqlite.SQLiteCursorWrapper = type(
                "LockedSQLiteCursorWrapper",
                (sqlite.SQLiteCursorWrapper,),
                {**methods, "locked": True},
            )


testcases.LiveServerThread = _LiveServerThread  # pytest-django imports it when the server starts


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's test database set-up, with each test database copied from a template
    migrated once (tests/database_template.py) instead of migrated in every worker of every run.
    `--create-db` migrates each test database as before; `--reuse-db` keeps its own databases."""
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from django.test.utils import setup_databases, teardown_databases

    from tests.database_template import cloned_test_databases

    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    template = contextlib.nullcontext() if django_db_createdb else cloned_test_databases()
    with django_db_blocker.unblock(), template:
        db_cfg = setup_databases(
            verbosity=request.config.option.verbose,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=keepdb,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language (German). A request through the test
    client runs in this thread and leaves its language active (an English-speaking user's
    request switches the thread to English), so without this a test's language would depend on
    the tests that ran before it in the same worker."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def media_root(tmp_path_factory):
    """Uploads (photos, images, documents) land in a temporary folder, never in the repository's
    `media/`; set before any storage is first used, so every storage reads it."""
    from django.conf import settings

    folder = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = str(folder)
    return folder


@pytest.fixture(autouse=True)
def fresh_caches():
    """Every test starts with empty caches: Django's and the per-process locale cache (a rolled
    back test leaves cached values behind that the next test's database does not hold)."""
    from django.core.cache import cache

    from core.locales import forget_locales

    cache.clear()
    forget_locales()
    # No test database holds privacy settings until a test stores some: the defaults, known
    # without a query (so query counts measured in tests do not include reading them).
    from accounts.models import PrivacySettings
    from accounts.privacy import CACHE_KEY, CACHE_SECONDS

    cache.set(CACHE_KEY, PrivacySettings(pk=1), CACHE_SECONDS)


@pytest.fixture
def home_page(db):
    """Locales, the German home page (with English translation) as the default site's root.
    The test database's template holds them already (tests/database_template.py): `load` finds
    them there, or builds them again after a transactional test emptied the database."""
    from home import demo

    return demo.load(io.StringIO())


@pytest.fixture
def learner(db):
    return UserFactory(roles=[roles.LEARNER], first_name="Lena", email="lena@cx-academy.example")


@pytest.fixture
def other_learner(db):
    return UserFactory(roles=[roles.LEARNER], first_name="Otto", email="otto@cx-academy.example")


@pytest.fixture
def champion(db):
    return UserFactory(roles=[roles.LEARNER, roles.CHAMPION], email="champ@cx-academy.example")


@pytest.fixture
def hr_user(db):
    return UserFactory(roles=[roles.LEARNER, roles.HR], email="hr-person@cx-academy.example")


@pytest.fixture
def editor(db):
    return UserFactory(
        roles=[roles.LEARNER, roles.EDITOR], email="editor-person@cx-academy.example"
    )


@pytest.fixture
def client_as(client):
    """`client_as(user)` logs the test client in as that user and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def tree(home_page):
    """Index → path → course with three lessons."""
    from curriculum.factories import build_course_tree

    return build_course_tree(home_page)


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) for the whole test run."""
    from tests.peers import start_smtp_sink

    sink = start_smtp_sink()
    yield sink
    sink.controller.stop()


@pytest.fixture(scope="session")
def redis_server():
    """A throwaway redis-server on a free port for the whole run (the cache and broker of the
    health and fault tests). Tests kill and restart it (`.kill()`, `.start()`); a fixture that
    needs it running asks for `redis_up`, which restarts it when a previous test left it down."""
    import shutil

    from tests.outbox.services import RedisServer

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
def smtp_sink(smtp_server, settings):
    """Mail goes out over real SMTP to `smtp_server`; returns it, emptied for this test."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    smtp_server.clear()
    return smtp_server


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """A real OpenID Connect provider (node-oidc-provider from npm) for the whole run; it accepts
    the live server's and the test client's callback URLs."""
    from tests.peers import node_missing_reason, start_oidc_provider

    reason = node_missing_reason()
    if reason:
        pytest.skip(reason)
    callback = "/accounts/oidc/company/login/callback/"
    provider = start_oidc_provider(
        redirect_uris=[live_server.url + callback, "http://testserver" + callback],
        post_logout_uris=[live_server.url + "/", "http://testserver/"],
    )
    yield provider
    provider.stop()


@pytest.fixture
def company_sso(oidc_provider, settings):
    """Company SSO configured against the real provider (as from the OIDC_* environment)."""
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [oidc_provider.app()]}}
    return oidc_provider


@pytest.fixture
def privacy_settings(db):
    """`privacy_settings(**fields)` stores the visibility policy / retention periods for a test."""
    from accounts import privacy
    from accounts.models import PrivacySettings

    def store(**fields):
        stored = PrivacySettings.objects.filter(pk=1).first() or PrivacySettings(pk=1)
        for name, value in fields.items():
            setattr(stored, name, value)
        stored.save()
        privacy.forget_settings()
        privacy.current_settings()  # read once here, not inside a test's query count
        return stored

    return store


@pytest.fixture
def small_groups_shown(privacy_settings):
    """For tests of report figures on a handful of people: groups of one are shown (the
    suppression itself is tested in tests/accounts/test_privacy.py)."""
    return privacy_settings(min_group_size=1)


# Figures a test measured (the soak, the PostgreSQL restart) via `record_property("figures", …)`:
# printed in the terminal summary, so CI's log shows them even under xdist, which hides stdout.
_figures: list[str] = []


def pytest_runtest_logreport(report) -> None:
    if report.when == "call":
        _figures.extend(value for name, value in report.user_properties if name == "figures")


def pytest_sessionfinish(session) -> None:
    """The controlling process (or the only one) drops the run's PostgreSQL demo template."""
    if hasattr(session.config, "workerinput"):
        return
    from tests.demo_copies import drop_run_demo, run_folder

    drop_run_demo(run_folder(session.config))


def pytest_terminal_summary(terminalreporter) -> None:
    if _figures:
        terminalreporter.section("figures measured by the fault tests")
        for line in _figures:
            terminalreporter.write_line(line)
