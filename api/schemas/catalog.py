"""The catalog: intervention levels, visit packages with their versions, and the shared criteria.

A package or criteria definition has the shape of `domain/catalog/*.toml` as JSON; the server
validates its meaning (offsets, windows, roles, codes) and names every offending field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.common import Strict

# --- levels --------------------------------------------------------------------------------------


class LevelOut(BaseModel):
    level: int = Field(ge=1, le=4, examples=[2])
    name_da: str = Field(examples=["Monofaglige behovsydelser"])
    name_en: str = Field(examples=["Needs-based services (health visitor alone)"])
    description_da: str
    description_en: str


# --- packages ------------------------------------------------------------------------------------

Offset = str
OFFSET_HELP = 'Offsets are texts such as "8w", "-12w", "18m", "1y6m" or "3d"'


class LegalBasisDefinition(Strict):
    valid_from: date = Field(examples=["2024-01-01"])
    text: str = Field(min_length=1, max_length=500, examples=["Barnets lov § 32"])


class VisitRuleDefinition(Strict):
    """One visit (target and window from its anchor) or a series (start, every, tolerance, count or until)."""

    kind: str = Field(max_length=50, examples=["extra_6_months"])
    anchor: str = Field(
        description="due_date, birth, discharge, enrollment, daycare_start, kindergarten_start or school_start",
        examples=["birth"],
    )
    target: Offset | None = Field(default=None, description=f"A single visit's target. {OFFSET_HELP}", examples=["6m"])
    window: list[Offset] | None = Field(
        default=None, description="A single visit's [earliest, latest] from the anchor", examples=[["5m", "7m"]]
    )
    start: Offset | None = Field(default=None, description="A series' first occurrence from the anchor")
    every: Offset | None = Field(default=None, description="A series' interval", examples=["1w"])
    tolerance: list[Offset] | None = Field(default=None, description="A series' window around each occurrence")
    count: int | None = Field(default=None, description="A series' number of occurrences (or until)")
    until_anchor: str | None = Field(default=None, description="A series runs until this anchor + until")
    until: Offset | None = None
    roles: list[str] | None = Field(default=None, description="Default: the package's roles")
    label_da: str | None = None
    label_en: str | None = None


class GroupDefinition(Strict):
    sessions: int = Field(examples=[8])
    interval_days: int = Field(examples=[14])
    capacity: int = Field(examples=[6])
    session_kind: str | None = Field(default=None, examples=["mothers_group_session"])


class PackageDefinition(Strict):
    """One version of a visit package, in full."""

    code: str = Field(max_length=50, examples=["housing_area_extra"])
    version: int | None = Field(
        default=None, description="Assigned by the server (the next number); if given, it must be that number"
    )
    valid_from: date = Field(description="Not before the current version's", examples=["2026-01-01"])
    name_da: str = Field(examples=["Ekstra besøg i udsatte boligområder"])
    name_en: str = Field(examples=["Housing-area extra visits"])
    description_da: str = ""
    description_en: str = ""
    level_min: int = Field(examples=[2])
    level_max: int = Field(examples=[2])
    roles: list[str] = Field(examples=[["health_visitor"]])
    target_group_da: str
    target_group_en: str
    legal_basis: list[LegalBasisDefinition] = Field(description="Dated, in increasing order")
    cadence: Literal["fixed", "group", "open"]
    visits: list[VisitRuleDefinition] = Field(default_factory=list, description="For fixed-cadence packages")
    group: GroupDefinition | None = Field(default=None, description="For group packages")


PACKAGE_EXAMPLE: dict[str, Any] = {
    "code": "housing_area_extra",
    "valid_from": "2026-01-01",
    "name_da": "Ekstra behovsbesøg i boligområdet",
    "name_en": "Housing-area extra visits",
    "level_min": 2,
    "level_max": 2,
    "roles": ["health_visitor"],
    "target_group_da": "Familier med børn 0-3 år i de udpegede boligområder",
    "target_group_en": "Families with children 0-3 in the designated areas",
    "legal_basis": [{"valid_from": "2007-01-01", "text": "Sundhedsloven §§ 120-122"}],
    "cadence": "fixed",
    "visits": [
        {"kind": "extra_6_months", "anchor": "birth", "target": "6m", "window": ["5m", "7m"]},
        {"kind": "extra_18_months", "anchor": "birth", "target": "18m", "window": ["17m", "19m"]},
    ],
}


class PackageSummaryOut(BaseModel):
    """A package's version in force today (or its first, when none is yet)."""

    code: str = Field(examples=["mothers_group"])
    version: int = Field(examples=[1])
    versions: int = Field(description="How many versions the package has", examples=[1])
    valid_from: date
    in_force: bool = Field(description="False when the package's first version is valid from a later day")
    name_da: str
    name_en: str
    level_min: int = Field(ge=1, le=4)
    level_max: int = Field(ge=1, le=4)
    roles: list[str]
    cadence: str = Field(examples=["group"])
    target_group_da: str
    target_group_en: str
    legal_basis: str | None = Field(description="The legal basis in force today", examples=["Sundhedsloven §§ 120-122"])


class PackageOut(BaseModel):
    code: str
    current_version: int | None = Field(description="The version in force today (absent: none is yet)")
    versions: list[PackageDefinition] = Field(description="Every version in full, oldest first")


# --- criteria ------------------------------------------------------------------------------------


class FactDefinition(Strict):
    code: str = Field(max_length=64, examples=["single_parent"])
    text_da: str = Field(examples=["Enlig forælder"])
    text_en: str = Field(examples=["Single parent"])


class ReferralDefinition(Strict):
    code: str = Field(max_length=64, examples=["small_children_team"])
    name_da: str = Field(examples=["Småbørnsteam"])
    name_en: str = Field(examples=["Small-children team"])


class CriterionDefinition(Strict):
    code: str = Field(max_length=64, examples=["designated_housing_area"])
    text_da: str
    text_en: str
    when: dict[str, Any] = Field(
        description=(
            "A condition with one operator: always, fact, all_of, any_of, min_count (with of), screening "
            "(with respondent, flag or min_total), designated_area, housing_area_in, age_days, gestational_week"
        ),
        examples=[{"min_count": 2, "of": ["single_parent", "socially_isolated"]}],
    )
    level: int | None = Field(default=None, description="The level it suggests (1-4)", examples=[2])
    packages: list[str] = Field(default_factory=list, description="Package codes it suggests")
    referrals: list[str] = Field(default_factory=list, description="Referral codes it suggests")
    urgent: bool = Field(default=False, description="Needs action the same day")


class CriteriaDefinition(Strict):
    """One version of the shared criteria, in full."""

    version: int | None = Field(
        default=None, description="Assigned by the server (the next number); if given, it must be that number"
    )
    valid_from: date = Field(examples=["2026-01-01"])
    facts: list[FactDefinition] = Field(description="The fact codes criteria may read")
    referrals: list[ReferralDefinition] = Field(default_factory=list, description="Where criteria may refer to")
    criteria: list[CriterionDefinition]


class CriteriaVersionOut(BaseModel):
    version: int = Field(examples=[1])
    valid_from: date
    created_at: datetime
    created_by: str | None = Field(description="Who added it (null: shipped with the service)")


class CriteriaOut(BaseModel):
    current_version: int = Field(description="The version eligibility suggestions use now", examples=[1])
    criteria: CriteriaDefinition = Field(description="The current version in full (or the one asked for)")
    versions: list[CriteriaVersionOut] = Field(description="Every version, oldest first")
