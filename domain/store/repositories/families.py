"""Queries on families and children, always within what the caller may see."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, exists, func, or_
from sqlalchemy import delete as sa_delete
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.services.actors import Actor, Role
from domain.store import bulk
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


def risk_codes_for_children(
    session: Session, family_ids: Sequence[uuid.UUID], child_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """Like `risk_codes_of`, but of the risk factors recorded for one child only those of `child_ids`
    (a family answer leaves out what was recorded about a child the caller may not see)."""
    result: dict[uuid.UUID, list[str]] = {fid: [] for fid in family_ids}
    if family_ids:
        statement = select(RiskFactor).where(col(RiskFactor.family_id).in_(family_ids)).order_by(col(RiskFactor.code))
        for row in session.exec(statement):
            if (row.child_id is None or row.child_id in child_ids) and row.code not in result[row.family_id]:
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


# --- batch reads and writes for the bulk upsert --------------------------------------------------
# Core statements on the tables, not ORM objects: a batch of 1,000 families reads and writes a few
# thousand rows, and building ORM objects (identity map, change tracking) for each costs more than the
# database does; writes go through `domain.store.bulk` (driver executemany). IN lists are cut into
# chunks that stay under SQLite's and PostgreSQL's bind limits.

IN_CHUNK = 500

family_table = Family.__table__  # type: ignore[attr-defined]
member_table = FamilyMember.__table__  # type: ignore[attr-defined]
child_table = Child.__table__  # type: ignore[attr-defined]
risk_table = RiskFactor.__table__  # type: ignore[attr-defined]


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def area_ids_by_code(session: Session, codes: Collection[str]) -> dict[str, uuid.UUID]:
    if not codes:
        return {}
    statement = select(HousingArea.code, HousingArea.id).where(col(HousingArea.code).in_(list(codes)))
    return {code: area_id for code, area_id in session.exec(statement)}


def team_ids_by_code(session: Session, codes: Collection[str]) -> dict[str, uuid.UUID]:
    if not codes:
        return {}
    statement = select(Team.code, Team.id).where(col(Team.code).in_(list(codes)))
    return {code: team_id for code, team_id in session.exec(statement)}


def _columns(table: Any, names: Sequence[str]) -> list[Any]:
    return [table.c[name] for name in names]


# Only the columns the upsert compares: every UUID and timestamp read costs a conversion in Python.
FAMILY_READ = ("id", "source_system", "external_id", "area_id", "team_id", "address")
MEMBER_READ = ("family_id", "role", "name", "cpr")
CHILD_READ = ("id", "family_id", "external_id", "name", "due_date", "birth_date", "discharge_date", "cpr")
CHILD_READ += ("daycare_start", "kindergarten_start", "school_start")
RISK_READ = ("id", "family_id", "code")


def family_rows_by_source(session: Session, keys: Collection[tuple[str, str]]) -> dict[tuple[str, str], RowMapping]:
    """Existing families by (source_system, external_id), as plain rows."""
    by_source: dict[str, list[str]] = {}
    for source_system, external_id in keys:
        by_source.setdefault(source_system, []).append(external_id)
    found: dict[tuple[str, str], RowMapping] = {}
    for source_system, external_ids in by_source.items():
        for chunk in _chunks(external_ids):
            statement = sa_select(*_columns(family_table, FAMILY_READ)).where(
                family_table.c.source_system == source_system, family_table.c.external_id.in_(chunk)
            )
            for row in session.execute(statement).mappings():
                found[(row["source_system"], row["external_id"])] = row
    return found


def _rows_of_families(
    session: Session, table: Any, names: Sequence[str], family_ids: Sequence[uuid.UUID], *extra: Any
) -> list[RowMapping]:
    rows: list[RowMapping] = []
    for chunk in _chunks(family_ids):
        statement = sa_select(*_columns(table, names)).where(table.c.family_id.in_(chunk), *extra)
        rows.extend(session.execute(statement).mappings())
    return rows


def member_rows_of(session: Session, family_ids: Sequence[uuid.UUID]) -> list[RowMapping]:
    return _rows_of_families(session, member_table, MEMBER_READ, family_ids)


def child_rows_of(session: Session, family_ids: Sequence[uuid.UUID]) -> list[RowMapping]:
    return _rows_of_families(session, child_table, CHILD_READ, family_ids)


def family_risk_rows_of(session: Session, family_ids: Sequence[uuid.UUID]) -> list[RowMapping]:
    """The family-level risk factors (not those recorded for one child)."""
    return _rows_of_families(session, risk_table, RISK_READ, family_ids, risk_table.c.child_id.is_(None))


def child_ids_by_cpr(session: Session, cprs: Sequence[str]) -> dict[str, uuid.UUID]:
    """Which child holds each of these CPR numbers now."""
    found: dict[str, uuid.UUID] = {}
    for chunk in _chunks(cprs):
        statement = sa_select(child_table.c.cpr, child_table.c.id).where(child_table.c.cpr.in_(chunk))
        found.update({cpr: child_id for cpr, child_id in session.execute(statement)})
    return found


@dataclass
class FamilyWrites:
    """The rows a bulk upsert writes. Every row dict of one list has the same keys, so each list goes
    to the database as one executemany (rows with differing keys would be split into many statements)."""

    family_inserts: list[dict[str, Any]] = field(default_factory=list)
    family_updates: list[dict[str, Any]] = field(default_factory=list)
    member_families_to_clear: list[uuid.UUID] = field(default_factory=list)
    member_inserts: list[dict[str, Any]] = field(default_factory=list)
    risk_deletes: list[uuid.UUID] = field(default_factory=list)
    risk_inserts: list[dict[str, Any]] = field(default_factory=list)
    child_updates: list[dict[str, Any]] = field(default_factory=list)
    child_inserts: list[dict[str, Any]] = field(default_factory=list)

    def mark(self) -> tuple[int, ...]:
        """Where each list ends now, so what is planned after can be cut off again."""
        return tuple(len(getattr(self, name)) for name in self.__dataclass_fields__)

    def truncate(self, mark: tuple[int, ...]) -> None:
        for name, length in zip(self.__dataclass_fields__, mark, strict=True):
            del getattr(self, name)[length:]


FAMILY_UPDATE_COLUMNS = ("area_id", "team_id", "address", "updated_at")
# What a case system or staff may change of a child (the rules compare these), and what an update writes.
CHILD_FIELDS = (
    "name",
    "due_date",
    "birth_date",
    "discharge_date",
    "cpr",
    "daycare_start",
    "kindergarten_start",
    "school_start",
)
CHILD_UPDATE_COLUMNS = (*CHILD_FIELDS, "updated_at")


def write_family_changes(session: Session, writes: FamilyWrites) -> None:
    """Apply a batch's changes. Child updates run before child inserts, so a CPR number one child gives
    up can be taken by a new child of the same batch; each list keeps the order of the batch."""
    dialect = session.get_bind().dialect
    if writes.family_inserts:
        bulk.execute(session, bulk.insert_rows(family_table, writes.family_inserts, dialect))
    if writes.family_updates:
        bulk.execute(
            session, bulk.update_rows_by_id(family_table, FAMILY_UPDATE_COLUMNS, writes.family_updates, dialect)
        )
    if writes.child_updates:
        bulk.execute(session, bulk.update_rows_by_id(child_table, CHILD_UPDATE_COLUMNS, writes.child_updates, dialect))
    for chunk in _chunks(writes.member_families_to_clear):
        session.execute(sa_delete(member_table).where(member_table.c.family_id.in_(chunk)))
    if writes.member_inserts:
        bulk.execute(session, bulk.insert_rows(member_table, writes.member_inserts, dialect))
    for chunk in _chunks(writes.risk_deletes):
        session.execute(sa_delete(risk_table).where(risk_table.c.id.in_(chunk)))
    if writes.risk_inserts:
        bulk.execute(session, bulk.insert_rows(risk_table, writes.risk_inserts, dialect))
    if writes.child_inserts:
        bulk.execute(session, bulk.insert_rows(child_table, writes.child_inserts, dialect))
