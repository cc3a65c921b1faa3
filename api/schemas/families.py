"""Families, members and children."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Strict, health_data_withheld_field

CprText = str
MemberRole = Literal["mother", "father", "co_parent", "other"]


class MemberIn(Strict):
    role: MemberRole
    name: str = Field(min_length=1, max_length=200, examples=["Sofie Jensen"])
    cpr: CprText | None = Field(default=None, max_length=11, examples=["0103921234"])


class MemberOut(BaseModel):
    id: uuid.UUID
    role: str
    name: str
    cpr: str | None = Field(
        description="Null when unknown, or to roles not shown parents' CPR numbers (family therapists, pedagogues)"
    )


class ChildIn(Strict):
    name: str | None = Field(default=None, max_length=200)
    external_id: str | None = Field(default=None, max_length=200, examples=["BARN-17"])
    due_date: date | None = Field(default=None, examples=["2027-03-14"])
    birth_date: date | None = None
    discharge_date: date | None = None
    cpr: CprText | None = Field(default=None, max_length=11)
    daycare_start: date | None = None
    kindergarten_start: date | None = None
    school_start: date | None = None


class ChildCreate(ChildIn):
    family_id: uuid.UUID


class ChildPatch(Strict):
    name: str | None = Field(default=None, max_length=200)
    due_date: date | None = None
    birth_date: date | None = None
    discharge_date: date | None = None
    cpr: CprText | None = Field(default=None, max_length=11)
    daycare_start: date | None = None
    kindergarten_start: date | None = None
    school_start: date | None = None


class BirthIn(Strict):
    birth_date: date
    cpr: CprText | None = Field(default=None, max_length=11)
    discharge_date: date | None = None


class ChildOut(BaseModel):
    id: uuid.UUID
    family_id: uuid.UUID
    external_id: str | None
    name: str | None
    due_date: date | None
    birth_date: date | None
    discharge_date: date | None
    cpr: str | None
    level: int = Field(ge=1, le=4)
    daycare_start: date | None
    kindergarten_start: date | None
    school_start: date | None
    created_at: datetime
    updated_at: datetime


class FamilyIn(Strict):
    source_system: str = Field(min_length=1, max_length=100, examples=["esdh-sag"])
    external_id: str = Field(min_length=1, max_length=200, examples=["FAM-2026-0042"])
    area: str | None = Field(default=None, max_length=64, description="Housing area code", examples=["ringparken"])
    team: str | None = Field(default=None, max_length=64, description="Explicit caseload team code")
    address: str | None = Field(default=None, max_length=300)
    risk_factors: list[str] | None = Field(
        default=None, max_length=50, examples=[["single_parent"]], description="Omit to leave them as they are"
    )
    members: list[MemberIn] = Field(default_factory=list, max_length=10)
    children: list[ChildIn] = Field(default_factory=list, max_length=20)


class FamilyPatch(Strict):
    area: str | None = Field(default=None, max_length=64)
    team: str | None = Field(default=None, max_length=64)
    address: str | None = Field(default=None, max_length=300)
    members: list[MemberIn] | None = Field(default=None, max_length=10, description="Replaces the members")


class RiskFactorsIn(Strict):
    risk_factors: list[str] = Field(max_length=50, examples=[["single_parent", "socially_isolated"]])


class FamilyOut(BaseModel):
    id: uuid.UUID
    source_system: str
    external_id: str
    area: str | None
    team: str | None
    address: str | None
    risk_factors: list[str] = Field(
        description="Fact codes (GET /criteria); the health-related ones only where health data is disclosed to you"
    )
    members: list[MemberOut]
    children: list[ChildOut] = Field(description="The children you may see (the rules of GET /children/{id})")
    created_at: datetime
    updated_at: datetime
    health_data_withheld: bool = health_data_withheld_field()


class BulkResultItem(BaseModel):
    index: int
    external_id: str | None
    status: Literal["created", "updated", "unchanged", "error"]
    id: uuid.UUID | None = None
    errors: list[dict[str, str]] = Field(default_factory=list)


class BulkResult(BaseModel):
    items: list[BulkResultItem]
    created: int
    updated: int
    unchanged: int
    failed: int
