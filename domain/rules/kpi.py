"""Report arithmetic: coverage outcomes against targets, exact percentages, the levels over time, and
disclosure control (small counts shown as "<5" that cannot be derived from totals).

Pure: plain values in, plain values out. Percentages are exact fractions until they are shown
(rounded half up to one decimal), and "met" compares the exact fraction with the target, so 52 of
61 (85.2459...) meets 85 % and 51 of 61 does not, whatever the rounding. SQL mirrors the rules here
(the outcome ranks, the visit-state cut-off) so a figure can always be re-derived by hand.

Disclosure control (`suppress`): a count from 1 to threshold-1 is hidden ("small", shown as "<5").
Then, while any hidden cell could be computed from the published cells and the table's sums (a row's
total minus its other cells, a column total minus the other rows, or any chain of such steps), one
more cell sharing a sum with it is hidden ("complementary", shown as "x"): not a headline figure, a
non-zero cell, one that closes a cycle with cells already hidden, an inner cell before a total, the
smallest. "Could be
computed" is decided exactly, by linear algebra over the fractions: a hidden cell is derivable iff
its unit vector lies in the row space of the sums restricted to the hidden cells. Zeros are shown
(they are no small count of persons).

Across filters (`disclose_grid`): an answer cut from a bigger table by a filter (some areas, some
birth years) is suppressed through that fixed table, never on its own, so that two answers with other
filters cannot be subtracted from each other; see "disclosure across filters" below.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import math
import tomllib
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any, Generic, TypeVar

from domain.errors import ValidationFailed
from domain.rules.levels import InterventionLevel, LevelChange, StepDirection, level_on, steps
from domain.rules.offsets import Offset, add_months
from domain.rules.visit_state import VisitState, VisitStatus, visit_state

# -- coverage outcomes ------------------------------------------------------------------------------


class Outcome(StrEnum):
    """What became of a child's visit of one kind, on a given day."""

    IN_WINDOW = "in_window"  # done inside its window [earliest, latest]
    LATE = "late"  # done after its window closed (or done with no date recorded)
    EARLY = "early"  # done before its window opened
    PENDING = "pending"  # planned, window not yet closed: may still be done in time
    NOT_DONE = "not_done"  # missed, cancelled, or planned and overdue
    NOT_PLANNED = "not_planned"  # the child has no such visit at all (never enrolled or offered)


#: Best first. A child with several visits of a kind (a re-enrolment) counts by its best one; the SQL
#: computes MAX(rank) with these numbers.
OUTCOME_ORDER: tuple[Outcome, ...] = tuple(Outcome)
OUTCOME_RANK: dict[Outcome, int] = {o: len(OUTCOME_ORDER) - i for i, o in enumerate(OUTCOME_ORDER)}


def classify_visit(
    *, status: VisitStatus | str, done_on: date | None, earliest: date, latest: date, today: date
) -> Outcome:
    """The outcome of one visit on `today`; the planned state comes from `visit_state` only."""
    state = visit_state(status=status, earliest=earliest, latest=latest, today=today)
    if state is VisitState.DONE:
        if done_on is None or done_on > latest:
            return Outcome.LATE
        return Outcome.IN_WINDOW if done_on >= earliest else Outcome.EARLY
    if state in (VisitState.DUE, VisitState.UPCOMING):
        return Outcome.PENDING
    return Outcome.NOT_DONE


def best_outcome(outcomes: Iterable[Outcome]) -> Outcome:
    """The best of a child's outcomes; `not_planned` when there is none."""
    return max(outcomes, key=OUTCOME_RANK.__getitem__, default=Outcome.NOT_PLANNED)


# -- measures ---------------------------------------------------------------------------------------


class Direction(StrEnum):
    """Whether a measure's target is a floor (coverage) or a ceiling (opt-outs)."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class MeasureCode(StrEnum):
    VISIT = "visit"
    UNIVERSAL_YEAR_ONE = "universal_year_one"
    DEPRESSION_SCREENING = "depression_screening"
    THREE_YEAR_OPT_OUT = "three_year_opt_out"


@dataclass(frozen=True, slots=True)
class Measure:
    """A per-child measure: each child of the denominator falls in exactly one category."""

    code: MeasureCode
    title: str
    categories: tuple[str, ...]  # best first; the SQL ranks them len..1
    numerator: str  # the category the numerator counts
    pending: str | None  # the category of children who may still get there
    direction: Direction
    numerator_text: str

    def rank(self, category: str) -> int:
        return len(self.categories) - self.categories.index(category)

    def category_of(self, rank: int) -> str:
        return self.categories[len(self.categories) - rank]


VISIT_COVERAGE = Measure(
    code=MeasureCode.VISIT,
    title="Visit coverage",
    categories=tuple(o.value for o in OUTCOME_ORDER),
    numerator=Outcome.IN_WINDOW.value,
    pending=Outcome.PENDING.value,
    direction=Direction.AT_LEAST,
    numerator_text="children whose visit was done inside its window (a child counts once, by its best visit)",
)

UNIVERSAL_YEAR_ONE = Measure(
    code=MeasureCode.UNIVERSAL_YEAR_ONE,
    title="At least 5 home visits in the first year",
    categories=("reached", "pending", "not_reached"),
    numerator="reached",
    pending="pending",
    direction=Direction.AT_LEAST,
    numerator_text=(
        "children with at least {min_visits} done visits of {packages} dated from birth to the day before "
        "the first birthday (a child born on 29 February turns one on 1 March)"
    ),
)

DEPRESSION_SCREENING = Measure(
    code=MeasureCode.DEPRESSION_SCREENING,
    title="Depression screening of mother and father before 2 months",
    categories=("complete", "pending", "mother_only", "father_only", "neither"),
    numerator="complete",
    pending="pending",
    direction=Direction.AT_LEAST,
    numerator_text=(
        "children whose mother, and father where the family has one registered, were screened from the "
        "birth date to the day before the child was 2 months old (day-of-month comparison: a child born "
        "on the 31st is screened in time up to the last day of the month two months on)"
    ),
)

THREE_YEAR_OPT_OUT = Measure(
    code=MeasureCode.THREE_YEAR_OPT_OUT,
    title="Opt-outs from the 3-year visit",
    categories=("done", "opted_out", "cancelled_other", "pending", "not_done", "not_planned"),
    numerator="opted_out",
    pending="pending",
    direction=Direction.AT_MOST,
    numerator_text=(
        "children whose three_year visit was cancelled with an opt-out reason (the reason contains one of: {markers})"
    ),
)

MEASURES: dict[MeasureCode, Measure] = {
    m.code: m for m in (VISIT_COVERAGE, UNIVERSAL_YEAR_ONE, DEPRESSION_SCREENING, THREE_YEAR_OPT_OUT)
}


def measure_of(code: str) -> Measure:
    try:
        return MEASURES[MeasureCode(code)]
    except ValueError:
        known = ", ".join(m.value for m in MeasureCode)
        raise ValidationFailed.for_field("measure", f"Unknown measure {code!r}; known: {known}") from None


def three_year_outcome(
    *, status: VisitStatus | str, reason: str | None, markers: Sequence[str], today: date, earliest: date, latest: date
) -> str:
    """The opt-out category of one three_year visit (the SQL mirrors this)."""
    state = visit_state(status=status, earliest=earliest, latest=latest, today=today)
    if state is VisitState.DONE:
        return "done"
    if state is VisitState.CANCELLED:
        text = (reason or "").lower()
        return "opted_out" if any(m.lower() in text for m in markers) else "cancelled_other"
    if state in (VisitState.DUE, VisitState.UPCOMING):
        return "pending"
    return "not_done"


# -- targets and percentages ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A target share in percent, a floor or a ceiling."""

    percent: Fraction
    direction: Direction = Direction.AT_LEAST

    def __post_init__(self) -> None:
        if not 0 <= self.percent <= 100:
            raise ValidationFailed.for_field("target_percent", "target_percent must be between 0 and 100")


def target_from(value: Decimal | float | int | str | Fraction | None, direction: Direction) -> Target | None:
    """A target from a data file or a query value (kept exact: 85.5 is 171/2)."""
    if value is None:
        return None
    try:
        exact = value if isinstance(value, Fraction) else Fraction(str(value))
    except (ValueError, ZeroDivisionError, ArithmeticError):
        raise ValidationFailed.for_field("target_percent", "target_percent must be a number") from None
    return Target(exact, direction)


def share(numerator: int, denominator: int) -> Fraction | None:
    """numerator / denominator in percent, exactly; None for an empty denominator."""
    if denominator < 0 or numerator < 0:
        raise ValueError("counts are never negative")
    if denominator == 0:
        return None
    return Fraction(numerator * 100, denominator)


def round_half_up(value: Fraction, places: int = 1) -> Decimal:
    """A fraction shown with `places` decimals, halves rounded up (85.25 -> 85.3), never via floats."""
    scaled = value * 10**places
    whole = math.floor(scaled)
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole).scaleb(-places)


def percent_shown(numerator: int, denominator: int, places: int = 1) -> Decimal | None:
    exact = share(numerator, denominator)
    return None if exact is None else round_half_up(exact, places)


def target_met(numerator: int, denominator: int, target: Target | None) -> bool | None:
    """Whether the exact share meets the target; None without a target or a denominator."""
    if target is None or denominator == 0:
        return None
    exact = share(numerator, denominator)
    assert exact is not None
    return exact >= target.percent if target.direction is Direction.AT_LEAST else exact <= target.percent


def required_count(denominator: int, target: Target | None) -> int | None:
    """The count the target asks for: at least ceil(target x denominator) for a floor (61 children at
    85 % -> 52), at most floor(target x denominator) for a ceiling."""
    if target is None:
        return None
    exact = target.percent * denominator / 100
    return math.ceil(exact) if target.direction is Direction.AT_LEAST else math.floor(exact)


def can_still_be_met(numerator: int, pending: int, denominator: int, target: Target | None) -> bool | None:
    """Whether the children still pending could bring the figure to the target."""
    if target is None or denominator == 0:
        return None
    if target.direction is Direction.AT_LEAST:
        return target_met(numerator + pending, denominator, target)
    return target_met(numerator, denominator, target)


# -- disclosure control -----------------------------------------------------------------------------

#: A window may be stretched to the next working day (a window of closed days); a cohort counts as
#: complete only when its last window has closed by this margin too.
WINDOW_STRETCH_MARGIN = timedelta(days=14)


def last_complete_birth_year(today: date, windows_close: Iterable[Offset]) -> int:
    """The latest birth year whose every child's windows (each closing an offset of `windows_close` after
    birth) have closed by `today`: a cohort with no child still pending, so its coverage is final. Always
    before this year, so it holds children on 1 January as on 31 December."""
    closes = tuple(windows_close)
    year = today.year - 1
    while any(offset.apply(date(year, 12, 31)) + WINDOW_STRETCH_MARGIN >= today for offset in closes):
        year -= 1
    return year


SMALL_COUNT_THRESHOLD = 5
K = TypeVar("K", bound=Hashable)


class Hidden(StrEnum):
    """Why a figure is not shown to a role without person access."""

    SMALL = "small"  # a count from 1 to threshold-1: shown as "<5"
    COMPLEMENTARY = "complementary"  # hidden so that a small count cannot be derived: shown as "x"
    DERIVED = "derived"  # a percentage or verdict computed from a hidden count
    # A sum of a filtered answer (some areas, some birth years) that the table of every area would not
    # let a reader compute: shown, it could be subtracted from another answer's figures; shown as "x"
    FILTER = "filter"


#: How a hidden figure is written in a CSV table (JSON gives null and the reason).
HIDDEN_MARK: dict[Hidden, str] = {
    Hidden.SMALL: "<5",
    Hidden.COMPLEMENTARY: "x",
    Hidden.DERIVED: "x",
    Hidden.FILTER: "x",
}


@dataclass(frozen=True, slots=True)
class SumConstraint(Generic[K]):
    """`total` = sum of `parts`: one additive relation a reader can use to derive a hidden cell."""

    total: K
    parts: tuple[K, ...]


def grid_constraints(
    rows: Sequence[Hashable],
    columns: Sequence[Hashable],
    *,
    row_total: Hashable | None,
    total_row: Hashable | None,
) -> list[SumConstraint[tuple[Hashable, Hashable]]]:
    """The sums of a table whose cells are keyed (row, column): each row's `row_total` column is the
    sum of its other columns, and each column of the `total_row` is the sum of the other rows."""
    constraints: list[SumConstraint[tuple[Hashable, Hashable]]] = []
    inner_columns = [c for c in columns if c != row_total]
    inner_rows = [r for r in rows if r != total_row]
    if row_total is not None:
        for r in rows:
            constraints.append(SumConstraint((r, row_total), tuple((r, c) for c in inner_columns)))
    if total_row is not None:
        for c in columns:
            constraints.append(SumConstraint((total_row, c), tuple((r, c) for r in inner_rows)))
    return constraints


def _divide(value: Fraction | int, by: Fraction | int) -> Fraction | int:
    """value / by, exactly: an int while it divides evenly (sums of cells keep most entries at -1, 0
    and 1, and int arithmetic is many times faster than Fraction's), a Fraction otherwise."""
    if type(value) is int and type(by) is int and value % by == 0:
        return value // by
    return Fraction(value) / by


class _HiddenColumns(Generic[K]):
    """The sums restricted to the hidden cells, grown one hidden cell at a time, and the hidden cells a
    reader cannot compute.

    Seen column-wise, each hidden cell is a column of the sums (its coefficient in each). A hidden cell
    is undetermined iff some non-zero solution of the homogeneous system uses it, i.e. it lies in the
    support of the matrix's null space. Hiding one more cell only adds a column, so the null space only
    grows: by nothing when the new column is independent of the earlier ones, and otherwise by exactly
    the vector that expresses it through them. The undetermined cells therefore grow monotonically, and
    each new cell costs one forward elimination against the columns kept so far (in echelon form, each
    with its combination of hidden cells) instead of a fresh elimination over every sum.

    Those vectors (`null`) are a basis of the null space: a linear combination of cells (a sum a filtered
    answer publishes, say) is determined by the published cells and the sums iff it is orthogonal to
    every one of them.
    """

    def __init__(self, constraints: Sequence[SumConstraint[K]]) -> None:
        self._coefficients: dict[K, dict[int, int]] = {}
        for index, constraint in enumerate(constraints):
            for key, sign in ((constraint.total, -1), *((p, 1) for p in constraint.parts)):
                column = self._coefficients.setdefault(key, {})
                column[index] = column.get(index, 0) + sign
        # pivot (a sum's index) -> (the reduced column, its combination of hidden cells)
        self._echelon: dict[int, tuple[dict[int, Fraction | int], dict[K, Fraction | int]]] = {}
        self.free: set[K] = set()
        self.null: list[dict[K, Fraction | int]] = []

    def hide(self, key: K) -> set[K]:
        """Add a hidden cell; cells it makes undeterminable join `free` (and are returned)."""
        vector: dict[int, Fraction | int] = {i: v for i, v in self._coefficients.get(key, {}).items() if v}
        combination: dict[K, Fraction | int] = {key: 1}
        pending = [i for i in vector if i in self._echelon]
        heapq.heapify(pending)
        while pending:
            pivot = heapq.heappop(pending)
            factor = vector.get(pivot)
            if not factor:
                continue  # cancelled already, or a repeated entry of the queue
            reduced, used = self._echelon[pivot]
            # Every kept column's entries lie at or after its pivot, so pivots come up in increasing order.
            for i, v in reduced.items():
                value = vector.get(i, 0) - factor * v
                if value:
                    if i not in vector and i in self._echelon:
                        heapq.heappush(pending, i)
                    vector[i] = value
                else:
                    vector.pop(i, None)
            for k, v in used.items():
                value = combination.get(k, 0) - factor * v
                if value:
                    combination[k] = value
                else:
                    combination.pop(k, None)
        if vector:
            lead = min(vector)
            scale = vector[lead]
            self._echelon[lead] = (
                {i: _divide(v, scale) for i, v in vector.items()},
                {k: _divide(v, scale) for k, v in combination.items()},
            )
            return set()
        # A null-space vector: none of these cells can be computed.
        freed = {k for k in combination if k not in self.free}
        self.free.update(freed)
        self.null.append(combination)
        return freed


def derivable(hidden: Sequence[K], constraints: Sequence[SumConstraint[K]]) -> set[K]:
    """The hidden cells a reader can compute exactly from the published cells and the sums.

    Each sum, with the published cells moved to its right-hand side, is a linear equation in the
    hidden cells. A hidden cell is determined iff its unit vector lies in the row space of those
    equations, i.e. iff no solution of the homogeneous system changes it (see `_HiddenColumns`).
    """
    columns = _HiddenColumns(constraints)
    for key in dict.fromkeys(hidden):
        columns.hide(key)
    return {key for key in hidden if key not in columns.free}


def suppress(
    values: Mapping[K, int],
    constraints: Sequence[SumConstraint[K]],
    *,
    threshold: int = SMALL_COUNT_THRESHOLD,
    keep: Collection[K] = (),
    given: Mapping[K, Hidden] | None = None,
    published: Collection[K] = (),
) -> dict[K, Hidden]:
    """Which cells to hide, and why: small counts, then complementary cells until none is derivable.

    Cells in `keep` (a report's headline numerator and denominator) are hidden as complementary cells
    only when nothing else can protect a small count. Each round hides the most preferred cell that
    shares a sum with a derivable hidden cell (or, when all of those are hidden, with any hidden cell).

    For a table suppressed in stages (`disclose_grid`): `given` cells are hidden already (by an earlier
    stage, with their reason) and are protected like the small ones; `published` cells are known to the
    reader whatever this table shows (published by an earlier stage, or shown exactly to this caller):
    they are never hidden, not even when small. Should a hidden cell stay derivable with every other
    cell hidden but those, every cell of the sums that is not `published` is hidden.
    """
    known = frozenset(published)
    if given and not known.isdisjoint(given):
        raise ValueError("a cell cannot be both given as hidden and published")
    hidden: dict[K, Hidden] = dict(given or {})
    hidden.update(
        {k: Hidden.SMALL for k, v in values.items() if 0 < v < threshold and k not in hidden and k not in known}
    )
    if not hidden:
        return hidden
    cells = [(c.total, *c.parts) for c in constraints]
    containing: dict[K, list[int]] = {}
    for index, keys in enumerate(cells):
        for key in keys:
            containing.setdefault(key, []).append(index)
    holds_hidden = [False] * len(constraints)
    links = dict.fromkeys(containing, 0)  # per cell: its sums (one per mention) that hold a hidden cell
    columns = _HiddenColumns(constraints)
    # The hidden cells a reader can compute, and the cells that share a sum with one of them and may be
    # hidden (`near`), kept up to date as cells are hidden rather than searched for every round.
    exposed: set[K] = set()
    exposed_in = [0] * len(constraints)  # per sum: mentions of exposed cells
    touching = dict.fromkeys(containing, 0)  # per cell: its mentions in sums that hold an exposed cell
    near: set[K] = set()

    def expose(key: K, change: int) -> None:
        for index in containing.get(key, ()):
            before = exposed_in[index]
            exposed_in[index] += change
            if (before == 0) == (exposed_in[index] == 0):
                continue
            step = 1 if before == 0 else -1
            for k in cells[index]:
                touching[k] += step
                if touching[k] == 0:
                    near.discard(k)
                elif k not in hidden and k not in known:
                    near.add(k)

    def hide(key: K) -> None:
        for index in containing.get(key, ()):
            if not holds_hidden[index]:
                holds_hidden[index] = True
                for k in cells[index]:
                    links[k] += 1
        near.discard(key)
        for k in columns.hide(key):
            if k in exposed:
                exposed.discard(k)
                expose(k, -1)
        if key not in columns.free:
            exposed.add(key)
            expose(key, 1)

    # Preference: not a headline; non-zero (a hidden zero protects little); then a cell whose other sums
    # already hold a hidden cell, which closes a cycle with fewer cells hidden; an inner cell before a
    # total; the smallest; the first in table order. Only the number of such sums changes between rounds,
    # so the rest is ranked once. A key of the sums that has no value comes after every valued cell, in
    # the order the sums name it (the earlier implementation left that tie to set iteration order).
    order = {key: index for index, key in enumerate(values)}
    named = {key: index for index, key in enumerate(dict.fromkeys(k for keys in cells for k in keys))}
    totals = {c.total for c in constraints}

    def fixed(key: K) -> tuple[bool, int, int, int]:
        value = values.get(key, 0)
        return (key in totals, value, order.get(key, len(order)), named[key] if key not in order else 0)

    head = {key: 2 * (key in keep) + (values.get(key, 0) == 0) for key in containing}
    tail = {key: rank for rank, key in enumerate(sorted(containing, key=fixed))}

    def preference(key: K) -> tuple[int, int, int]:
        return (head[key], -links[key], tail[key])

    def neighbours(of: Iterable[K]) -> set[K]:
        sums = {index for key in of for index in containing.get(key, ())}
        return {k for index in sums for k in cells[index] if k not in hidden and k not in known}

    for key in hidden:
        hide(key)
    while exposed:
        # The best cell sharing a sum with any exposed one: protecting the cause of an exposure (a row
        # with a single hidden cell) often protects what it exposed through the totals as well.
        candidates = near
        if not candidates:  # every neighbour is hidden already: widen to any sum touching a hidden cell
            candidates = neighbours(hidden)
        if not candidates:
            if known:  # a safety net for staged tables; the stages leave a neighbour to hide
                for key in containing:
                    if key not in hidden and key not in known:
                        hidden[key] = Hidden.COMPLEMENTARY
            break  # everything is hidden; nothing is left to derive from
        choice = min(candidates, key=preference)
        hidden[choice] = Hidden.COMPLEMENTARY
        hide(choice)
    return hidden


# -- disclosure across filters ----------------------------------------------------------------------
#
# A coverage answer is filtered (some areas, some birth years, one visit kind, one population), and each
# filter gives other sums of the same children: the total of three areas minus the total of two is the
# third, so suppressing each answer on its own lets two answers give away what each of them hides. Here
# suppression is decided once on a fixed table that no filter changes, and an answer publishes a figure
# only when that table's published cells already determine it.
#
# The fixed table (`CoverageGrid`): per birth year, every area with children, in both populations
# (resident: every child; enrolled: the children enrolled in the package), every visit kind and
# category, the denominators, and the sums over all areas. Birth years are separate children, so each
# year is a table of its own ("slab"); a figure over several years is a sum over slabs.
#
# Stages of one slab (`_suppress_slab`), each a `suppress` with the earlier stages' cells given:
#   1. the resident denominators (areas, the fixed groups of areas, and every area's sum), which every
#      measure and package shares;
#   2. the enrolled denominators, where a cell equal to its resident one (every child of the area
#      enrolled) is the same cell;
#   3. each visit kind's categories, with every denominator taken as known, and every count of a row
#      whose denominator is hidden hidden too (zeros included: beside a hidden denominator a zero tells
#      which category the few children are not in). A category cell equal in both populations (the
#      children not enrolled add nothing to it) is one cell.
# Taking the denominators as known protects the categories against a reader who has them anyway, and
# hiding the whole row of a hidden denominator keeps the categories from saying anything about the
# denominators beyond what stages 1-2 publish: so the answers of any number of visit kinds, measures and
# packages that share the denominators give away no hidden cell together (a change of the hidden
# denominators that keeps their published sums can always be booked on one category, alike in every
# table). The last check is exact: the null space of all of a slab's sums restricted to its hidden
# cells, which tells whether any sum of cells (`GridView.figure`) is determined by what is published,
# and whether the counts leave every change of the hidden denominators open (`_keeps_denominator_moves`:
# the argument above needs the children not enrolled of a row in one category, as a visit's are, in
# not_planned). Should either fail, every count of the slab the caller may not see is hidden.
#
# Fixed groups of areas (the designated areas) are rows of every slab too, and a package that counts in
# them has their total as its headline: kept shown rather than the total of every area when only one of
# the two can be (the other would give the areas outside the group away).
#
# A caller who may see some areas' children (a health visitor: her team's areas) gets those areas
# exactly and the others as managers see them, with whatever more must be hidden so that her exact
# areas and the managers' published cells together do not give away another area's hidden cell.

#: The area of a sum over every area of a slab.
EVERY_AREA = None

GridKey = tuple[Hashable, ...]
#: A row of a slab: an area, a fixed group of areas (`("group", name)`), or every area (None).
Row = str | tuple[str, str] | None


@dataclass(frozen=True, slots=True)
class CoverageGrid:
    """Children per (population, visit kind, area, birth year, category): the inner cells of the fixed
    table of a coverage figure (build it with `CoverageGrid.of`). A measure without visit kinds has one
    kind; every kind counts the same children, so a row's denominator is the same in every kind."""

    categories: tuple[str, ...]
    kinds: tuple[str, ...]
    numerator: str
    populations: tuple[Population, ...]
    counts: tuple[tuple[tuple[Population, str, str, int, str], int], ...]
    # Fixed groups of areas (name, areas) whose sums are cells of the table too (the designated areas),
    # and the group whose total is the headline (None: every area), kept shown before the others.
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    headline: str | None = None

    @classmethod
    def of(
        cls,
        *,
        categories: Sequence[str],
        kinds: Sequence[str],
        numerator: str,
        populations: Sequence[Population],
        counts: Mapping[tuple[Population, str, str, int, str], int],
        groups: Mapping[str, Collection[str]] | None = None,
        headline: str | None = None,
    ) -> CoverageGrid:
        """A grid from counts in any order (a cell not given is 0); the same counts give an equal grid."""
        order = [Population.RESIDENT, Population.ENROLLED]
        fixed = tuple(sorted((name, tuple(sorted(set(areas)))) for name, areas in (groups or {}).items()))
        if headline is not None and headline not in dict(fixed):
            raise ValueError(f"the headline {headline!r} is no group of the grid")
        return cls(
            categories=tuple(categories),
            kinds=tuple(kinds),
            numerator=numerator,
            populations=tuple(sorted(set(populations), key=order.index)),
            counts=tuple(sorted((key, n) for key, n in counts.items() if n)),
            groups=fixed,
            headline=headline,
        )


@dataclass(frozen=True, slots=True)
class Shown:
    """A figure of an answer: its value, and why it is hidden (None: shown)."""

    value: int
    hidden: Hidden | None = None


def _den_key(population: Population, area: Row, year: int) -> GridKey:
    return ("denominator", population, area, year)


def _cell_key(population: Population, kind: str, area: Row, year: int, category: str) -> GridKey:
    return ("count", population, kind, area, year, category)


def _others_key(kind: str, area: Row, year: int, category: str) -> GridKey:
    return ("not enrolled", kind, area, year, category)


class _Slab:
    """One birth year of a grid: its cells (each population's cell equal to the enrolled one merged into
    it), their values, and the sums between them."""

    def __init__(self, grid: CoverageGrid, year: int) -> None:
        inner = {(p, k, a, c): n for (p, k, a, y, c), n in grid.counts if y == year}
        self.year = year
        self.areas: list[str] = sorted({area for (_p, _k, area, _c) in inner})
        # A fixed group's sum is a row of its own, unless it is no sum (none of its areas has children
        # this year) or the sum of every area; `members` says which areas each margin row adds up.
        self.members: dict[Row, list[str]] = {}
        for name, group in grid.groups:
            chosen = [a for a in self.areas if a in group]
            if chosen and len(chosen) < len(self.areas):
                self.members[("group", name)] = chosen
        self.members[EVERY_AREA] = self.areas
        self.headline: Row = EVERY_AREA
        if grid.headline is not None and ("group", grid.headline) in self.members:
            self.headline = ("group", grid.headline)
        rows: list[Row] = [*self.areas, *self.members]
        raw: dict[GridKey, int] = {}
        for population in grid.populations:
            for kind in grid.kinds:
                for category in grid.categories:
                    for area in self.areas:
                        raw[_cell_key(population, kind, area, year, category)] = inner.get(
                            (population, kind, area, category), 0
                        )
                    for margin, members in self.members.items():
                        raw[_cell_key(population, kind, margin, year, category)] = sum(
                            raw[_cell_key(population, kind, a, year, category)] for a in members
                        )
            for row in rows:
                per_kind = {
                    sum(raw[_cell_key(population, kind, row, year, c)] for c in grid.categories) for kind in grid.kinds
                }
                if len(per_kind) > 1:
                    raise ValueError(f"the visit kinds count different children in {row} ({year})")
                raw[_den_key(population, row, year)] = per_kind.pop()
        # A resident cell equal to its enrolled one (nobody outside the package adds to it) is that cell.
        self.canonical: dict[GridKey, GridKey] = {key: key for key in raw}
        if Population.ENROLLED in grid.populations:
            for key, value in raw.items():
                if key[1] is Population.RESIDENT:
                    enrolled = (key[0], Population.ENROLLED, *key[2:])
                    if raw[enrolled] == value:
                        self.canonical[key] = enrolled
        self.values: dict[GridKey, int] = {self.canonical[key]: value for key, value in raw.items()}

        def sums(pairs: Iterable[tuple[GridKey, Sequence[GridKey]]]) -> list[SumConstraint[GridKey]]:
            made = (SumConstraint(self.canonical[t], tuple(self.canonical[p] for p in parts)) for t, parts in pairs)
            return list(dict.fromkeys(made))  # a sum of merged cells is the same sum once

        self.den_keys: dict[Population, list[GridKey]] = {
            p: list(dict.fromkeys(self.canonical[_den_key(p, a, year)] for a in rows)) for p in grid.populations
        }
        self.den_sums: dict[Population, list[SumConstraint[GridKey]]] = {
            p: sums(
                [(_den_key(p, m, year), [_den_key(p, a, year) for a in members]) for m, members in self.members.items()]
            )
            for p in grid.populations
        }
        self.kind_keys: dict[str, list[GridKey]] = {}
        self.kind_sums: dict[str, list[SumConstraint[GridKey]]] = {}
        # Stage 3 takes the denominators as known, and with them the children not enrolled of a row: a
        # resident cell is its enrolled cell plus those (`_others_key`, known to stage 3 only). Stated as
        # a sum, the two cells are neighbours, so hiding one leads to hiding the other.
        self.others: dict[GridKey, int] = {}
        self.stage_sums: dict[str, list[SumConstraint[GridKey]]] = {}
        for kind in grid.kinds:
            pairs: list[tuple[GridKey, Sequence[GridKey]]] = []
            for p in grid.populations:
                for row in rows:
                    pairs.append((_den_key(p, row, year), [_cell_key(p, kind, row, year, c) for c in grid.categories]))
                for c in grid.categories:
                    for margin, members in self.members.items():
                        pairs.append(
                            (_cell_key(p, kind, margin, year, c), [_cell_key(p, kind, a, year, c) for a in members])
                        )
            self.kind_sums[kind] = sums(pairs)
            links: list[SumConstraint[GridKey]] = []
            for row in rows if Population.ENROLLED in grid.populations else ():
                for c in grid.categories:
                    resident = _cell_key(Population.RESIDENT, kind, row, year, c)
                    if resident in raw and self.canonical[resident] == resident:
                        enrolled = _cell_key(Population.ENROLLED, kind, row, year, c)
                        others = _others_key(kind, row, year, c)
                        self.others[others] = raw[resident] - raw[enrolled]
                        links.append(SumConstraint(resident, (enrolled, others)))
            self.stage_sums[kind] = [*self.kind_sums[kind], *links]
            self.kind_keys[kind] = list(
                dict.fromkeys(
                    self.canonical[_cell_key(p, kind, a, year, c)]
                    for p in grid.populations
                    for a in rows
                    for c in grid.categories
                )
            )
        self.all_sums: list[SumConstraint[GridKey]] = list(
            dict.fromkeys(
                [
                    *(s for p in grid.populations for s in self.den_sums[p]),
                    *(s for k in grid.kinds for s in self.kind_sums[k]),
                ]
            )
        )

    def area_of(self, key: GridKey) -> Row:
        area = key[2] if key[0] == "denominator" else key[3]
        assert area is None or isinstance(area, str | tuple)
        return area

    def own(self, exact: frozenset[str]) -> set[GridKey]:
        """The cells a caller with `exact` areas may see: those areas', and the sums of areas all hers."""
        rows = {row for row, members in self.members.items() if exact.issuperset(members)}
        return {key for key in self.values if (area := self.area_of(key)) in exact or area in rows}


def _suppress_slab(
    grid: CoverageGrid,
    slab: _Slab,
    *,
    threshold: int,
    exact: frozenset[str],
    base: Mapping[GridKey, Hidden] | None,
) -> dict[GridKey, Hidden]:
    """The hidden cells of one slab, by the stages above; `base` is the managers' answer (given hidden
    to a caller with `exact` areas, so that she never sees more of another area than a manager)."""
    own = slab.own(exact)

    def from_base(keys: Iterable[GridKey]) -> dict[GridKey, Hidden]:
        return {k: base[k] for k in keys if k in base and k not in own} if base else {}

    hidden: dict[GridKey, Hidden] = {}

    def settle(
        given: dict[GridKey, Hidden],
        keys: Iterable[GridKey],
        sums: Sequence[SumConstraint[GridKey]],
        published: set[GridKey],
    ) -> None:
        """Drop from `given` the cells the `published` ones determine whatever else is hidden (a managers'
        cell her exact areas give her: a margin of her area and one published before, say), and publish
        them: she can compute them, so there is nothing to protect."""
        if not given:
            return
        unknown = [k for k in dict.fromkeys(keys) if k not in published]
        while determined := derivable(unknown, sums) & given.keys():
            for key in determined:
                del given[key]
                hidden.pop(key, None)
                published.add(key)
            unknown = [k for k in unknown if k not in determined]

    done: list[GridKey] = []
    sums: list[SumConstraint[GridKey]] = []
    for population in grid.populations:  # 1-2: the denominators, resident first
        keys = list(dict.fromkeys([*done, *slab.den_keys[population]]))
        sums = [*sums, *slab.den_sums[population]]
        published = {k for k in keys if k in own or (k in done and k not in hidden)}
        given = {k: hidden[k] for k in done if k in hidden} | {
            k: r for k, r in from_base(keys).items() if k not in published
        }
        settle(given, keys, sums, published)
        hidden.update(
            suppress(
                {k: slab.values[k] for k in keys},
                sums,
                threshold=threshold,
                keep={slab.canonical[_den_key(population, m, slab.year)] for m in slab.members},
                given=given,
                published=published,
            )
        )
        done = keys
    denominators = set(done)
    for kind in grid.kinds:  # 3: each kind's categories, the denominators known
        keys = slab.kind_keys[kind]
        others = {k: n for k, n in slab.others.items() if k[1] == kind}
        values = {k: slab.values[k] for k in [*keys, *denominators]} | others
        published = denominators | set(others) | (own & set(keys))
        given = from_base(keys)
        settle(given, values, slab.stage_sums[kind], published)
        for population in grid.populations:
            for area in [*slab.areas, *slab.members]:
                if slab.canonical[_den_key(population, area, slab.year)] in hidden:
                    for c in grid.categories:
                        key = slab.canonical[_cell_key(population, kind, area, slab.year, c)]
                        if key not in published and key not in given:
                            value = slab.values[key]
                            given[key] = Hidden.SMALL if 0 < value < threshold else Hidden.COMPLEMENTARY
        hidden.update(
            suppress(
                values,
                slab.stage_sums[kind],
                threshold=threshold,
                keep={
                    slab.canonical[_cell_key(p, kind, slab.headline, slab.year, grid.numerator)]
                    for p in grid.populations
                },
                given=given,
                published=published,
            )
        )
    return hidden


class _Knowledge:
    """What a reader can compute from a slab's published cells: a sum of cells is determined iff it is
    orthogonal to every vector of the null space of the slab's sums restricted to its hidden cells."""

    def __init__(self, sums: Sequence[SumConstraint[GridKey]], hidden: Iterable[GridKey]) -> None:
        columns = _HiddenColumns(sums)
        order = list(hidden)
        for key in order:
            columns.hide(key)
        self.undetermined = all(key in columns.free for key in order)
        self.null = columns.null
        self.vectors: dict[GridKey, list[tuple[int, Fraction | int]]] = {}
        for index, vector in enumerate(columns.null):
            for key, value in vector.items():
                self.vectors.setdefault(key, []).append((index, value))

    def determines(self, terms: Mapping[GridKey, int]) -> bool:
        dots: dict[int, Fraction | int] = {}
        for key, coefficient in terms.items():
            for index, value in self.vectors.get(key, ()):
                dots[index] = dots.get(index, 0) + coefficient * value
        return not any(dots.values())


@dataclass(frozen=True, slots=True)
class _SlabView:
    slab: _Slab
    hidden: dict[GridKey, Hidden]
    knowledge: _Knowledge
    rescued: bool  # the safety net had to hide every count not the caller's (never for a visit)


@functools.lru_cache(maxsize=16)
def _slab_view(part: CoverageGrid, year: int, threshold: int, exact: frozenset[str]) -> _SlabView:
    """One birth year's suppression and what it lets a reader compute: it depends on that year's children
    only (`part`), so the answers of any filter on the same data share it, and the last few are kept for
    them (a national birth year of 425 areas and 7 visit kinds takes about 20 MB and 2 s to compute)."""
    base = _slab_view(part, year, threshold, frozenset()) if exact else None
    slab = base.slab if base is not None else _Slab(part, year)
    hidden = _suppress_slab(part, slab, threshold=threshold, exact=exact, base=None if base is None else base.hidden)
    knowledge = _Knowledge(slab.all_sums, hidden)
    rescued = not knowledge.undetermined or not _keeps_denominator_moves(slab, hidden, knowledge)
    if rescued:
        # A safety net: hide every count the caller may not see (the denominators stay as stage 1-2 left
        # them, alike in every measure), and know again. The stages leave no cell of a visit to it.
        own = slab.own(exact)
        for key, value in slab.values.items():
            if key[0] == "count" and key not in own and key not in hidden:
                hidden[key] = Hidden.SMALL if 0 < value < threshold else Hidden.COMPLEMENTARY
        knowledge = _Knowledge(slab.all_sums, hidden)
    return _SlabView(slab, hidden, knowledge, rescued)


def _keeps_denominator_moves(slab: _Slab, hidden: Mapping[GridKey, Hidden], knowledge: _Knowledge) -> bool:
    """Whether the counts let the hidden denominators change every way their published sums let them
    (the null space of the denominators alone lies in the denominators' part of the slab's null space).

    Then the counts of any number of measures together tell nothing about the denominators that these
    do not publish: each measure's counts follow any such change on their own. It holds when the stages
    hide the whole row of a hidden denominator, and the children not enrolled of every hidden row are in
    one category (a visit's: not_planned); it is checked, not assumed."""
    dens = [k for k in hidden if k[0] == "denominator"]
    if not dens:
        return True
    alone = _HiddenColumns([sum_ for p in slab.den_sums for sum_ in slab.den_sums[p]])
    for key in dens:
        alone.hide(key)
    kept: dict[GridKey, dict[GridKey, Fraction]] = {}  # pivot -> row, in reduced echelon form

    def reduce(vector: Mapping[GridKey, Fraction | int]) -> dict[GridKey, Fraction]:
        rest = {k: Fraction(v) for k, v in vector.items() if v and k[0] == "denominator"}
        for pivot, row in kept.items():
            factor = rest.get(pivot)
            if factor:
                for k, v in row.items():
                    rest[k] = rest.get(k, Fraction(0)) - factor * v
                rest = {k: v for k, v in rest.items() if v}
        return rest

    for vector in knowledge.null:
        rest = reduce(vector)
        if rest:
            pivot = min(rest, key=repr)
            row = {k: v / rest[pivot] for k, v in rest.items()}
            for other in kept.values():
                factor = other.get(pivot)
                if factor:
                    for k, v in row.items():
                        other[k] = other.get(k, Fraction(0)) - factor * v
                    for k in [k for k, v in other.items() if not v]:
                        del other[k]
            kept[pivot] = row
    return all(not reduce(vector) for vector in alone.null)


def _by_year(grid: CoverageGrid) -> dict[int, CoverageGrid]:
    counts: dict[int, list[tuple[tuple[Population, str, str, int, str], int]]] = {}
    for key, n in grid.counts:
        counts.setdefault(key[3], []).append((key, n))
    return {year: dataclasses.replace(grid, counts=tuple(cells)) for year, cells in sorted(counts.items())}


class GridView:
    """A caller's view of a grid: every figure an answer may ask for, shown or hidden (`figure`)."""

    def __init__(self, grid: CoverageGrid, *, threshold: int, applied: bool, exact_areas: Collection[str] = ()) -> None:
        self.grid = grid
        self.threshold = threshold
        self.applied = applied
        self.exact_areas = frozenset(exact_areas)
        self.slabs: dict[int, _Slab] = {}
        self.hidden: dict[int, dict[GridKey, Hidden]] = {}
        self._knowledge: dict[int, _Knowledge] = {}
        self.rescued: list[int] = []  # years the safety net had to hide (the stages never leave any)
        for year, part in _by_year(grid).items():
            if not applied:
                self.slabs[year], self.hidden[year] = _Slab(part, year), {}
                continue
            areas = {key[2] for key, _n in part.counts}
            view = _slab_view(part, year, threshold, self.exact_areas & areas)
            self.slabs[year], self.hidden[year], self._knowledge[year] = view.slab, view.hidden, view.knowledge
            if view.rescued:
                self.rescued.append(year)

    @property
    def years(self) -> list[int]:
        """The birth years with children, in order."""
        return list(self.slabs)

    def areas(self, population: Population, years: Collection[int] | None) -> list[str]:
        """The areas with children of `population` born in `years` (every year when None), in order."""
        found: set[str] = set()
        for year, slab in self._slabs_of(years):
            found.update(a for a in slab.areas if slab.values[slab.canonical[_den_key(population, a, year)]])
        return sorted(found)

    def _slabs_of(self, years: Collection[int] | None) -> list[tuple[int, _Slab]]:
        return [(y, s) for y, s in self.slabs.items() if years is None or y in years]

    def figure(
        self,
        population: Population,
        kinds: Sequence[str],
        areas: Collection[str] | None,
        years: Collection[int] | None,
        column: str,
    ) -> Shown:
        """The sum over `kinds` of the children of `population` born in `years` and living in `areas`
        (every year, every area when None) counted in `column` (a category or "denominator").

        Shown when the caller may see every child in it (all of `areas` exact), or when the published
        cells determine it and the part outside her exact areas is no small count; else hidden: as the
        cell's own reason when it is one cell of the table, `filter` when it is a sum the table does not
        publish."""
        value = own = 0
        terms: dict[int, dict[GridKey, int]] = {}
        for year, slab in self._slabs_of(years):
            slab_terms = terms.setdefault(year, {})
            chosen = slab.areas if areas is None else [a for a in slab.areas if a in areas]
            margins = [m for m, members in slab.members.items() if members == chosen]
            for kind in kinds:
                cells: list[Row] = [margins[-1]] if margins else list(chosen)
                for area in cells:
                    raw = (
                        _den_key(population, area, year)
                        if column == "denominator"
                        else _cell_key(population, kind, area, year, column)
                    )
                    key = slab.canonical[raw]
                    slab_terms[key] = slab_terms.get(key, 0) + 1
                    value += slab.values[key]
                for area in chosen:
                    if area in self.exact_areas:
                        raw = (
                            _den_key(population, area, year)
                            if column == "denominator"
                            else _cell_key(population, kind, area, year, column)
                        )
                        own += slab.values[slab.canonical[raw]]
        if not self.applied:
            return Shown(value)
        if 0 < value - own < self.threshold:
            return Shown(value, Hidden.SMALL)
        if all(self._knowledge[year].determines(t) for year, t in terms.items()):
            return Shown(value)
        keys = [(year, key) for year, t in terms.items() for key in t]
        if len(keys) == 1 and keys[0][1] in self.hidden[keys[0][0]]:
            return Shown(value, self.hidden[keys[0][0]][keys[0][1]])
        return Shown(value, Hidden.FILTER)


def disclose_grid(
    grid: CoverageGrid,
    *,
    threshold: int = SMALL_COUNT_THRESHOLD,
    applied: bool = True,
    exact_areas: Collection[str] = (),
) -> GridView:
    """A caller's view of `grid`: exact when disclosure control is not `applied`; otherwise the managers'
    suppression of the fixed table (the same for every filter, visit kind and population of the grid), and
    for a caller with `exact_areas` those areas exactly and the others as managers see them, hiding more
    where her exact areas would give another area's hidden cell away."""
    return GridView(grid, threshold=threshold, applied=applied, exact_areas=exact_areas if applied else ())


# -- levels over time -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChildLevels:
    """A child's birth date and level history (as `record_level_change` keeps it)."""

    birth_date: date | None
    history: tuple[LevelChange, ...]


def month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from `first`'s month to `last`'s month."""
    ends: list[date] = []
    month = date(first.year, first.month, 1)
    while month <= last:
        following = add_months(month, 1)
        ends.append(following - timedelta(days=1))
        month = following
    return ends


def counted_at(child: ChildLevels, day: date, *, born_after: date) -> bool:
    """Whether a child is on the staircase on `day`: from birth (or an earlier level decision, e.g. in
    pregnancy) until the age limit (born on or before `born_after` is past it)."""
    if child.birth_date is not None and child.birth_date <= born_after:
        return False
    started = child.birth_date is not None and child.birth_date <= day
    decided = bool(child.history) and child.history[0].effective_on <= day
    return started or decided


def level_counts(children: Iterable[ChildLevels], day: date, *, born_after: date) -> Counter[InterventionLevel]:
    """Children per level in force on `day` (`level_on`), of those counted on that day."""
    counts: Counter[InterventionLevel] = Counter()
    for child in children:
        if counted_at(child, day, born_after=born_after):
            counts[level_on(child.history, day)] += 1
    return counts


def step_counts(children: Iterable[ChildLevels], first: date, last: date) -> Counter[tuple[date, StepDirection]]:
    """Steps up and down per month (keyed by the month's first day), for changes dated first..last."""
    counts: Counter[tuple[date, StepDirection]] = Counter()
    for child in children:
        for step in steps(child.history):
            day = step.change.effective_on
            if first <= day <= last and step.direction is not StepDirection.SAME:
                counts[(date(day.year, day.month, 1), step.direction)] += 1
    return counts


@dataclass(frozen=True, slots=True)
class TimeAtLevel:
    spans: int = 0  # stays at the level (consecutive decisions for the same level are one stay)
    ongoing: int = 0  # stays not ended by `until`
    days: int = 0  # their total length, ongoing ones counted up to `until`

    def average_days(self) -> Fraction | None:
        return Fraction(self.days, self.spans) if self.spans else None


def time_at_levels(children: Iterable[ChildLevels], until: date) -> dict[InterventionLevel, TimeAtLevel]:
    """Stays at each level from the level decisions: from a decision to the next one that changes the
    level, or to `until`. Level 1 before any decision is not a decided stay and is not counted."""
    totals = {level: [0, 0, 0] for level in InterventionLevel}
    for child in children:
        history = [c for c in child.history if c.effective_on <= until]
        stays: list[tuple[InterventionLevel, date]] = []
        for change in history:
            if stays and stays[-1][1] == change.effective_on:
                stays[-1] = (change.level, change.effective_on)  # a same-day correction replaces
            elif not stays or stays[-1][0] != change.level:
                stays.append((change.level, change.effective_on))
        for index, (level, start) in enumerate(stays):
            if index + 1 < len(stays):
                end, ongoing = stays[index + 1][1], 0
            else:
                end, ongoing = until, 1
            entry = totals[level]
            entry[0] += 1
            entry[1] += ongoing
            entry[2] += (end - start).days
    return {level: TimeAtLevel(*values) for level, values in totals.items()}


# -- report settings (domain/catalog/reports.toml) --------------------------------------------------


class Population(StrEnum):
    ENROLLED = "enrolled"
    RESIDENT = "resident"


@dataclass(frozen=True, slots=True)
class PackageCoverage:
    population: Population
    designated_areas_only: bool = False
    targets: Mapping[str, Fraction] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """The defaults of every report, from `domain/catalog/reports.toml`."""

    threshold: int
    default_population: Population
    packages: Mapping[str, PackageCoverage]
    universal_packages: tuple[str, ...]
    universal_min_visits: int
    universal_target: Fraction | None
    depression_target: Fraction | None
    opt_out_markers: tuple[str, ...]
    opt_out_target: Fraction | None
    group_package: str
    courses_per_area_per_year: int
    stable_target: Fraction
    questionnaire_target: Fraction
    stable_share_of_sessions: Fraction
    fidelity_threshold: Fraction
    capacity_weeks: int
    weekly_visit_cap: int
    caseload_caps: Mapping[str, int]
    max_age_years: int

    def coverage_of(self, package_code: str) -> PackageCoverage:
        return self.packages.get(package_code) or PackageCoverage(self.default_population)

    def default_target(self, measure: Measure, package_code: str | None, visit_kind: str | None) -> Target | None:
        value: Fraction | None
        if measure.code is MeasureCode.VISIT:
            value = self.coverage_of(package_code or "").targets.get(visit_kind or "")
        elif measure.code is MeasureCode.UNIVERSAL_YEAR_ONE:
            value = self.universal_target
        elif measure.code is MeasureCode.DEPRESSION_SCREENING:
            value = self.depression_target
        else:
            value = self.opt_out_target
        return target_from(value, measure.direction)


def _fraction(value: Any, name: str, *, low: Fraction = Fraction(0), high: Fraction | None = None) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationFailed.for_field(name, f"{name} must be a number")
    try:
        exact = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        raise ValidationFailed.for_field(name, f"{name} must be a number") from None
    if exact < low or (high is not None and exact > high):
        raise ValidationFailed.for_field(name, f"{name} is out of range")
    return exact


def _optional_fraction(value: Any, name: str) -> Fraction | None:
    return None if value is None else _fraction(value, name, high=Fraction(100))


def report_settings_from_mapping(data: Mapping[str, Any]) -> ReportSettings:
    """Validate the report defaults (parsed TOML)."""
    coverage = data.get("coverage", {})
    packages: dict[str, PackageCoverage] = {}
    for code, entry in coverage.get("packages", {}).items():
        targets = {
            kind: _fraction(v, f"coverage.packages.{code}.targets.{kind}", high=Fraction(100))
            for kind, v in entry.get("targets", {}).items()
        }
        packages[code] = PackageCoverage(
            population=Population(entry.get("population", coverage.get("default_population", "enrolled"))),
            designated_areas_only=bool(entry.get("designated_areas_only", False)),
            targets=targets,
        )
    measures = data.get("measures", {})
    universal = measures.get("universal_year_one", {})
    depression = measures.get("depression_screening", {})
    opt_out = measures.get("three_year_opt_out", {})
    groups = data.get("group_attendance", {})
    capacity = data.get("capacity", {})
    return ReportSettings(
        threshold=int(data.get("disclosure", {}).get("threshold", SMALL_COUNT_THRESHOLD)),
        default_population=Population(coverage.get("default_population", "enrolled")),
        packages=packages,
        universal_packages=tuple(universal.get("packages", ["universal"])),
        universal_min_visits=int(universal.get("min_visits", 5)),
        universal_target=_optional_fraction(universal.get("target_percent"), "universal_year_one.target_percent"),
        depression_target=_optional_fraction(depression.get("target_percent"), "depression_screening.target_percent"),
        opt_out_markers=tuple(str(m) for m in opt_out.get("opt_out_markers", ["opt-out"])),
        opt_out_target=_optional_fraction(opt_out.get("target_percent"), "three_year_opt_out.target_percent"),
        group_package=str(groups.get("package_code", "mothers_group")),
        courses_per_area_per_year=int(groups.get("courses_per_area_per_year", 2)),
        stable_target=_fraction(groups.get("stable_target_percent", 75), "stable_target_percent", high=Fraction(100)),
        questionnaire_target=_fraction(
            groups.get("questionnaire_target_percent", 80), "questionnaire_target_percent", high=Fraction(100)
        ),
        stable_share_of_sessions=_fraction(
            groups.get("stable_share_of_sessions", 0.75), "stable_share_of_sessions", high=Fraction(1)
        ),
        fidelity_threshold=_fraction(
            data.get("fidelity", {}).get("threshold_percent", 80), "fidelity.threshold_percent", high=Fraction(100)
        ),
        capacity_weeks=int(capacity.get("weeks", 8)),
        weekly_visit_cap=int(capacity.get("weekly_visit_cap", 0)),
        caseload_caps={str(k): int(v) for k, v in capacity.get("caseload_caps", {}).items()},
        max_age_years=int(data.get("levels", {}).get("max_age_years", 6)),
    )


@cache
def load_report_settings() -> ReportSettings:
    """The report defaults shipped in `domain/catalog/reports.toml`, parsed and validated once."""
    text = resources.files("domain").joinpath("catalog", "reports.toml").read_text(encoding="utf-8")
    return report_settings_from_mapping(tomllib.loads(text))
