"""Small server-side SVG charts (no JavaScript, readable by screen readers)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def bar_chart_svg(
    bars: list[tuple[str, float]],
    title: str,
    description: str = "",
    unit: str = "",
    width: int = 640,
    height: int = 220,
    colour: str = "#0b5f8a",
) -> SafeString:
    """An accessible bar chart of (label, value) pairs; empty when there is nothing to draw.

    The SVG carries a title (and optional description) for assistive technology and a tooltip
    per bar; every label and text is escaped."""
    if not bars:
        return mark_safe("")
    top = max(value for _label, value in bars) or 1
    step = (width - 40) / len(bars)
    parts = []
    for index, (label, value) in enumerate(bars):
        bar_height = (height - 50) * value / top
        x = 30 + index * step
        y = height - 30 - bar_height
        text = f"{value:g}{unit}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{bar_height:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(text)}</title></rect>'
            f'<text x="{x:.1f}" y="{height - 12}" font-size="10" fill="#333">{escape(label)}</text>'
            f'<text x="{x:.1f}" y="{y - 4:.1f}" font-size="11" fill="#333">{escape(text)}</text>'
        )
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return mark_safe(  # noqa: S308 (every interpolated text above is escaped)
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%"><title>{escape(title)}</title>{desc}{"".join(parts)}</svg>'
    )
