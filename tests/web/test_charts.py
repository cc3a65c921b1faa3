"""The inline SVG charts: accessible structure (role, title, desc), one bar per shown figure with its text,
the target line where the scale puts it, lines broken at hidden values, and Danish number formatting."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from web.charts import (
    BAR_LABEL_WIDTH,
    BAR_PLOT_WIDTH,
    BAR_ROW,
    BAR_TOP,
    Bar,
    Series,
    bar_chart,
    bar_x,
    danish_number,
    line_chart,
    line_x,
    line_y,
    nice_maximum,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))  # noqa: S314 - our own charts, not untrusted input


def of_class(root: ET.Element, tag: str, css: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if css in (e.get("class") or "").split()]


def coverage_bars() -> list[Bar]:
    return [
        Bar(label="Ringparken", value=100.0, text="100,0 % – nået", state="met"),
        Bar(label="Motalavej", value=70.0, text="70,0 % – ikke nået", state="not-met"),
        Bar(label="Centrum", value=None, text="x (skjult)"),
    ]


def test_a_bar_chart_is_an_image_labelled_by_its_own_title_and_description() -> None:
    root = parse(bar_chart(chart_id="c1", title="Dækning", description="Andel pr. område", bars=coverage_bars()))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert title is not None and title.get("id") == "c1-title" and title.text == "Dækning"
    assert desc is not None and desc.get("id") == "c1-desc" and desc.text == "Andel pr. område"


def test_a_bar_chart_draws_one_bar_per_shown_figure_and_writes_every_text() -> None:
    root = parse(bar_chart(chart_id="c", title="t", description="d", bars=coverage_bars()))
    bars = of_class(root, "rect", "bar")
    assert len(bars) == 2, "the hidden figure gets no bar"
    assert [b.get("data-value") for b in bars] == ["100", "70"]
    assert "bar-met" in (bars[0].get("class") or "") and "bar-not-met" in (bars[1].get("class") or "")
    assert float(bars[1].get("width") or 0) == pytest.approx(BAR_PLOT_WIDTH * 0.7)
    texts = [t.text for t in of_class(root, "text", "bar-text")]
    assert texts == ["100,0 % – nået", "70,0 % – ikke nået", "x (skjult)"]
    labels = [t.text for t in of_class(root, "text", "bar-label")]
    assert labels == ["Ringparken", "Motalavej", "Centrum"]
    assert float(root.get("height") or 0) == BAR_TOP + 3 * BAR_ROW + 30


def test_the_target_line_sits_at_the_target_on_the_scale_and_is_labelled() -> None:
    root = parse(
        bar_chart(chart_id="c", title="t", description="d", bars=coverage_bars(), target=85.0, target_label="Mål 85 %")
    )
    (line,) = of_class(root, "line", "target-line")
    expected = BAR_LABEL_WIDTH + BAR_PLOT_WIDTH * 85 / 100
    assert float(line.get("x1") or 0) == pytest.approx(expected) == float(line.get("x2") or 0)
    assert expected == bar_x(85.0, 100.0) == 442
    (label,) = of_class(root, "text", "target-label")
    assert label.text == "Mål 85 %"
    assert float(label.get("x") or 0) == pytest.approx(expected)


def test_the_target_line_follows_the_chart_maximum() -> None:
    bars = [Bar(label="hv1", value=30.0, text="30 besøg")]
    root = parse(bar_chart(chart_id="c", title="t", description="d", bars=bars, maximum=50, target=25))
    (line,) = of_class(root, "line", "target-line")
    assert float(line.get("x1") or 0) == BAR_LABEL_WIDTH + BAR_PLOT_WIDTH / 2


def test_no_target_draws_no_target_line() -> None:
    root = parse(bar_chart(chart_id="c", title="t", description="d", bars=coverage_bars()))
    assert of_class(root, "line", "target-line") == []


def test_values_beyond_the_scale_are_clamped_and_text_is_escaped() -> None:
    bars = [Bar(label="<b>&", value=150.0, text="150 % <script>")]
    markup = str(bar_chart(chart_id="c", title="a < b", description="d", bars=bars))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    root = parse(markup)
    (bar,) = of_class(root, "rect", "bar")
    assert float(bar.get("width") or 0) == BAR_PLOT_WIDTH


def test_a_line_chart_has_a_line_per_series_broken_where_a_value_is_hidden() -> None:
    months = ["jan.", "feb.", "mar.", "apr."]
    series = [
        Series(label="Niveau 1", values=[20, 21, 21, 22]),
        Series(label="Niveau 4", values=[6, None, 7, 8]),
    ]
    root = parse(line_chart(chart_id="l", title="Niveauer", description="d", x_labels=months, series=series))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "l-title l-desc"
    groups = of_class(root, "g", "series")
    assert len(groups) == 2
    first, second = groups
    assert len(first.findall(SVG + "polyline")) == 1
    # Level 4's hidden February splits its line: a lone January point, then March to April.
    assert len(second.findall(SVG + "polyline")) == 1
    polyline = second.find(SVG + "polyline")
    assert polyline is not None
    points = [tuple(float(n) for n in p.split(",")) for p in (polyline.get("points") or "").split()]
    expected = [(line_x(2, 4), line_y(7, 25)), (line_x(3, 4), line_y(8, 25))]  # 22 at most: the scale goes to 25
    assert points == [pytest.approx(p, abs=0.01) for p in expected]
    markers = [e for e in second if "marker" in (e.get("class") or "")]
    assert [m.get("data-value") for m in markers] == ["6", "7", "8"]
    assert [m.tag for m in markers] == [SVG + "rect"] * 3, "the second line marks its points with squares"
    assert first.find(SVG + "circle") is not None
    labels = [t.text for t in of_class(root, "text", "line-label")]
    assert labels == ["Niveau 1: 22", "Niveau 4: 8"]


def test_line_end_labels_that_would_overlap_are_moved_apart() -> None:
    series = [Series(label=f"Niveau {n}", values=[10, 10]) for n in (1, 2, 3)]
    root = parse(line_chart(chart_id="l", title="t", description="d", x_labels=["a", "b"], series=series))
    ys = sorted(float(t.get("y") or 0) for t in of_class(root, "text", "line-label"))
    assert all(b - a >= 15 for a, b in itertools.pairwise(ys))


def test_danish_numbers_and_nice_maximums() -> None:
    assert danish_number(3063295) == "3.063.295"
    assert danish_number(85.25, 1) == "85,3"
    assert danish_number(0.125, 3) == "0,125"
    assert danish_number(-1234.5, 1) == "-1.234,5"
    assert [nice_maximum(v) for v in (0, 7, 23, 48, 120)] == [1.0, 10.0, 25.0, 50.0, 200.0]
