"""On the floor, on a phone: a champion observes a colleague end to end (draft kept while the
connection drops), the colleague acknowledges it and opens the suggested lesson; every new page
is axe clean at 390 px and on the desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import User
from champions.models import Observation, ObservationChecklist

from .a11y import assert_accessible, assert_fits_viewport
from .conftest import PHONE, log_in, screenshot

RATINGS = ["Teilweise", "Vollständig", "Vorbildlich", "Vollständig", "Teilweise", "Vollständig"]


def test_champion_observes_on_a_phone_and_colleague_acknowledges(demo_site, new_page):
    checklist = ObservationChecklist.objects.get(key="schalter")
    behaviours = list(checklist.behaviours.all())

    champion = new_page(phone=True)
    log_in(champion, demo_site, "champion@cx-academy.example")
    champion.goto(demo_site + "/champions/dashboard/")
    champion.get_by_role("button", name="Kollegin oder Kollegen beobachten").first.click()
    assert_accessible(champion)
    assert_fits_viewport(champion)
    champion.select_option("#id_person", label="Lea Neumann")
    champion.get_by_label("Service am Schalter").check()
    champion.locator("#start-observation").click()
    champion.wait_for_url("**/edit/")
    assert_accessible(champion)
    assert_fits_viewport(champion)
    share = champion.locator("#share-observation")
    box = share.bounding_box()  # one-handed: the main action sits at the bottom, in reach
    assert box and box["y"] + box["height"] <= PHONE["height"] and box["y"] > PHONE["height"] / 2

    status = champion.locator("#autosave-status")
    first = champion.locator(f"#behaviour-{behaviours[0].pk}")
    first.get_by_text(RATINGS[0], exact=True).click()
    expect(status).to_contain_text("gespeichert")
    # the connection drops while rating the second behaviour: nothing is lost
    champion.context.set_offline(True)
    champion.locator(f"#behaviour-{behaviours[1].pk}").get_by_text(RATINGS[1], exact=True).click()
    expect(status).to_contain_text("Offline")
    champion.context.set_offline(False)
    champion.evaluate("window.dispatchEvent(new Event('online'))")
    # "Entwurf": the offline notice ("… werden gespeichert, sobald …") must not count as saved
    expect(status).to_contain_text("Entwurf gespeichert")
    champion.reload()
    assert champion.locator(f"#behaviour-{behaviours[1].pk} input[value='2']").is_checked()
    assert status.count() == 1

    for behaviour, label in zip(behaviours[2:], RATINGS[2:], strict=False):
        champion.locator(f"#behaviour-{behaviour.pk}").get_by_text(label, exact=True).click()
    for behaviour in behaviours[len(RATINGS) :]:
        if not behaviour.optional:
            champion.locator(f"#behaviour-{behaviour.pk}").get_by_text(
                "Vollständig", exact=True
            ).click()
    champion.fill("#id_strength", "Ruhig und freundlich, auch als es voll wurde.")
    champion.fill("#id_try_next", "Zur Begrüßung sofort aufblicken, auch beim Tippen.")
    screenshot(champion, "floor-observation-form-phone")
    share.click()
    champion.wait_for_url("**/observations/*/")
    assert "Mit Lea Neumann geteilt" in champion.content()
    assert_accessible(champion)
    assert_fits_viewport(champion)
    observation = Observation.objects.filter(observed__email="learner@cx-academy.example").latest(
        "submitted_at"
    )
    assert observation.ratings.get(behaviour=behaviours[0]).value == 1

    colleague = new_page(phone=True)
    log_in(colleague, demo_site, "learner@cx-academy.example")
    assert "Zur Begrüßung sofort aufblicken" in colleague.content()  # the new action item
    colleague.goto(demo_site + "/champions/observations/")
    assert_accessible(colleague)
    colleague.locator(f"a[href='/champions/observations/{observation.pk}/']").click()
    assert "Vorgeschlagene Lektionen" in colleague.content()
    assert_accessible(colleague)
    assert_fits_viewport(colleague)
    screenshot(colleague, "floor-observation-colleague-phone")
    colleague.fill("#id_comment", "Danke, achte ich drauf!")
    colleague.locator("#acknowledge-observation").click()
    assert "Danke – bestätigt" in colleague.content()
    colleague.get_by_role("link", name="CX im eigenen Arbeitsalltag").click()
    assert colleague.locator("main h1").inner_text() == "CX im eigenen Arbeitsalltag"
    observation.refresh_from_db()
    assert observation.colleague_comment == "Danke, achte ich drauf!"


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_skills_pictures_are_accessible(demo_site, new_page, phone):
    viewport = "phone" if phone else "desktop"
    for email, paths in (
        ("champion@cx-academy.example", ["/champions/skills/", "/champions/observations/"]),
        ("hr@cx-academy.example", ["/champions/skills/"]),
        ("learner@cx-academy.example", ["/champions/observations/"]),
    ):
        page = new_page(phone=phone)
        log_in(page, demo_site, email)
        for path in paths:
            response = page.goto(demo_site + path)
            assert response.ok, path
            assert_accessible(page)
            if phone:
                assert_fits_viewport(page)
        if email.startswith("learner"):
            learner = User.objects.get(email=email)
            page.goto(demo_site + f"/champions/skills/people/{learner.pk}/")
            assert "Kompetenzbild" in page.content()
            assert_accessible(page)
        screenshot(page, f"floor-skills-{email.split('@')[0]}-{viewport}")
