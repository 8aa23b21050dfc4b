"""The pocket app on a phone: installable (manifest + service worker controlling the page), a
lesson kept for offline reading stays readable with the network off, a lesson marked done
offline arrives once when the connection is back, and a champion's nudge reaches the local test
push service and shows on the phone.

Every wait here is bounded. A previous version awaited `navigator.serviceWorker.ready`, a promise
that never settles when no worker gets registered, and hung a CI run. Now each check is a
synchronous expression or a promise raced against a one-second timer, polled from Python until a
deadline (`page.evaluate` runs through the DevTools protocol, so the page's CSP, which forbids
eval and with it Playwright's string predicates in `wait_for_function`, does not get in the way)."""

from __future__ import annotations

import json
import time

import pytest

from django.utils import timezone

from accounts import roles
from accounts.factories import UserFactory
from assignments.models import Assignment
from curriculum.factories import build_course_tree
from curriculum.models import LessonCompletion

from .conftest import screenshot

PASSWORD = "correct-horse-42"
WORKER_ACTIVE = """() => Promise.race([
  navigator.serviceWorker.getRegistration("/").then(r => Boolean(r && r.active)),
  new Promise(resolve => setTimeout(() => resolve(false), 1000)),
])"""
CONTROLLED = "() => navigator.serviceWorker.controller !== null"
CACHED = """url => Promise.race([
  caches.keys()
    .then(keys => Promise.all(keys.map(key => caches.open(key).then(cache => cache.match(url)))))
    .then(found => found.some(Boolean)),
  new Promise(resolve => setTimeout(() => resolve(false), 1000)),
])"""
OUTBOX_EMPTY = "() => (localStorage.getItem('cx-offline-outbox') || '[]') === '[]'"


def wait_until(page, expression: str, arg=None, timeout: float = 15, what: str = "") -> None:
    """Poll `expression` in the page until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(expression, arg):
            return
        time.sleep(0.25)
    pytest.fail(f"waited {timeout} s for {what or expression}")


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()
    page.wait_for_url(f"{base}/", timeout=15_000)


def learner_with_an_offline_lesson(live_server, home_page, new_page, body=None):
    """A learner logged in on a phone whose first assigned lesson (with `body`, if given) the
    service worker keeps."""
    tree = build_course_tree(home_page, lessons=2)
    if body:
        tree.lessons[0].body = body
        tree.lessons[0].save_revision().publish()
    learner = UserFactory(roles=[roles.LEARNER], email="pia@cx-academy.example")
    Assignment.objects.create(
        user=learner, course=tree.course, due_date=timezone.localdate() + timezone.timedelta(7)
    )
    lesson = tree.lessons[0]
    base = live_server.url
    page = new_page(phone=True)
    log_in(page, base, learner.email)

    # Install criteria: a manifest with icons, and a service worker that controls the page.
    manifest = page.request.get(base + page.locator("link[rel=manifest]").get_attribute("href"))
    assert manifest.ok and manifest.json()["display"] == "standalone"
    wait_until(page, WORKER_ACTIVE, what="the service worker to activate")
    page.reload()  # a page loaded before the worker was active is controlled from its next load
    wait_until(page, CONTROLLED, what="the service worker to control the page")
    wait_until(page, CACHED, arg=lesson.url, timeout=30, what="the lesson to be kept offline")
    return page, learner, lesson


@pytest.mark.timeout(120)
def test_lesson_readable_offline_and_completion_sent_once(live_server, home_page, new_page):
    started = time.monotonic()
    page, learner, lesson = learner_with_an_offline_lesson(live_server, home_page, new_page)
    base = live_server.url

    page.context.set_offline(True)
    page.goto(base + lesson.url)
    assert page.locator("h1").inner_text() == lesson.title
    assert page.locator("#offline-indicator").is_visible()
    screenshot(page, "pocket-offline-lesson")

    page.locator("#mark-done").click()
    assert "sobald Sie wieder online sind" in page.locator("main").inner_text()
    assert not LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(page, OUTBOX_EMPTY, what="the queued completion to be sent")
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).count() == 1
    page.reload()  # the queue is empty: nothing is sent twice
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).count() == 1
    assert not page.locator("#offline-indicator").is_visible()
    print(f"offline journey: {time.monotonic() - started:.1f} s")  # ~35 s here under load


@pytest.mark.timeout(120)
def test_a_mark_made_offline_waits_for_the_next_log_in_when_the_session_ended(
    live_server, home_page, new_page
):
    """The session ends while the phone is offline: the queued mark is not thrown away on the
    log-in redirect, and arrives once the learner has logged in again (with the new token)."""
    page, learner, lesson = learner_with_an_offline_lesson(live_server, home_page, new_page)
    page.context.set_offline(True)
    page.goto(live_server.url + lesson.url)
    page.locator("#mark-done").click()
    page.context.clear_cookies()

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    tried = "() => (JSON.parse(localStorage.getItem('cx-offline-outbox') || '[]')[0] || {}).tries"
    wait_until(page, tried, what="the queued mark to be tried")
    assert not page.evaluate(OUTBOX_EMPTY)
    assert not LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()

    log_in(page, live_server.url, learner.email)
    wait_until(page, OUTBOX_EMPTY, what="the queued mark to be sent after log-in")
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).count() == 1


@pytest.mark.timeout(120)
def test_a_kept_lesson_keeps_its_images_and_downloads(live_server, home_page, new_page):
    from django.core.files.base import ContentFile

    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Tresen", file=get_test_image_file())
    document = Document.objects.create(
        title="Checkliste", file=ContentFile(b"%PDF-1.4 Checkliste", name="checkliste.pdf")
    )
    body = [
        ("image", {"image": image, "alt_text": "Ein Tresen", "caption": ""}),
        ("document", {"document": document, "title": "Checkliste laden"}),
    ]
    page, _learner, lesson = learner_with_an_offline_lesson(
        live_server, home_page, new_page, body=body
    )
    for path in (image.get_rendition("width-640").url, document.url):
        wait_until(page, CACHED, arg=path, timeout=30, what=f"{path} to be kept offline")

    page.context.set_offline(True)
    page.goto(live_server.url + lesson.url)
    shown = "() => { const img = document.querySelector('.lesson-image img');"
    shown += " return Boolean(img && img.complete && img.naturalWidth > 0); }"
    wait_until(page, shown, what="the lesson's image to show offline")
    fetched = "url => fetch(url).then(r => r.ok ? r.text() : '').catch(() => '')"
    assert "Checkliste" in page.evaluate(fetched, document.url)


# Lighthouse's "Slow 4G" profile: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up.
SLOW_4G = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}


def weigh(page, url: str) -> tuple[int, float, int]:
    """(bytes over the wire, seconds to the load event, requests) for one cold page load on the
    throttled network (cache and service worker bypassed)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.setBypassServiceWorker", {"bypass": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    sizes: dict[str, float] = {}
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    started = time.monotonic()
    page.goto(url, wait_until="load", timeout=30_000)
    seconds = time.monotonic() - started
    page.wait_for_timeout(300)  # late loadingFinished events
    cdp.detach()
    return int(sum(sizes.values())), seconds, len(sizes)


@pytest.mark.timeout(120)
def test_lesson_and_home_page_weight_on_slow_4g(live_server, home_page, new_page):
    tree = build_course_tree(home_page, lessons=2)
    learner = UserFactory(roles=[roles.LEARNER], email="ole@cx-academy.example")
    base = live_server.url
    page = new_page(phone=True)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", learner.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action*='login'] button[type=submit]").click()
    page.wait_for_url(f"{base}/", timeout=15_000)

    home_bytes, home_seconds, home_requests = weigh(page, f"{base}/")
    lesson_bytes, lesson_seconds, lesson_requests = weigh(page, base + tree.lessons[0].url)
    print(
        f"slow 4G: home {home_bytes / 1024:.0f} KB in {home_requests} requests, {home_seconds:.2f} s;"
        f" lesson {lesson_bytes / 1024:.0f} KB in {lesson_requests} requests, {lesson_seconds:.2f} s"
    )
    assert lesson_bytes < 200 * 1024 and home_bytes < 200 * 1024  # measured: 162 KB each
    assert home_seconds < 2.0


SHOWN_NOTIFICATION = """() => Promise.race([
  navigator.serviceWorker.getRegistration("/")
    .then(r => r ? r.getNotifications() : [])
    .then(shown => shown.length ? {title: shown[0].title, body: shown[0].body, url: shown[0].data.url} : false),
  new Promise(resolve => setTimeout(() => resolve(false), 1000)),
])"""


@pytest.mark.timeout(120)
def test_a_champions_nudge_reaches_the_push_endpoint_and_shows_on_the_phone(
    live_server, home_page, new_page
):
    """The whole way of a push: the nudge is queued (outbox), encrypted and posted to the local
    test push service, decrypted there as the phone's browser would, handed to the page's real
    service worker (DevTools' push delivery, as the push service would), and shown."""
    from champions.factories import ChampionProfileFactory, MembershipFactory
    from champions.services import send_nudge
    from pocket import push
    from tests.pocket.test_push import Browser, PushService

    service = PushService()
    service.thread.start()
    try:
        learner = UserFactory(roles=[roles.LEARNER], email="mia@cx-academy.example")
        profile = ChampionProfileFactory(user__first_name="Carla", user__last_name="Kern")
        MembershipFactory(group__champion=profile, user=learner)
        phone = Browser(service.url("/push/mia"))
        push.subscribe(learner, phone.subscription)
        base = live_server.url
        page = new_page(phone=True)
        page.context.grant_permissions(["notifications"], origin=base)
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=login]", learner.email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form[action*='login'] button[type=submit]").click()
        page.wait_for_url(f"{base}/", timeout=15_000)
        wait_until(page, WORKER_ACTIVE, what="the service worker to activate")
        cdp = page.context.new_cdp_session(page)
        registrations: list[str] = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda e: registrations.extend(r["registrationId"] for r in e["registrations"]),
        )
        cdp.send("ServiceWorker.enable")

        assert send_nudge(profile, learner, note="Du schaffst das!")  # sent on commit

        [received] = service.received
        message = phone.decrypt(received["body"])
        assert message["body"] == "Eine freundliche Erinnerung von Carla Kern"
        deadline = time.monotonic() + 10
        while not registrations and time.monotonic() < deadline:
            page.wait_for_timeout(100)
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": base, "registrationId": registrations[-1], "data": json.dumps(message)},
        )
        wait_until(page, SHOWN_NOTIFICATION, what="the notification to show")
        shown = page.evaluate(SHOWN_NOTIFICATION)
        assert shown == {"title": "CX Academy", "body": message["body"], "url": "/"}
    finally:
        service.server.shutdown()
        service.server.server_close()
