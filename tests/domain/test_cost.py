"""The cost estimate: visits from the package's own schedule, hours, overheads, FTE and placements."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.rules.catalog import load_default_catalog
from domain.rules.cost import COORDINATOR, CostEstimate, estimate_cost, load_rate_book
from tests.domain.strategies import PROPERTY

CATALOG = load_default_catalog()
BOOK = load_rate_book()
MTB = CATALOG.current("minding_the_baby")


def estimate(code: str = "minding_the_baby", families: int = 20, **overrides: Any) -> CostEstimate:
    placements = overrides.pop("placements", None)
    placement_cost = overrides.pop("placement_cost", None)
    visits = overrides.pop("visits_per_family", None)
    return estimate_cost(
        CATALOG.current(code),
        families=families,
        rates=BOOK.rates_for(code, overrides),
        reference=BOOK.reference,
        visits_per_family=visits,
        placements=placements,
        placement_cost=placement_cost,
    )


def test_minding_the_baby_for_20_families_a_year_matches_the_hand_calculation() -> None:
    # Visits: weekly from week 28 of pregnancy (12 weeks before the due date) to the first birthday,
    # 12 + 52 weeks + the first = 65; then fortnightly in the second year, 27; 92 in all, each with a
    # health visitor AND a family therapist.
    # Each professional per visit: 60 min visit + 30 min travel + 15 min documentation = 1.75 h.
    # Per family and role: 92 x 1.75 = 161 h, plus 10 % supervision = 177.1 h.
    #   health visitor   177.1 h x DKK 365 = 64,641.50
    #   family therapist 177.1 h x DKK 360 = 63,756.00
    #   coordinator 12.5 % x (177.1 + 177.1) = 44.275 h x DKK 390 = 17,267.25
    #   variable cost per family = 145,664.75
    # Per year, 20 families: 2,913,295.00 variable.
    # FTE: 20 x 177.1 = 3,542 h / (1,924 h x 0.8 = 1,539.2 h) = 2.3012 per role -> 3 people each to
    # train at DKK 25,000 = 150,000. Cost per year 3,063,295; per family 153,164.75.
    # Coordinator: 885.5 h / 1,539.2 = 0.5753 FTE.
    e = estimate()
    assert e.visits_per_family == 92
    assert e.visits_by_kind == {"mtb_weekly": 65, "mtb_fortnightly": 27}
    by_role = {r.role: r for r in e.roles}
    assert by_role["health_visitor"].hours_per_family == Fraction("177.1")
    assert by_role["health_visitor"].cost_per_family == Fraction("64641.5")
    assert by_role["family_therapist"].cost_per_family == Fraction("63756")
    assert by_role[COORDINATOR].hours_per_family == Fraction("44.275")
    assert by_role[COORDINATOR].cost_per_family == Fraction("17267.25")
    assert e.variable_cost_per_family == Fraction("145664.75")
    assert by_role["health_visitor"].professionals == 3
    assert e.training_cost_per_year == 150_000
    assert e.cost_per_year == Fraction("3063295")
    assert e.cost_per_family == Fraction("153164.75")
    assert e.fte["health_visitor"] == Fraction(3542) / Fraction("1539.2")
    assert round(float(e.fte[COORDINATOR]), 4) == 0.5753


def test_placements_are_set_beside_the_yearly_cost() -> None:
    e = estimate(placements=12, placement_cost=1_200_000)
    assert e.placements is not None
    assert e.placements.cost_per_year == 14_400_000
    assert e.placements.programme_cost_in_placements == Fraction(3063295, 1_200_000)


def test_every_rate_can_be_overridden_and_a_decimal_stays_exact() -> None:
    e = estimate(visit_minutes=Decimal("75"), travel_minutes=0, documentation_minutes=0, supervision_share="0")
    assert e.rates.minutes_per_visit == 75
    health_visitor = next(r for r in e.roles if r.role == "health_visitor")
    assert health_visitor.hours_per_family == Fraction(92 * 75, 60)
    cheaper = estimate(hourly_cost_health_visitor=Decimal("300.50"))
    assert cheaper.rates.hourly_cost["health_visitor"] == Fraction("300.5")


def test_a_group_course_shares_each_session_between_its_participants() -> None:
    e = estimate("mothers_group", families=12)
    # 8 sessions of 120 + 15 + 30 minutes = 2.75 h, shared by 6 mothers, plus 10 % supervision.
    assert e.visits_per_family == 8
    assert e.group_share == Fraction(1, 6)
    health_visitor = next(r for r in e.roles if r.role == "health_visitor")
    assert health_visitor.hours_per_family == 8 * Fraction("2.75") / 6 * Fraction("1.1")


def test_an_open_cadence_package_needs_visits_per_family() -> None:
    with pytest.raises(ValidationFailed) as raised:
        estimate("gro")
    assert raised.value.errors[0].field == "visits_per_family"
    assert estimate("gro", visits_per_family=10).visits_per_family == 10


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("families", {"families": 0}),
        ("supervision_share", {"supervision_share": 2}),
        ("visit_minutes", {"visit_minutes": -1}),
        ("hourly_cost_health_visitor", {"hourly_cost_health_visitor": "lots"}),
        ("placement_cost", {"placements": 3}),
        ("placements", {"placement_cost": 100}),
        ("productive_share", {"productive_share": 0}),
    ],
)
def test_a_bad_rate_names_its_field(field: str, overrides: dict[str, Any]) -> None:
    families = overrides.pop("families", 20)
    with pytest.raises(ValidationFailed) as raised:
        estimate(families=families, **overrides)
    assert raised.value.errors[0].field == field


def test_every_shipped_rate_has_a_source() -> None:
    for name in ("visit_minutes", "supervision_share", "coordination_share", "hours_per_fte", "hourly_cost"):
        assert BOOK.sources[name]
    assert BOOK.defaults.hours_per_fte == 1924


@PROPERTY
@given(st.integers(1, 400), st.integers(1, 400))
def test_the_yearly_cost_and_fte_grow_with_the_number_of_families(a: int, b: int) -> None:
    fewer, more = sorted((a, b))
    small, large = estimate(families=fewer), estimate(families=more)
    assert small.cost_per_year <= large.cost_per_year
    assert all(small.fte[role] <= large.fte[role] for role in small.fte)
    assert large.cost_per_year == large.variable_cost_per_family * more + large.training_cost_per_year
