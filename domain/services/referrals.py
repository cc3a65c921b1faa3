"""Referrals to other services (small-children team, COS-P, Marte Meo, PPR, social services, ...)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from domain.errors import Conflict, NotFound, ValidationFailed
from domain.store.tables import Child, Referral, Staff

REFERRAL_TARGETS = (
    "small_children_team",
    "cos_p",
    "marte_meo",
    "family_outpatient_clinic",
    "ppr",
    "social_services",
    "joint_visits",
    "gro",
    "minding_the_baby",
    "parent_group",
    "gp",
)
STATUSES = ("sent", "accepted", "declined", "done")
# Which status may follow which: a referral is answered once and then finished.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    "sent": ("accepted", "declined"),
    "accepted": ("done",),
    "declined": (),
    "done": (),
}


def create_referral(
    session: Session,
    *,
    child_id: uuid.UUID,
    target: str,
    reason: str,
    sent_on: date,
    referred_by: uuid.UUID | None,
    assigned_staff_id: uuid.UUID | None,
) -> Referral:
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    if target not in REFERRAL_TARGETS:
        raise ValidationFailed.for_field("target", f"target must be one of {', '.join(REFERRAL_TARGETS)}")
    if not reason.strip():
        raise ValidationFailed.for_field("reason", "Give the reason for the referral")
    if assigned_staff_id is not None and session.get(Staff, assigned_staff_id) is None:
        raise ValidationFailed.for_field("assigned_staff_id", "No such staff member")
    referral = Referral(
        child_id=child_id,
        target=target,
        reason=reason.strip(),
        sent_on=sent_on,
        referred_by=referred_by,
        assigned_staff_id=assigned_staff_id,
    )
    session.add(referral)
    session.flush()
    return referral


def change_referral(
    session: Session,
    *,
    referral_id: uuid.UUID,
    status: str | None,
    note: str | None,
    assigned_staff_id: uuid.UUID | None,
) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("No such referral")
    if status is not None and status != referral.status:
        if status not in STATUSES:
            raise ValidationFailed.for_field("status", f"status must be one of {', '.join(STATUSES)}")
        if status not in NEXT_STATUSES[referral.status]:
            raise Conflict(f"A referral that is {referral.status} cannot become {status}")
        referral.status = status
    if note is not None:
        referral.status_note = note.strip() or None
    if assigned_staff_id is not None:
        if session.get(Staff, assigned_staff_id) is None:
            raise ValidationFailed.for_field("assigned_staff_id", "No such staff member")
        referral.assigned_staff_id = assigned_staff_id
    session.add(referral)
    session.flush()
    return referral


def referrals_of_child(session: Session, child_id: uuid.UUID) -> list[Referral]:
    statement = select(Referral).where(Referral.child_id == child_id).order_by(Referral.sent_on.desc())  # type: ignore[attr-defined]
    return list(session.exec(statement))
