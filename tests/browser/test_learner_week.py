"""A learner's week in a real browser: the language sticks, quiz results teach, search finds
German word forms."""

from __future__ import annotations

from .conftest import log_in, screenshot

MAIN_PAGES = ["/account/", "/champions/", "/champions/observations/", "/search/?q=feedback"]
# Links to German pages (as a German colleague or an old e-mail sends them): an English reader
# lands on their English translation.
GERMAN_PAGE_LINKS = [
    "/curriculum/service-team/",
    "/curriculum/service-team/cx-grundlagen/",
    "/curriculum/service-team/cx-grundlagen/was-ist-cx/",
]
QUIZ_LESSON = "/curriculum/service-team/kunden-zuhoeren/voice-of-customer/"
RIGHT_ORDER = ["Zuhören", "Auswerten", "Verbessern", "Zurückmelden"]


def _lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_the_language_preference_holds_after_switching_and_after_log_in(demo_site, new_page):
    page = new_page()
    log_in(page, demo_site, "learner@cx-academy.example")
    assert _lang(page) == "de"
    page.locator("button.language-option[value=en]").click()
    page.wait_for_load_state()
    assert _lang(page) == "en"
    for url in MAIN_PAGES:
        page.goto(demo_site + url)
        assert _lang(page) == "en", url
        assert page.get_by_role("link", name="My account").count() == 1, url
    for url in GERMAN_PAGE_LINKS:
        page.goto(demo_site + url)
        assert page.url == f"{demo_site}/en{url}" and _lang(page) == "en", url
    screenshot(page, "learner-week-lesson-en")
    page.goto(demo_site + "/")
    assert page.url.endswith("/en/") and _lang(page) == "en"
    screenshot(page, "learner-week-dashboard-en")
    page.locator("form[action*='logout'] button").click()
    page.wait_for_load_state()
    log_in(page, demo_site, "learner@cx-academy.example")
    assert page.url.endswith("/en/") and _lang(page) == "en"
    page.goto(demo_site + "/account/")
    assert _lang(page) == "en"
    page.locator("button.language-option[value=de]").click()
    page.wait_for_load_state()
    page.goto(demo_site + "/champions/")
    assert _lang(page) == "de"


def _answer(page, order: list[str]) -> None:
    """Tick the right choices, then give the ordering question `order`."""
    for label in ("Umfragen nach dem Kontakt", "Beschwerden", "Notizen aus Kundengesprächen"):
        box = page.get_by_label(label, exact=True)
        if box.count() and not box.is_checked():
            box.check()
    for position, label in enumerate(order, start=1):
        page.get_by_label(label, exact=True).select_option(str(position))


def test_a_wrong_order_shows_the_learners_own_order_and_the_next_step(demo_site, new_page):
    page = new_page(phone=True)
    log_in(page, demo_site, "learner@cx-academy.example")
    page.goto(demo_site + QUIZ_LESSON)
    page.get_by_role("button", name="Quiz starten").click()
    assert "Frage 1 von" in page.content()
    wrong = list(reversed(RIGHT_ORDER))
    _answer(page, wrong)
    page.locator("#submit-quiz").click()
    page.wait_for_url("**/result/**")
    yours = page.locator("ol.your-order li").all_inner_texts()
    assert yours == wrong
    assert page.locator("ol.right-order li").all_inner_texts() == RIGHT_ORDER
    steps = page.locator(".next-steps")
    assert steps.get_by_role("button", name="Erneut versuchen").count() == 1
    screenshot(page, "learner-week-quiz-wrong-order-phone")
    steps.get_by_role("button", name="Erneut versuchen").click()
    page.wait_for_url("**/quizzes/attempts/**")
    _answer(page, RIGHT_ORDER)
    page.locator("#submit-quiz").click()
    page.wait_for_url("**/result/**")
    assert "Gut gemacht" in page.content()
    primary = page.locator(".next-steps a[role=button]:not(.secondary)")
    assert primary.count() == 1
    assert "Nächste Lektion" in primary.inner_text() or "Zertifikat" in primary.inner_text()
    screenshot(page, "learner-week-quiz-passed-next-step-phone")


def test_search_finds_a_german_word_form(demo_site, new_page):
    page = new_page()
    log_in(page, demo_site, "learner@cx-academy.example")
    page.get_by_role("link", name="Suchen").first.click()
    page.get_by_label("Suchbegriff").fill("Beschwerde")
    page.get_by_role("button", name="Suchen").click()
    page.wait_for_load_state()
    marks = page.locator(".search-excerpt mark").all_inner_texts()
    assert "Beschwerden" in marks, marks
    assert page.locator(".search-hit").count() >= 2
    screenshot(page, "learner-week-search-word-form")
