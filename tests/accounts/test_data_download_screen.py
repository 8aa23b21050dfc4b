"""The account page shows the log-in e-mail and explains the data download; the files carry
local times, not raw UTC."""

from __future__ import annotations

import datetime
import json

import pytest

from django.utils import timezone

from curriculum import services as progress
from curriculum.models import LessonCompletion


@pytest.mark.django_db
def test_account_page_shows_the_email_and_plain_download_links(client_as, learner, home_page):
    html = client_as(learner).get("/account/").content.decode()
    assert learner.email in html
    assert "Meine Daten als Tabelle herunterladen" in html
    assert ">JSON</a>" not in html and ">CSV</a>" not in html
    assert "Europe/Berlin" in html


@pytest.mark.django_db
def test_download_times_are_local_not_utc(client_as, learner, tree):
    progress.complete_lesson(learner, tree.lessons[0])
    moment = datetime.datetime(2026, 7, 1, 8, 30, tzinfo=datetime.UTC)  # 10:30 in Berlin (CEST)
    LessonCompletion.objects.filter(user=learner).update(completed_at=moment)
    client = client_as(learner)
    data = json.loads(client.get("/account/data.json").content)
    assert data["lessons"][0]["completed_at"] == "2026-07-01T10:30:00+02:00"
    csv_text = client.get("/account/data.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Bereich")
    assert "2026-07-01 10:30" in csv_text and "+00:00" not in csv_text
    assert timezone.get_current_timezone_name() == "Europe/Berlin"


@pytest.mark.django_db
def test_the_download_needs_a_log_in(client, home_page):
    for url in ("/account/", "/account/data.json", "/account/data.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
