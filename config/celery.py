"""Celery application: reads CELERY_* settings and discovers tasks in every app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("cx_academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
