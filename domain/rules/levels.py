"""The four intervention levels (the stepped-care staircase, *indsatstrappe*) and level changes.

A child's course moves up and down the staircase over time. Every change has a date, who decided
it and why: fixed criteria, or the professional's own judgement (then a written reason is required,
seed 003: about half of the municipalities rely on the health visitor's judgement alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

from domain.errors import FieldError, ValidationFailed


class InterventionLevel(IntEnum):
    """Level 1-4 of the staircase; higher means more specialised help."""

    UNIVERSAL = 1
    NEEDS_BASED = 2
    TARGETED = 3
    INDICATED = 4


@dataclass(frozen=True, slots=True)
class LevelInfo:
    """Names and descriptions of a level, in Danish and English, for pages and the API."""

    level: InterventionLevel
    name_da: str
    name_en: str
    description_da: str
    description_en: str


_LEVELS: dict[InterventionLevel, LevelInfo] = {
    info.level: info
    for info in (
        LevelInfo(
            InterventionLevel.UNIVERSAL,
            "Universelle tilbud",
            "Universal services",
            "Tilbud til alle familier med henblik på tidlig opsporing af såvel sundhedsfaglige "
            "som psykosociale vanskeligheder.",
            "Offers to all families, for early detection of health and psychosocial difficulties.",
        ),
        LevelInfo(
            InterventionLevel.NEEDS_BASED,
            "Monofaglige behovsydelser",
            "Needs-based services (health visitor alone)",
            "Ekstra sundhedsplejefaglige behovsbesøg, når de universelle tilbud ikke rækker, "
            "fx amme- eller søvnproblemer, spiseproblemer eller symptomer på fødselsdepression.",
            "Extra needs-based visits by the health visitor alone when level 1 is not enough, "
            "e.g. breastfeeding, sleep or feeding problems, or symptoms of postnatal depression.",
        ),
        LevelInfo(
            InterventionLevel.TARGETED,
            "Tværprofessionelle, målrettede ydelser",
            "Targeted interprofessional services",
            "Målrettede ydelser på individ- eller gruppeniveau med andre professioner, "
            "rådgivende eller afgrænsede (Serviceloven § 11, stk. 3 / Barnets lov; "
            "Sundhedsloven §§ 122-123).",
            "Targeted individual or group services with other professions, advisory or "
            "time-limited (Social Services Act s. 11(3) / Children's Act; Health Act ss. 122-123).",
        ),
        LevelInfo(
            InterventionLevel.INDICATED,
            "Indikerede, specifikke ydelser",
            "Indicated, specialised services",
            "Specialiserede individuelle indsatser, oftest efter Serviceloven/Barnets lov, der "
            "skal forebygge anbringelse uden for hjemmet; barnet bevarer altid sundhedsplejen.",
            "Specialised individual measures, usually under the Social Services Act / Children's "
            "Act, to prevent placement outside the home; the child always keeps health visiting.",
        ),
    )
}


def level_info(level: InterventionLevel | int) -> LevelInfo:
    """Names and descriptions of one level."""
    try:
        return _LEVELS[InterventionLevel(level)]
    except ValueError:
        raise ValidationFailed.for_field("level", "level must be between 1 and 4") from None


def all_levels() -> tuple[LevelInfo, ...]:
    """All four levels, lowest first."""
    return tuple(_LEVELS[level] for level in InterventionLevel)


class DecisionBasis(StrEnum):
    """Why a level was chosen: the shared criteria, or the professional's own judgement."""

    CRITERIA = "criteria"
    PROFESSIONAL_JUDGEMENT = "professional_judgement"


class StepDirection(StrEnum):
    """Which way a change moved the child on the staircase."""

    UP = "up"
    DOWN = "down"
    SAME = "same"


@dataclass(frozen=True, slots=True)
class LevelChange:
    """One decision putting a child on a level from a date on."""

    effective_on: date
    level: InterventionLevel
    decided_by: str
    basis: DecisionBasis
    reason: str = ""

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        # Coerce plain ints/strings (from JSON) to the enums, so equality and output are uniform.
        try:
            object.__setattr__(self, "level", InterventionLevel(self.level))
        except ValueError:
            errors.append(FieldError("level", "level must be between 1 and 4"))
        try:
            object.__setattr__(self, "basis", DecisionBasis(self.basis))
        except ValueError:
            errors.append(FieldError("basis", "basis must be criteria or professional_judgement"))
        if not self.decided_by.strip():
            errors.append(FieldError("decided_by", "decided_by must name who decided"))
        # Professional judgement overrides the shared criteria, so it must be explained in writing.
        if self.basis == DecisionBasis.PROFESSIONAL_JUDGEMENT and not self.reason.strip():
            errors.append(FieldError("reason", "a reason is required for a professional judgement"))
        if errors:
            raise ValidationFailed("the level change is invalid", errors)


@dataclass(frozen=True, slots=True)
class LevelStep:
    """A change seen against the level before it."""

    change: LevelChange
    previous: InterventionLevel
    direction: StepDirection


def level_on(history: Sequence[LevelChange], day: date) -> InterventionLevel:
    """The level in force on `day`: the last change effective on or before it, else level 1.

    `history` is in recorded order (as `record_level_change` builds it); of two changes on the
    same day the later one wins.
    """
    current = InterventionLevel.UNIVERSAL
    for change in history:
        if change.effective_on > day:
            break
        current = change.level
    return current


def record_level_change(history: Sequence[LevelChange], change: LevelChange) -> tuple[LevelChange, ...]:
    """Append `change` to `history`, refusing a change dated before the last one.

    History is append-only: a decision is never back-dated behind a later one, because reports and
    the audit trail read levels as of past dates. Stepping up and down are both allowed, and so is
    re-confirming the same level (e.g. at a yearly review).
    """
    if history and change.effective_on < history[-1].effective_on:
        last = history[-1].effective_on.isoformat()
        raise ValidationFailed.for_field("effective_on", f"effective_on must not be before the last change ({last})")
    return (*history, change)


def steps(history: Sequence[LevelChange]) -> tuple[LevelStep, ...]:
    """Each change with the level before it and whether it stepped up, down or stayed."""
    result: list[LevelStep] = []
    previous = InterventionLevel.UNIVERSAL
    for change in history:
        if change.level > previous:
            direction = StepDirection.UP
        elif change.level < previous:
            direction = StepDirection.DOWN
        else:
            direction = StepDirection.SAME
        result.append(LevelStep(change, previous, direction))
        previous = change.level
    return tuple(result)
