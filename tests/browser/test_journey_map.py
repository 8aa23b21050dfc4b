"""On a phone: a learner builds, completes and shares a journey map; their champion sees it."""

from __future__ import annotations

from .a11y import assert_accessible, assert_fits_viewport
from .conftest import log_in, screenshot

LESSON = "/curriculum/service-team/customer-journey/journey-kartieren/"


def add_touchpoint(page, phase: str, name: str, emotion: str, friction: bool) -> None:
    section = page.locator("details.add-touchpoint")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    section.locator("select[name=phase]").select_option(label=phase)
    section.locator("input[name=name]").fill(name)
    section.locator("select[name=channel]").select_option("Telefon")
    section.locator(f"input[name=emotion][value='{emotion}']").check()
    if friction:
        section.locator("input[name=is_friction]").check()
    section.get_by_role("button", name="Touchpoint hinzufügen").click()


def test_learner_builds_completes_and_shares_a_map(demo_site, new_page):
    page = new_page(phone=True)
    log_in(page, demo_site, "learner@cx-academy.example")
    page.goto(demo_site + "/curriculum/service-team/customer-journey/emotionskurve/")
    page.locator("#mark-done").click()
    page.goto(demo_site + LESSON)
    assert page.get_by_role("heading", name="Übung: Customer Journey Map").is_visible()
    add_touchpoint(page, "Während des Service", "Schadensformular", "-1", True)
    add_touchpoint(page, "Während des Service", "Rückruf", "1", False)
    add_touchpoint(page, "Nach dem Service", "Ersatzlieferung", "-2", True)
    assert_fits_viewport(page)
    assert_accessible(page)
    top = page.locator("form.top-three")
    for name in ["Hotline-Warteschleife", "Schadensformular", "Ersatzlieferung"]:
        top.get_by_label(name).check()
    top.get_by_role("button", name="Top drei speichern").click()
    assert "Karte vollständig" in page.content()
    page.locator("#share-map").click()
    assert "Ihr Champion kann diese Karte sehen" in page.content()
    screenshot(page, "journey-map-phone")

    champion = new_page()
    log_in(champion, demo_site, "champion@cx-academy.example")
    champion.goto(demo_site + "/champions/dashboard/")
    champion.get_by_role("link", name="Lea Neumann", exact=True).click()  # not "Beobachten (…)"
    assert "Ersatzlieferung" in champion.content()
    assert_accessible(champion)
