"""Test settings: fast hashing, in-memory cache and e-mail, plain static storage."""

from .base import *  # noqa: F401,F403
from .base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
ACCOUNT_RATE_LIMITS = False
CELERY_TASK_ALWAYS_EAGER = True  # tests run tasks in-process; one test starts a real worker
# Tests open threads and live servers; each closes its own connection rather than keeping it.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

PUSH_DEV_KEYS = True
PUSH_ALLOW_LOCAL_ENDPOINTS = True  # the test push service listens on 127.0.0.1
