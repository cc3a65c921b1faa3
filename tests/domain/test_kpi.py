"""Report arithmetic: outcomes, exact percentages against targets, levels over time, and disclosure
control that never lets a hidden count be derived from the totals."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.rules import kpi
from domain.rules.levels import DecisionBasis, InterventionLevel, LevelChange
from domain.rules.visit_state import VisitStatus
from tests.domain.strategies import PROPERTY, grid_table

TODAY = date(2026, 6, 1)
EARLIEST, LATEST = date(2026, 3, 1), date(2026, 3, 31)


def outcome(status: str, done_on: date | None = None, *, latest: date = LATEST) -> kpi.Outcome:
    return kpi.classify_visit(status=status, done_on=done_on, earliest=EARLIEST, latest=latest, today=TODAY)


# -- outcomes ---------------------------------------------------------------------------------------


def test_a_visit_done_inside_its_window_is_in_window_and_one_done_after_it_is_late() -> None:
    assert outcome("done", date(2026, 3, 1)) is kpi.Outcome.IN_WINDOW
    assert outcome("done", date(2026, 3, 31)) is kpi.Outcome.IN_WINDOW
    assert outcome("done", date(2026, 4, 1)) is kpi.Outcome.LATE
    assert outcome("done", date(2026, 2, 28)) is kpi.Outcome.EARLY
    assert outcome("done", None) is kpi.Outcome.LATE


def test_a_planned_visit_is_pending_until_its_window_closes_and_then_not_done() -> None:
    assert outcome("planned", latest=TODAY) is kpi.Outcome.PENDING
    assert outcome("planned", latest=date(2026, 5, 31)) is kpi.Outcome.NOT_DONE
    assert outcome("missed") is kpi.Outcome.NOT_DONE
    assert outcome("cancelled") is kpi.Outcome.NOT_DONE


def test_a_child_counts_by_its_best_visit_and_without_one_as_not_planned() -> None:
    assert kpi.best_outcome([kpi.Outcome.NOT_DONE, kpi.Outcome.LATE]) is kpi.Outcome.LATE
    assert kpi.best_outcome([kpi.Outcome.PENDING, kpi.Outcome.IN_WINDOW]) is kpi.Outcome.IN_WINDOW
    assert kpi.best_outcome([]) is kpi.Outcome.NOT_PLANNED
    ranks = [kpi.OUTCOME_RANK[o] for o in kpi.OUTCOME_ORDER]
    assert ranks == sorted(ranks, reverse=True)
    assert kpi.VISIT_COVERAGE.rank("in_window") == kpi.OUTCOME_RANK[kpi.Outcome.IN_WINDOW]


def test_a_three_year_visit_cancelled_with_an_opt_out_reason_is_an_opt_out() -> None:
    def opt(status: str, reason: str | None) -> str:
        return kpi.three_year_outcome(
            status=status, reason=reason, markers=("fravalg", "declined"), today=TODAY, earliest=EARLIEST, latest=LATEST
        )

    assert opt("cancelled", "Familien har fravalgt besøget") == "opted_out"
    assert opt("cancelled", "Parents DECLINED") == "opted_out"
    assert opt("cancelled", "moved away") == "cancelled_other"
    assert opt("done", None) == "done"
    assert opt(VisitStatus.MISSED, None) == "not_done"


def test_an_unknown_measure_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as raised:
        kpi.measure_of("nonsense")
    assert raised.value.errors[0].field == "measure"


# -- targets ----------------------------------------------------------------------------------------

SIX_MONTHS = kpi.Target(Fraction(85))
EIGHTEEN_MONTHS = kpi.Target(Fraction(75))


def test_seed_001_sixty_one_children_need_52_and_46_visits_98_in_all() -> None:
    six, eighteen = kpi.required_count(61, SIX_MONTHS), kpi.required_count(61, EIGHTEEN_MONTHS)
    assert (six, eighteen) == (52, 46)
    assert six is not None and eighteen is not None and six + eighteen == 98
    assert kpi.target_met(52, 61, SIX_MONTHS) is True
    assert kpi.target_met(51, 61, SIX_MONTHS) is False
    assert kpi.target_met(46, 61, EIGHTEEN_MONTHS) is True
    assert kpi.target_met(45, 61, EIGHTEEN_MONTHS) is False


def test_percentages_are_exact_until_shown_and_rounded_half_up() -> None:
    assert kpi.share(52, 61) == Fraction(5200, 61)
    assert kpi.percent_shown(52, 61) == Decimal("85.2")
    assert kpi.percent_shown(46, 61) == Decimal("75.4")
    assert kpi.round_half_up(Fraction(17051, 200)) == Decimal("85.3")  # 85.255 -> 85.3
    assert kpi.round_half_up(Fraction(8525, 100)) == Decimal("85.3")  # exactly half: up
    assert kpi.percent_shown(0, 0) is None
    assert kpi.target_met(0, 0, SIX_MONTHS) is None


def test_a_ceiling_target_is_met_at_or_below_it() -> None:
    ceiling = kpi.Target(Fraction(13), kpi.Direction.AT_MOST)
    assert kpi.target_met(13, 100, ceiling) is True
    assert kpi.target_met(14, 100, ceiling) is False
    assert kpi.required_count(61, ceiling) == 7  # at most 7 of 61


def test_pending_children_may_still_bring_a_floor_to_target() -> None:
    assert kpi.can_still_be_met(40, 12, 61, SIX_MONTHS) is True
    assert kpi.can_still_be_met(40, 11, 61, SIX_MONTHS) is False


def test_a_target_outside_0_to_100_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as raised:
        kpi.target_from(120, kpi.Direction.AT_LEAST)
    assert raised.value.errors[0].field == "target_percent"


@PROPERTY
@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_a_percentage_is_always_between_0_and_100(numerator: int, extra: int) -> None:
    denominator = numerator + extra - 1 if numerator + extra > 1 else 1
    numerator = min(numerator, denominator)
    shown = kpi.percent_shown(numerator, denominator)
    assert shown is not None and Decimal(0) <= shown <= Decimal(100)
    exact = kpi.share(numerator, denominator)
    assert exact is not None and abs(Fraction(shown) - exact) <= Fraction(1, 20)


@PROPERTY
@given(st.integers(0, 5000), st.integers(1, 5000), st.integers(0, 100))
def test_met_agrees_with_the_required_count(numerator: int, denominator: int, percent: int) -> None:
    numerator = min(numerator, denominator)
    target = kpi.Target(Fraction(percent))
    required = kpi.required_count(denominator, target)
    assert required is not None
    assert kpi.target_met(numerator, denominator, target) is (numerator >= required)


# -- disclosure control -----------------------------------------------------------------------------


def _rank(rows: list[dict[int, Fraction]], width: int) -> int:
    """Rank over the fractions, by plain Gaussian elimination (independent of `kpi.derivable`)."""
    matrix = [[row.get(i, Fraction(0)) for i in range(width)] for row in rows]
    rank = 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for r in range(len(matrix)):
            if r != rank and matrix[r][column]:
                factor = matrix[r][column] / matrix[rank][column]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[rank], strict=True)]
        rank += 1
    return rank


def determined_by_rank(hidden: list[Hashable], constraints: list[kpi.SumConstraint[Hashable]]) -> set[Hashable]:
    """A hidden cell is determined iff adding its unit row does not raise the rank of the sums."""
    index = {key: i for i, key in enumerate(hidden)}
    rows: list[dict[int, Fraction]] = []
    for c in constraints:
        row: dict[int, Fraction] = {}
        for key, sign in ((c.total, -1), *((p, 1) for p in c.parts)):
            if key in index:
                row[index[key]] = row.get(index[key], Fraction(0)) + sign
        rows.append(row)
    base = _rank(rows, len(hidden))
    return {key for key in hidden if _rank([*rows, {index[key]: Fraction(1)}], len(hidden)) == base}


def attacked(
    values: dict[Hashable, int], hidden: set[Hashable], constraints: list[kpi.SumConstraint[Hashable]]
) -> set[Hashable]:
    """What a reader recovers by repeatedly solving sums with a single unknown."""
    known = {k: v for k, v in values.items() if k not in hidden}
    found: set[Hashable] = set()
    progress = True
    while progress:
        progress = False
        for c in constraints:
            unknown = [k for k in (c.total, *c.parts) if k not in known]
            if len(unknown) != 1:
                continue
            key = unknown[0]
            parts = sum(known[p] for p in c.parts if p in known)
            known[key] = parts if key == c.total else known[c.total] - (parts - 0)
            found.add(key)
            progress = True
    return found


def test_a_small_area_is_hidden_and_cannot_be_derived_from_the_total() -> None:
    values, constraints = grid_table([[40, 6, 9], [3, 1, 0], [35, 7, 8]])
    hidden = kpi.suppress(values, constraints)
    assert hidden[(1, 0)] is kpi.Hidden.SMALL
    assert hidden[(1, 1)] is kpi.Hidden.SMALL
    assert hidden[(1, "sum")] is kpi.Hidden.SMALL
    assert (1, 2) not in hidden  # a zero is shown
    assert kpi.Hidden.COMPLEMENTARY in hidden.values()
    assert kpi.derivable(list(hidden), constraints) == set()
    assert attacked(values, set(hidden), constraints) == set()


def test_complementary_suppression_closes_a_cycle_with_as_few_cells_as_it_can() -> None:
    values, constraints = grid_table([[3, 10, 7], [8, 9, 6], [12, 2, 15]])
    hidden = kpi.suppress(values, constraints)
    assert set(hidden) == {(0, 0), (2, 1), (0, 1), (2, 0)}


def test_nothing_is_hidden_when_every_count_is_large_or_zero() -> None:
    values, constraints = grid_table([[40, 0, 9], [30, 6, 0]])
    assert kpi.suppress(values, constraints) == {}


@PROPERTY
@given(
    st.integers(1, 5).flatmap(
        lambda width: st.lists(st.lists(st.integers(0, 12), min_size=width, max_size=width), min_size=1, max_size=5)
    )
)
def test_suppression_never_reveals_a_hidden_cell_from_the_totals(cells: list[list[int]]) -> None:
    values, constraints = grid_table(cells)
    hidden = kpi.suppress(values, constraints)
    small = {k for k, v in values.items() if 0 < v < kpi.SMALL_COUNT_THRESHOLD}
    assert small <= set(hidden)
    assert all(values[k] > 0 for k, reason in hidden.items() if reason is kpi.Hidden.SMALL)
    assert determined_by_rank(list(hidden), list(constraints)) == set()
    assert attacked(values, set(hidden), constraints) == set()


# -- levels over time -------------------------------------------------------------------------------


def decision(day: date, level: int) -> LevelChange:
    return LevelChange(day, InterventionLevel(level), "hv1", DecisionBasis.CRITERIA, "test")


A = kpi.ChildLevels(date(2025, 6, 10), (decision(date(2026, 1, 10), 2), decision(date(2026, 2, 20), 3)))
B = kpi.ChildLevels(date(2025, 9, 1), (decision(date(2026, 2, 1), 4), decision(date(2026, 3, 5), 2)))
UNBORN = kpi.ChildLevels(None, (decision(date(2026, 1, 20), 3),))
OLD = kpi.ChildLevels(date(2019, 1, 1), (decision(date(2025, 1, 1), 3),))


def test_children_are_counted_at_the_level_in_force_at_each_month_end() -> None:
    ends = kpi.month_ends(date(2026, 1, 1), date(2026, 3, 1))
    assert ends == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    born_after = date(2020, 1, 31)
    children = [A, B, UNBORN, OLD]
    assert kpi.level_counts(children, ends[0], born_after=born_after) == {
        InterventionLevel.NEEDS_BASED: 1,
        InterventionLevel.UNIVERSAL: 1,
        InterventionLevel.TARGETED: 1,
    }
    assert kpi.level_counts(children, ends[1], born_after=born_after) == {
        InterventionLevel.TARGETED: 2,
        InterventionLevel.INDICATED: 1,
    }


def test_steps_up_and_down_are_counted_in_the_month_they_take_effect() -> None:
    counts = kpi.step_counts([A, B], date(2026, 1, 1), date(2026, 3, 31))
    assert counts == {
        (date(2026, 1, 1), kpi.StepDirection.UP): 1,
        (date(2026, 2, 1), kpi.StepDirection.UP): 2,
        (date(2026, 3, 1), kpi.StepDirection.DOWN): 1,
    }


def test_time_at_a_level_runs_from_a_decision_to_the_next_change_or_the_report_end() -> None:
    stays = kpi.time_at_levels([A, B], date(2026, 3, 31))
    assert stays[InterventionLevel.NEEDS_BASED] == kpi.TimeAtLevel(spans=2, ongoing=1, days=41 + 26)
    assert stays[InterventionLevel.TARGETED] == kpi.TimeAtLevel(spans=1, ongoing=1, days=39)
    assert stays[InterventionLevel.INDICATED] == kpi.TimeAtLevel(spans=1, ongoing=0, days=32)
    assert stays[InterventionLevel.NEEDS_BASED].average_days() == Fraction(67, 2)


# -- settings ---------------------------------------------------------------------------------------


def test_the_shipped_defaults_carry_the_seed_targets() -> None:
    settings = kpi.load_report_settings()
    target = settings.default_target(kpi.VISIT_COVERAGE, "housing_area_extra", "extra_6_months")
    assert target == kpi.Target(Fraction(85))
    assert settings.default_target(kpi.VISIT_COVERAGE, "housing_area_extra", "extra_18_months") == kpi.Target(
        Fraction(75)
    )
    assert settings.coverage_of("housing_area_extra").population is kpi.Population.RESIDENT
    assert settings.stable_target == 75 and settings.questionnaire_target == 80
    assert settings.caseload_caps["minding_the_baby"] == 25
