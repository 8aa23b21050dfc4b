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
