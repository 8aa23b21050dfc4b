"""Real services broken on purpose: a throwaway redis-server is killed and restarted mid-test.

- Cache outage: pages render and people log in; rate limiting keeps counting per process.
- Broker outage: a champion's nudge returns at once, the mail waits in the outbox and is handed
  to the broker by the sweep when Redis is back.
"""

from __future__ import annotations

import datetime
import logging
import time

import pytest
import redis

from django.core.cache import cache

from champions.models import ChampionProfile, ChampionStatus, CoachingGroup, Membership, Nudge
from outbox import services
from outbox.models import OutboxMessage, OutboxStatus

from .services import queued_tasks

pytestmark = pytest.mark.faults
PASSWORD = "correct-horse-42"


@pytest.fixture
def redis_cache(redis_up, settings):
    """The site's cache is the throwaway Redis (fail-soft backend, quick retry for the test)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailSoftRedisCache",
            "LOCATION": redis_up.url,
            "RETRY_AFTER": 0.2,
        }
    }
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key"}  # production value
    cache.clear()
    return redis_up


@pytest.mark.django_db
def test_pages_and_log_in_work_while_the_cache_is_down(
    client, home_page, learner, redis_cache, caplog
):
    assert client.get("/").status_code == 200
    cache.set("probe", "in redis")
    assert redis.Redis.from_url(redis_cache.url).keys("*probe*")

    redis_cache.kill()
    caplog.set_level(logging.WARNING, logger="core.cache")
    for url in ("/", "/accounts/login/", "/accounts/password/reset/", "/health/live/"):
        assert client.get(url).status_code == 200, url
    response = client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD})
    assert response.status_code == 302 and client.get("/").context["user"] == learner
    time.sleep(0.3)  # past RETRY_AFTER: Redis is tried (and found down) again, still one warning
    assert client.get("/").status_code == 200
    warnings = [r for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1 and "Cache unreachable" in warnings[0].getMessage()
    ready = client.get("/health/ready/").json()
    assert ready["status"] == "degraded" and ready["checks"]["cache"]["ok"] is False

    redis_cache.start()
    time.sleep(0.3)
    cache.set("probe-after", "back in redis")
    assert redis.Redis.from_url(redis_cache.url).keys("*probe-after*")
    assert client.get("/health/ready/").json()["checks"]["cache"]["ok"] is True


@pytest.mark.django_db
def test_failed_log_ins_are_still_limited_while_the_cache_is_down(
    client, home_page, learner, redis_cache
):
    redis_cache.kill()
    wrong = {"login": learner.email, "password": "not-the-password"}
    pages = [client.post("/accounts/login/", wrong).content.decode() for _ in range(6)]
    refused = "Zu viele gescheiterte Anmeldeversuche"  # allauth's "Too many failed login attempts"
    assert [refused in page for page in pages] == [False] * 5 + [True]  # Redis or not
    right = client.post("/accounts/login/", {"login": learner.email, "password": PASSWORD})
    assert right.status_code == 200 and refused in right.content.decode()  # still refused
    assert not client.session.get("_auth_user_id")


@pytest.fixture
def group(db, champion, learner):
    profile = ChampionProfile.objects.create(user=champion, status=ChampionStatus.ACTIVE)
    group = CoachingGroup.objects.create(
        name="Runde Nord", champion=profile, start_date=datetime.date(2026, 1, 1)
    )
    Membership.objects.create(group=group, user=learner)
    return group


@pytest.mark.django_db
def test_a_nudge_returns_at_once_while_the_broker_is_down_and_its_mail_follows(
    client_as, group, champion, learner, broker, django_capture_on_commit_callbacks
):
    client = client_as(champion)
    broker.kill()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/champions/nudge/{learner.pk}/")
    elapsed = time.monotonic() - started
    assert response.status_code == 302 and elapsed < 1.5, elapsed
    assert Nudge.objects.filter(member=learner).exists()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxStatus.PENDING and message.dispatched_at is None

    started = time.monotonic()
    assert services.sweep()["dispatched"] == 0  # still down: the sweep gives up quickly too
    assert time.monotonic() - started < 1.5

    broker.start()
    assert services.sweep() == {"freed": 0, "due": 1, "dispatched": 1}
    message.refresh_from_db()
    assert message.dispatched_at is not None
    assert queued_tasks(broker.url) == 1  # handed to the broker exactly once
    assert services.sweep()["dispatched"] == 0  # and not again while it waits for a worker
