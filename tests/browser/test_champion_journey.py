"""A champion logs a session with an action item; the member sees it on their home page."""

from __future__ import annotations

from .a11y import assert_accessible
from .conftest import log_in, screenshot


def test_champion_logs_session_and_member_sees_action_item(demo_site, new_page):
    champion = new_page()
    log_in(champion, demo_site, "champion@cx-academy.example")
    champion.goto(demo_site + "/champions/dashboard/")
    assert "Lea Neumann" in champion.content()
    assert_accessible(champion)
    screenshot(champion, "champion-dashboard")
    champion.get_by_role("button", name="Sitzung erfassen").first.click()
    champion.fill("#id_held_on", "2026-11-24")
    champion.fill("#id_topic", "Rückrufe, die ankommen")
    champion.get_by_label("Lea Neumann").first.check()
    champion.select_option("#id_items-0-owner", label="Lea Neumann")
    champion.fill("#id_items-0-description", "Zwei Rückrufe pünktlich erledigen")
    champion.fill("#id_items-0-due_date", "2026-12-05")
    assert_accessible(champion)
    champion.locator("#save-session").click()
    assert "Sitzung gespeichert" in champion.content()

    member = new_page(phone=True)
    log_in(member, demo_site, "learner@cx-academy.example")
    assert "Zwei Rückrufe pünktlich erledigen" in member.content()
    screenshot(member, "member-action-item-phone")


def test_champion_on_a_phone_reaches_the_remind_button_and_adds_action_item_rows(
    demo_site, new_page
):
    phone = new_page(phone=True)
    log_in(phone, demo_site, "champion@cx-academy.example")
    phone.goto(demo_site + "/champions/dashboard/")
    remind = phone.get_by_role("button", name="Erinnerung senden an Lea Neumann")
    remind.scroll_into_view_if_needed()
    box = remind.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # chart texts are at least 11 px on the phone
    sizes = phone.evaluate(
        "[...document.querySelectorAll('svg[role=img] text')]"
        ".map(t => t.getBoundingClientRect().height)"
    )
    assert sizes and min(sizes) >= 11, sizes
    screenshot(phone, "champion-dashboard-phone")
    remind.click()
    phone.fill("#id_note", "Ich helfe gern beim Einstieg.")
    screenshot(phone, "champion-nudge-phone")
    phone.get_by_role("button", name="Erinnerung senden").click()
    assert "Erinnerung an Lea Neumann gesendet" in phone.content()

    phone.goto(demo_site + "/champions/dashboard/")
    phone.get_by_role("button", name="Sitzung erfassen").first.click()
    assert phone.input_value("#id_held_on")  # today, pre-filled
    phone.get_by_role("button", name="Weitere Aufgabe hinzufügen").click()
    phone.get_by_role("button", name="Weitere Aufgabe hinzufügen").click()
    assert phone.locator("[data-formset-row]").count() == 3
    assert phone.input_value("#id_items-TOTAL_FORMS") == "3"
    phone.fill("#id_topic", "Rückrufe")
    phone.fill("#id_items-2-description", "Ohne Verantwortliche")
    phone.locator("#save-session").click()
    assert phone.locator(".error-summary").is_visible()
    assert "Aufgabe 3" in phone.locator(".error-summary").inner_text()
    screenshot(phone, "champion-session-errors-phone")
