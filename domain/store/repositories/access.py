"""Who may see which child: the relation rules as SQL, used for single checks and for every list.

A health visitor sees the children of her own or her team's caseload (the family's explicit team, else
the team covering its housing area); family therapists and caseworkers see children in enrolments or
referrals they are assigned to, or families assigned to them; a pedagogue sees the children of her own
daycare with a transition visit or a daycare-advice enrolment. Integration clients see what their
scopes allow.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, false, func, or_, select, true
from sqlmodel import Session

from domain.services.actors import Actor, Role, Scope
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


def _assigned_to_staff(staff_id: Any, today: Any) -> ColumnElement[bool]:
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


def _team_caseload(team_id: Any) -> ColumnElement[bool]:
    area_team = select(HousingArea.team_id).where(HousingArea.id == Family.area_id).scalar_subquery()
    return exists().where(
        Family.id == Child.family_id,
        func.coalesce(Family.team_id, area_team) == team_id,
    )


@dataclass(frozen=True, slots=True)
class VisibilityShape:
    """Which relations make a child visible to an actor: the form of the condition, not its values."""

    client: bool
    assigned: bool
    team: bool
    daycare: bool


def visibility_shape(actor: Actor) -> VisibilityShape:
    """What the form of `actor`'s visibility condition depends on: a key for statements built once."""
    return VisibilityShape(
        client=actor.is_client,
        assigned=actor.has_role(Role.HEALTH_VISITOR, Role.FAMILY_THERAPIST, Role.CASEWORKER),
        team=actor.has_role(Role.HEALTH_VISITOR) and actor.team_id is not None,
        daycare=actor.has_role(Role.PEDAGOGUE) and actor.daycare_id is not None,
    )


def _visible(
    shape: VisibilityShape, *, staff_id: Any, team_id: Any, daycare_id: Any, today: Any
) -> ColumnElement[bool]:
    """The visibility condition of `shape`, with values or bind parameters for the actor's ids."""
    if shape.client:
        return true()
    conditions: list[ColumnElement[bool]] = []
    # The team's caseload first: it is what makes most children visible to a health visitor, and a
    # database tries the conditions of an OR in order.
    if shape.team:
        conditions.append(_team_caseload(team_id))
    if shape.assigned:
        conditions.append(_assigned_to_staff(staff_id, today))
    if shape.daycare:
        conditions.append(
            and_(
                Child.daycare_id == daycare_id,
                exists().where(
                    Enrollment.child_id == Child.id,
                    Enrollment.package_code.in_(PEDAGOGUE_PACKAGES),  # type: ignore[attr-defined]
                    Enrollment.ended_on.is_(None),  # type: ignore[union-attr]
                ),
            )
        )
    return or_(*conditions) if conditions else false()


def visible_children(actor: Actor, *, today: date) -> ColumnElement[bool]:
    """A condition on `Child` rows: true for the children `actor` may see."""
    return _visible(
        visibility_shape(actor), staff_id=actor.id, team_id=actor.team_id, daycare_id=actor.daycare_id, today=today
    )


# The checks of one person run on every request: their statements are built once per shape, with bind
# parameters for the actor and the person, so a request pays neither for building the condition nor
# for SQLAlchemy's cache key of it (both cost more than running the query). Lists do the same through
# `visibility_shape`, `bound_visible_children` and `actor_parameters`.


def actor_parameters(actor: Actor, today: date) -> dict[str, Any]:
    """The values of the bind parameters of `bound_visible_children`."""
    return {"v_staff": actor.id, "v_team": actor.team_id, "v_daycare": actor.daycare_id, "v_today": today}


def bound_visible_children(shape: VisibilityShape) -> ColumnElement[bool]:
    """`visible_children` of an actor of `shape`, with bind parameters (`actor_parameters`) for its values."""
    return _visible(
        shape,
        staff_id=bindparam("v_staff"),
        team_id=bindparam("v_team"),
        daycare_id=bindparam("v_daycare"),
        today=bindparam("v_today"),
    )


@cache
def _child_check(shape: VisibilityShape) -> Select[Any]:
    return select(Child.id).where(Child.id == bindparam("child_id"), bound_visible_children(shape)).limit(1)


@cache
def _family_child_check(shape: VisibilityShape) -> Select[Any]:
    return select(Child.id).where(Child.family_id == bindparam("family_id"), bound_visible_children(shape)).limit(1)


@cache
def _family_team_check() -> Select[Any]:
    area_team = select(HousingArea.team_id).where(HousingArea.id == Family.area_id).scalar_subquery()
    return select(Family.id).where(
        Family.id == bindparam("family_id"), func.coalesce(Family.team_id, area_team) == bindparam("v_team")
    )


def can_see_child(session: Session, actor: Actor, child_id: uuid.UUID, *, today: date) -> bool:
    parameters = {"child_id": child_id, **actor_parameters(actor, today)}
    return session.execute(_child_check(visibility_shape(actor)), parameters).first() is not None


def visible_children_of_families(
    session: Session, actor: Actor, family_ids: list[uuid.UUID], *, today: date
) -> set[uuid.UUID]:
    """The children of these families that `actor` may see (a family answer shows only those)."""
    if not family_ids:
        return set()
    statement = select(Child.id).where(Child.family_id.in_(family_ids), visible_children(actor, today=today))  # type: ignore[attr-defined]
    return set(session.execute(statement).scalars())


def can_see_family(session: Session, actor: Actor, family_id: uuid.UUID, *, today: date) -> bool:
    """A family is visible when one of its children is, or (health visitors) when it is on the team's
    caseload even before a child is registered."""
    if actor.is_client:
        return True
    parameters = {"family_id": family_id, **actor_parameters(actor, today)}
    if session.execute(_family_child_check(visibility_shape(actor)), parameters).first() is not None:
        return True
    if actor.has_role(Role.HEALTH_VISITOR) and actor.team_id is not None:
        return session.execute(_family_team_check(), parameters).first() is not None
    return False


@cache
def _child_of_statement(table: type) -> Select[Any]:
    return select(table.child_id).where(table.id == bindparam("row_id"))  # type: ignore[attr-defined]


def child_of(session: Session, table: type, row_id: uuid.UUID) -> uuid.UUID | None:
    """The child a visit, enrolment, referral or consent belongs to (None when the row is unknown)."""
    return session.execute(_child_of_statement(table), {"row_id": row_id}).scalar()  # type: ignore[no-any-return]


HEALTH_DATA_SCOPE = "health_data_to_social"


@cache
def _health_data_check() -> Select[Any]:
    return select(Consent.id).where(
        Consent.child_id == bindparam("child_id"),
        Consent.scope == HEALTH_DATA_SCOPE,
        Consent.given_on <= bindparam("today"),
        Consent.withdrawn_at.is_(None),  # type: ignore[union-attr]
    )


def health_data_shared(session: Session, child_id: uuid.UUID, *, today: date) -> bool:
    """Whether a recorded consent or legal basis, given and not withdrawn, lets social staff see the
    child's health-visiting data today."""
    return session.execute(_health_data_check(), {"child_id": child_id, "today": today}).first() is not None


def health_data_by_role(actor: Actor) -> bool | None:
    """Whether `actor`'s role or scopes alone decide if she may see the health data of the children she
    may see: True for health visitors and for clients with the screenings:read scope, False for other
    clients; None when it depends on the child (other staff: a consent or legal basis)."""
    if actor.is_client:
        return Scope.SCREENINGS_READ in actor.scopes
    if actor.has_role(Role.HEALTH_VISITOR):
        return True
    return None


def health_data_covered(
    session: Session, actor: Actor, child_ids: Iterable[uuid.UUID], *, today: date
) -> frozenset[uuid.UUID]:
    """Of `child_ids` (children `actor` may see), those whose health data she may see: all of them for a
    health visitor or a client with screenings:read; for family therapists, caseworkers, pedagogues and
    other staff, those a recorded consent or legal basis covers today (`health_data_shared`). The one
    rule for the access check of health-data operations (api/deps.py) and for the fields withheld from
    every other answer (domain/rules/health_data.py)."""
    ids = frozenset(child_ids)
    by_role = health_data_by_role(actor)
    if by_role is not None:
        return ids if by_role else frozenset()
    return frozenset(child_id for child_id in ids if health_data_shared(session, child_id, today=today))
