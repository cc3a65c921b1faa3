"""Queries on families and children, always within what the caller may see."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, exists, func, or_
from sqlmodel import Session, col, select

from domain.services.actors import Actor, Role
from domain.store.repositories.access import visible_children
from domain.store.repositories.pagination import Page, keyset_page
from domain.store.tables import Child, Family, FamilyMember, HousingArea, RiskFactor, Team


def visible_families(actor: Actor, *, today: date) -> ColumnElement[bool]:
    """A condition on `Family` rows: a visible child, or (health visitors) the team's caseload."""
    through_child = exists().where(Child.family_id == Family.id, visible_children(actor, today=today))
    if actor.has_role(Role.HEALTH_VISITOR) and actor.team_id is not None:
        area_team = select(HousingArea.team_id).where(HousingArea.id == Family.area_id).scalar_subquery()
        return or_(through_child, func.coalesce(Family.team_id, area_team) == actor.team_id)
    return through_child


def list_families(
    session: Session,
    *,
    visible: ColumnElement[bool],
    updated_since: datetime | None,
    area_code: str | None,
    source_system: str | None,
    cursor: str | None,
    limit: int,
) -> Page[Family]:
    statement: Any = select(Family).where(visible)
    if updated_since is not None:
        statement = statement.where(Family.updated_at >= updated_since)
    if area_code:
        # EXISTS, not a join, for the same reason as in list_children.
        statement = statement.where(
            exists().where(col(HousingArea.id) == col(Family.area_id), col(HousingArea.code) == area_code)
        )
    if source_system:
        statement = statement.where(Family.source_system == source_system)
    return keyset_page(
        session,
        statement,
        order_by=[col(Family.updated_at), col(Family.id)],
        key_of=lambda f: (f.updated_at, f.id),
        cursor=cursor,
        limit=limit,
    )


def list_children(
    session: Session,
    *,
    visible: ColumnElement[bool],
    updated_since: datetime | None,
    area_code: str | None,
    name: str | None,
    cpr: str | None,
    family_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> Page[Child]:
    statement: Any = select(Child).where(visible)
    if updated_since is not None:
        statement = statement.where(Child.updated_at >= updated_since)
    if area_code:
        # EXISTS, not a join: `visible` correlates its own Family subqueries, which a joined Family swallows.
        statement = statement.where(
            exists().where(
                col(Family.id) == col(Child.family_id),
                col(HousingArea.id) == col(Family.area_id),
                col(HousingArea.code) == area_code,
            )
        )
    if name:
        pattern = f"%{name.lower()}%"
        member_match = exists().where(
            FamilyMember.family_id == Child.family_id, func.lower(FamilyMember.name).like(pattern)
        )
        statement = statement.where(or_(func.lower(Child.name).like(pattern), member_match))
    if cpr:
        member_cpr = exists().where(FamilyMember.family_id == Child.family_id, FamilyMember.cpr == cpr)
        statement = statement.where(or_(Child.cpr == cpr, member_cpr))
    if family_id:
        statement = statement.where(Child.family_id == family_id)
    return keyset_page(
        session,
        statement,
        order_by=[col(Child.updated_at), col(Child.id)],
        key_of=lambda c: (c.updated_at, c.id),
        cursor=cursor,
        limit=limit,
    )


def members_of(session: Session, family_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[FamilyMember]]:
    result: dict[uuid.UUID, list[FamilyMember]] = {fid: [] for fid in family_ids}
    if family_ids:
        statement = (
            select(FamilyMember)
            .where(col(FamilyMember.family_id).in_(family_ids))
            .order_by(col(FamilyMember.role), col(FamilyMember.name))
        )
        for member in session.exec(statement):
            result[member.family_id].append(member)
    return result


def children_of(session: Session, family_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Child]]:
    result: dict[uuid.UUID, list[Child]] = {fid: [] for fid in family_ids}
    if family_ids:
        statement = (
            select(Child).where(col(Child.family_id).in_(family_ids)).order_by(col(Child.due_date), col(Child.id))
        )
        for child in session.exec(statement):
            result[child.family_id].append(child)
    return result


def risk_codes_of(session: Session, family_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    result: dict[uuid.UUID, list[str]] = {fid: [] for fid in family_ids}
    if family_ids:
        statement = select(RiskFactor).where(col(RiskFactor.family_id).in_(family_ids)).order_by(col(RiskFactor.code))
        for row in session.exec(statement):
            result[row.family_id].append(row.code)
    return result


def area_and_team_codes(session: Session) -> tuple[dict[uuid.UUID, str], dict[uuid.UUID, str]]:
    areas = {a.id: a.code for a in session.exec(select(HousingArea))}
    teams = {t.id: t.code for t in session.exec(select(Team))}
    return areas, teams


def family_by_source(session: Session, source_system: str, external_ids: Sequence[str]) -> dict[str, Family]:
    if not external_ids:
        return {}
    statement = select(Family).where(Family.source_system == source_system, col(Family.external_id).in_(external_ids))
    return {f.external_id: f for f in session.exec(statement)}
