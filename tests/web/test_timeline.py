"""The day pages' pure presentation: Danish dates, masked CPR, the worklist's urgency order, and the
timeline picture (an SVG whose markers say the status by shape as well as colour)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

from domain.clock import copenhagen_today
from web.timeline import (
    TimelineVisit,
    add_months,
    build_timeline,
    by_urgency,
    danish_date,
    looks_like_cpr,
    mask_cpr,
    render_svg,
    window_note,
    wrap_label,
)

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own server-rendered markup, not untrusted input


TODAY = date(2026, 11, 23)
BORN = date(2026, 3, 1)


def _visit(
    kind: str, target: date, state: str, *, lane: str = "universal", days: int = 7, **extra: object
) -> TimelineVisit:
    status = state if state in ("done", "missed", "cancelled") else "planned"
    return TimelineVisit(
        id=f"{kind}-{target}",
        kind_label=kind,
        lane_key=lane,
        lane_label=lane.capitalize(),
        target_date=target,
        earliest=target - timedelta(days=days),
        latest=target + timedelta(days=days),
        status=status,
        state=state,
        **extra,  # type: ignore[arg-type]
    )


def _planned(visit_id: str, latest: date, *, urgent: bool = False) -> dict[str, object]:
    return {
        "id": visit_id,
        "status": "planned",
        "latest": latest.isoformat(),
        "target_date": latest.isoformat(),
        "urgent": urgent,
    }


# --- dates, CPR, labels ------------------------------------------------------------------------


def test_dates_are_written_the_danish_way() -> None:
    assert danish_date(date(2026, 11, 23)) == "23. nov. 2026"
    assert danish_date("2026-05-01") == "1. maj 2026"
    assert danish_date(date(2026, 11, 23), "en") == "23 Nov 2026"
    assert danish_date(None) == ""


def test_today_is_the_day_in_copenhagen_not_in_utc() -> None:
    late_evening_utc = datetime(2026, 6, 30, 22, 30, tzinfo=UTC)  # 00:30 on 1 July in Copenhagen
    assert copenhagen_today(late_evening_utc) == date(2026, 7, 1)


def test_cpr_numbers_are_masked_after_the_birth_date() -> None:
    assert mask_cpr("0103921234") == "010392-XXXX"
    assert mask_cpr("010392-1234") == "010392-XXXX"
    assert mask_cpr(None) == ""


def test_a_full_cpr_number_is_recognised_with_or_without_the_dash() -> None:
    assert looks_like_cpr("0103921234") and looks_like_cpr(" 010392-1234 ")
    assert not looks_like_cpr("010392") and not looks_like_cpr("Sofie")


def test_the_window_note_says_how_overdue_or_how_soon_it_closes() -> None:
    assert window_note(_planned("a", TODAY - timedelta(days=4)), TODAY) == "Overskredet med 4 dage"
    assert window_note(_planned("a", TODAY - timedelta(days=1)), TODAY) == "Overskredet med 1 dag"
    assert window_note(_planned("a", TODAY), TODAY) == "Vinduet lukker i dag"
    assert window_note(_planned("a", TODAY + timedelta(days=3)), TODAY) == "Vinduet lukker om 3 dage"
    assert window_note(_planned("a", TODAY + timedelta(days=30)), TODAY) == ""


def test_the_worklist_puts_urgent_contacts_first_then_most_overdue_then_closing_soonest() -> None:
    visits = [
        _planned("closes-in-5", TODAY + timedelta(days=5)),
        _planned("overdue-2", TODAY - timedelta(days=2)),
        _planned("urgent", TODAY, urgent=True),
        _planned("closes-in-1", TODAY + timedelta(days=1)),
        _planned("overdue-20", TODAY - timedelta(days=20)),
    ]
    assert [v["id"] for v in by_urgency(visits, TODAY)] == [
        "urgent",
        "overdue-20",
        "overdue-2",
        "closes-in-1",
        "closes-in-5",
    ]


def test_long_lane_labels_wrap_into_two_lines() -> None:
    assert wrap_label("Universelt sundhedsplejeprogram") == ["Universelt", "sundhedsplejeprogram"]
    assert wrap_label("Minding the Baby") == ["Minding the Baby"]
    lines = wrap_label("Et meget langt navn på en pakke som slet ikke kan være på to linjer overhovedet")
    assert len(lines) == 2 and lines[1].endswith("…")


# --- the timeline ------------------------------------------------------------------------------


def test_the_timeline_runs_from_pregnancy_to_age_three_and_leaves_later_visits_out() -> None:
    visits = [
        _visit("pregnancy", BORN - timedelta(weeks=8), "done"),
        _visit("establishment", BORN + timedelta(weeks=3), "done"),
        _visit("school", add_months(BORN, 72), "upcoming", lane="transitions"),
    ]
    timeline = build_timeline(visits, due_date=BORN, birth_date=BORN, today=TODAY)

    assert timeline.start < BORN - timedelta(weeks=8)
    assert timeline.end >= add_months(BORN, 36)
    assert [v.kind_label for v in timeline.shown] == ["pregnancy", "establishment"]
    assert [v.kind_label for v in timeline.later] == ["school"]
    assert [lane.key for lane in timeline.lanes] == ["universal"]


def test_an_unborn_childs_timeline_is_anchored_on_the_due_date() -> None:
    due = TODAY + timedelta(days=60)
    timeline = build_timeline(
        [_visit("pregnancy", due - timedelta(weeks=8), "due")], due_date=due, birth_date=None, today=TODAY
    )
    assert timeline.birth == due and not timeline.born
    assert ("Termin" in [text for _, text in timeline.ticks]) and timeline.start <= TODAY <= timeline.end


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 1), 36) == date(2029, 3, 1)


def test_the_svg_is_labelled_by_its_title_and_description() -> None:
    timeline = build_timeline(
        [_visit("a", BORN + timedelta(days=30), "done")], due_date=BORN, birth_date=BORN, today=TODAY
    )
    svg = _parse(str(render_svg(timeline, title="Tidslinje for Alma")))

    assert svg.get("role") == "img"
    title_id, desc_id = (svg.get("aria-labelledby") or "").split()
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.get("id") == title_id and title.text == "Tidslinje for Alma"
    assert desc is not None and desc.get("id") == desc_id
    assert desc.text is not None and desc.text.startswith("1 besøg fra graviditet til 3 år: 1 udført")


def test_each_status_has_its_own_shape_and_colour_class() -> None:
    day = BORN + timedelta(days=40)
    states = ["upcoming", "due", "overdue", "done", "missed", "cancelled"]
    visits = [_visit(state, day + timedelta(days=20 * i), state) for i, state in enumerate(states)]
    svg = _parse(str(render_svg(build_timeline(visits, due_date=BORN, birth_date=BORN, today=TODAY), title="t")))
    plotted = {}
    for group in svg.findall(f"{SVG}g"):
        if group.get("class") == "tl-legend":
            continue
        marker = next(e for e in group if e.tag != f"{SVG}title")
        state = (marker.get("class") or "").split("tl-marker--")[1]
        plotted[state] = marker.tag.removeprefix(SVG)

    assert plotted == {
        "upcoming": "circle",
        "due": "circle",
        "overdue": "polygon",
        "done": "circle",
        "missed": "path",
        "cancelled": "polygon",
    }
    classes = [e.get("class") for e in svg.iter() if e.tag == f"{SVG}circle" and "tl-marker" in (e.get("class") or "")]
    # Circles differ by fill (CSS): done is filled, planned is open, and the legend names each.
    assert "tl-marker tl-marker--done" in classes and "tl-marker tl-marker--upcoming" in classes
    legend = svg.find(f".//{SVG}g[@class='tl-legend']")
    assert legend is not None
    words = [t.text for t in legend.iter(f"{SVG}text")]
    assert words == ["Planlagt", "Overskredet", "Udført", "Ikke gennemført", "Aflyst", "Vindue"]


def test_windows_are_bars_from_earliest_to_latest_and_today_is_a_line() -> None:
    visit = _visit("a", BORN + timedelta(days=60), "due", days=14)
    timeline = build_timeline([visit], due_date=BORN, birth_date=BORN, today=TODAY)
    svg = _parse(str(render_svg(timeline, title="t")))

    bar = next(e for e in svg.iter(f"{SVG}rect") if e.get("class") == "tl-window tl-window--due")
    assert float(bar.get("x") or 0) == timeline.x(visit.earliest)
    assert abs(float(bar.get("width") or 0) - (timeline.x(visit.latest) - timeline.x(visit.earliest))) < 0.2
    today_line = next(e for e in svg.iter(f"{SVG}line") if e.get("class") == "tl-today")
    assert float(today_line.get("x1") or 0) == timeline.x(TODAY)


def test_text_in_the_svg_is_escaped() -> None:
    visit = TimelineVisit(
        id="x",
        kind_label="<script>alert(1)</script>",
        lane_key="x",
        lane_label="A & B",
        target_date=BORN,
        earliest=BORN,
        latest=BORN,
        status="done",
        state="done",
    )
    markup = str(render_svg(build_timeline([visit], due_date=BORN, birth_date=BORN, today=TODAY), title="<b>"))
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "A &amp; B" in markup
    _parse(markup)  # still well-formed
