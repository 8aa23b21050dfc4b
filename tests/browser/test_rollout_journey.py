"""Roll-out day in a real browser: HR uploads a German Excel CSV export (semicolons,
Windows-1252, 01.03.2025) with a department that does not exist yet, creates it from the preview,
applies, watches the progress bar finish and finds the people with the right role and language."""

from __future__ import annotations

from .a11y import assert_accessible
from .conftest import log_in, screenshot

GERMAN_EXPORT = (
    "E-Mail;Vorname;Nachname;Abteilung;Standort;Rolle;Sprache;Eintrittsdatum;Kostenstelle\r\n"
    "jörg.kühn@cx-academy.example;Jörg;Kühn;Filiale Nord;Hamburg;Führungskraft;Deutsch;01.03.2025;4711\r\n"
    "emma.wright@cx-academy.example;Emma;Wright;Filiale Nord;Hamburg;Service;Englisch;15.03.2025;4711\r\n"
).replace("jörg.kühn", "joerg.kuehn")


def test_hr_imports_a_german_excel_export_with_a_new_department(demo_site, new_page):
    page = new_page()
    log_in(page, demo_site, "hr@cx-academy.example")
    page.goto(demo_site + "/people/import/")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "Mitarbeitende.csv",
                "mimeType": "text/csv",
                "buffer": GERMAN_EXPORT.encode("cp1252"),
            }
        ],
    )
    page.get_by_role("button", name="Datei prüfen").click()

    main = page.locator("#main")
    assert "Windows-1252" in main.inner_text() and "Semikolon" in main.inner_text()
    assert "Kostenstelle" in page.locator("#unknown-columns").locator("..").inner_text()
    missing = page.locator("#missing-units").locator("..").inner_text()
    assert "Abteilung „Filiale Nord“ unbekannt – 2 Zeilen" in missing
    assert page.locator("#apply-import").count() == 0
    assert_accessible(page)

    page.locator("#create-units").click()
    assert "1 Abteilungen" in page.locator(".messages").inner_text()
    assert "2 anlegen" in main.inner_text()
    assert "Jörg" in page.locator("#changes").inner_text()
    page.get_by_label("Einladungen später senden (von dieser Seite aus)").check()
    page.locator("#apply-import").click()

    bar = page.locator("#import-bar")
    page.wait_for_function(
        "() => { const b = document.getElementById('import-bar');"
        " return b && b.max > 0 && b.value === b.max; }"
    )
    assert bar.get_attribute("value") == bar.get_attribute("max") == "2"
    assert "2 Personen angelegt" in page.locator("#import-result").locator("..").inner_text()
    assert page.get_by_role("button", name="Die 2 Einladungen jetzt senden").is_visible()
    assert_accessible(page)
    screenshot(page, "hr-import-finished")

    page.reload()  # the result is still there after a reload
    assert "Import abgeschlossen" in page.locator("#main").inner_text()

    page.goto(demo_site + "/people/?q=kuehn")
    row = page.locator("main table tbody tr", has_text="Jörg Kühn").inner_text()
    assert "Filiale Nord" in row and "Führungskräfte" in row and "Deutsch" in row
    page.goto(demo_site + "/people/?q=wright")
    row = page.locator("main table tbody tr", has_text="Emma Wright").inner_text()
    assert "Englisch" in row
