"""Hypothesis settings and strategies shared by the domain tests."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, timedelta

from hypothesis import settings
from hypothesis import strategies as st

from domain.rules import kpi
from domain.rules.catalog import CadenceKind, load_default_catalog
from domain.rules.schedule import ChildAnchors

#: Property tests: no deadline (CI machines vary), a modest number of examples to keep the run short.
PROPERTY = settings(deadline=None, max_examples=150)
SLOW_PROPERTY = settings(deadline=None, max_examples=40)

CATALOG = load_default_catalog()
ALL_CODES = CATALOG.codes()
PLANNED_CODES = tuple(c for c in ALL_CODES if CATALOG.current(c).cadence is not CadenceKind.OPEN)

due_dates = st.dates(min_value=date(2012, 1, 1), max_value=date(2035, 12, 31))


def _maybe_days(base: date, low: int, high: int) -> st.SearchStrategy[date | None]:
    return st.one_of(
        st.none(),
        st.integers(min_value=low, max_value=high).map(lambda n: base + timedelta(days=n)),
    )


@st.composite
def child_anchors(draw: st.DrawFn, *, enrolled: bool | None = None) -> ChildAnchors:
    """Random but plausible anchors: birth 6 weeks early to 3 weeks late, discharge within 2 weeks.

    `enrolled=True` always sets an enrolment date, False never, None sometimes.
    """
    due = draw(due_dates)
    birth = draw(_maybe_days(due, -42, 21))
    discharge = draw(_maybe_days(birth, 0, 14)) if birth is not None else None
    if enrolled is None:
        enrollment = draw(_maybe_days(due, -200, 800))
    elif enrolled:
        enrollment = due + timedelta(days=draw(st.integers(min_value=-200, max_value=800)))
    else:
        enrollment = None
    born = birth or due
    return ChildAnchors(
        due_date=due,
        birth_date=birth,
        discharge_date=discharge,
        enrollment_date=enrollment,
        daycare_start=draw(_maybe_days(born, 250, 500)),
        kindergarten_start=draw(_maybe_days(born, 1000, 1150)),
        school_start=draw(_maybe_days(born, 2100, 2300)),
    )


def grid_table(cells: list[list[int]]) -> tuple[dict[Hashable, int], list[kpi.SumConstraint[Hashable]]]:
    """A table of `cells` with a sum column and a total row, and the sums that hold it together."""
    rows = [*range(len(cells)), "total"]
    columns = [*range(len(cells[0])), "sum"]
    values: dict[Hashable, int] = {}
    for r, line in enumerate(cells):
        for c, v in enumerate(line):
            values[(r, c)] = v
        values[(r, "sum")] = sum(line)
    for c in columns:
        values[("total", c)] = sum(values[(r, c)] for r in range(len(cells)))
    return values, kpi.grid_constraints(rows, columns, row_total="sum", total_row="total")
