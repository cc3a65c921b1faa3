"""Calendar offsets such as "8w", "18m", "-12w" or "2m15d" and safe month arithmetic.

Months are calendar months: 31 January + 1 month is 28 (or 29) February, never 3 March. An offset
applies its months first, then its days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PART_RE = re.compile(r"([+-]?\d+)([ymwd])")
_UNIT_MONTHS = {"y": 12, "m": 1}
_UNIT_DAYS = {"w": 7, "d": 1}
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """Number of days in `month` of `year` (Gregorian)."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the end of a shorter month."""
    if not months:
        return day
    index = day.month - 1 + months
    year = day.year + index // 12
    month = index % 12 + 1
    last = days_in_month(year, month)
    return date(year, month, day.day if day.day <= last else last)


@dataclass(frozen=True, slots=True)
class Offset:
    """A signed distance in calendar months plus days (weeks are stored as days)."""

    months: int = 0
    days: int = 0

    def apply(self, day: date) -> date:
        """`day` moved by this offset: months first, then days."""
        moved = add_months(day, self.months) if self.months else day
        return date.fromordinal(moved.toordinal() + self.days) if self.days else moved

    def __str__(self) -> str:
        return format_offset(self)


def parse_offset(text: str) -> Offset:
    """Parse "8w", "-12w", "18m", "1y6m", "2m-1d" (units y, m, w, d); raise ValueError if malformed."""
    compact = text.replace(" ", "")
    if not compact:
        raise ValueError("empty offset")
    months = days = 0
    position = 0
    for match in _PART_RE.finditer(compact):
        if match.start() != position:
            break
        amount, unit = int(match.group(1)), match.group(2)
        if unit in _UNIT_MONTHS:
            months += amount * _UNIT_MONTHS[unit]
        else:
            days += amount * _UNIT_DAYS[unit]
        position = match.end()
    if position != len(compact):
        raise ValueError(f"not an offset: {text!r} (use e.g. 8w, 18m, 1y6m, -3d)")
    return Offset(months, days)


def format_offset(offset: Offset) -> str:
    """The canonical text of an offset, e.g. Offset(18, 0) -> "1y6m", Offset(0, -84) -> "-12w"."""
    parts: list[str] = []
    if offset.months:
        years, months = divmod(abs(offset.months), 12)
        sign = "-" if offset.months < 0 else ""
        if years:
            parts.append(f"{sign}{years}y")
        if months:
            parts.append(f"{sign}{months}m")
    if offset.days:
        if offset.days % 7 == 0:
            parts.append(f"{offset.days // 7}w")
        else:
            parts.append(f"{offset.days}d")
    return "".join(parts) or "0d"
