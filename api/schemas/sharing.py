"""Requests from social staff to share a child's health data, and the kinds of legal basis for sharing."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Strict
from domain.rules.legal_bases import LegalBasisKind

RequestStatus = Literal["pending", "answered", "declined"]


class SharingRequestIn(Strict):
    scope: Literal["health_data_to_social"] = Field(
        default="health_data_to_social", description="What is asked for: health-visiting data for social staff"
    )
    reason: str = Field(
        min_length=1,
        max_length=2000,
        description="Why the health data is needed; the health visitor sees it",
        examples=["Børnefaglig undersøgelse i gang; har brug for screeningerne efter fødslen"],
    )


class SharingRequestDeclineIn(Strict):
    reason: str = Field(
        min_length=1, max_length=2000, description="Why not; the requester sees it", examples=["Forældrene siger nej"]
    )


class SharingRequestOut(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    scope: str
    reason: str
    status: RequestStatus = Field(
        description="pending; answered (a consent or legal basis was recorded: consent_id); declined"
    )
    requested_by: uuid.UUID
    requested_by_name: str | None
    consent_id: uuid.UUID | None = Field(description="The consent or legal basis that answered it")
    answered_by: uuid.UUID | None
    answered_by_name: str | None
    answered_at: datetime | None
    decline_reason: str | None
    created_at: datetime = Field(description="When it was asked")
    updated_at: datetime


class LegalBasisKindOut(BaseModel):
    code: str = Field(examples=["child_protection_investigation"])
    label_da: str = Field(examples=["Børnefaglig undersøgelse"])
    label_en: str = Field(examples=["Child-protection investigation"])
    provision: str = Field(examples=["Barnets lov § 20"])
    valid_from: date | None
    valid_until: date | None

    @classmethod
    def of(cls, kind: LegalBasisKind) -> LegalBasisKindOut:
        return cls(
            code=kind.code,
            label_da=kind.label_da,
            label_en=kind.label_en,
            provision=kind.provision,
            valid_from=kind.valid_from,
            valid_until=kind.valid_until,
        )


class LegalBasisKindList(BaseModel):
    items: list[LegalBasisKindOut]
