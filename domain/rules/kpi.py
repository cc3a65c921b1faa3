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
"""

from __future__ import annotations

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


#: How a hidden figure is written in a CSV table (JSON gives null and the reason).
HIDDEN_MARK: dict[Hidden, str] = {Hidden.SMALL: "<5", Hidden.COMPLEMENTARY: "x", Hidden.DERIVED: "x"}


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
    """

    def __init__(self, constraints: Sequence[SumConstraint[K]]) -> None:
        self._coefficients: dict[K, dict[int, int]] = {}
        for index, constraint in enumerate(constraints):
            for key, sign in ((constraint.total, -1), *((p, 1) for p in constraint.parts)):
                column = self._coefficients.setdefault(key, {})
                column[index] = column.get(index, 0) + sign
        # pivot (a sum's index) -> (the reduced column, its combination of hidden cells)
        self._echelon: dict[int, tuple[dict[int, Fraction], dict[K, Fraction]]] = {}
        self.free: set[K] = set()

    def hide(self, key: K) -> None:
        """Add a hidden cell; cells it makes undeterminable join `free`."""
        vector = {i: Fraction(v) for i, v in self._coefficients.get(key, {}).items() if v}
        combination: dict[K, Fraction] = {key: Fraction(1)}
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
                {i: v / scale for i, v in vector.items()},
                {k: v / scale for k, v in combination.items()},
            )
        else:
            self.free.update(combination)  # a null-space vector: none of these cells can be computed


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
) -> dict[K, Hidden]:
    """Which cells to hide, and why: small counts, then complementary cells until none is derivable.

    Cells in `keep` (a report's headline numerator and denominator) are hidden as complementary cells
    only when nothing else can protect a small count. Each round hides the most preferred cell that
    shares a sum with a derivable hidden cell (or, when all of those are hidden, with any hidden cell).
    """
    hidden: dict[K, Hidden] = {k: Hidden.SMALL for k, v in values.items() if 0 < v < threshold}
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

    def hide(key: K) -> None:
        for index in containing.get(key, ()):
            if not holds_hidden[index]:
                holds_hidden[index] = True
                for k in cells[index]:
                    links[k] += 1
        columns.hide(key)

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
        return {k for index in sums for k in cells[index] if k not in hidden}

    for key in hidden:
        hide(key)
    while hidden:
        exposed = [k for k in hidden if k not in columns.free]
        if not exposed:
            break
        # The best cell sharing a sum with any exposed one: protecting the cause of an exposure (a row
        # with a single hidden cell) often protects what it exposed through the totals as well.
        near = neighbours(exposed)
        if not near:  # every neighbour is hidden already: widen to any sum touching a hidden cell
            near = neighbours(hidden)
        if not near:
            break  # everything is hidden; nothing is left to derive from
        choice = min(near, key=preference)
        hidden[choice] = Hidden.COMPLEMENTARY
        hide(choice)
    return hidden


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
