"""Accessibility and layout checks shared by the browser tests."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


def serious_violations(page) -> list[dict]:
    """axe-core violations of impact serious/critical against WCAG 2.1 A/AA on the current page."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """A readable list: rule, impact, help and the first offending elements."""
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail with the list of serious/critical axe violations, if any."""
    violations = serious_violations(page)
    assert not violations, f"{page.url}:\n{describe(violations)}"


def assert_fits_viewport(page) -> None:
    """The page body never scrolls sideways (phone layouts)."""
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width > inner_width:
        # the outermost elements that stick out (for the failure message)
        culprits = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .filter(e => !e.parentElement
                    || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
                .slice(0, 8)
                .map(e => `${e.tagName}.${e.className} ends at ${Math.round(e.getBoundingClientRect().right)}`)"""
        )
        raise AssertionError(f"{page.url}: {scroll_width}px wide in {inner_width}px: {culprits}")
