"""Referrals to other services (small-children team, COS-P, Marte Meo, PPR, social services, ...).

A referral is sent, then answered once (accepted or declined), and an accepted one is finished
(done). While it is sent or accepted, the professional it is assigned to may see the child.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from domain.clock import copenhagen_today, utc_now
from domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from domain.services.catalog import current_criteria
from domain.store.repositories import referrals as referral_repo
from domain.store.repositories import staff as staff_repo
from domain.store.repositories.pagination import Page
from domain.store.tables import Child, Referral

# Places a child can be referred to besides the referral codes of the current criteria (GET /criteria),
# which a municipality extends with a new criteria version.
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
# Whom a referral can be assigned to: the professionals who then see the child.
ASSIGNABLE_ROLES = frozenset({"health_visitor", "family_therapist", "caseworker"})
MAX_TEXT = 2000


def referral_targets(session: Session) -> tuple[str, ...]:
    """Every target a referral may name: the referral codes of the current criteria, then the defaults."""
    codes = [r.code for r in current_criteria(session).referrals]
    return tuple(dict.fromkeys([*codes, *REFERRAL_TARGETS]))


def _assignee_error(session: Session, staff_id: uuid.UUID) -> FieldError | None:
    staff = staff_repo.staff_by_id(session, staff_id)
    if staff is None or not staff.active:
        return FieldError("assigned_staff_id", "No such active staff member")
    if not ASSIGNABLE_ROLES & set(staff.roles):
        return FieldError(
            "assigned_staff_id", "A referral is assigned to a health visitor, family therapist or caseworker"
        )
    return None


def _raise_if_any(errors: list[FieldError], detail: str) -> None:
    if errors:
        raise ValidationFailed(errors[0].message if len(errors) == 1 else detail, errors)


def create_referral(
    session: Session,
    *,
    child_id: uuid.UUID,
    target: str,
    reason: str,
    sent_on: date,
    referred_by: uuid.UUID | None,
    assigned_staff_id: uuid.UUID | None,
    today: date | None = None,
) -> Referral:
    """Refer a child to another service; every invalid field is named, and nothing is stored then."""
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    today = today or copenhagen_today()
    errors: list[FieldError] = []
    targets = referral_targets(session)
    if target not in targets:
        errors.append(FieldError("target", f"target must be one of {', '.join(targets)}"))
    if not reason.strip():
        errors.append(FieldError("reason", "Give the reason for the referral"))
    elif len(reason.strip()) > MAX_TEXT:
        errors.append(FieldError("reason", f"At most {MAX_TEXT} characters"))
    if sent_on > today:
        errors.append(FieldError("sent_on", "A referral cannot be sent in the future"))
    if assigned_staff_id is not None:
        error = _assignee_error(session, assigned_staff_id)
        if error is not None:
            errors.append(error)
    _raise_if_any(errors, "The referral is invalid")
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


def get_referral(session: Session, referral_id: uuid.UUID) -> Referral:
    referral = session.get(Referral, referral_id)
    if referral is None:
        raise NotFound("No such referral")
    return referral


def change_referral(session: Session, *, referral_id: uuid.UUID, changes: Mapping[str, Any]) -> Referral:
    """Answer or finish a referral, note why, or (re)assign it. `changes` holds only the fields sent:
    `status` (sent → accepted | declined, accepted → done; the same status again changes nothing),
    `status_note` (null clears it) and `assigned_staff_id` (null unassigns)."""
    referral = get_referral(session, referral_id)
    errors: list[FieldError] = []
    new_status = referral.status
    if "status" in changes:
        status = changes["status"]
        if status not in STATUSES:
            errors.append(FieldError("status", f"status must be one of {', '.join(STATUSES)}"))
        else:
            new_status = status
    note: str | None = referral.status_note
    if "status_note" in changes:
        note = (changes["status_note"] or "").strip() or None
        if note is not None and len(note) > MAX_TEXT:
            errors.append(FieldError("status_note", f"At most {MAX_TEXT} characters"))
    assignee = referral.assigned_staff_id
    if "assigned_staff_id" in changes:
        assignee = changes["assigned_staff_id"]
        if assignee is not None:
            error = _assignee_error(session, assignee)
            if error is not None:
                errors.append(error)
    _raise_if_any(errors, "The change is invalid")
    if new_status != referral.status and new_status not in NEXT_STATUSES[referral.status]:
        allowed = " or ".join(NEXT_STATUSES[referral.status]) or "nothing else (it is finished)"
        raise Conflict(f"A referral that is {referral.status} cannot become {new_status}; it can become {allowed}")
    if (new_status, note, assignee) != (referral.status, referral.status_note, referral.assigned_staff_id):
        referral.status = new_status
        referral.status_note = note
        referral.assigned_staff_id = assignee
        referral.updated_at = utc_now()
        session.add(referral)
        session.flush()
    return referral


def referrals_of_child(
    session: Session,
    *,
    child_id: uuid.UUID,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[Referral]:
    """One page of a child's referrals, oldest sent first, finished ones included."""
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    return referral_repo.referrals_of_child_page(
        session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
