"""The pocket app on a phone: installable (manifest + service worker), a lesson kept for offline
reading stays readable with the network off, and a lesson marked done offline arrives once."""

from __future__ import annotations

from accounts.models import User
from curriculum.models import LessonCompletion
from pocket.services import offline_lessons

from .conftest import log_in, screenshot

CACHED = """url => caches.keys()
  .then(keys => Promise.all(keys.map(key => caches.open(key).then(cache => cache.match(url)))))
  .then(found => found.some(Boolean))"""
WORKER_READY = "() => navigator.serviceWorker.ready.then(() => true)"
# Functions, not expressions: the page's CSP forbids eval, and Playwright polls in the page.


def _unfinished_offline_lesson(email):
    user = User.objects.get(email=email)
    done = set(LessonCompletion.objects.filter(user=user).values_list("lesson_id", flat=True))
    lesson = next(lesson for lesson in offline_lessons(user) if lesson.pk not in done)
    return user, lesson


def test_lesson_readable_offline_and_completion_sent_once(demo_site, new_page):
    user, lesson = _unfinished_offline_lesson("learner@cx-academy.example")
    page = new_page(phone=True)
    log_in(page, demo_site, "learner@cx-academy.example")
    assert page.locator("link[rel=manifest]").get_attribute("href") == "/manifest.webmanifest"
    assert page.evaluate(WORKER_READY)
    page.wait_for_function(CACHED, arg=lesson.url, timeout=30_000)  # kept in the background

    page.goto(demo_site + lesson.url)
    title = page.locator("h1").inner_text()
    page.context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == title
    assert page.locator("#offline-indicator").is_visible()
    screenshot(page, "pocket-offline-lesson")

    page.locator("#mark-done").click()
    assert "sobald Sie wieder online sind" in page.locator("main").inner_text()
    assert not LessonCompletion.objects.filter(user=user, lesson=lesson).exists()

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => localStorage.getItem('cx-offline-outbox') === '[]'")
    assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1
    page.reload()  # a second flush sends nothing again
    assert LessonCompletion.objects.filter(user=user, lesson=lesson).count() == 1
    assert not page.locator("#offline-indicator").is_visible()


def test_a_page_not_on_the_phone_shows_the_offline_page(demo_site, new_page):
    page = new_page(phone=True)
    log_in(page, demo_site, "learner@cx-academy.example")
    assert page.evaluate(WORKER_READY)
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    page.goto(demo_site + "/champions/")
    assert page.locator("h1").inner_text() == "Sie sind offline"
    screenshot(page, "pocket-offline-page")
