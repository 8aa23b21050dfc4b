"""Issue #15 in a real browser: HR's menu on one line, focus rings that can be seen."""

from __future__ import annotations

from .conftest import log_in, screenshot

CONTRAST_JS = """(el) => {
  const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const style = getComputedStyle(el);
  const a = lum(rgb(style.outlineColor)), b = lum([255, 255, 255]);
  return {width: parseFloat(style.outlineWidth), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


def test_hr_menu_fits_one_line_at_1366_and_folds_out(demo_site, new_page, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="de-DE")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, demo_site, "hr@cx-academy.example")
        items = page.locator("#site-menu > li")
        tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
        assert max(tops) - min(tops) < 20, tops  # one line
        hr_group = page.locator("details.nav-group", has=page.locator("summary", has_text="HR"))
        assert not hr_group.get_by_role("link", name="Berichte").is_visible()
        hr_group.locator("summary").click()
        assert hr_group.get_by_role("link", name="Berichte").is_visible()
        screenshot(page, "hr-menu-open-1366")
        page.keyboard.press("Escape")
        assert not hr_group.get_by_role("link", name="Berichte").is_visible()
        assert hr_group.locator("summary").evaluate("el => el === document.activeElement")
        # reached by keyboard, the summary shows a ring of at least 3:1 against white
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        ring = hr_group.locator("summary").evaluate(CONTRAST_JS)
        assert ring["width"] >= 2 and ring["ratio"] >= 3, ring
        hr_group.locator("summary").click()
        hr_group.get_by_role("link", name="Berichte").click()
        assert page.url.endswith("/reports/")
    finally:
        context.close()


def test_fold_out_sections_have_a_visible_focus_ring(demo_site, new_page):
    page = new_page()
    log_in(page, demo_site, "hr@cx-academy.example")
    page.goto(demo_site + "/reports/")
    summary = page.locator("main details > summary").first
    summary.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = summary.evaluate(CONTRAST_JS)
    assert ring["width"] >= 2 and ring["ratio"] >= 3, ring
