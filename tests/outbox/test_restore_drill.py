"""The restore drill: a backup made by scripts/backup.sh of a database with the demo and some
activity is restored by scripts/restore.sh into a fresh database; every table has the same number
of rows, the media files are back, and the site served from the restored database answers and
lets a demo account log in. PostgreSQL only (pg_dump/pg_restore of the server's version)."""

from __future__ import annotations

import http.cookiejar
import json
import re
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
import uuid

import pytest

from tests.demo_copies import postgres_admin

from .services import BASE_DIR, project_env, start_gunicorn

# django_db: only so that pytest-django builds the test database the demo copy is made from.
pytestmark = [pytest.mark.postgres, pytest.mark.soak, pytest.mark.django_db]


def table_counts(url: str) -> dict[str, int]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, connect_timeout=5) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for table in tables
        }


def manage(url: str, media: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=project_env(DATABASE_URL=url, MEDIA_ROOT=media),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    return result.stdout


ACTIVITY = """
from accounts.models import User
from accounts.services import invite_person
from outbox.models import OutboxMessage
hr = User.objects.get(email="hr@cx-academy.example")
invite_person("drill.neu@cx-academy.example", hr, ["Learner"])
print(OutboxMessage.objects.count())
"""


def test_a_backup_restores_into_a_fresh_database_and_the_site_works(demo_database, tmp_path):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed")
    media = tmp_path / "media"
    (media / "original_images").mkdir(parents=True)
    picture = media / "original_images" / "team.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0 not really a photo" * 100)
    manage(demo_database, str(media), "shell", "-c", ACTIVITY)  # some activity after the demo
    before = table_counts(demo_database)
    assert before["accounts_invitation"] >= 1 and before["wagtailcore_page"] > 5

    backup = tmp_path / "backup"
    env = project_env(DATABASE_URL=demo_database, MEDIA_ROOT=str(media))
    run = subprocess.run(
        ["bash", "scripts/backup.sh", str(backup)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert {p.name for p in backup.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}

    name = f"cx_restored_{uuid.uuid4().hex[:10]}"
    postgres_admin(f"CREATE DATABASE {name}")
    restored = demo_database.rsplit("/", 1)[0] + f"/{name}"
    restored_media = tmp_path / "restored-media"
    web = None
    try:
        run = subprocess.run(
            ["bash", "scripts/restore.sh", str(backup)],
            cwd=BASE_DIR,
            env=project_env(DATABASE_URL=restored, MEDIA_ROOT=str(restored_media)),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr[-3000:]
        assert table_counts(restored) == before  # every table, row for row
        assert (restored_media / "original_images" / "team.jpg").read_bytes() == (
            picture.read_bytes()
        )
        manage(restored, str(restored_media), "migrate", "--check")

        web, base = start_gunicorn(
            project_env(DATABASE_URL=restored, MEDIA_ROOT=str(restored_media)),
            tmp_path / "gunicorn.log",
            workers=1,
        )
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        with opener.open(f"{base}/health/ready/", timeout=30) as response:
            ready = json.loads(response.read())
        assert ready["checks"]["database"]["ok"] and ready["checks"]["storage"]["ok"], ready
        with opener.open(f"{base}/accounts/login/", timeout=30) as response:
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', response.read())
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "login": "learner@cx-academy.example",
                "password": "cx-academy-demo",
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
        )
        with opener.open(request, timeout=30) as response:
            page = response.read().decode()
            assert response.status == 200 and response.url.rstrip("/") == base, response.url
        assert "Lea" in page  # the demo learner's own start page, from the restored data
    finally:
        if web is not None:
            web.stop()
        postgres_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
