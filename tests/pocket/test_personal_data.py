"""The phone app's records of a person are in their data download and go when HR erases them."""

from __future__ import annotations

import datetime
import json

import pytest

from accounts import lifecycle, notifications
from accounts.models import NotificationKind, NotificationSettings
from pocket.models import PracticeDay, PushSubscription, ReviewCard

from .test_push import Browser, due_questions, subscribe

pytestmark = pytest.mark.django_db


def test_practice_devices_and_settings_are_in_the_download_without_keys(
    client_as, learner, other_learner, home_page, push_service
):
    client = client_as(learner)
    browser = Browser(push_service.url("/push/mine"))
    subscribe(client, browser)
    due_questions(learner, 2)
    due_questions(other_learner, 1)
    PracticeDay.objects.create(user=learner, day=datetime.date(2026, 3, 1), answered=3, correct=2)
    notifications.save_preferences(
        learner, [NotificationKind.MINUTE], datetime.time(21), datetime.time(7)
    )
    data = json.loads(client.get("/account/data.json").content)
    assert [row["kind"] for row in data["cx_minute"]] == ["question", "question", "day"]
    assert data["cx_minute"][2]["correct"] == 2
    assert [row["kind"] for row in data["reminders"]] == ["device", "settings"]
    assert data["reminders"][1]["by_push"] == ["minute"]
    text = json.dumps(data)
    assert browser.subscription["keys"]["auth"] not in text  # the device's secret stays out
    csv_text = client.get("/account/data.csv").content.decode("utf-8-sig")
    assert "cx_minute_day" in csv_text and "2/3" in csv_text


def test_erasing_a_person_removes_their_practice_devices_and_settings(
    client_as, learner, other_learner, hr_user, home_page, push_service
):
    subscribe(client_as(learner), Browser(push_service.url("/push/erase")))
    due_questions(learner, 2)
    due_questions(other_learner, 1)
    notifications.save_preferences(learner, [NotificationKind.NUDGE], None, None)
    assert lifecycle.erasure_preview(learner)["cx_minute"] == 4
    lifecycle.erase_person(learner, hr_user)
    assert not ReviewCard.objects.filter(user=learner).exists()
    assert not PushSubscription.objects.filter(user=learner).exists()
    assert not NotificationSettings.objects.filter(user=learner).exists()
    assert ReviewCard.objects.filter(user=other_learner).count() == 1
