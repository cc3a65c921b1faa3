"""Referrals of a child to other services, with their status."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Strict, health_data_withheld_field
from domain.services.referrals import NEXT_STATUSES, REFERRAL_TARGETS, STATUSES
from domain.store.tables import Referral

ReferralStatus = Literal["sent", "accepted", "declined", "done"]
assert set(STATUSES) == {"sent", "accepted", "declined", "done"}


class ReferralIn(Strict):
    target: str = Field(
        max_length=64,
        description=(
            "Where the child is referred: a referral code of GET /criteria (e.g. small_children_team, "
            f"family_outpatient_clinic, social_services) or one of {', '.join(REFERRAL_TARGETS)}"
        ),
        examples=["small_children_team"],
    )
    reason: str = Field(min_length=1, max_length=2000, examples=["Positiv EPDS-screening hos mor (15 point)"])
    sent_on: date | None = Field(default=None, description="Default today; not in the future", examples=["2026-03-02"])
    assigned_staff_id: uuid.UUID | None = Field(
        default=None,
        description="The health visitor, family therapist or caseworker who takes it; she may then see the child",
    )


class ReferralPatch(Strict):
    status: ReferralStatus | None = Field(
        default=None,
        description="sent → accepted or declined; accepted → done; any other change is a 409",
        examples=["accepted"],
    )
    status_note: str | None = Field(
        default=None, max_length=2000, description="Why; null clears it", examples=["Visiteret til forløb fra uge 12"]
    )
    assigned_staff_id: uuid.UUID | None = Field(default=None, description="Null unassigns")


class ReferralOut(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    target: str = Field(examples=["small_children_team"])
    status: str = Field(examples=["sent"])
    next_statuses: list[str] = Field(description="The statuses it may change to", examples=[["accepted", "declined"]])
    reason: str | None = Field(description="Why the child was referred; null when withheld as health data")
    sent_on: date
    referred_by: uuid.UUID | None = Field(description="The staff member who referred (null: a case system)")
    assigned_staff_id: uuid.UUID | None
    status_note: str | None
    created_at: datetime
    updated_at: datetime
    health_data_withheld: bool = health_data_withheld_field()

    @classmethod
    def of(cls, referral: Referral) -> ReferralOut:
        return cls(
            id=referral.id,
            child_id=referral.child_id,
            target=referral.target,
            status=referral.status,
            next_statuses=list(NEXT_STATUSES.get(referral.status, ())),
            reason=referral.reason,
            sent_on=referral.sent_on,
            referred_by=referral.referred_by,
            assigned_staff_id=referral.assigned_staff_id,
            status_note=referral.status_note,
            created_at=referral.created_at,
            updated_at=referral.updated_at,
        )
