"""HR in a real browser: import staff from CSV (a broken file first), assign a course to their
department, find them in the report and download it as CSV."""

from __future__ import annotations

from .a11y import assert_accessible
from .conftest import log_in, screenshot

BROKEN_CSV = (
    "email,first_name,last_name,department,location\n"
    "jana.vogt@cx-academy.example,Jana,Vogt,Vertrieb,Hamburg\n"
    "kein-email,Timo,Falk,Vertrieb,Hamburg\n"
)
GOOD_CSV = (
    "email,first_name,last_name,department,location,hire_date\n"
    "jana.vogt@cx-academy.example,Jana,Vogt,Vertrieb,Hamburg,2026-11-02\n"
    "timo.falk@cx-academy.example,Timo,Falk,Vertrieb,München,2026-11-16\n"
)
COURSE = "Omnichannel & Mobile-first-Service"


def upload(page, content: str) -> None:
    page.set_input_files(
        "#id_file",
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": content.encode()}],
    )
    page.get_by_role("button", name="Datei prüfen").click()


def test_hr_imports_assigns_reports_and_exports(demo_site, new_page):
    page = new_page()
    log_in(page, demo_site, "hr@cx-academy.example")

    page.goto(demo_site + "/people/import/")
    upload(page, BROKEN_CSV)
    errors = page.locator("section[role=alert]")
    assert "Zeile(n): 3" in errors.inner_text()
    assert "nichts wurde importiert" in errors.inner_text()
    assert page.locator("#apply-import").count() == 0
    assert_accessible(page)

    upload(page, GOOD_CSV)
    assert "2 anlegen, 0 aktualisieren" in page.locator("#main").inner_text()
    page.locator("#apply-import").click()
    assert "2 Personen angelegt" in page.locator("#import-result").locator("..").inner_text()
    page.goto(demo_site + "/people/?q=vogt")
    assert "Jana Vogt" in page.locator("main table").inner_text()

    page.goto(demo_site + "/assignments/")
    page.select_option("#id_course", label=COURSE)
    page.select_option("#id_department", label="Vertrieb")
    page.fill("#id_due_date", "2026-12-31")
    page.get_by_role("button", name="Personen zählen").click()
    assert "Personen erhalten diese Schulung" in page.locator("#confirm-heading").inner_text()
    page.get_by_role("button", name="Jetzt zuweisen").click()
    assert "zugewiesen" in page.locator(".messages").inner_text()
    rule_row = page.locator("main table tbody tr", has_text=COURSE).first
    assert "Vertrieb" in rule_row.inner_text()
    assert_accessible(page)

    page.goto(demo_site + "/reports/")
    page.locator("#by-department ~ div table a", has_text="Vertrieb").first.click()
    people = page.locator("main table").inner_text()
    assert "Jana Vogt" in people and "Timo Falk" in people
    assert_accessible(page)
    screenshot(page, "hr-report-drill-down")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    assert page.locator("#busy-status").is_visible()
    assert "Download" in page.locator("#busy-status").inner_text()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = open(download.path(), encoding="utf-8-sig").read()
    assert "jana.vogt@cx-academy.example" in content
    assert COURSE in content
