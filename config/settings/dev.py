"""Local development: debug on, embedded SQLite and eager Celery unless the environment says otherwise."""

from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

PUSH_DEV_KEYS = env.bool("PUSH_DEV_KEYS", default=True)
