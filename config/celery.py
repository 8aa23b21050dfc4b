"""Celery application: reads CELERY_* settings and discovers tasks in every app's tasks.py."""

import os

from celery import Celery

# The same default as the web process (wsgi.py, asgi.py): a worker never runs other settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("cx_academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
