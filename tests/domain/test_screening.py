from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.rules.screening import (
    Cutoffs,
    Instrument,
    Respondent,
    instrument_definition,
    score_screening,
)
from tests.domain.strategies import PROPERTY


def test_epds_reverse_scores_items_3_and_5_to_10() -> None:
    # Positions as printed (0 = first option) and the hand-scored values:
    # item:      1  2  3  4  5  6  7  8  9  10
    # position:  0  1  2  3  0  1  2  3  3  3
    # reversed?  n  n  y  n  y  y  y  y  y  y
    # score:     0  1  1  3  3  2  1  0  0  0   -> total 11
    score = score_screening(instrument="EPDS", respondent="mother", items=[0, 1, 2, 3, 0, 1, 2, 3, 3, 3])
    assert score.item_scores == (0, 1, 1, 3, 3, 2, 1, 0, 0, 0)
    assert score.total == 11
    assert score.cutoff == 11
    assert score.flags == ("above_cutoff",)  # 11 >= 11 for mothers


def test_epds_choosing_the_last_option_everywhere_scores_only_items_1_2_and_4() -> None:
    # Items 1, 2, 4 printed 0..3: last option scores 3 each = 9; reversed items score 0.
    score = score_screening(instrument="EPDS", respondent="mother", items=[3] * 10)
    assert score.total == 9
    assert score.flags == ()


def test_epds_item_10_above_zero_flags_self_harm_whatever_the_total() -> None:
    # Item 10 printed "Yes, quite often"(3), "Sometimes"(2), "Hardly ever"(1), "Never"(0):
    # position 2 = "Hardly ever" = score 1. Items 1-9 at their 0-score positions: 0,0,3,0,3,3,3,3,3.
    items = [0, 0, 3, 0, 3, 3, 3, 3, 3, 2]
    score = score_screening(instrument="EPDS", respondent="mother", items=items)
    assert score.total == 1
    assert score.flags == ("self_harm",)


def test_fathers_have_a_lower_epds_cutoff_than_mothers() -> None:
    # Items 1,2,4 at position 3 (3 points each) + item 3 at position 2 (1 point) = 10.
    items = [3, 3, 2, 3, 3, 3, 3, 3, 3, 3]
    father = score_screening(instrument="EPDS", respondent="father", items=items)
    mother = score_screening(instrument="EPDS", respondent="mother", items=items)
    assert father.total == mother.total == 10
    assert father.flags == ("above_cutoff",) and mother.flags == ()


def test_gotland_sums_13_items_without_reversal() -> None:
    # 0+1+2+3 three times plus 0 = 18 >= 13.
    score = score_screening(instrument="GOTLAND", respondent="father", items=[0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0])
    assert score.total == 18
    assert score.flags == ("above_cutoff",)


def test_adbb_flags_sustained_withdrawal_from_a_total_of_5() -> None:
    below = score_screening(instrument="ADBB", respondent="child", items=[1, 0, 1, 0, 1, 0, 1, 0])
    at = score_screening(instrument="ADBB", respondent="child", items=[1, 1, 1, 1, 1, 0, 0, 0])
    assert (below.total, below.flags) == (4, ())
    assert (at.total, at.flags) == (5, ("above_cutoff",))


def test_cutoffs_are_configurable() -> None:
    strict = Cutoffs(adbb=4)
    score = score_screening(instrument="ADBB", respondent="child", items=[1, 0, 1, 0, 1, 0, 1, 0], cutoffs=strict)
    assert score.flags == ("above_cutoff",) and score.cutoff == 4


def test_an_item_out_of_range_names_the_item() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        score_screening(instrument="EPDS", respondent="mother", items=[0] * 9 + [4])
    assert [(e.field, e.message) for e in excinfo.value.errors] == [("items.9", "item 10 must be between 0 and 3")]


def test_every_bad_item_is_reported() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        score_screening(instrument="ADBB", respondent="child", items=[5, 0, -1, 0, 0, 0, 0, True])
    assert [e.field for e in excinfo.value.errors] == ["items.0", "items.2", "items.7"]


def test_the_wrong_number_of_items_is_an_error_on_items() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        score_screening(instrument="GOTLAND", respondent="father", items=[0] * 10)
    assert excinfo.value.errors[0].field == "items"
    assert "13" in excinfo.value.errors[0].message


@pytest.mark.parametrize(
    ("instrument", "respondent"),
    [("ADBB", "mother"), ("GOTLAND", "mother"), ("EPDS", "child"), ("GOTLAND", "child")],
)
def test_the_respondent_must_fit_the_instrument(instrument: str, respondent: str) -> None:
    n = instrument_definition(instrument).item_count
    with pytest.raises(ValidationFailed) as excinfo:
        score_screening(instrument=instrument, respondent=respondent, items=[0] * n)
    assert excinfo.value.errors[0].field == "respondent"


def test_an_unknown_instrument_is_an_error_on_instrument() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        score_screening(instrument="PHQ9", respondent="mother", items=[0] * 9)
    assert excinfo.value.errors[0].field == "instrument"


def test_instrument_definitions_describe_the_forms() -> None:
    epds = instrument_definition(Instrument.EPDS)
    assert (epds.item_count, epds.option_count) == (10, 4)
    assert epds.reverse_items == {3, 5, 6, 7, 8, 9, 10}
    assert len(epds.item_labels_da) == len(epds.item_labels_en) == 10
    adbb = instrument_definition("ADBB")
    assert (adbb.item_count, adbb.max_score, adbb.observer_rated) == (8, 4, True)
    assert adbb.respondents == {Respondent.CHILD}
    assert len(instrument_definition("GOTLAND").item_labels_en) == 13


@PROPERTY
@given(st.lists(st.integers(min_value=0, max_value=3), min_size=10, max_size=10))
def test_epds_totals_stay_between_0_and_30_and_each_item_is_a_position_flip_or_not(
    items: list[int],
) -> None:
    score = score_screening(instrument="EPDS", respondent="mother", items=items)
    assert 0 <= score.total <= 30
    for number, (position, value) in enumerate(zip(items, score.item_scores, strict=True), 1):
        assert value == (3 - position if number in {3, 5, 6, 7, 8, 9, 10} else position)
    assert ("self_harm" in score.flags) == (items[9] < 3)
