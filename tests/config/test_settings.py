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


def _production_values(extra_env: dict[str, str]) -> dict:
    """Database and session settings as production computes them from this environment."""
    script = (
        "import json; from django.conf import settings as s; "
        "db = s.DATABASES['default']; "
        "print(json.dumps({'age': db['CONN_MAX_AGE'], 'health': db['CONN_HEALTH_CHECKS'], "
        "'sessions': s.SESSION_ENGINE, 'cache': s.CACHES['default']['BACKEND']}))"
    )
    result = _run_manage(
        "shell",
        "-c",
        script,
        env={
            "SECRET_KEY": "x7" * 30 + "-production-secret-for-the-check",
            "ALLOWED_HOSTS": "academy.example.com",
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "REDIS_URL": "",
            **extra_env,
        },
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_keeps_connections_and_caches_sessions_in_redis():
    with_redis = _production_values({"REDIS_URL": "redis://127.0.0.1:6379/9"})
    assert with_redis["age"] >= 60 and with_redis["health"] is True
    assert with_redis["sessions"] == "django.contrib.sessions.backends.cached_db"
    assert with_redis["cache"].endswith("RedisCache")
    without = _production_values({"CONN_MAX_AGE": "0"})
    assert without["age"] == 0  # persistent connections can be switched off
    assert without["sessions"] == "django.contrib.sessions.backends.db"


def test_gunicorn_config_sets_workers_timeout_and_recycling(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    config = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.py"))
    assert config["workers"] == 5 and config["timeout"] == 30
    assert config["max_requests"] > 0 and 0 < config["max_requests_jitter"] < config["max_requests"]
    procfile = (BASE_DIR / "Procfile").read_text()
    assert "gunicorn -c config/gunicorn.py config.wsgi" in procfile
