"""Main learner journeys in a real browser: path → course → lesson → done; a knowledge check."""

from __future__ import annotations

from .a11y import assert_accessible, assert_fits_viewport
from .conftest import log_in, screenshot


def test_learner_walks_a_path_and_marks_a_lesson_done(demo_site, new_page):
    page = new_page()
    log_in(page, demo_site, "learner@cx-academy.example")
    page.goto(demo_site + "/curriculum/")
    page.get_by_role("link", name="Service-Team").click()
    page.get_by_role("link", name="Omnichannel & Mobile-first-Service").click()
    before = page.get_by_test_id("course-percent").inner_text()
    assert before.startswith("0")
    assert_accessible(page)
    page.locator("form[action*='/start/'] button").click()
    assert "mobile-first" in page.url
    assert_accessible(page)
    page.locator("#mark-done").click()
    page.goto(demo_site + "/curriculum/service-team/omnichannel-service/")
    assert page.get_by_test_id("course-percent").inner_text().startswith("33")
    screenshot(page, "journey-course-progress")


CORRECT_CHOICES = {"Umfragen nach dem Kontakt", "Beschwerden", "Notizen aus Kundengesprächen"}
CORRECT_ORDER = ["Zuhören", "Auswerten", "Verbessern", "Zurückmelden"]
FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels.length ? el.labels[0].innerText.trim() : "";
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== "none" || style.boxShadow !== "none";
  return {id: el.id, tag: el.tagName, type: el.type || "", label, checked: !!el.checked,
          value: el.value || "", ring};
}"""


def answer_by_keyboard_only(page, choices: set[str], order: list[str]) -> None:
    """Tab through the quiz from the top of the page: Space ticks the right checkboxes, the
    arrow keys set each ordering position (the standard keys of a select), Enter submits.
    Every element Tab reaches must show a focus ring."""
    page.locator("body").focus()
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["ring"], f"no visible focus on {focused}"
        if focused["id"] == "submit-quiz":
            page.keyboard.press("Enter")
            return
        if focused["type"] == "checkbox" and (focused["label"] in choices) != focused["checked"]:
            page.keyboard.press("Space")
        elif focused["tag"] == "SELECT" and focused["label"] in order:
            wanted = str(order.index(focused["label"]) + 1)
            for _ in range(len(order) + 1):
                if page.evaluate(FOCUSED)["value"] == wanted:
                    break
                page.keyboard.press("ArrowDown")
            assert page.evaluate(FOCUSED)["value"] == wanted
    raise AssertionError("Tab never reached the submit button")


def test_learner_fails_then_passes_a_knowledge_check_on_a_phone(demo_site, new_page):
    page = new_page(phone=True)
    log_in(page, demo_site, "learner@cx-academy.example")
    page.goto(demo_site + "/curriculum/service-team/kunden-zuhoeren/voice-of-customer/")
    page.get_by_role("button", name="Quiz starten").click()
    assert "/quizzes/attempts/" in page.url
    assert_accessible(page)
    assert_fits_viewport(page)
    page.locator("#submit-quiz").click()  # no answers: fails
    assert "Nicht bestanden" in page.content()
    assert_accessible(page)
    page.locator(".next-steps").get_by_role("button", name="Erneut versuchen").click()
    answer_by_keyboard_only(page, CORRECT_CHOICES, CORRECT_ORDER)
    page.wait_for_url("**/result/**")
    assert "Bestanden" in page.content()
    screenshot(page, "journey-quiz-passed-phone")
    page.goto(demo_site + "/curriculum/service-team/kunden-zuhoeren/")
    assert page.get_by_test_id("course-percent").inner_text().startswith("33")
