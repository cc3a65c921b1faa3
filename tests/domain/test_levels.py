from __future__ import annotations

from datetime import date

import pytest

from domain.errors import ValidationFailed
from domain.rules.levels import (
    DecisionBasis,
    InterventionLevel,
    LevelChange,
    StepDirection,
    all_levels,
    level_info,
    level_on,
    record_level_change,
    steps,
)


def change(day: date, level: int, basis: str = "criteria", reason: str = "") -> LevelChange:
    return LevelChange(day, InterventionLevel(level), "hv1", DecisionBasis(basis), reason)


def test_there_are_four_levels_with_danish_and_english_names() -> None:
    infos = all_levels()
    assert [i.level for i in infos] == [1, 2, 3, 4]
    assert level_info(2).name_da == "Monofaglige behovsydelser"
    assert all(i.name_en and i.description_da and i.description_en for i in infos)


def test_an_unknown_level_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed):
        level_info(5)


def test_a_child_is_on_level_one_before_any_change() -> None:
    assert level_on((), date(2025, 1, 1)) is InterventionLevel.UNIVERSAL
    history = (change(date(2025, 3, 1), 3),)
    assert level_on(history, date(2025, 2, 28)) is InterventionLevel.UNIVERSAL
    assert level_on(history, date(2025, 3, 1)) is InterventionLevel.TARGETED


def test_a_family_can_step_up_and_down_the_staircase() -> None:
    history = record_level_change((), change(date(2025, 1, 1), 3))
    history = record_level_change(history, change(date(2025, 6, 1), 4))
    history = record_level_change(history, change(date(2025, 9, 1), 2))
    assert level_on(history, date(2025, 7, 1)) is InterventionLevel.INDICATED
    assert level_on(history, date(2026, 1, 1)) is InterventionLevel.NEEDS_BASED
    assert [s.direction for s in steps(history)] == [
        StepDirection.UP,
        StepDirection.UP,
        StepDirection.DOWN,
    ]
    assert steps(history)[2].previous is InterventionLevel.INDICATED


def test_a_change_cannot_be_dated_before_the_last_one() -> None:
    history = record_level_change((), change(date(2025, 6, 1), 3))
    with pytest.raises(ValidationFailed) as excinfo:
        record_level_change(history, change(date(2025, 5, 31), 2))
    assert excinfo.value.errors[0].field == "effective_on"


def test_two_changes_on_one_day_let_the_later_win() -> None:
    history = record_level_change((), change(date(2025, 6, 1), 3))
    history = record_level_change(history, change(date(2025, 6, 1), 2))
    assert level_on(history, date(2025, 6, 1)) is InterventionLevel.NEEDS_BASED


def test_professional_judgement_needs_a_written_reason() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        change(date(2025, 1, 1), 3, "professional_judgement", "   ")
    assert [e.field for e in excinfo.value.errors] == ["reason"]
    ok = change(date(2025, 1, 1), 3, "professional_judgement", "Mother withdrawn at visits")
    assert ok.basis is DecisionBasis.PROFESSIONAL_JUDGEMENT


def test_plain_json_values_are_coerced_to_the_enums() -> None:
    c = LevelChange(date(2025, 1, 1), 2, "hv1", "criteria")  # type: ignore[arg-type]
    assert c.level is InterventionLevel.NEEDS_BASED
    assert c.basis is DecisionBasis.CRITERIA


def test_a_level_change_lists_every_bad_field() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        LevelChange(date(2025, 1, 1), 7, "", "hunch")  # type: ignore[arg-type]
    assert {e.field for e in excinfo.value.errors} == {"level", "basis", "decided_by"}
