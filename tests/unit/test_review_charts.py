"""Server-side SVG charts: well-formed, escaped, scaled."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from review.charts import Series, bar_chart, line_chart, nice_max


def test_nice_max() -> None:
    assert [nice_max(v) for v in (0, 0.3, 1, 3, 7, 12, 180)] == [1.0, 0.5, 1.0, 5.0, 10.0, 20.0, 200.0]


def test_line_chart_is_svg_with_escaped_labels_and_gaps() -> None:
    svg = line_chart("A <b> chart", ["d1", "d2", "d3"], [Series("code<script>", (1.0, None, 3.0))])
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "<script>" not in svg and "code&lt;script&gt;" in svg
    assert svg.count("<circle") == 2  # the gap splits the line into two single points


def test_bar_chart() -> None:
    svg = bar_chart("Bars", ["a", "b"], [2.0, 4.0])
    ET.fromstring(svg)
    assert svg.count("<rect") == 2
