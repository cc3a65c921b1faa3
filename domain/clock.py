"""The one place the production code reads the wall clock.

Everything that needs "now" or "today" asks this module (or takes a value passed in), so a test can set
the process clock (`make test-dates` runs the suite under libfaketime) and every layer agrees on the day.
"Today" is the calendar day in Europe/Copenhagen, never UTC: a visit due today must not turn overdue at
01:00 Danish summer time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def utc_now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)


def copenhagen_now() -> datetime:
    """The current moment in Europe/Copenhagen (for times shown to staff)."""
    return utc_now().astimezone(COPENHAGEN)


def copenhagen_today(now: datetime | None = None) -> date:
    """Today's date in Europe/Copenhagen; a naive `now` is taken to be UTC."""
    if now is None:
        now = utc_now()
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(COPENHAGEN).date()
