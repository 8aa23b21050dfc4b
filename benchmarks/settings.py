"""Settings the benchmarks run under: production's, on plain HTTP, plus two reference views.

Differences from production, each needed to measure on this machine: plain HTTP (no SSL redirect,
cookies not marked secure), static files without the collectstatic manifest, no required
two-factor set-up for the HR benchmark user, and `benchmarks.urls` in front of the project's."""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "k" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
# Its own database and cache, never the ones DATABASE_URL / REDIS_URL name: the load wipes data.
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cx_bench"
)
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Production refuses to start without a broker; the benchmarks send no task through it.
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])

from config.settings.production import *  # noqa: E402,F401,F403
from config.settings.production import STORAGES  # noqa: E402

# Static files are served from the app directories here, not from a collected STATIC_ROOT.
warnings.filterwarnings("ignore", message="No directory at")

ROOT_URLCONF = "benchmarks.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
MFA_REQUIRED_ROLES: list[str] = []
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
