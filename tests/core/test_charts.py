"""The shared SVG bar chart."""

from __future__ import annotations

from xml.etree import ElementTree

from core.charts import bar_chart_svg

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_scales_bars_and_escapes_text():
    svg = bar_chart_svg([("<b>KW 1</b>", 2), ("KW 2", 4)], "Abschlüsse & Co", unit=" %")
    root = ElementTree.fromstring(svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))
    assert root.get("role") == "img" and root.get("aria-label") == "Abschlüsse & Co"
    heights = [float(rect.get("height")) for rect in root.iter(f"{SVG}rect")]
    assert heights == [85.0, 170.0]  # the tallest bar fills the plot height, the other half
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts == ["<b>KW 1</b>", "2 %", "KW 2", "4 %"]  # escaped in the markup, intact here
    assert "<b>" not in svg


def test_empty_chart_is_empty():
    assert bar_chart_svg([], "Nichts") == ""
