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


def line_chart_svg(
    points: list[tuple[str, float | None]],
    title: str,
    description: str = "",
    unit: str = "",
    width: int = 640,
    height: int = 200,
    colour: str = "#0b5f8a",
) -> SafeString:
    """A line over months; gaps where a value is missing; empty when nothing is known.

    The y axis shows the lowest and highest value; every text is escaped."""
    known = [value for _label, value in points if value is not None]
    if not known:
        return mark_safe("")
    low, high = min(known), max(known)
    if low == high:
        low, high = low - 1, high + 1
    left, right, top, bottom = 56, 16, 16, 36
    step = (width - left - right) / max(len(points) - 1, 1)

    def y_of(value: float) -> float:
        return top + (height - top - bottom) * (high - value) / (high - low)

    parts = [
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#767676"/>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        'stroke="#767676"/>',
        f'<text x="{left - 6}" y="{top + 4}" font-size="12" text-anchor="end" fill="#333">'
        f"{escape(f'{high:g}{unit}')}</text>",
        f'<text x="{left - 6}" y="{height - bottom}" font-size="12" text-anchor="end" '
        f'fill="#333">{escape(f"{low:g}{unit}")}</text>',
    ]
    segment: list[str] = []
    segments = []
    every = max(1, round(len(points) / 6))
    for index, (label, value) in enumerate(points):
        x = left + index * step
        if index % every == 0 or index == len(points) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{height - 12}" font-size="12" text-anchor="middle" '
                f'fill="#333">{escape(label)}</text>'
            )
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        y = y_of(value)
        segment.append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
            f"<title>{escape(label)}: {escape(f'{value:g}{unit}')}</title></circle>"
        )
    if segment:
        segments.append(segment)
    lines = "".join(
        f'<polyline points="{" ".join(s)}" fill="none" stroke="{colour}" stroke-width="2"/>'
        for s in segments
        if len(s) > 1
    )
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return mark_safe(  # noqa: S308 (every interpolated text above is escaped)
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%"><title>{escape(title)}</title>{desc}{lines}{"".join(parts)}</svg>'
    )
