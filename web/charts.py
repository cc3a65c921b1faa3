"""Accessible inline SVG charts built from plain numbers: bars against a target line, and levels over time
as lines.

Pure functions: numbers and texts in, SVG markup out; no chart library, no script and no inline style (colours
come from classes in `static/reports.css`, which the CSP allows). Each chart is an `<svg role="img">` labelled by
its own `<title>` and `<desc>`; every bar carries its value (and verdict) as text and every line its name and
last value, so colour is never the only cue. The table under each chart on the page is the accessible
equivalent with every figure.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup, escape

WIDTH = 640
FONT = 13

# Bar charts: one horizontal bar per row, the row's label on the left and its text beside the bar.
BAR_LABEL_WIDTH = 170
BAR_PLOT_WIDTH = 320
BAR_ROW = 34
BAR_HEIGHT = 22
BAR_TOP = 30  # room for the target line's label
BAR_BOTTOM = 30  # room for the axis ticks
LABEL_CHARS = 26

# Line charts: months along the bottom, counts up the left, each line named at its end on the right.
LINE_HEIGHT = 300
LINE_LEFT = 52
LINE_RIGHT = 130
LINE_TOP = 16
LINE_BOTTOM = 44
LINE_X_LABELS = 7
MARKERS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: `value` None is a figure hidden by disclosure control (no bar is drawn, only the text)."""

    label: str
    value: float | None
    text: str  # written beside the bar: the value and, against a target, the verdict in words
    state: str = ""  # "met", "not-met" or "": a CSS class only; the text says the same


@dataclass(frozen=True, slots=True)
class Series:
    """One line: a value per x label; None (hidden or missing) breaks the line."""

    label: str
    values: Sequence[float | None]


def danish_number(value: float | int | Decimal, decimals: int = 0) -> str:
    """1234567.5 -> "1.234.567,5" (decimals rounded half up)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    return sign + text + ("," + fraction if fraction else "")


def _plain(value: float) -> str:
    return danish_number(value, 0 if float(value).is_integer() else 1)


def _f(value: float) -> str:
    """A coordinate with at most two decimals, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _open(chart_id: str, title: str, description: str, height: float, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {WIDTH} {_f(height)}" width="{WIDTH}" height="{_f(height)}" font-size="{FONT}">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def bar_x(value: float, maximum: float) -> float:
    """The x coordinate of `value` on a bar chart's scale (0 at the axis, `maximum` at the plot's end)."""
    share = min(max(value, 0.0), maximum) / maximum if maximum > 0 else 0.0
    return BAR_LABEL_WIDTH + BAR_PLOT_WIDTH * share


def bar_chart_height(rows: int) -> int:
    return BAR_TOP + BAR_ROW * max(rows, 1) + BAR_BOTTOM


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    maximum: float = 100.0,
    target: float | None = None,
    target_label: str = "",
    tick_format: Callable[[float], str] = _plain,
    ticks: int = 4,
) -> Markup:
    """Horizontal bars on a scale from 0 to `maximum`, with a labelled vertical line at `target`."""
    height = bar_chart_height(len(bars))
    plot_bottom = BAR_TOP + BAR_ROW * max(len(bars), 1)
    parts = _open(chart_id, title, description, height, "bar-chart")
    # Grid and ticks along the bottom.
    for step in range(ticks + 1):
        value = maximum * step / ticks
        x = bar_x(value, maximum)
        parts.append(f'<line class="grid" x1="{_f(x)}" y1="{BAR_TOP - 4}" x2="{_f(x)}" y2="{plot_bottom}"/>')
        parts.append(
            f'<text class="tick" x="{_f(x)}" y="{plot_bottom + 18}" text-anchor="middle">'
            f"{escape(tick_format(value))}</text>"
        )
    parts.append(
        f'<line class="axis" x1="{BAR_LABEL_WIDTH}" y1="{BAR_TOP - 4}" x2="{BAR_LABEL_WIDTH}" y2="{plot_bottom}"/>'
    )
    for index, bar in enumerate(bars):
        top = BAR_TOP + index * BAR_ROW + (BAR_ROW - BAR_HEIGHT) / 2
        middle = top + BAR_HEIGHT / 2 + FONT * 0.35
        parts.append('<g class="bar-row">')
        parts.append(
            f'<text class="bar-label" x="{BAR_LABEL_WIDTH - 8}" y="{_f(middle)}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
        )
        end = BAR_LABEL_WIDTH
        if bar.value is not None:
            end = bar_x(bar.value, maximum)
            css = "bar" + (f" bar-{bar.state}" if bar.state else "")
            parts.append(
                f'<rect class="{css}" x="{BAR_LABEL_WIDTH}" y="{_f(top)}" width="{_f(end - BAR_LABEL_WIDTH)}" '
                f'height="{BAR_HEIGHT}" data-value="{_f(bar.value)}"/>'
            )
        parts.append(f'<text class="bar-text" x="{_f(end + 6)}" y="{_f(middle)}">{escape(bar.text)}</text>')
        parts.append("</g>")
    if target is not None:
        x = bar_x(target, maximum)
        parts.append(
            f'<line class="target-line" x1="{_f(x)}" y1="{BAR_TOP - 8}" x2="{_f(x)}" y2="{plot_bottom}" '
            f'data-value="{_f(target)}"/>'
        )
        anchor_x = min(max(x, 60), WIDTH - 60)
        parts.append(
            f'<text class="target-label" x="{_f(anchor_x)}" y="{BAR_TOP - 12}" text-anchor="middle">'
            f"{escape(target_label)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and attribute above went through escape()


def nice_maximum(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `value` (and at least 1)."""
    if value <= 1:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def line_x(index: int, count: int) -> float:
    width = WIDTH - LINE_LEFT - LINE_RIGHT
    if count <= 1:
        return LINE_LEFT + width / 2
    return LINE_LEFT + width * index / (count - 1)


def line_y(value: float, maximum: float) -> float:
    bottom = LINE_HEIGHT - LINE_BOTTOM
    return bottom - (bottom - LINE_TOP) * (min(max(value, 0.0), maximum) / maximum)


def _marker(shape: str, x: float, y: float, css: str, value: float) -> str:
    data = f'class="marker {css}" data-value="{_f(value)}"'
    if shape == "circle":
        return f'<circle {data} cx="{_f(x)}" cy="{_f(y)}" r="4"/>'
    if shape == "square":
        return f'<rect {data} x="{_f(x - 4)}" y="{_f(y - 4)}" width="8" height="8"/>'
    if shape == "triangle":
        points = f"{_f(x)},{_f(y - 5)} {_f(x + 5)},{_f(y + 4)} {_f(x - 5)},{_f(y + 4)}"
        return f'<polygon {data} points="{points}"/>'
    points = f"{_f(x)},{_f(y - 5)} {_f(x + 5)},{_f(y)} {_f(x)},{_f(y + 5)} {_f(x - 5)},{_f(y)}"
    return f'<polygon {data} points="{points}"/>'


def _spread(positions: list[float], gap: float, low: float, high: float) -> list[float]:
    """Move label positions (sorted) apart so that no two are closer than `gap`, within [low, high]."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    overflow = placed[-1] - high if placed else 0
    if overflow > 0:
        placed = [p - overflow for p in placed]
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    placed = [max(p, low) for p in placed]
    result = [0.0] * len(positions)
    for rank, i in enumerate(order):
        result[i] = placed[rank]
    return result


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    value_format: Callable[[float], str] = _plain,
) -> Markup:
    """One line per series over the x labels, each with its own marker shape and dash pattern, named at its
    last shown point with that value; a hidden value (None) leaves a gap."""
    count = len(x_labels)
    shown = [v for s in series for v in s.values if v is not None]
    maximum = nice_maximum(max(shown, default=0.0))
    bottom = LINE_HEIGHT - LINE_BOTTOM
    plot_right = WIDTH - LINE_RIGHT
    parts = _open(chart_id, title, description, LINE_HEIGHT, "line-chart")
    for step in range(5):
        value = maximum * step / 4
        y = line_y(value, maximum)
        parts.append(f'<line class="grid" x1="{LINE_LEFT}" y1="{_f(y)}" x2="{plot_right}" y2="{_f(y)}"/>')
        parts.append(
            f'<text class="tick" x="{LINE_LEFT - 6}" y="{_f(y + FONT * 0.35)}" text-anchor="end">'
            f"{escape(value_format(value))}</text>"
        )
    parts.append(f'<line class="axis" x1="{LINE_LEFT}" y1="{bottom}" x2="{plot_right}" y2="{bottom}"/>')
    every = max(1, math.ceil(count / LINE_X_LABELS))  # room for about 70 px a label
    for index, label in enumerate(x_labels):
        if index % every == 0:
            parts.append(
                f'<text class="tick" x="{_f(line_x(index, count))}" y="{bottom + 18}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    ends: list[tuple[int, float, str]] = []
    for number, line in enumerate(series):
        css = f"series-{number % len(MARKERS) + 1}"
        shape = MARKERS[number % len(MARKERS)]
        parts.append(f'<g class="series {css}">')
        segment: list[str] = []
        segments: list[list[str]] = []
        for index, value in enumerate(line.values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_f(line_x(index, count))},{_f(line_y(value, maximum))}")
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                parts.append(f'<polyline class="line {css}" fill="none" points="{" ".join(points)}"/>')
        for index, value in enumerate(line.values):
            if value is not None:
                parts.append(_marker(shape, line_x(index, count), line_y(value, maximum), css, value))
        parts.append("</g>")
        last = next(((i, v) for i, v in reversed(list(enumerate(line.values))) if v is not None), None)
        if last is not None:
            ends.append((number, line_y(last[1], maximum), f"{line.label}: {value_format(last[1])}"))
    label_ys = _spread([y for _, y, _ in ends], FONT + 3, LINE_TOP, bottom)
    for (number, _, text), y in zip(ends, label_ys, strict=True):
        css = f"series-{number % len(MARKERS) + 1}"
        parts.append(
            f'<text class="line-label {css}" x="{plot_right + 10}" y="{_f(y + FONT * 0.35)}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and attribute above went through escape()
