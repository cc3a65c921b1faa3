"""How the day pages present visits: Danish dates, masked CPR, labels, the worklist's urgency order,
and the timeline picture of a child's visits from pregnancy to age 3 (a server-rendered SVG).

Pure: plain values in, plain values (or SVG markup) out; no I/O, no API calls, so it is tested directly.
The picture says everything twice — a marker's shape and its colour both tell the status — and the
page puts a table of the same visits under it for screen readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from markupsafe import Markup, escape

from domain.clock import COPENHAGEN
from web.i18n import DEFAULT_LANGUAGE, translate

CLOSING_SOON_DAYS = 7
STATES = ("upcoming", "due", "overdue", "done", "missed", "cancelled")
_CPR_DIGITS = re.compile(r"\D")
VisitT = TypeVar("VisitT", bound=Mapping[str, Any])


# --- dates, CPR and labels ----------------------------------------------------------------------------


def as_date(value: date | str | None) -> date | None:
    """A date from the API's ISO text (or a date already)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(COPENHAGEN).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def danish_date(value: date | str | None, language: str = DEFAULT_LANGUAGE) -> str:
    """The date as "23. nov. 2026" (Danish) or "23 Nov 2026"; empty for no date."""
    day = as_date(value)
    if day is None:
        return ""
    month = translate(f"day.month.{day.month}", language)
    if language == "da":
        return f"{day.day}. {month} {day.year}"
    return f"{day.day} {month} {day.year}"


def weekday_date(value: date, language: str = DEFAULT_LANGUAGE) -> str:
    """The day with its weekday: "mandag 23. nov. 2026"."""
    return f"{translate(f'day.weekday.{value.weekday()}', language)} {danish_date(value, language)}"


def date_range(first: date | str | None, last: date | str | None, language: str = DEFAULT_LANGUAGE) -> str:
    start, end = as_date(first), as_date(last)
    if start is None or end is None:
        return ""
    if start == end:
        return danish_date(start, language)
    return f"{danish_date(start, language)} – {danish_date(end, language)}"


def mask_cpr(cpr: str | None) -> str:
    """Only the birth-date part: "DDMMYY-XXXX"; empty when there is no number."""
    if not cpr:
        return ""
    digits = _CPR_DIGITS.sub("", cpr)
    return f"{digits[:6]}-XXXX" if len(digits) >= 6 else "XXXXXX-XXXX"


def looks_like_cpr(text: str) -> bool:
    """A full CPR number typed with or without the dash (ten digits)."""
    return re.fullmatch(r"\d{6}-?\d{4}", text.strip()) is not None


def kind_label(kind: str, catalog_label: str | None = None, language: str = DEFAULT_LANGUAGE) -> str:
    """The visit kind in words: our text, else the catalog's label, else the code made readable."""
    key = f"day.kind.{kind}"
    text = translate(key, language)
    if text != key:
        return text
    if catalog_label:
        return catalog_label
    return kind.replace("_", " ").capitalize()


def state_label(state: str, language: str = DEFAULT_LANGUAGE) -> str:
    return translate(f"day.state.{state}", language)


def child_label(child: Mapping[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The child's name, or "Ufødt barn" before birth."""
    if child.get("name"):
        return str(child["name"])
    if not child.get("birth_date"):
        return translate("day.unborn", language)
    return translate("day.no_name", language)


def child_dates(child: Mapping[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """Born or due: "Født 3. feb. 2026" or "Termin 12. jan. 2027"."""
    if child.get("birth_date"):
        return f"{translate('day.born', language)} {danish_date(child['birth_date'], language)}"
    if child.get("due_date"):
        return f"{translate('day.due', language)} {danish_date(child['due_date'], language)}"
    return ""


def window_note(visit: Mapping[str, Any], today: date, language: str = DEFAULT_LANGUAGE) -> str:
    """How urgent a planned visit's window is: overdue by N days, or closing in N days (within a week)."""
    if visit.get("status") != "planned":
        return ""
    latest = as_date(visit["latest"])
    assert latest is not None
    remaining = (latest - today).days
    if remaining < 0:
        days = -remaining
        if days == 1:
            return translate("day.overdue_one_day", language)
        return translate("day.overdue_days", language).format(days=days)
    if remaining == 0:
        return translate("day.closes_today", language)
    if remaining == 1:
        return translate("day.closes_in_one", language)
    if remaining <= CLOSING_SOON_DAYS:
        return translate("day.closes_in", language).format(days=remaining)
    return ""


def closes_soon(visit: Mapping[str, Any], today: date, days: int = CLOSING_SOON_DAYS) -> bool:
    """A planned visit whose window is still open and closes within `days` days."""
    latest = as_date(visit["latest"])
    return visit.get("status") == "planned" and latest is not None and 0 <= (latest - today).days <= days


def urgency_key(visit: Mapping[str, Any], today: date) -> tuple[int, int, str, str]:
    """Worklist order: urgent (self-harm) contacts first, then most days overdue, then closing soonest."""
    latest = as_date(visit["latest"])
    assert latest is not None
    remaining = (latest - today).days  # negative: days overdue
    return (0 if visit.get("urgent") else 1, remaining, str(visit.get("target_date", "")), str(visit["id"]))


def by_urgency(visits: Iterable[VisitT], today: date) -> list[VisitT]:
    return sorted(visits, key=lambda v: urgency_key(v, today))


# --- the timeline picture ---------------------------------------------------------------------------

WIDTH = 960
LABEL_WIDTH = 196
PLOT_LEFT = 206
PLOT_RIGHT = 944
AXIS_TOP = 40
LANE_HEIGHT = 38
LEGEND_HEIGHT = 58
PREGNANCY_SHOWN = timedelta(weeks=16)
PREGNANCY_MAX = timedelta(weeks=40)


@dataclass(frozen=True, slots=True)
class TimelineVisit:
    """One visit as the timeline needs it (built from the API's visit)."""

    id: str
    kind_label: str
    lane_key: str
    lane_label: str
    target_date: date
    earliest: date
    latest: date
    status: str
    state: str
    done_on: date | None = None
    urgent: bool = False

    @property
    def marker_date(self) -> date:
        """Where the marker sits: the day it was done, else its target day."""
        return self.done_on if self.status == "done" and self.done_on else self.target_date

    @classmethod
    def from_api(cls, visit: Mapping[str, Any], *, kind_label: str, lane_key: str, lane_label: str) -> TimelineVisit:
        return cls(
            id=str(visit["id"]),
            kind_label=kind_label,
            lane_key=lane_key,
            lane_label=lane_label,
            target_date=as_date(visit["target_date"]) or date.min,
            earliest=as_date(visit["earliest"]) or date.min,
            latest=as_date(visit["latest"]) or date.min,
            status=str(visit["status"]),
            state=str(visit.get("state") or visit["status"]),
            done_on=as_date(visit.get("done_on")),
            urgent=bool(visit.get("urgent")),
        )


@dataclass(frozen=True, slots=True)
class Lane:
    key: str
    label: str
    visits: tuple[TimelineVisit, ...]


@dataclass(frozen=True, slots=True)
class Timeline:
    """The child's visits placed on an axis from pregnancy to age 3."""

    start: date
    end: date
    birth: date
    born: bool
    today: date
    lanes: tuple[Lane, ...]
    shown: tuple[TimelineVisit, ...]  # in the picture (and the table), by date
    later: tuple[TimelineVisit, ...] = field(default=())  # after the picture's end
    ticks: tuple[tuple[date, str], ...] = field(default=())

    @property
    def height(self) -> int:
        return AXIS_TOP + max(len(self.lanes), 1) * LANE_HEIGHT + 16 + LEGEND_HEIGHT

    def x(self, day: date) -> float:
        """The horizontal position of a day (clamped to the plot)."""
        span = (self.end - self.start).days or 1
        offset = min(max((day - self.start).days, 0), span)
        return round(PLOT_LEFT + offset / span * (PLOT_RIGHT - PLOT_LEFT), 1)

    def counts(self) -> dict[str, int]:
        result = {state: 0 for state in STATES}
        for visit in self.shown:
            result[visit.state] = result.get(visit.state, 0) + 1
        return result


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def build_timeline(
    visits: Iterable[TimelineVisit],
    *,
    due_date: date | None,
    birth_date: date | None,
    today: date,
    language: str = DEFAULT_LANGUAGE,
) -> Timeline:
    """Place the visits between pregnancy and age 3: one lane per package, in order of their first visit."""
    birth = birth_date or due_date or today
    all_visits = sorted(visits, key=lambda v: (v.marker_date, v.earliest, v.id))
    end = add_months(birth, 36) + timedelta(days=14)
    start = birth - PREGNANCY_SHOWN
    earliest_seen = min((v.earliest for v in all_visits if v.earliest < start), default=start)
    start = max(earliest_seen, birth - PREGNANCY_MAX) - timedelta(days=7)
    shown = tuple(v for v in all_visits if v.earliest <= end and v.latest >= start and v.marker_date <= end)
    later = tuple(v for v in all_visits if v not in shown and v.marker_date > end)
    lanes: dict[str, list[TimelineVisit]] = {}
    labels: dict[str, str] = {}
    for visit in shown:
        lanes.setdefault(visit.lane_key, []).append(visit)
        labels.setdefault(visit.lane_key, visit.lane_label)
    birth_word = translate("child.timeline.birth" if birth_date else "child.timeline.due", language)
    ticks = [(start + timedelta(days=7), translate("child.timeline.pregnancy", language)), (birth, birth_word)]
    for months in (6, 12, 18, 24, 30, 36):
        if months % 12 == 0:
            text = translate("child.timeline.years", language).format(n=months // 12)
        else:
            text = translate("child.timeline.months", language).format(n=months)
        ticks.append((add_months(birth, months), text))
    return Timeline(
        start=start,
        end=end,
        birth=birth,
        born=birth_date is not None,
        today=today,
        lanes=tuple(Lane(key=k, label=labels[k], visits=tuple(vs)) for k, vs in lanes.items()),
        shown=shown,
        later=later,
        ticks=tuple(ticks),
    )


def _marker(state: str, x: float, y: float, r: float) -> str:
    """A status marker: the shape AND the colour (a CSS class) say the status."""
    css = f"tl-marker tl-marker--{state}"
    if state == "done":  # filled circle
        return f'<circle class="{css}" cx="{x}" cy="{y}" r="{r}"/>'
    if state == "overdue":  # filled triangle, pointing up
        top, left, right, bottom = y - r * 1.2, x - r * 1.1, x + r * 1.1, y + r * 0.9
        return f'<polygon class="{css}" points="{x},{top} {left},{bottom} {right},{bottom}"/>'
    if state == "missed":  # a cross
        d = round(r * 0.9, 1)
        return f'<path class="{css}" d="M{x - d},{y - d} L{x + d},{y + d} M{x - d},{y + d} L{x + d},{y - d}"/>'
    if state == "cancelled":  # an open diamond
        return f'<polygon class="{css}" points="{x},{y - r} {x + r},{y} {x},{y + r} {x - r},{y}"/>'
    # upcoming and due: an open circle
    return f'<circle class="{css}" cx="{x}" cy="{y}" r="{r}"/>'


def _text(css: str, x: float, y: float, text: str, *, anchor: str = "start") -> str:
    return f'<text class="{css}" x="{x}" y="{y}" text-anchor="{anchor}">{escape(text)}</text>'


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap_label(text: str, width: int = 25, lines: int = 2) -> list[str]:
    """A lane's label in at most `lines` lines of about `width` characters (the last one shortened)."""
    result: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            result.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        result.append(current)
    if len(result) > lines:
        result = [*result[: lines - 1], " ".join(result[lines - 1 :])]
    return [_truncate(line, width) for line in result] or [""]


def render_svg(timeline: Timeline, *, title: str, svg_id: str = "timeline", language: str = DEFAULT_LANGUAGE) -> Markup:
    """The timeline as an inline SVG, labelled by its own <title> and <desc>."""
    counts = timeline.counts()
    planned = counts["upcoming"] + counts["due"] + counts["overdue"]
    desc = translate("child.timeline.desc", language).format(
        total=len(timeline.shown),
        done=counts["done"],
        planned=planned,
        overdue=counts["overdue"],
        missed=counts["missed"],
        cancelled=counts["cancelled"],
    )
    height = timeline.height
    lanes_bottom = AXIS_TOP + max(len(timeline.lanes), 1) * LANE_HEIGHT
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'preserveAspectRatio="xMinYMin meet" focusable="false">',
        f'<title id="{svg_id}-title">{escape(title)}</title>',
        f'<desc id="{svg_id}-desc">{escape(desc)}</desc>',
    ]
    # Lanes: a faint band and the package's name.
    for index, lane in enumerate(timeline.lanes):
        top = AXIS_TOP + index * LANE_HEIGHT
        band = "tl-lane tl-lane--odd" if index % 2 else "tl-lane"
        out.append(f'<rect class="{band}" x="0" y="{top}" width="{WIDTH}" height="{LANE_HEIGHT}"/>')
        lines = wrap_label(lane.label)
        first_y = top + LANE_HEIGHT / 2 + 5 - (len(lines) - 1) * 7.5
        spans = "".join(f'<tspan x="8" y="{first_y + i * 15}">{escape(line)}</tspan>' for i, line in enumerate(lines))
        out.append(f'<text class="tl-lane-label"><title>{escape(lane.label)}</title>{spans}</text>')
    # The axis with its ticks: pregnancy, birth (or due date), 6 months ... 3 years.
    out.append(f'<line class="tl-axis" x1="{PLOT_LEFT}" y1="{AXIS_TOP}" x2="{PLOT_RIGHT}" y2="{AXIS_TOP}"/>')
    birth_x = timeline.x(timeline.birth)
    for day, text in timeline.ticks:
        x = timeline.x(day)
        if day < timeline.birth:  # "Graviditet" ends just before the birth line, "Fødsel" starts after it
            out.append(_text("tl-tick-label", birth_x - 5, AXIS_TOP - 12, text, anchor="end"))
            continue
        is_birth = day == timeline.birth
        tick = "tl-tick tl-tick--birth" if is_birth else "tl-tick"
        out.append(f'<line class="{tick}" x1="{x}" y1="{AXIS_TOP - 6}" x2="{x}" y2="{lanes_bottom}"/>')
        anchor, label_x = ("start", x + 5) if is_birth else ("middle", x)
        out.append(_text("tl-tick-label", label_x, AXIS_TOP - 12, text, anchor=anchor))
    # Windows as bars, then the markers on top.
    for index, lane in enumerate(timeline.lanes):
        middle = AXIS_TOP + index * LANE_HEIGHT + LANE_HEIGHT / 2
        radius = 6.0 if len(lane.visits) <= 30 else 3.5
        for visit in lane.visits:
            x1, x2 = timeline.x(visit.earliest), timeline.x(visit.latest)
            width = max(round(x2 - x1, 1), 2.0)
            out.append(
                f'<rect class="tl-window tl-window--{visit.state}" x="{x1}" y="{middle - 5}" '
                f'width="{width}" height="10" rx="3"/>'
            )
        for visit in lane.visits:
            x = timeline.x(visit.marker_date)
            when = danish_date(visit.marker_date, language)
            label = f"{visit.kind_label}: {when}, {state_label(visit.state, language)}"
            out.append(f"<g><title>{escape(label)}</title>{_marker(visit.state, x, middle, radius)}</g>")
    # Today, when it lies within the picture.
    if timeline.start <= timeline.today <= timeline.end:
        x = timeline.x(timeline.today)
        out.append(f'<line class="tl-today" x1="{x}" y1="{AXIS_TOP - 4}" x2="{x}" y2="{lanes_bottom + 6}"/>')
        out.append(
            f'<text class="tl-today-label" x="{x}" y="{lanes_bottom + 18}" text-anchor="middle">'
            f"{escape(translate('child.timeline.today', language))}</text>"
        )
    # The legend: every marker shape with its word, and the window bar.
    legend_top = lanes_bottom + 34
    entries = [
        ("upcoming", translate("day.state.planned", language)),
        ("overdue", state_label("overdue", language)),
        ("done", state_label("done", language)),
        ("missed", state_label("missed", language)),
        ("cancelled", state_label("cancelled", language)),
    ]
    out.append(f'<g class="tl-legend" transform="translate({PLOT_LEFT},{legend_top})">')
    x = 0.0
    for state, text in entries:
        out.append(_marker(state, x + 6, 0, 6))
        out.append(_text("tl-legend-label", x + 18, 5, text))
        x += 26 + len(text) * 8.2
    out.append(f'<rect class="tl-window tl-window--due" x="{x}" y="-5" width="28" height="10" rx="3"/>')
    out.append(_text("tl-legend-label", x + 34, 5, translate("child.timeline.window", language)))
    out.append("</g></svg>")
    return Markup("".join(out))  # noqa: S704 - every text above is escaped
