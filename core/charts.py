"""Small server-side SVG charts (no JavaScript, readable by screen readers)."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Text sizes in the chart's own units; the SVG is drawn no wider than its viewBox, so these are
# at least the pixel sizes a reader sees (a card on a phone is as wide as the chart itself).
LABEL_SIZE = 13
VALUE_SIZE = 13
AXIS_SIZE = 12
MAX_BAR_WIDTH = 56
CHAR_WIDTH = 0.6  # average glyph width as a share of the font size


def nice_ceiling(value: float) -> float:
    """The smallest "round" number (1, 2, 2.5, 5 × 10ⁿ) at or above `value`: the top of the axis,
    so a single small value does not fill the whole height."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover (the loop always returns)


def axis_top(values: list[float], unit: str = "") -> float:
    """The value at the top of the y-axis: 100 for percentages, otherwise a round number with
    some headroom above the largest value (at least 4, so 1 session is a quarter of the height)."""
    largest = max(values, default=0)
    if unit.strip() == "%" and largest <= 100:
        return 100
    return max(nice_ceiling(largest * 1.15), 4)


def _fmt(value: float) -> str:
    return f"{value:g}"


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

    The SVG carries a title (and optional description) for assistive technology, a y-axis with
    three grid lines, and a tooltip per bar; every label and text is escaped. Labels that would
    overlap are thinned out (every bar keeps its tooltip), never cut mid-word."""
    if not bars:
        return mark_safe("")
    top = axis_top([value for _label, value in bars], unit)
    left, right, bottom, head = 44, 8, 26, 20
    plot_width = width - left - right
    plot_height = height - bottom - head
    step = plot_width / len(bars)
    bar_width = min(step * 0.7, MAX_BAR_WIDTH)
    longest = max(len(label) for label, _value in bars) * LABEL_SIZE * CHAR_WIDTH
    label_every = max(1, math.ceil((longest + 6) / step))
    parts = []
    for tick in (0, top / 2, top):
        y = head + plot_height - plot_height * tick / top
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#c8d1da" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="{AXIS_SIZE}" fill="#3d4a57" '
            f'text-anchor="end">{escape(_fmt(tick) + unit.strip())}</text>'
        )
    for index, (label, value) in enumerate(bars):
        bar_height = plot_height * min(value, top) / top
        centre = left + index * step + step / 2
        x = centre - bar_width / 2
        y = head + plot_height - bar_height
        text = f"{_fmt(value)}{unit}"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{bar_height:.1f}" '
            f'fill="{colour}"><title>{escape(label)}: {escape(text)}</title></rect>'
        )
        if index % label_every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{height - 8}" font-size="{LABEL_SIZE}" fill="#1b2733" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
        if len(text) * VALUE_SIZE * CHAR_WIDTH <= step or len(bars) == 1:
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 5:.1f}" font-size="{VALUE_SIZE}" fill="#1b2733" '
                f'text-anchor="middle">{escape(text)}</text>'
            )
    desc = f"<desc>{escape(description)}</desc>" if description else ""
    return mark_safe(  # noqa: S308 (every interpolated text above is escaped)
        f'<svg role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px"><title>{escape(title)}</title>{desc}'
        f"{''.join(parts)}</svg>"
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
