"""A learner answers the course survey; HR uploads customer figures and opens a location's
outcomes page, in a real browser (desktop for HR, phone for the learner)."""

from __future__ import annotations

from django.utils import timezone

from curriculum.models import CourseEnrolment

from .a11y import assert_accessible
from .conftest import log_in, screenshot


def test_learner_answers_the_survey_after_a_course(demo_site, new_page):
    enrolment = (
        CourseEnrolment.objects.filter(
            user__email="learner@cx-academy.example", completed_at__isnull=False
        )
        .select_related("course")
        .first()
    )
    assert enrolment is not None, "the demo learner has finished a course"
    page = new_page(phone=True)
    log_in(page, demo_site, "learner@cx-academy.example")
    page.goto(demo_site + enrolment.course.url)
    page.get_by_role("button", name="Rückmeldung geben").click()
    assert_accessible(page)
    page.get_by_role("group", name="Wie nützlich war dieser Kurs").get_by_label("5").check()
    page.get_by_role("group", name="Wie wahrscheinlich").get_by_label("9", exact=True).check()
    page.get_by_label("Was werden Sie morgen anders machen?").fill(
        "Das Anliegen am Telefon in eigenen Worten zusammenfassen."
    )
    screenshot(page, "outcomes-feedback-phone")
    page.get_by_role("button", name="Rückmeldung senden").click()
    assert "Danke für Ihre Rückmeldung!" in page.locator(".messages").inner_text()
    assert page.get_by_role("button", name="Rückmeldung geben").count() == 0


def test_hr_uploads_figures_and_opens_a_location(demo_site, new_page):
    month = timezone.localdate().strftime("%m.%Y")
    csv_text = f"Monat;Standort;NPS;CSAT\r\n{month};Hamburg;44,5;88\r\n".encode("cp1252")
    page = new_page()
    log_in(page, demo_site, "hr@cx-academy.example")
    page.goto(demo_site + "/outcomes/")
    page.get_by_role("link", name="Kundenkennzahlen hochladen").click()
    assert_accessible(page)
    page.set_input_files(
        "#id_file", files=[{"name": "kpi.csv", "mimeType": "text/csv", "buffer": csv_text}]
    )
    page.get_by_role("button", name="Datei prüfen").click()
    assert (
        "0 neue Werte, 2 geänderte Werte, 0 unverändert"
        in page.get_by_test_id("upload-preview").inner_text()
    )
    page.locator("#apply-figures").click()
    assert "2 Werte gespeichert" in page.locator(".messages").inner_text()
    assert "Korrelation ist keine Ursache" in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator("main table a", has_text="Hamburg").click()
    assert page.locator("h1").inner_text() == "Hamburg"
    assert page.locator("main svg[role=img]").count() >= 3
    assert (
        "44.50" in page.locator("main table").inner_text()
        or "44,50" in page.locator("main table").inner_text()
    )
    assert_accessible(page)
    screenshot(page, "outcomes-location")
