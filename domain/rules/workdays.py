"""Danish working days for planning home visits.

Public holidays come from `holidays.Denmark` (so Great Prayer Day stops counting from 2024 without
anyone editing a list here). On top of them a calendar closes a few fixed days every year.

Default (configurable): municipal offices close on 24 December and 31 December, and at noon on
Constitution Day (Grundlovsdag, 5 June). A half day is too short to plan a home visit into, so the
default treats 5 June as closed too. A municipality that works those days builds its own
`WorkingDayCalendar(extra_closed_days=frozenset())`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import holidays

#: (month, day) pairs closed every year besides the public holidays: Christmas Eve, New Year's Eve
#: and Constitution Day (offices close at noon, so no visit is planned that day).
DEFAULT_EXTRA_CLOSED_DAYS: frozenset[tuple[int, int]] = frozenset({(12, 24), (12, 31), (6, 5)})

# Years loaded around a requested date at once, so a schedule spanning two years loads once.
_YEARS_PER_LOAD = 12


def _is_weekend_ordinal(ordinal: int) -> bool:
    # date.fromordinal(1) is a Monday, so (ordinal - 1) % 7 is the weekday (5 = Sat, 6 = Sun).
    return (ordinal - 1) % 7 >= 5


@dataclass(frozen=True, slots=True)
class WorkingDayCalendar:
    """Danish public holidays plus fixed closed days; weekends are always closed.

    The closed days of each year are computed once and kept as a set of date ordinals, so the hot
    path of schedule generation is a single set lookup per candidate day.
    """

    extra_closed_days: frozenset[tuple[int, int]] = DEFAULT_EXTRA_CLOSED_DAYS
    # Mutable caches inside a frozen dataclass: the calendar's *meaning* never changes, only what
    # has been precomputed of it.
    _closed: set[int] = field(default_factory=set, init=False, repr=False, compare=False)
    _years: set[int] = field(default_factory=set, init=False, repr=False, compare=False)
    _span: list[int] = field(default_factory=lambda: [0, -1], init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for month, day in self.extra_closed_days:
            date(2024, month, day)  # raises ValueError for an impossible (month, day) pair

    # -- loading -------------------------------------------------------------------------------
    def _load_years(self, first: int, last: int) -> None:
        years = [y for y in range(max(first, 1), min(last, 9998) + 1) if y not in self._years]
        if not years:
            return
        # country_holidays("DK") is holidays.Denmark, through the library's typed entry point.
        for day in holidays.country_holidays("DK", years=years):
            self._closed.add(day.toordinal())
        for year in years:
            for month, dom in self.extra_closed_days:
                self._closed.add(date(year, month, dom).toordinal())
            self._years.add(year)
        # The loaded years are kept contiguous so the span check below stays a range check.
        lo, hi = min(self._years), max(self._years)
        missing = [y for y in range(lo, hi + 1) if y not in self._years]
        if missing:
            self._load_years(missing[0], missing[-1])
        self._span[0] = date(lo, 1, 1).toordinal()
        self._span[1] = date(hi, 12, 31).toordinal()

    def _ensure(self, ordinal: int) -> None:
        if self._span[0] <= ordinal <= self._span[1]:
            return
        year = date.fromordinal(ordinal).year
        if self._years:
            lo, hi = min(self._years), max(self._years)
            first, last = min(year, lo), max(year, hi)
        else:
            first, last = year - 2, year + _YEARS_PER_LOAD
        self._load_years(first, last)

    # -- ordinal API (used by the schedule engine) ----------------------------------------------
    def is_working_ordinal(self, ordinal: int) -> bool:
        """Whether the day with this proleptic Gregorian ordinal is a working day."""
        if not self._span[0] <= ordinal <= self._span[1]:
            self._ensure(ordinal)
        return (ordinal - 1) % 7 < 5 and ordinal not in self._closed

    def nearest_working_ordinal(self, target: int, earliest: int, latest: int) -> int | None:
        """Nearest working day to `target` within [earliest, latest] as an ordinal; ties go earlier."""
        if earliest > latest:
            return None
        if target < earliest:
            target = earliest
        elif target > latest:
            target = latest
        if not (self._span[0] <= earliest and latest <= self._span[1]):
            self._ensure(earliest)
            self._ensure(latest)
        closed = self._closed
        reach = max(target - earliest, latest - target)
        for k in range(reach + 1):
            before = target - k
            if before >= earliest and (before - 1) % 7 < 5 and before not in closed:
                return before
            after = target + k
            if k and after <= latest and (after - 1) % 7 < 5 and after not in closed:
                return after
        return None

    def next_working_ordinal(self, ordinal: int) -> int:
        """The first working day on or after the day with this ordinal."""
        while not self.is_working_ordinal(ordinal):
            ordinal += 1
        return ordinal

    # -- date API --------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day (not a weekend, public holiday or extra closed day)."""
        return self.is_working_ordinal(day.toordinal())

    def nearest_working_day_within(self, target: date, earliest: date, latest: date) -> date | None:
        """Nearest working day to `target` inside [earliest, latest]; ties go to the earlier day.

        Returns None when the window holds no working day at all (e.g. Maundy Thursday to Easter
        Sunday). It never answers with a day outside the window; what to do then is the caller's
        documented choice (the schedule engine extends the window to the next working day and marks
        the visit `window_extended`).
        """
        found = self.nearest_working_ordinal(target.toordinal(), earliest.toordinal(), latest.toordinal())
        return None if found is None else date.fromordinal(found)

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, otherwise the next working day after it."""
        return date.fromordinal(self.next_working_ordinal(day.toordinal()))

    def add_working_days(self, day: date, count: int) -> date:
        """Move `count` working days forward (or backward if negative) from `day`.

        `add_working_days(d, 0)` is `d` itself, even on a closed day.
        """
        ordinal = day.toordinal()
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            ordinal += step
            if self.is_working_ordinal(ordinal):
                remaining -= 1
        return date.fromordinal(ordinal)

    def closed_days(self, year: int) -> frozenset[date]:
        """Every closed weekday of `year` (public holidays and extra closed days), for display."""
        self._load_years(year, year)
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        return frozenset(date.fromordinal(o) for o in self._closed if first <= o <= last and not _is_weekend_ordinal(o))


#: The calendar used when a caller does not pass one.
DEFAULT_CALENDAR = WorkingDayCalendar()


def is_working_day(day: date, *, calendar: WorkingDayCalendar = DEFAULT_CALENDAR) -> bool:
    """Whether `day` is a Danish working day under `calendar` (the default calendar if omitted)."""
    return calendar.is_working_day(day)


def nearest_working_day_within(
    target: date,
    earliest: date,
    latest: date,
    *,
    calendar: WorkingDayCalendar = DEFAULT_CALENDAR,
) -> date | None:
    """Nearest working day to `target` inside [earliest, latest] (ties earlier), or None if none."""
    return calendar.nearest_working_day_within(target, earliest, latest)


def add_working_days(day: date, count: int, *, calendar: WorkingDayCalendar = DEFAULT_CALENDAR) -> date:
    """Move `count` working days from `day` (negative counts move backwards)."""
    return calendar.add_working_days(day, count)


def next_working_day(day: date, *, calendar: WorkingDayCalendar = DEFAULT_CALENDAR) -> date:
    """`day` if it is a working day, else the next one."""
    return calendar.next_working_day(day)
