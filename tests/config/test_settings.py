"""Configuration from the environment, production hardening, Celery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from home.tasks import ping

BASE_DIR = Path(__file__).resolve().parents[2]


def _run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=config.settings.production",
        env={
            "SECRET_KEY": "x7" * 30 + "-production-secret-for-the-check",
            "ALLOWED_HOSTS": "academy.example.com",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_static_files_are_compressed_and_cache_busted(tmp_path):
    """collectstatic with the production storage: hashed names in the manifest, gzip copies."""
    result = _run_manage(
        "collectstatic",
        "--noinput",
        "-v0",
        "--settings=config.settings.production",
        env={
            "SECRET_KEY": "x7" * 30 + "-production-secret-for-the-check",
            "ALLOWED_HOSTS": "academy.example.com",
            "STATIC_ROOT": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ("css/app.css", "js/app.js", "vendor/pico/pico.min.css", "vendor/htmx/htmx.min.js"):
        hashed = paths[name]
        assert hashed != name and (tmp_path / hashed).exists()
        assert (tmp_path / f"{hashed}.gz").exists()


def test_production_settings_refuse_to_start_without_secret_key():
    env = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=config.settings.production"],
        cwd=BASE_DIR,
        env={**env, "ALLOWED_HOSTS": "academy.example.com"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_database_url_selects_the_database(settings):
    import environ

    config = environ.Env.db_url_config("postgres://postgres@127.0.0.1:5432/cx")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert settings.DATABASES["default"]["ENGINE"] in {
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    }


def test_celery_runs_tasks_eagerly_without_a_broker(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert ping.delay("hello").get(timeout=5) == "hello"
