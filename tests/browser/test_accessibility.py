"""axe-core (WCAG 2.1 AA, serious/critical) and phone-width checks on the main pages."""

from __future__ import annotations

import pytest

from .a11y import assert_accessible, assert_fits_viewport
from .conftest import log_in, screenshot

PUBLIC_PAGES = [("home", "/"), ("home-en", "/en/")]


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_public_pages_are_accessible(demo_site, new_page, phone):
    page = new_page(phone=phone)
    for name, path in PUBLIC_PAGES:
        page.goto(demo_site + path)
        assert_accessible(page)
        assert_fits_viewport(page)
        screenshot(page, f"a11y-anonymous-{name}-{'phone' if phone else 'desktop'}")


def test_learner_home_is_accessible(demo_site, new_page):
    page = new_page()
    log_in(page, demo_site, "learner@cx-academy.example")
    assert_accessible(page)
