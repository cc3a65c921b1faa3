from __future__ import annotations

from datetime import date, timedelta

import holidays
from hypothesis import given
from hypothesis import strategies as st

from domain.rules.workdays import (
    DEFAULT_CALENDAR,
    WorkingDayCalendar,
    add_working_days,
    is_working_day,
    nearest_working_day_within,
)
from tests.domain.strategies import PROPERTY


def test_weekends_and_public_holidays_are_closed() -> None:
    assert not is_working_day(date(2025, 3, 8))  # Saturday
    assert not is_working_day(date(2025, 4, 18))  # Good Friday
    assert not is_working_day(date(2025, 12, 25))
    assert is_working_day(date(2025, 4, 22))  # Tuesday after Easter


def test_great_prayer_day_is_closed_until_it_was_abolished_in_2024() -> None:
    assert not is_working_day(date(2023, 5, 5))
    assert is_working_day(date(2024, 4, 26))


def test_christmas_eve_new_years_eve_and_constitution_day_are_closed_by_default() -> None:
    for day in (date(2025, 12, 24), date(2025, 12, 31), date(2025, 6, 5)):
        assert not is_working_day(day)


def test_a_municipality_can_open_the_extra_closed_days() -> None:
    open_calendar = WorkingDayCalendar(extra_closed_days=frozenset())
    assert open_calendar.is_working_day(date(2025, 12, 24))
    assert not open_calendar.is_working_day(date(2025, 12, 25))


def test_the_nearest_working_day_prefers_the_earlier_on_a_tie() -> None:
    # Saturday 8 March 2025: Friday is 1 day back, Monday 2 days ahead.
    assert nearest_working_day_within(date(2025, 3, 8), date(2025, 3, 1), date(2025, 3, 31)) == (date(2025, 3, 7))
    # Sunday 9 March: Friday is 2 days back, Monday 1 day ahead.
    assert nearest_working_day_within(date(2025, 3, 9), date(2025, 3, 1), date(2025, 3, 31)) == (date(2025, 3, 10))
    # Wednesday 5 June 2024 (Constitution Day): Tuesday and Thursday tie; the earlier wins.
    assert nearest_working_day_within(date(2024, 6, 5), date(2024, 6, 1), date(2024, 6, 30)) == (date(2024, 6, 4))


def test_the_nearest_working_day_stays_inside_the_window() -> None:
    # Saturday target, window Saturday..Monday: only Monday qualifies.
    assert nearest_working_day_within(date(2025, 3, 8), date(2025, 3, 8), date(2025, 3, 10)) == (date(2025, 3, 10))


def test_a_window_without_a_working_day_gives_none_not_a_day_outside_it() -> None:
    # Maundy Thursday to Easter Sunday 2025.
    assert nearest_working_day_within(date(2025, 4, 18), date(2025, 4, 17), date(2025, 4, 20)) is None


def test_adding_working_days_skips_easter() -> None:
    assert add_working_days(date(2025, 4, 16), 1) == date(2025, 4, 22)
    assert add_working_days(date(2025, 4, 22), -1) == date(2025, 4, 16)
    assert add_working_days(date(2025, 4, 19), 0) == date(2025, 4, 19)


@PROPERTY
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31)))
def test_a_working_day_is_never_a_weekend_holiday_or_extra_closed_day(day: date) -> None:
    public = holidays.country_holidays("DK", years=day.year)
    expected = day.weekday() < 5 and day not in public and (day.month, day.day) not in {(12, 24), (12, 31), (6, 5)}
    assert DEFAULT_CALENDAR.is_working_day(day) == expected


@PROPERTY
@given(
    st.dates(min_value=date(2010, 1, 1), max_value=date(2040, 12, 31)),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=20),
)
def test_the_nearest_working_day_is_a_working_day_in_the_window_and_nearest(
    target: date, before: int, after: int
) -> None:
    earliest, latest = target - timedelta(days=before), target + timedelta(days=after)
    found = nearest_working_day_within(target, earliest, latest)
    window = [earliest + timedelta(days=i) for i in range(before + after + 1)]
    working = [d for d in window if is_working_day(d)]
    if not working:
        assert found is None
        return
    assert found is not None and found in working
    best = min(abs((d - target).days) for d in working)
    assert abs((found - target).days) == best
    assert found == min(d for d in working if abs((d - target).days) == best)
