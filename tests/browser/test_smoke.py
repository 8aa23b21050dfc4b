"""Smoke test in a real browser: home page, log in as the demo learner, see the dashboard."""

from __future__ import annotations

from .conftest import log_in, screenshot


def test_learner_logs_in_and_sees_my_learning(demo_site, new_page):
    page = new_page()
    page.goto(demo_site + "/")
    assert page.locator("h1").first.inner_text() == "CX Academy"
    log_in(page, demo_site, "learner@cx-academy.example")
    assert page.url.rstrip("/") == demo_site
    assert page.get_by_role("heading", name="Hallo, Lea").is_visible()
    assert page.locator("#my-learning-heading").is_visible()
    screenshot(page, "smoke-learner-home")


def test_phone_menu_opens_and_has_no_horizontal_scroll(demo_site, new_page):
    page = new_page(phone=True)
    log_in(page, demo_site, "learner@cx-academy.example")
    menu = page.locator("#site-menu")
    assert not menu.is_visible()
    page.get_by_role("button", name="Menü").click()
    assert menu.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "smoke-learner-home-phone")
