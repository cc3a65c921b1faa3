from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.rules.catalog import load_default_catalog
from domain.rules.eligibility import (
    ChildFacts,
    ScreeningFact,
    age_in_days,
    child_facts_from_mapping,
    criteria_from_mapping,
    criteria_to_mapping,
    evaluate_eligibility,
    gestational_week,
    load_default_criteria,
)
from domain.rules.levels import InterventionLevel
from domain.rules.screening import Instrument, Respondent, score_screening
from tests.domain.strategies import PROPERTY

CRITERIA = load_default_criteria()
FACT_CODES = sorted(CRITERIA.fact_codes())
MTB_FACTORS = [
    "parent_experienced_neglect",
    "single_parent",
    "socially_isolated",
    "low_education",
    "parent_mental_illness",
]


def suggest(**facts: Any) -> Any:
    return evaluate_eligibility(ChildFacts(**facts), CRITERIA)


def codes(suggestions: Any) -> list[str]:
    return [s.code for s in suggestions]


def test_a_family_without_risk_factors_gets_level_1_and_the_universal_programme() -> None:
    result = suggest()
    assert result.suggested_level is InterventionLevel.UNIVERSAL
    assert codes(result.packages)[0] == "universal"
    assert result.fired == ("all_families",)
    assert result.criteria_version == CRITERIA.version


def test_a_family_in_ringparken_is_suggested_housing_area_extra_and_a_mothers_group() -> None:
    result = suggest(housing_area="ringparken", designated_area=True, age_days=30)
    assert result.suggested_level is InterventionLevel.NEEDS_BASED
    assert {"housing_area_extra", "mothers_group"} <= set(codes(result.packages))


def test_a_mothers_group_is_not_suggested_once_the_child_is_past_one() -> None:
    result = suggest(housing_area="ringparken", designated_area=True, age_days=500)
    assert "housing_area_extra" in codes(result.packages)
    assert "mothers_group" not in codes(result.packages)


def test_two_minding_the_baby_factors_in_pregnancy_suggest_minding_the_baby() -> None:
    result = suggest(risk_factors=frozenset({"single_parent", "socially_isolated"}), gestational_week=24)
    assert result.suggested_level is InterventionLevel.TARGETED
    mtb = next(s for s in result.packages if s.code == "minding_the_baby")
    assert [r.criterion for r in mtb.reasons] == ["vulnerable_parents_in_pregnancy"]


def test_one_minding_the_baby_factor_alone_is_not_enough() -> None:
    result = suggest(risk_factors=frozenset({"single_parent"}), gestational_week=24)
    assert "minding_the_baby" not in codes(result.packages)
    assert result.suggested_level is InterventionLevel.UNIVERSAL


def test_a_mothers_epds_above_the_cutoff_suggests_level_2() -> None:
    score = score_screening(instrument="EPDS", respondent="mother", items=[0, 1, 2, 3, 0, 1, 2, 3, 3, 3])  # total 11
    fact = ScreeningFact(score.instrument, score.respondent, score.total, frozenset(score.flags))
    result = suggest(screenings=(fact,))
    assert result.suggested_level is InterventionLevel.NEEDS_BASED
    assert "depression_symptoms" in result.fired


def test_diagnosed_depression_suggests_level_3_and_the_small_children_team() -> None:
    result = suggest(risk_factors=frozenset({"postnatal_depression_diagnosed"}))
    assert result.suggested_level is InterventionLevel.TARGETED
    assert codes(result.referrals) == ["small_children_team"]


def test_thoughts_of_self_harm_are_urgent_whatever_the_total() -> None:
    fact = ScreeningFact(Instrument.EPDS, Respondent.MOTHER, 1, frozenset({"self_harm"}))
    result = suggest(screenings=(fact,))
    assert [r.criterion for r in result.urgent] == ["self_harm_thoughts"]
    assert "general_practitioner" in codes(result.referrals)


def test_an_adbb_above_the_cutoff_suggests_cos_p_or_marte_meo() -> None:
    fact = ScreeningFact(Instrument.ADBB, Respondent.CHILD, 6, frozenset({"above_cutoff"}))
    result = suggest(screenings=(fact,))
    assert result.suggested_level is InterventionLevel.TARGETED
    assert {"cos_p", "marte_meo"} <= set(codes(result.packages))


def test_substance_use_refers_to_the_family_outpatient_clinic() -> None:
    result = suggest(risk_factors=frozenset({"substance_use_last_2_years"}))
    assert "family_outpatient_clinic" in codes(result.referrals)
    assert "gro" in codes(result.packages)


def test_a_placed_child_is_suggested_level_4_and_the_yearly_follow_up() -> None:
    result = suggest(risk_factors=frozenset({"placed_outside_home", "single_parent"}))
    assert result.suggested_level is InterventionLevel.INDICATED
    assert "level4_followup" in codes(result.packages)


def test_chronic_illness_and_serious_life_events_are_level_3() -> None:
    for factor in (
        "child_chronic_illness_or_handicap",
        "serious_life_event",
        "birth_complications",
        "attachment_concern",
    ):
        assert suggest(risk_factors=frozenset({factor})).suggested_level == 3


def test_every_default_trigger_in_the_domain_has_a_criterion() -> None:
    fired: set[str] = set()
    for factor in FACT_CODES:
        fired.update(suggest(risk_factors=frozenset({factor})).fired)
    assert {
        "depression_symptoms",
        "depression_diagnosed",
        "substance_use",
        "chronic_illness_or_handicap",
        "serious_life_event",
        "measures_or_placement",
        "parent_mental_illness",
        "attachment_concern",
        "birth_complications",
    } <= fired


def test_the_default_criteria_round_trip_through_a_mapping() -> None:
    mapping = criteria_to_mapping(CRITERIA)
    assert criteria_from_mapping(mapping, catalog=load_default_catalog()) == CRITERIA


def test_an_unknown_fact_code_in_a_criterion_is_a_field_error() -> None:
    mapping = criteria_to_mapping(CRITERIA)
    mapping["criteria"][1]["when"] = {"fact": "likes_jazz"}
    with pytest.raises(ValidationFailed) as excinfo:
        criteria_from_mapping(mapping)
    assert [(e.field, e.message) for e in excinfo.value.errors] == [
        ("criteria.1.when.fact", "unknown fact code 'likes_jazz'")
    ]


def test_an_unknown_package_code_is_checked_against_the_catalog() -> None:
    mapping = criteria_to_mapping(CRITERIA)
    mapping["criteria"][0]["packages"].append("yoga")
    criteria_from_mapping(mapping)  # without a catalog, package codes are not checked
    with pytest.raises(ValidationFailed) as excinfo:
        criteria_from_mapping(mapping, catalog=load_default_catalog())
    assert excinfo.value.errors[0].field == "criteria.0.packages.4"


def test_malformed_conditions_are_reported_by_path() -> None:
    mapping = criteria_to_mapping(CRITERIA)
    mapping["criteria"][2]["when"] = {"all_of": [{"min_count": 9, "of": ["single_parent"]}, {"screening": "EPDS"}]}
    mapping["criteria"][3]["level"] = 7
    with pytest.raises(ValidationFailed) as excinfo:
        criteria_from_mapping(mapping)
    assert {e.field for e in excinfo.value.errors} == {
        "criteria.2.when.all_of.0.min_count",
        "criteria.2.when.all_of.1",
        "criteria.3.level",
    }


def test_posted_facts_are_validated() -> None:
    facts = child_facts_from_mapping(
        {
            "risk_factors": ["single_parent"],
            "screenings": [{"instrument": "ADBB", "respondent": "child", "total": 6, "flags": ["above_cutoff"]}],
            "designated_area": True,
            "age_days": 40,
        },
        CRITERIA,
    )
    assert facts.risk_factors == {"single_parent"} and facts.screenings[0].total == 6
    with pytest.raises(ValidationFailed) as excinfo:
        child_facts_from_mapping({"risk_factors": ["single_parent", "nope"]}, CRITERIA)
    assert excinfo.value.errors[0].field == "risk_factors.1"


def test_gestational_week_and_age_are_counted_from_the_due_and_birth_dates() -> None:
    assert gestational_week(date(2025, 3, 10), date(2025, 3, 10)) == 40
    assert gestational_week(date(2025, 3, 10), date(2024, 12, 16)) == 28
    assert age_in_days(date(2025, 3, 10), date(2025, 4, 9)) == 30


# -- monotonicity ---------------------------------------------------------------------------------

screening_facts = st.builds(
    ScreeningFact,
    instrument=st.sampled_from(list(Instrument)),
    respondent=st.sampled_from(list(Respondent)),
    total=st.integers(min_value=0, max_value=39),
    flags=st.frozensets(st.sampled_from(["above_cutoff", "self_harm"])),
)
child_facts = st.builds(
    ChildFacts,
    risk_factors=st.frozensets(st.sampled_from(FACT_CODES)),
    screenings=st.lists(screening_facts, max_size=3).map(tuple),
    housing_area=st.sampled_from([None, "ringparken", "motalavej", "centrum"]),
    designated_area=st.booleans(),
    age_days=st.one_of(st.none(), st.integers(min_value=-10, max_value=2000)),
    gestational_week=st.one_of(st.none(), st.integers(min_value=0, max_value=44)),
)


def _worse(fact: ScreeningFact, extra: int, flags: frozenset[str]) -> ScreeningFact:
    return ScreeningFact(fact.instrument, fact.respondent, fact.total + extra, fact.flags | flags)


@PROPERTY
@given(facts=child_facts, factor=st.sampled_from(FACT_CODES))
def test_adding_a_risk_factor_never_lowers_the_suggestion(facts: ChildFacts, factor: str) -> None:
    before = evaluate_eligibility(facts, CRITERIA)
    more = ChildFacts(
        facts.risk_factors | {factor},
        facts.screenings,
        facts.housing_area,
        facts.designated_area,
        facts.age_days,
        facts.gestational_week,
    )
    after = evaluate_eligibility(more, CRITERIA)
    assert after.suggested_level >= before.suggested_level
    assert set(before.fired) <= set(after.fired)
    assert set(codes(before.packages)) <= set(codes(after.packages))


@PROPERTY
@given(
    facts=child_facts,
    new=screening_facts,
    extra=st.integers(min_value=0, max_value=10),
    flags=st.frozensets(st.sampled_from(["above_cutoff", "self_harm"])),
    data=st.data(),
)
def test_a_worse_or_added_screening_never_lowers_the_suggestion(
    facts: ChildFacts, new: ScreeningFact, extra: int, flags: frozenset[str], data: st.DataObject
) -> None:
    before = evaluate_eligibility(facts, CRITERIA)
    replace_one: bool = data.draw(st.booleans())
    if facts.screenings and replace_one:
        i = data.draw(st.integers(min_value=0, max_value=len(facts.screenings) - 1))
        screenings = list(facts.screenings)
        screenings[i] = _worse(screenings[i], extra, flags)
    else:
        screenings = [*facts.screenings, new]
    worse = ChildFacts(
        facts.risk_factors,
        tuple(screenings),
        facts.housing_area,
        facts.designated_area,
        facts.age_days,
        facts.gestational_week,
    )
    after = evaluate_eligibility(worse, CRITERIA)
    assert after.suggested_level >= before.suggested_level
    assert set(before.fired) <= set(after.fired)
