"""Mutation-testing settings: the test settings on SQLite with the test database kept in a file,
so the migrations run once per module and every mutant's tests reuse it (`--reuse-db`)."""

from .test import *  # noqa: F401,F403
from .test import BASE_DIR

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(BASE_DIR / "mutation-db.sqlite3"),
        "TEST": {"NAME": str(BASE_DIR / "mutation-test-db.sqlite3")},
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": 0,
    }
}
