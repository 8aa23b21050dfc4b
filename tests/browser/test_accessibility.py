"""axe-core (WCAG 2.1 AA, serious/critical), phone width and screenshots on the main pages,
as each role, on the desktop and at 390×844.

Every page is checked for: a successful response, no serious/critical axe violation, no sideways
scrolling of the body, its main heading and main action visible and inside the viewport width.
Screenshots land in `test-artifacts/a11y-<role>-<page>-<viewport>.png`."""

from __future__ import annotations

import pytest

from champions.models import CoachingGroup
from quizzes.models import Quiz

from .a11y import assert_accessible, assert_fits_viewport
from .conftest import log_in, screenshot

SERVICE = "/curriculum/service-team"
# (name, path, CSS selector of the page's main action or None)
PAGES = {
    "anonymous": [
        ("home", "/", "main a[href*='/accounts/login/']"),
        ("home-en", "/en/", "main a[href*='/accounts/login/']"),
        ("login", "/accounts/login/", "form[action*='login'] button[type=submit]"),
        ("password-reset", "/accounts/password/reset/", "main button[type=submit]"),
    ],
    "learner": [
        ("my-learning", "/", "#my-learning-heading"),
        ("curriculum", "/curriculum/", "main a[href*='service-team']"),
        ("path", f"{SERVICE}/", "main a[href*='cx-grundlagen']"),
        ("course", f"{SERVICE}/omnichannel-service/", "form[action*='/start/'] button"),
        ("lesson", f"{SERVICE}/cx-grundlagen/was-ist-cx/", "main form[action*='/start/'] button"),
        ("course-in-progress", f"{SERVICE}/customer-journey/", "main h1"),
        ("search", "/search/?q=Beschwerde", "#search-q"),
        ("champions", "/champions/", "main h1"),
        ("account", "/account/", "main button[type=submit]"),
        # a German reader following a link to the English course lands on the German one
        ("course-from-english-link", "/en/curriculum/service-team/cx-grundlagen/", "main h1"),
    ],
    "champion": [
        ("home", "/", "main h1"),
        ("dashboard", "/champions/dashboard/", "main h1"),
        ("profile", "/champions/profile/", "main button[type=submit]"),
    ],
    "hr": [
        ("reports", "/reports/", "main a[href*='export.csv']"),
        (
            "report-people",
            "/reports/department/people/?value=Kundenservice",
            "main a[data-testid=remind-these]",
        ),
        ("report-remind", "/reports/department/remind/?value=Kundenservice", "main h1"),
        ("employees", "/people/", "main h1"),
        ("import", "/people/import/", "main button[type=submit]"),
        ("assignments", "/assignments/", "#new-rule"),
        ("champions-manage", "/champions/manage/", "main h1"),
        ("insights", "/journeys/insights/", "main h1"),
        ("audit", "/account/audit/", "main h1"),
        ("invite", "/account/invite/", "main button[type=submit]"),
    ],
    "editor": [
        ("home", "/", "main h1"),
        ("course", f"{SERVICE}/kunden-zuhoeren/", "main h1"),
    ],
}
EMAILS = {role: f"{role}@cx-academy.example" for role in PAGES if role != "anonymous"}


def check_page(page, demo_site: str, path: str, action: str | None, phone: bool) -> None:
    """Open the page and run every check on it."""
    response = page.goto(demo_site + path)
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    assert_accessible(page)
    if phone:
        assert_fits_viewport(page)
    assert page.locator("main h1").first.is_visible(), f"{path}: no visible main heading"
    if action:
        target = page.locator(action).first
        target.scroll_into_view_if_needed()
        assert target.is_visible(), f"{path}: main action {action!r} not visible"
        box = target.bounding_box()
        width = page.viewport_size["width"]
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"{path}: main action {action!r} cut off at {box} in {width}px"
        )


def open_as(new_page, demo_site: str, role: str, phone: bool):
    page = new_page(phone=phone)
    if role != "anonymous":
        log_in(page, demo_site, EMAILS[role])
    return page


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_are_accessible_on_desktop_and_phone(demo_site, new_page, role):
    pages = list(PAGES[role])
    if role == "editor":
        quiz = Quiz.objects.filter(title__icontains="Voice").first()
        pages.append(("quiz-statistics", f"/quizzes/{quiz.pk}/statistics/", "main h1"))
    for phone in (False, True):
        viewport = "phone" if phone else "desktop"
        page = open_as(new_page, demo_site, role, phone)
        for name, path, action in pages:
            check_page(page, demo_site, path, action, phone)
            screenshot(page, f"a11y-{role}-{name}-{viewport}")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_quiz_and_its_result_are_accessible(demo_site, new_page, phone):
    """A knowledge check: the questions, then the result page with feedback."""
    viewport = "phone" if phone else "desktop"
    page = open_as(new_page, demo_site, "learner", phone)
    page.goto(demo_site + f"{SERVICE}/kunden-zuhoeren/voice-of-customer/")
    page.get_by_role("button", name="Quiz starten").click()
    assert "/quizzes/attempts/" in page.url
    check_page(page, demo_site, page.url.removeprefix(demo_site), "#submit-quiz", phone)
    screenshot(page, f"a11y-learner-quiz-{viewport}")
    page.locator("#submit-quiz").click()
    page.wait_for_url("**/result/**")
    check_page(page, demo_site, page.url.removeprefix(demo_site), None, phone)
    screenshot(page, f"a11y-learner-quiz-result-{viewport}")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_champion_group_and_session_form_are_accessible(demo_site, new_page, phone):
    viewport = "phone" if phone else "desktop"
    page = open_as(new_page, demo_site, "champion", phone)
    group = CoachingGroup.objects.filter(champion__user__email=EMAILS["champion"]).first()
    check_page(page, demo_site, f"/champions/groups/{group.pk}/", "main h1", phone)
    screenshot(page, f"a11y-champion-group-{viewport}")
    check_page(
        page, demo_site, f"/champions/groups/{group.pk}/sessions/new/", "#save-session", phone
    )
    screenshot(page, f"a11y-champion-session-form-{viewport}")
