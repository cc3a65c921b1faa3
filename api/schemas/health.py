"""Health data: screenings, eligibility, level decisions, and the consents that share health data."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, Field

from api.schemas.common import Strict, health_data_withheld_field
from domain.rules.levels import StepDirection

InstrumentCode = Literal["EPDS", "GOTLAND", "ADBB"]
RespondentCode = Literal["mother", "father", "child"]
FlagCode = Literal["above_cutoff", "self_harm"]
# JSON integers only: "2", 2.0 and true are not answer positions.
WholeNumber = Annotated[int, pydantic.Strict()]

EPDS_EXAMPLE = [0, 1, 2, 0, 3, 2, 3, 3, 3, 3]

# --- screenings ----------------------------------------------------------------------------------


class ScreeningIn(Strict):
    instrument: InstrumentCode = Field(description="EPDS, GOTLAND (fathers) or ADBB (observed child)")
    respondent: RespondentCode = Field(description="Whom the screening is about: mother, father or child")
    items: list[WholeNumber] = Field(
        max_length=50,
        description=(
            "One integer per item in the instrument's order: the POSITION of the chosen answer as printed "
            "on the form (0 = first option). The server applies the scoring key, reverse-scored items included."
        ),
        examples=[EPDS_EXAMPLE],
    )
    administered_on: date = Field(description="Not in the future", examples=["2026-03-02"])
    visit_id: uuid.UUID | None = Field(default=None, description="The visit at which it was given, if any")


class ScreeningItemOut(BaseModel):
    position: int = Field(description="0-based item number in the instrument's order", examples=[9])
    answer: int = Field(description="Position of the chosen answer as printed", examples=[3])
    score: int = Field(description="The item's score after the scoring key", examples=[0])


class ScreeningOut(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    visit_id: uuid.UUID | None
    instrument: str = Field(examples=["EPDS"])
    respondent: str = Field(examples=["mother"])
    administered_on: date
    administered_by: uuid.UUID | None = Field(description="The staff member who gave it (null: a case system)")
    total: int = Field(examples=[12])
    cutoff: int = Field(description="The cut-off applied: at or above it, above_cutoff", examples=[11])
    flags: list[str] = Field(examples=[["above_cutoff"]])
    item_scores: list[int] = Field(examples=[[0, 1, 1, 0, 0, 1, 0, 0, 0, 0]])
    items: list[ScreeningItemOut]
    created_at: datetime
    updated_at: datetime


class ScreeningRecorded(ScreeningOut):
    urgent_visit_id: uuid.UUID | None = Field(
        default=None, description="The urgent contact due today that a self_harm flag created"
    )


class ScreeningScoreIn(Strict):
    """A screening to score without storing it: the body of a screening without `administered_on`."""

    instrument: InstrumentCode = Field(description="EPDS, GOTLAND (fathers) or ADBB (observed child)")
    respondent: RespondentCode = Field(description="Whom the screening is about: mother, father or child")
    items: list[WholeNumber | None] = Field(
        max_length=50,
        description=(
            "One entry per item in the instrument's order: the POSITION of the chosen answer as printed "
            "(0 = first option), or null for an item not answered yet, so a form can show a running total."
        ),
        examples=[[0, 1, 2, None, None, None, None, None, None, 1]],
    )


class ScreeningScoreOut(BaseModel):
    instrument: str = Field(examples=["EPDS"])
    respondent: str = Field(examples=["mother"])
    total: int = Field(description="The total of the answered items", examples=[4])
    cutoff: int = Field(description="The cut-off applied: at or above it, above_cutoff", examples=[11])
    flags: list[str] = Field(
        description="Flags already certain from the answered items (a running total only grows)",
        examples=[["self_harm"]],
    )
    item_scores: list[int | None] = Field(
        description="Each item's score after the scoring key (null: not answered)",
        examples=[[0, 1, 1, None, None, None, None, None, None, 2]],
    )
    answered: int = Field(description="How many items are answered", examples=[4])
    complete: bool = Field(description="Every item is answered", examples=[False])


class InstrumentOptionOut(BaseModel):
    position: int = Field(description="0-based position as printed: what a screening posts", examples=[0])
    text_da: str = Field(examples=["Lige så meget som jeg altid har kunnet"])
    text_en: str = Field(examples=["As much as I always could"])


class InstrumentItemOut(BaseModel):
    position: int = Field(description="0-based item number in the instrument's order", examples=[0])
    text_da: str = Field(examples=["Kunnet le og se det morsomme i tingene"])
    text_en: str = Field(examples=["Able to laugh and see the funny side of things"])
    options: list[InstrumentOptionOut] = Field(description="The answers in their printed order")


class InstrumentCutoffOut(BaseModel):
    respondent: str = Field(examples=["mother"])
    cutoff: int = Field(description="Totals at or above it are flagged above_cutoff", examples=[11])


class InstrumentOut(BaseModel):
    code: str = Field(examples=["EPDS"])
    title_da: str
    title_en: str
    instructions_da: str
    instructions_en: str
    observer_rated: bool = Field(description="Filled in by the health visitor observing the child")
    respondents: list[str] = Field(examples=[["mother", "father"]])
    max_total: int = Field(examples=[30])
    cutoffs: list[InstrumentCutoffOut]
    items: list[InstrumentItemOut]


# --- eligibility ---------------------------------------------------------------------------------


class ReasonOut(BaseModel):
    criterion: str = Field(examples=["designated_housing_area"])
    text: str = Field(description="Danish text of the criterion", examples=["Familie i et udpeget boligområde"])
    text_en: str = Field(examples=["Family in a designated housing area"])


class SuggestionOut(BaseModel):
    code: str = Field(description="Package or referral code", examples=["housing_area_extra"])
    reasons: list[ReasonOut]


class ScreeningFactIn(Strict):
    instrument: InstrumentCode
    respondent: RespondentCode
    total: WholeNumber = Field(ge=0, examples=[12])
    flags: list[FlagCode] = Field(default_factory=list, examples=[["above_cutoff"]])


class FactsIn(Strict):
    """Facts about a (possibly hypothetical) child and family, as the criteria read them."""

    risk_factors: list[str] = Field(
        default_factory=list, max_length=100, description="Fact codes (GET /criteria)", examples=[["single_parent"]]
    )
    screenings: list[ScreeningFactIn] = Field(default_factory=list, max_length=50)
    housing_area: str | None = Field(default=None, max_length=64, examples=["ringparken"])
    designated_area: Annotated[bool, pydantic.Strict()] | None = Field(
        default=None, description="Omitted: taken from the housing area when the municipality knows it"
    )
    age_days: WholeNumber | None = Field(default=None, ge=0, examples=[120])
    gestational_week: WholeNumber | None = Field(default=None, examples=[None])


class ScreeningFactOut(BaseModel):
    instrument: str
    respondent: str
    total: int
    flags: list[str]


class FactsOut(BaseModel):
    risk_factors: list[str]
    screenings: list[ScreeningFactOut]
    housing_area: str | None
    designated_area: bool
    age_days: int | None
    gestational_week: int | None


class EligibilityOut(BaseModel):
    child_id: uuid.UUID | None = Field(default=None, description="Null for a stateless evaluation")
    suggested_level: int = Field(ge=1, le=4, examples=[3])
    criteria_version: int = Field(examples=[1])
    packages: list[SuggestionOut]
    referrals: list[SuggestionOut]
    fired: list[str] = Field(description="Codes of the criteria that fired", examples=[["all_families"]])
    urgent: list[ReasonOut] = Field(description="Reasons that need action the same day")
    current_level: int | None = Field(default=None, description="The child's level now (null when stateless)")
    facts: FactsOut = Field(description="The facts the criteria were evaluated on")
    health_data_withheld: bool = health_data_withheld_field()


# --- level decisions -----------------------------------------------------------------------------


class LevelDecisionIn(Strict):
    level: WholeNumber = Field(ge=1, le=4, examples=[3])
    basis: Literal["criteria", "professional_judgement"] = Field(
        description="criteria: the level the current criteria suggest; professional_judgement: needs a reason"
    )
    reason: str = Field(
        default="", max_length=2000, examples=["Mor beskriver tiltagende isolation; tæt opfølgning aftalt"]
    )
    effective_on: date | None = Field(default=None, description="Default today; not in the future")


class LevelDecisionOut(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    level: int = Field(ge=1, le=4)
    previous_level: int = Field(ge=1, le=4, description="The level before this decision (1 before any)")
    direction: StepDirection = Field(description="Up, down or the same step on the staircase")
    effective_on: date
    decided_by: uuid.UUID | None = Field(description="The staff member who decided (null: a case system)")
    decided_by_client: str | None = Field(default=None, description="The integration client that decided")
    basis: str
    reason: str | None = Field(description="The reason given; null when withheld as health data")
    criteria_version: int | None
    fired: list[str]
    created_at: datetime
    updated_at: datetime
    health_data_withheld: bool = health_data_withheld_field()


# --- consents ------------------------------------------------------------------------------------


class ConsentIn(Strict):
    kind: Literal["consent", "legal_basis"] = Field(description="A parent's consent, or a legal basis")
    scope: Literal["health_data_to_social"] = Field(
        default="health_data_to_social", description="What is shared: health-visiting data with social staff"
    )
    given_on: date = Field(description="Not in the future", examples=["2026-02-10"])
    legal_basis_kind: str | None = Field(
        default=None,
        max_length=64,
        description="Required for a legal basis, none for a consent: a code from GET /legal-basis-kinds",
        examples=["child_protection_investigation"],
    )
    legal_reference: str | None = Field(
        default=None,
        max_length=300,
        description="Required for a legal basis: the reference, e.g. the case's journal number",
        examples=["J.nr. 27.24.12-G01-3-26"],
    )
    sharing_request_id: uuid.UUID | None = Field(
        default=None, description="The pending sharing request this answers (it is marked answered)"
    )


class ConsentOut(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    kind: str
    scope: str
    legal_basis_kind: str | None = Field(description="The kind of a legal basis (GET /legal-basis-kinds)")
    legal_reference: str | None
    given_on: date
    withdrawn_at: datetime | None
    withdrawn_by: uuid.UUID | None
    withdrawn_by_name: str | None
    active: bool = Field(description="Not withdrawn")
    recorded_by: uuid.UUID | None
    recorded_by_name: str | None
    created_at: datetime = Field(description="When it was recorded")
    updated_at: datetime
