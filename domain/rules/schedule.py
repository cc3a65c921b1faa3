"""The schedule engine: from a package version and a child's anchor dates to planned visits.

Rules, in the order they are applied to each visit:

1. Anchors. `birth` falls back to the due date while the birth date is unknown and `discharge` to
   the birth (or due) date. A rule whose anchor (or, for a series, whose end anchor) is missing is
   skipped, e.g. a school-start visit before the school start is known.
2. Window. A single visit's target and window are offsets from its anchor; occurrence i of a series
   is at `anchor + start + i * every`, with its window `tolerance` around it. A series' windows are
   clipped to the series' own span, so a weekly phase never spills into the fortnightly phase after
   it. Month offsets are calendar months (31 Jan + 1 month = 28/29 Feb).
3. Enrolment. With an `enrollment_date`, a visit whose window closes before it is skipped (a family
   moving in when the child is 3 months gets no pregnancy visit), and a window that straddles it
   starts on the enrolment date instead.
4. Horizon. With a `horizon`, visits whose window opens after it are left out.
5. Working day. The target is the working day nearest the nominal date inside the window, ties
   going to the earlier day. If the window holds no working day at all (e.g. a postnatal window
   from Maundy Thursday to Easter Sunday), the window is extended to the next working day after
   it, that day is the target, and the visit is marked `window_extended` so pages can show it.
   A visit is never planned on a weekend, a public holiday or a calendar's extra closed day.

Numbering: `sequence` is 1 for a single visit and the occurrence number (from 1) in a series,
counted from the series' first occurrence, not from the first one kept, so (kind, sequence) names
the same visit whatever the enrolment date or horizon; that is what re-anchoring matches on.
Group packages plan their sessions from the course start, given as `enrollment_date`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import ValidationFailed
from domain.rules.catalog import Anchor, CadenceKind, PackageVersion
from domain.rules.offsets import days_in_month
from domain.rules.visit_state import VisitStatus
from domain.rules.workdays import DEFAULT_CALENDAR, WorkingDayCalendar

_MAX_OCCURRENCES = 1000


@dataclass(frozen=True, slots=True)
class ChildAnchors:
    """The dates a child's schedule hangs on. Only the due date is required."""

    due_date: date
    birth_date: date | None = None
    discharge_date: date | None = None
    enrollment_date: date | None = None
    daycare_start: date | None = None
    kindergarten_start: date | None = None
    school_start: date | None = None

    def resolve(self, anchor: Anchor) -> date | None:
        """The date an anchor stands for, with the birth and discharge fallbacks applied."""
        if anchor is Anchor.DUE_DATE:
            return self.due_date
        if anchor is Anchor.BIRTH:
            return self.birth_date or self.due_date
        if anchor is Anchor.DISCHARGE:
            return self.discharge_date or self.birth_date or self.due_date
        if anchor is Anchor.ENROLLMENT:
            return self.enrollment_date
        if anchor is Anchor.DAYCARE_START:
            return self.daycare_start
        if anchor is Anchor.KINDERGARTEN_START:
            return self.kindergarten_start
        return self.school_start


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    """One visit the schedule plans; (kind, sequence) identifies it within an enrolment."""

    kind: str
    sequence: int
    target_date: date
    earliest: date
    latest: date
    roles: tuple[str, ...]
    window_extended: bool = False


@dataclass(frozen=True, slots=True)
class ExistingVisit:
    """A stored visit as re-anchoring and ending an enrolment see it."""

    kind: str
    sequence: int
    status: VisitStatus
    target_date: date
    earliest: date
    latest: date


class ChangeAction(StrEnum):
    """What re-anchoring does to a visit."""

    ADD = "add"
    MOVE = "move"
    CANCEL = "cancel"


@dataclass(frozen=True, slots=True)
class VisitChange:
    """One change re-anchoring asks for; the dates are the new ones (the old ones to cancel)."""

    action: ChangeAction
    kind: str
    sequence: int
    target_date: date
    earliest: date
    latest: date
    roles: tuple[str, ...]
    reason: str
    window_extended: bool = False


REASON_NOT_IN_SCHEDULE = "no longer in the schedule after the anchor dates changed"
REASON_MOVED = "moved because the anchor dates changed"
REASON_ADDED = "added because the anchor dates changed"
REASON_ENROLMENT_ENDED = "the enrolment ended"


# -- compiled rules ---------------------------------------------------------------------------------
#
# Schedules are generated for every child on every list refresh and bulk import, so each package
# version is compiled once into flat tuples of ints, and generation works on date ordinals.

_ANCHOR_INDEX: dict[Anchor, int] = {anchor: index for index, anchor in enumerate(Anchor)}

# (kind, anchor, target_m, target_d, earliest_m, earliest_d, latest_m, latest_d, roles)
_Fixed = tuple[str, int, int, int, int, int, int, int, tuple[str, ...]]
# (kind, anchor, start_m, start_d, every_m, every_d, until_anchor, until_m, until_d, count,
#  earliest_m, earliest_d, latest_m, latest_d, roles); until_anchor -1 and count > 0 for counted
_Series = tuple[str, int, int, int, int, int, int, int, int, int, int, int, int, int, tuple[str, ...]]
# (session_kind, sessions, interval_days, roles)
_Group = tuple[str, int, int, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Compiled:
    fixed: tuple[_Fixed, ...]
    series: tuple[_Series, ...]
    group: _Group | None


_COMPILED: dict[int, tuple[PackageVersion, _Compiled]] = {}
_COMPILED_LIMIT = 512


def _compile(package: PackageVersion) -> _Compiled:
    # Keyed by identity, holding the package so its id cannot be reused while cached; versions
    # are immutable, so a cached compilation never goes stale.
    entry = _COMPILED.get(id(package))
    if entry is not None and entry[0] is package:
        return entry[1]
    fixed: list[_Fixed] = []
    series: list[_Series] = []
    for rule in package.visits:
        anchor = _ANCHOR_INDEX[rule.anchor]
        e, lt = rule.earliest, rule.latest
        if rule.repeat is None:
            fixed.append(
                (
                    rule.kind,
                    anchor,
                    rule.target.months,
                    rule.target.days,
                    e.months,
                    e.days,
                    lt.months,
                    lt.days,
                    rule.roles,
                )
            )
            continue
        rep = rule.repeat
        if rep.count is not None:
            until_anchor, until_m, until_d, count = -1, 0, 0, rep.count
        else:
            assert rep.until is not None and rep.until_anchor is not None
            until_anchor = _ANCHOR_INDEX[rep.until_anchor]
            until_m, until_d, count = rep.until.months, rep.until.days, 0
        series.append(
            (
                rule.kind,
                anchor,
                rule.target.months,
                rule.target.days,
                rep.every.months,
                rep.every.days,
                until_anchor,
                until_m,
                until_d,
                count,
                e.months,
                e.days,
                lt.months,
                lt.days,
                rule.roles,
            )
        )
    group: _Group | None = None
    if package.cadence is CadenceKind.GROUP and package.group is not None:
        g = package.group
        group = (g.session_kind, g.sessions, g.interval_days, package.roles)
    compiled = _Compiled(tuple(fixed), tuple(series), group)
    if len(_COMPILED) >= _COMPILED_LIMIT:
        _COMPILED.clear()
    _COMPILED[id(package)] = (package, compiled)
    return compiled


_fromordinal = date.fromordinal


# Month arithmetic is the costliest step and children share birth dates (about 60,000 a year in
# Denmark, 366 possible days), so (ordinal, months) results are memoised; bounded so a long-running
# process cannot grow it without limit.
_MONTH_SHIFTS: dict[tuple[int, int], int] = {}
_MONTH_SHIFTS_LIMIT = 200_000


def _shift(ordinal: int, months: int, days: int) -> int:
    """Ordinal moved by calendar months (clamped to month end), then days."""
    if months:
        key = (ordinal, months)
        shifted = _MONTH_SHIFTS.get(key)
        if shifted is None:
            d = _fromordinal(ordinal)
            index = d.month - 1 + months
            year = d.year + index // 12
            month = index % 12 + 1
            last = days_in_month(year, month)
            shifted = date(year, month, d.day if d.day <= last else last).toordinal()
            if len(_MONTH_SHIFTS) >= _MONTH_SHIFTS_LIMIT:
                _MONTH_SHIFTS.clear()
            _MONTH_SHIFTS[key] = shifted
        ordinal = shifted
    return ordinal + days


def _anchor_ordinals(anchors: ChildAnchors) -> tuple[int | None, ...]:
    due = anchors.due_date.toordinal()
    birth = anchors.birth_date.toordinal() if anchors.birth_date is not None else due
    discharge = anchors.discharge_date.toordinal() if anchors.discharge_date is not None else birth
    rest = (anchors.enrollment_date, anchors.daycare_start, anchors.kindergarten_start, anchors.school_start)
    return (due, birth, discharge, *(d.toordinal() if d is not None else None for d in rest))


def generate_schedule(
    package: PackageVersion,
    anchors: ChildAnchors,
    *,
    calendar: WorkingDayCalendar = DEFAULT_CALENDAR,
    horizon: date | None = None,
) -> tuple[PlannedVisit, ...]:
    """The visits `package` plans for a child, sorted by target date, kind and sequence."""
    if package.cadence is CadenceKind.OPEN:
        return ()
    compiled = _compile(package)
    ords = _anchor_ordinals(anchors)
    enrol = ords[3]
    limit = horizon.toordinal() if horizon is not None else None
    nearest = calendar.nearest_working_ordinal
    next_working = calendar.next_working_ordinal
    rows: list[tuple[int, str, int, int, int, tuple[str, ...], bool]] = []

    def emit(kind: str, seq: int, t: int, e: int, lt: int, roles: tuple[str, ...]) -> None:
        if enrol is not None:
            if lt < enrol:
                return
            if e < enrol:
                e = enrol
        if limit is not None and e > limit:
            return
        if e > lt:  # a window clipped to nothing (only possible for a series at its edges)
            return
        snapped = nearest(t, e, lt)
        if snapped is None:
            # No working day in the window: plan on the next working day and say so.
            snapped = next_working(lt + 1)
            rows.append((snapped, kind, seq, e, snapped, roles, True))
        else:
            rows.append((snapped, kind, seq, e, lt, roles, False))

    for kind, ai, tm, td, em, ed, lm, ld, roles in compiled.fixed:
        a = ords[ai]
        if a is None:
            continue
        emit(kind, 1, _shift(a, tm, td), _shift(a, em, ed), _shift(a, lm, ld), roles)

    for kind, ai, sm, sd, vm, vd, ui, um, ud, count, em, ed, lm, ld, roles in compiled.series:
        a = ords[ai]
        if a is None:
            continue
        if count:
            end = None
            n_max = count
        else:
            ua = ords[ui]
            if ua is None:
                continue
            end = _shift(ua, um, ud)
            n_max = _MAX_OCCURRENCES
        first = _shift(a, sm, sd)
        last_day = end - 1 if end is not None else None
        for i in range(n_max):
            occ = _shift(a, sm + i * vm, sd + i * vd) if vm else first + i * vd
            if end is not None and occ >= end:
                break
            if limit is not None and occ > limit + 400:
                break  # far past the horizon; the tolerance cannot reach back
            e = _shift(occ, em, ed) if em else occ + ed
            lt = _shift(occ, lm, ld) if lm else occ + ld
            if e < first:
                e = first
            if last_day is not None and lt > last_day:
                lt = last_day
            emit(kind, i + 1, occ, e, lt, roles)

    if compiled.group is not None:
        session_kind, sessions, interval, roles = compiled.group
        if enrol is None:
            raise ValidationFailed.for_field(
                "enrollment_date", "a group course needs its start date as the enrolment date"
            )
        for i in range(sessions):
            day = enrol + i * interval
            emit(session_kind, i + 1, day, day, day, roles)

    rows.sort()
    return tuple(
        PlannedVisit(kind, seq, _fromordinal(t), _fromordinal(e), _fromordinal(lt), roles, ext)
        for t, kind, seq, e, lt, roles, ext in rows
    )


def reanchor(
    existing: Sequence[ExistingVisit],
    package: PackageVersion,
    anchors: ChildAnchors,
    *,
    calendar: WorkingDayCalendar = DEFAULT_CALENDAR,
    horizon: date | None = None,
) -> tuple[VisitChange, ...]:
    """What must change when anchor dates change (e.g. the birth date becomes known).

    Visits are matched by (kind, sequence). Only `planned` visits move; done, missed and cancelled
    visits never change. A planned visit the new schedule no longer has is cancelled with a reason.
    A visit in the new schedule with no stored visit of the same (kind, sequence), whatever its
    status, is added; so a visit someone cancelled by hand is not brought back.
    """
    fresh = generate_schedule(package, anchors, calendar=calendar, horizon=horizon)
    by_key = {(v.kind, v.sequence): v for v in fresh}
    known: set[tuple[str, int]] = set()
    changes: list[VisitChange] = []
    for old in existing:
        key = (old.kind, old.sequence)
        known.add(key)
        if old.status != VisitStatus.PLANNED:
            continue
        new = by_key.get(key)
        if new is None:
            changes.append(
                VisitChange(
                    ChangeAction.CANCEL,
                    old.kind,
                    old.sequence,
                    old.target_date,
                    old.earliest,
                    old.latest,
                    (),
                    REASON_NOT_IN_SCHEDULE,
                )
            )
        elif (new.target_date, new.earliest, new.latest) != (old.target_date, old.earliest, old.latest):
            changes.append(
                VisitChange(
                    ChangeAction.MOVE,
                    new.kind,
                    new.sequence,
                    new.target_date,
                    new.earliest,
                    new.latest,
                    new.roles,
                    REASON_MOVED,
                    new.window_extended,
                )
            )
    for new in fresh:
        if (new.kind, new.sequence) not in known:
            changes.append(
                VisitChange(
                    ChangeAction.ADD,
                    new.kind,
                    new.sequence,
                    new.target_date,
                    new.earliest,
                    new.latest,
                    new.roles,
                    REASON_ADDED,
                    new.window_extended,
                )
            )
    return tuple(changes)


def visits_to_cancel_on_end(existing: Sequence[ExistingVisit], end_date: date) -> tuple[ExistingVisit, ...]:
    """Ending an enrolment on `end_date` cancels its planned visits targeted after that day.

    Visits on or before the end date stay as they are (a visit planned for the last day may still
    happen), and done, missed or cancelled visits are never touched.
    """
    return tuple(v for v in existing if v.status == VisitStatus.PLANNED and v.target_date > end_date)
