"""The shared SVG bar chart."""

from __future__ import annotations

from xml.etree import ElementTree

from core.charts import axis_top, bar_chart_svg, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"
PLOT_HEIGHT = 220 - 26 - 20  # default height less the label row and the headroom


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def test_bar_chart_scales_bars_on_a_percent_axis_and_escapes_text():
    svg = bar_chart_svg([("<b>KW 1</b>", 20), ("KW 2", 40)], "Abschlüsse & Co", unit=" %")
    root = parse(svg)
    assert root.get("role") == "img" and root.get("aria-label") == "Abschlüsse & Co"
    heights = [float(rect.get("height")) for rect in root.iter(f"{SVG}rect")]
    assert heights == [round(PLOT_HEIGHT * 0.2, 1), round(PLOT_HEIGHT * 0.4, 1)]  # axis 0–100 %
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts[:3] == ["0%", "50%", "100%"]  # the y-axis
    assert texts[3:] == ["<b>KW 1</b>", "20 %", "KW 2", "40 %"]  # escaped in markup, intact here
    assert "<b>" not in svg


def test_a_single_small_value_does_not_fill_the_chart():
    root = parse(bar_chart_svg([("11/2026", 1)], "Sitzungen pro Monat"))
    (rect,) = root.iter(f"{SVG}rect")
    assert float(rect.get("height")) <= PLOT_HEIGHT / 4
    assert float(rect.get("width")) <= 56  # one bar is a bar, not a wall


def test_labels_are_readable_and_thinned_instead_of_overlapping():
    weeks = [(f"{day:02d}.11.", day) for day in range(1, 31)]
    root = parse(bar_chart_svg(weeks, "Verlauf", width=320))
    sizes = {float(text.get("font-size")) for text in root.iter(f"{SVG}text")}
    assert min(sizes) >= 12
    labels = [t.text for t in root.iter(f"{SVG}text") if t.text and t.text.endswith(".11.")]
    assert 3 <= len(labels) < 30  # some labels left out, every bar still has its tooltip
    assert len(list(root.iter(f"{SVG}rect"))) == 30
    positions = [float(t.get("x")) for t in root.iter(f"{SVG}text") if t.text in labels]
    gaps = [b - a for a, b in zip(positions, positions[1:], strict=False)]
    assert min(gaps) >= len("01.11.") * 13 * 0.6  # no two labels overlap


def test_axis_top_is_round_with_headroom():
    assert nice_ceiling(7) == 10 and nice_ceiling(180) == 200 and nice_ceiling(0.3) == 0.5
    assert axis_top([1]) == 4
    assert axis_top([9]) == 20
    assert axis_top([37], unit=" %") == 100


def test_empty_chart_is_empty():
    assert bar_chart_svg([], "Nichts") == ""
