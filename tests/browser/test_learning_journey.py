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
    page.get_by_role("button", name="Zurück zur Lektion").click()
    page.get_by_role("button", name="Erneut versuchen").click()
    # answer by keyboard only: the ordering selects and checkboxes
    fieldsets = page.locator("fieldset.quiz-question")
    for index in range(fieldsets.count()):
        fieldset = fieldsets.nth(index)
        legend = fieldset.locator("legend").inner_text()
        if "Reihenfolge" in legend or "Kreislauf" in legend:
            order = ["Zuhören", "Auswerten", "Verbessern", "Zurückmelden"]
            for select in fieldset.locator("select").all():
                label = page.locator(f"label[for='{select.get_attribute('id')}']").inner_text()
                select.select_option(str(order.index(label.strip()) + 1))
        else:
            for text in [
                "Umfragen nach dem Kontakt",
                "Beschwerden",
                "Notizen aus Kundengesprächen",
            ]:
                fieldset.get_by_label(text, exact=True).focus()
                page.keyboard.press("Space")
    page.locator("#submit-quiz").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/result/**")
    assert "Bestanden" in page.content()
    screenshot(page, "journey-quiz-passed-phone")
    page.goto(demo_site + "/curriculum/service-team/kunden-zuhoeren/")
    assert page.get_by_test_id("course-percent").inner_text().startswith("33")
