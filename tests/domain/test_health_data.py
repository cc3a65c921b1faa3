"""Which risk factors and criteria are health data (domain/rules/health_data.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from domain.rules.eligibility import ChildFacts, ScreeningFact, evaluate_eligibility, load_default_criteria
from domain.rules.health_data import (
    RISK_FACTORS,
    criteria_reading_health_data,
    criteria_resting_on_health_data,
    is_health_risk_factor,
    shared_risk_factors,
    without_health_data,
)
from domain.rules.screening import Instrument, Respondent

CRITERIA = load_default_criteria()
SELF_HARM = ScreeningFact(Instrument.EPDS, Respondent.MOTHER, 14, frozenset({"above_cutoff", "self_harm"}))


def test_a_risk_factor_no_one_classified_counts_as_health_data() -> None:
    assert is_health_risk_factor("a_code_added_in_a_later_version")
    assert shared_risk_factors(["parent_mental_illness", "single_parent", "unknown"]) == ["single_parent"]


def test_the_criteria_reading_screenings_or_health_facts() -> None:
    reading = criteria_reading_health_data(CRITERIA)
    assert {"self_harm_thoughts", "adbb_withdrawal", "depression_symptoms", "parent_mental_illness"} <= reading
    assert "vulnerable_parents" in reading, "one of its five factors is a parent's mental illness"
    assert reading.isdisjoint({"all_families", "designated_housing_area", "measures_or_placement"})


def test_a_criterion_rests_on_health_data_only_when_it_would_not_fire_without_it() -> None:
    social = ChildFacts(risk_factors=frozenset({"single_parent", "socially_isolated"}), age_days=100)
    assert "vulnerable_parents" in evaluate_eligibility(social, CRITERIA).fired
    assert criteria_resting_on_health_data(social, CRITERIA) == frozenset()

    mixed = ChildFacts(risk_factors=frozenset({"single_parent", "parent_mental_illness"}), screenings=(SELF_HARM,))
    assert criteria_resting_on_health_data(mixed, CRITERIA) == {
        "vulnerable_parents",
        "parent_mental_illness",
        "self_harm_thoughts",
        "depression_symptoms",
    }


@given(
    risks=st.frozensets(st.sampled_from(sorted(RISK_FACTORS))),
    self_harm=st.booleans(),
    designated=st.booleans(),
)
def test_what_rests_on_health_data_fired_and_reads_health_data(
    risks: frozenset[str], self_harm: bool, designated: bool
) -> None:
    facts = ChildFacts(risk_factors=risks, screenings=(SELF_HARM,) if self_harm else (), designated_area=designated)
    resting = criteria_resting_on_health_data(facts, CRITERIA)
    fired = set(evaluate_eligibility(facts, CRITERIA).fired)
    assert resting <= fired & criteria_reading_health_data(CRITERIA)
    stripped = without_health_data(facts)
    assert stripped.screenings == () and not any(is_health_risk_factor(code) for code in stripped.risk_factors)
    assert fired - resting == set(evaluate_eligibility(stripped, CRITERIA).fired)
