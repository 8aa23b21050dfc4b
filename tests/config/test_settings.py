"""Configuration from the environment, production hardening, Celery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from home.tasks import ping

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "SECRET_KEY": "x7" * 30 + "-production-secret-for-the-check",
    "ALLOWED_HOSTS": "academy.example.com",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",  # named, not contacted
}
# Prints the settings a process would run with, as JSON. Reading the settings imports the settings
# module; loading the apps as well (django.setup(), several seconds) would change no value.
PROBE = (
    "import json; from django.conf import settings as s; print(json.dumps("
    "{k: str(getattr(s, k, None)) for k in ("
    "'DATABASES', 'EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_HOST_USER', "
    "'EMAIL_USE_TLS', 'CELERY_BROKER_URL', 'CELERY_TASK_ALWAYS_EAGER')}))"
)


def _settings_of(module: str, **env: str) -> dict:
    """The settings of a fresh process started with `module` and exactly this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    clean.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


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
            **PRODUCTION_ENV,
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
            **PRODUCTION_ENV,
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


def test_production_refuses_to_start_without_a_celery_broker():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CELERY_BROKER_URL"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--settings=config.settings.production"],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "CELERY_BROKER_URL" in result.stderr


def test_environment_selects_database_mail_and_broker():
    probed = _settings_of(
        "config.settings.production",
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://cx:secret@db.example:5432/academy",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.com:587",
    )
    assert "'ENGINE': 'django.db.backends.postgresql'" in probed["DATABASES"]
    assert "'NAME': 'academy'" in probed["DATABASES"]
    assert probed["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (probed["EMAIL_HOST"], probed["EMAIL_PORT"], probed["EMAIL_HOST_USER"]) == (
        "smtp.example.com",
        "587",
        "mailer",
    )
    assert probed["EMAIL_USE_TLS"] == "True"
    assert probed["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/0"
    assert probed["CELERY_TASK_ALWAYS_EAGER"] == "False"


def test_development_without_a_broker_runs_tasks_in_process():
    probed = _settings_of("config.settings.dev")
    assert probed["CELERY_BROKER_URL"] == "" and probed["CELERY_TASK_ALWAYS_EAGER"] == "True"
    assert probed["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert "sqlite3" in probed["DATABASES"]


def test_dot_env_file_is_read_only_when_asked(tmp_path):
    dot_env = tmp_path / ".env"
    dot_env.write_text("EMAIL_URL=smtp://from-dot-env.example:2525\n")
    ignored = _settings_of("config.settings.dev", DJANGO_DOT_ENV_FILE=str(dot_env))
    assert ignored["EMAIL_HOST"] == "localhost"
    read = _settings_of(
        "config.settings.dev", DJANGO_DOT_ENV_FILE=str(dot_env), DJANGO_READ_DOT_ENV_FILE="True"
    )
    assert (read["EMAIL_HOST"], read["EMAIL_PORT"]) == ("from-dot-env.example", "2525")


def test_worker_and_web_start_with_the_same_settings_module():
    """`celery -A config` and gunicorn (config.wsgi) pick the same default settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    started = []
    for entry in ("config.celery", "config.wsgi"):
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import {entry}; from django.conf import settings; print(settings.SETTINGS_MODULE)",
            ],
            cwd=BASE_DIR,
            env={**clean, **PRODUCTION_ENV},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        started.append(result.stdout.strip().splitlines()[-1])
    assert started == ["config.settings.production", "config.settings.production"]


def test_a_task_runs_in_process_under_test_settings():
    assert ping.delay("hello").get(timeout=5) == "hello"


def _production_values(extra_env: dict[str, str]) -> dict:
    """Database and session settings as production computes them from this environment."""
    script = (
        "import json; from django.conf import settings as s; "
        "db = s.DATABASES['default']; "
        "print(json.dumps({'age': db['CONN_MAX_AGE'], 'health': db['CONN_HEALTH_CHECKS'], "
        "'sessions': s.SESSION_ENGINE, 'cache': s.CACHES['default']['BACKEND']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={
            **os.environ,
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",  # production requires one
            **extra_env,
        },
        capture_output=True,
        text=True,
        timeout=120,
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
