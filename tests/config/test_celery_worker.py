"""A real task through Redis to a real `celery worker` process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from celery import Celery

BASE_DIR = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")


def _reachable(url: str) -> bool:
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.celery_worker
@pytest.mark.skipif(not BROKER_URL, reason="CELERY_TEST_BROKER_URL not set: no Redis to test with")
def test_real_worker_runs_a_task_sent_through_redis():
    if not _reachable(BROKER_URL):
        pytest.skip(f"Redis at {BROKER_URL} is not reachable")
    queue = f"cx-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "-Q",
            queue,
            "--loglevel=WARNING",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    client = Celery("cx-probe", broker=BROKER_URL, backend=BROKER_URL, set_as_current=False)
    try:
        result = client.send_task("home.tasks.ping", args=["hello from redis"], queue=queue)
        assert result.get(timeout=60) == "hello from redis"
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        client.close()
