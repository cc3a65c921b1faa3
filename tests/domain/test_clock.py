"""One source of "today": the production code reads the wall clock only in `domain/clock.py`, so a faked
process clock (`make test-dates`) or a clock passed in reaches every layer alike."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from domain.clock import COPENHAGEN, copenhagen_today, utc_now

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ("api", "domain", "web", "bench")
CLOCK_READS = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time"), ("time", "time_ns")}


def clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if (name, node.func.attr) in CLOCK_READS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}.{node.func.attr}()")
    return found


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    sources = [p for folder in PRODUCTION for p in (ROOT / folder).rglob("*.py") if p != ROOT / "domain" / "clock.py"]
    assert len(sources) > 50
    assert [read for path in sources for read in clock_reads(path)] == []


def test_the_scan_finds_a_clock_read() -> None:
    sample = ROOT / "domain" / "clock.py"
    assert clock_reads(sample) == [f"domain/clock.py:{_line_of(sample, 'datetime.now(UTC)')} datetime.now()"]


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


def test_the_clock_is_utc_and_today_is_the_danish_day() -> None:
    moment = utc_now()
    assert moment.tzinfo is not None and moment.utcoffset() == UTC.utcoffset(moment)
    assert copenhagen_today() in {moment.astimezone(COPENHAGEN).date(), utc_now().astimezone(COPENHAGEN).date()}


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)))
def test_today_is_the_calendar_day_in_copenhagen(moment: datetime) -> None:
    day = copenhagen_today(moment)
    local = moment.astimezone(COPENHAGEN)
    assert day == date(local.year, local.month, local.day)
    # Copenhagen is one or two hours ahead of UTC: the Danish day starts before the UTC one.
    assert day in {moment.date(), date.fromordinal(moment.date().toordinal() + 1)}
