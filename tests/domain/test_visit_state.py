from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from domain.clock import copenhagen_today
from domain.rules.visit_state import (
    VisitState,
    VisitStatus,
    closes_within,
    days_overdue,
    overdue_if_latest_before,
    upcoming_if_earliest_after,
    visit_state,
)
from tests.domain.strategies import PROPERTY

EARLIEST, LATEST = date(2025, 5, 5), date(2025, 5, 9)


def state(status: str, today: date) -> VisitState:
    return visit_state(status=status, earliest=EARLIEST, latest=LATEST, today=today)


def test_a_planned_visit_is_upcoming_then_due_then_overdue() -> None:
    assert state("planned", date(2025, 5, 4)) is VisitState.UPCOMING
    assert state("planned", EARLIEST) is VisitState.DUE
    assert state("planned", LATEST) is VisitState.DUE
    assert state("planned", date(2025, 5, 10)) is VisitState.OVERDUE


def test_done_missed_and_cancelled_visits_keep_their_status_whatever_the_day() -> None:
    for today in (date(2025, 1, 1), date(2025, 5, 7), date(2026, 1, 1)):
        assert state("done", today) is VisitState.DONE
        assert state("missed", today) is VisitState.MISSED
        assert state("cancelled", today) is VisitState.CANCELLED


def test_today_is_the_calendar_day_in_copenhagen_not_utc() -> None:
    # 22:30 UTC on 30 June is 00:30 on 1 July in Copenhagen (summer time, UTC+2).
    assert copenhagen_today(datetime(2025, 6, 30, 22, 30, tzinfo=UTC)) == date(2025, 7, 1)
    # 22:30 UTC on 15 January is 23:30 the same day (winter time, UTC+1).
    assert copenhagen_today(datetime(2025, 1, 15, 22, 30, tzinfo=UTC)) == date(2025, 1, 15)
    # A naive datetime is taken as UTC; another zone is converted.
    assert copenhagen_today(datetime(2025, 1, 15, 23, 30)) == date(2025, 1, 16)
    tokyo = timezone(timedelta(hours=9))
    assert copenhagen_today(datetime(2025, 1, 16, 7, 0, tzinfo=tokyo)) == date(2025, 1, 15)
    assert isinstance(copenhagen_today(), date)


def test_closing_soon_and_days_overdue() -> None:
    assert closes_within(LATEST, date(2025, 5, 9), 0)
    assert closes_within(LATEST, date(2025, 5, 6), 3)
    assert not closes_within(LATEST, date(2025, 5, 5), 3)
    assert not closes_within(LATEST, date(2025, 5, 10), 3)
    assert days_overdue(LATEST, date(2025, 5, 9)) == 0
    assert days_overdue(LATEST, date(2025, 5, 12)) == 3


@PROPERTY
@given(
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    earliest_offset=st.integers(min_value=-60, max_value=60),
    length=st.integers(min_value=0, max_value=60),
)
def test_the_sql_cutoffs_agree_with_the_python_state(today: date, earliest_offset: int, length: int) -> None:
    earliest = today + timedelta(days=earliest_offset)
    latest = earliest + timedelta(days=length)
    result = visit_state(status=VisitStatus.PLANNED, earliest=earliest, latest=latest, today=today)
    # What a repository's WHERE clause computes: planned AND latest < cut-off, etc.
    sql_overdue = latest < overdue_if_latest_before(today)
    sql_upcoming = not sql_overdue and earliest > upcoming_if_earliest_after(today)
    assert (result is VisitState.OVERDUE) == sql_overdue
    assert (result is VisitState.UPCOMING) == sql_upcoming
    assert (result is VisitState.OVERDUE) == (days_overdue(latest, today) > 0)
