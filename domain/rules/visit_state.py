"""The one definition of a visit's state: every list, page, report and SQL predicate uses this.

A planned visit is `upcoming` before its window opens, `due` inside its window and `overdue` the
day after its window closes (plus `OVERDUE_AFTER_LATEST_DAYS` days of grace, 0 by default).
"Today" is always the calendar day in Europe/Copenhagen (`domain.clock.copenhagen_today`), passed in:
the rules never read the clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

#: Days of grace after a window's last day before a planned visit counts as overdue.
OVERDUE_AFTER_LATEST_DAYS = 0


class VisitStatus(StrEnum):
    """What is stored about a visit."""

    PLANNED = "planned"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


class VisitState(StrEnum):
    """What a visit is on a given day: the stored status, with `planned` split by its window."""

    UPCOMING = "upcoming"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


def overdue_if_latest_before(today: date) -> date:
    """The cut-off for SQL: a visit is overdue iff status = planned AND latest < this date."""
    return today - timedelta(days=OVERDUE_AFTER_LATEST_DAYS)


def upcoming_if_earliest_after(today: date) -> date:
    """The cut-off for SQL: a visit is upcoming iff status = planned AND earliest > this date."""
    return today


def visit_state(*, status: VisitStatus | str, earliest: date, latest: date, today: date) -> VisitState:
    """The state of a visit on `today`."""
    status = VisitStatus(status)
    if status is VisitStatus.DONE:
        return VisitState.DONE
    if status is VisitStatus.MISSED:
        return VisitState.MISSED
    if status is VisitStatus.CANCELLED:
        return VisitState.CANCELLED
    if latest < overdue_if_latest_before(today):
        return VisitState.OVERDUE
    if earliest > upcoming_if_earliest_after(today):
        return VisitState.UPCOMING
    return VisitState.DUE


def closes_within(latest: date, today: date, days: int) -> bool:
    """Whether a window still open today closes within `days` days (0 = closes today)."""
    remaining = (latest - today).days
    return 0 <= remaining <= days


def days_overdue(latest: date, today: date) -> int:
    """How many days a planned visit is overdue on `today` (0 if it is not overdue)."""
    cutoff = overdue_if_latest_before(today)
    return (cutoff - latest).days if latest < cutoff else 0
