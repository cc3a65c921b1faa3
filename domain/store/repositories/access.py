"""Who may see which child: the relation rules as SQL, used for single checks and for every list.

A health visitor sees the children of her own or her team's caseload (the family's explicit team, else
the team covering its housing area); family therapists and caseworkers see children in enrolments or
referrals they are assigned to, or families assigned to them; a pedagogue sees the children of her own
daycare with a transition visit or a daycare-advice enrolment. Integration clients see what their
scopes allow.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true
from sqlmodel import Session

from domain.services.actors import Actor, Role
from domain.store.tables import (
    CaseloadAssignment,
    Child,
    Consent,
    Enrollment,
    EnrollmentStaff,
    Family,
    HousingArea,
    Referral,
)

PEDAGOGUE_PACKAGES = ("transitions", "daycare_advice")


def _assigned_to_staff(staff_id: uuid.UUID, today: date) -> ColumnElement[bool]:
    in_enrollment = exists().where(
        EnrollmentStaff.enrollment_id == Enrollment.id,
        EnrollmentStaff.staff_id == staff_id,
        Enrollment.child_id == Child.id,
        or_(Enrollment.ended_on.is_(None), Enrollment.ended_on >= today),  # type: ignore[union-attr,operator]
    )
    in_referral = exists().where(
        Referral.child_id == Child.id,
        Referral.assigned_staff_id == staff_id,
        Referral.status.in_(("sent", "accepted")),  # type: ignore[attr-defined]
    )
    on_caseload = exists().where(
        CaseloadAssignment.family_id == Child.family_id,
        CaseloadAssignment.staff_id == staff_id,
        or_(CaseloadAssignment.ends_on.is_(None), CaseloadAssignment.ends_on >= today),  # type: ignore[union-attr,operator]
    )
    return or_(in_enrollment, in_referral, on_caseload)


def _team_caseload(team_id: uuid.UUID) -> ColumnElement[bool]:
    area_team = select(HousingArea.team_id).where(HousingArea.id == Family.area_id).scalar_subquery()
    return exists().where(
        Family.id == Child.family_id,
        func.coalesce(Family.team_id, area_team) == team_id,
    )


def visible_children(actor: Actor, *, today: date) -> ColumnElement[bool]:
    """A condition on `Child` rows: true for the children `actor` may see."""
    if actor.is_client:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if actor.has_role(Role.HEALTH_VISITOR, Role.FAMILY_THERAPIST, Role.CASEWORKER):
        conditions.append(_assigned_to_staff(actor.id, today))
    if actor.has_role(Role.HEALTH_VISITOR) and actor.team_id is not None:
        conditions.append(_team_caseload(actor.team_id))
    if actor.has_role(Role.PEDAGOGUE) and actor.daycare_id is not None:
        conditions.append(
            and_(
                Child.daycare_id == actor.daycare_id,
                exists().where(
                    Enrollment.child_id == Child.id,
                    Enrollment.package_code.in_(PEDAGOGUE_PACKAGES),  # type: ignore[attr-defined]
                    Enrollment.ended_on.is_(None),  # type: ignore[union-attr]
                ),
            )
        )
    return or_(*conditions) if conditions else false()


def can_see_child(session: Session, actor: Actor, child_id: uuid.UUID, *, today: date) -> bool:
    statement = select(Child.id).where(Child.id == child_id, visible_children(actor, today=today))
    return session.exec(statement).first() is not None


def can_see_family(session: Session, actor: Actor, family_id: uuid.UUID, *, today: date) -> bool:
    """A family is visible when one of its children is, or (health visitors) when it is on the team's
    caseload even before a child is registered."""
    if actor.is_client:
        return True
    statement = select(Child.id).where(Child.family_id == family_id, visible_children(actor, today=today))
    if session.exec(statement).first() is not None:
        return True
    if actor.has_role(Role.HEALTH_VISITOR) and actor.team_id is not None:
        area_team = select(HousingArea.team_id).where(HousingArea.id == Family.area_id).scalar_subquery()
        team_statement = select(Family.id).where(
            Family.id == family_id, func.coalesce(Family.team_id, area_team) == actor.team_id
        )
        return session.exec(team_statement).first() is not None
    return False


def child_of(session: Session, table: type, row_id: uuid.UUID) -> uuid.UUID | None:
    """The child a visit, enrolment, referral or consent belongs to (None when the row is unknown)."""
    column = table.child_id  # type: ignore[attr-defined]
    return session.scalars(select(column).where(table.id == row_id)).first()  # type: ignore[attr-defined,no-any-return]


HEALTH_DATA_SCOPE = "health_data_to_social"


def health_data_shared(session: Session, child_id: uuid.UUID, *, today: date) -> bool:
    """Whether a recorded consent or legal basis, given and not withdrawn, lets social staff see the
    child's health-visiting data today."""
    statement = select(Consent.id).where(
        Consent.child_id == child_id,
        Consent.scope == HEALTH_DATA_SCOPE,
        Consent.given_on <= today,
        Consent.withdrawn_at.is_(None),  # type: ignore[union-attr]
    )
    return session.exec(statement).first() is not None
