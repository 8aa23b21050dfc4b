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

# Code that runs only on PostgreSQL (the HR dashboard's one-pass GROUPING SETS query) is
# mutation-tested against it: MUTATION_DATABASE_URL=postgres://… (its own database; the test
# database is kept between mutants the same way).
if env.str("MUTATION_DATABASE_URL", default=""):  # noqa: F405
    DATABASES = {
        "default": {
            **env.db_url("MUTATION_DATABASE_URL"),  # noqa: F405
            "ATOMIC_REQUESTS": False,
            "CONN_MAX_AGE": 0,
        }
    }
