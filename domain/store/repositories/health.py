"""Queries on a child's health data: screenings and their items, level decisions, consents, and the
facts the eligibility criteria read (risk factors, housing area)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_
from sqlmodel import Session, col, select

from domain.errors import ValidationFailed
from domain.store.repositories.pagination import MAX_LIMIT, Page, decode_cursor, encode_cursor, keyset_page
from domain.store.tables import (
    Consent,
    Family,
    HousingArea,
    LevelDecision,
    RiskFactor,
    Screening,
    ScreeningItem,
    SharingRequest,
)

# --- screenings ----------------------------------------------------------------------------------

_SCREENING_ORDER = (col(Screening.administered_on), col(Screening.created_at), col(Screening.id))


def _before(values: tuple[Any, ...]) -> ColumnElement[bool]:
    """(administered_on, created_at, id) < values, written out: the keyset condition of a newest-first list."""
    columns = _SCREENING_ORDER
    clauses = []
    for index, column in enumerate(columns):
        equal_before = [columns[i] == values[i] for i in range(index)]
        clauses.append(and_(*equal_before, column < values[index]))
    return or_(*clauses)


def screenings_of_child_newest_first(
    session: Session,
    *,
    child_id: uuid.UUID,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[Screening]:
    """One page of a child's screenings, newest first (by date given, then by when recorded)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.for_field("limit", f"limit must be between 1 and {MAX_LIMIT}")
    statement = select(Screening).where(Screening.child_id == child_id)
    if updated_since is not None:
        statement = statement.where(col(Screening.updated_at) >= updated_since)
    if cursor:
        statement = statement.where(_before(decode_cursor(cursor, len(_SCREENING_ORDER))))
    statement = statement.order_by(*(c.desc() for c in _SCREENING_ORDER)).limit(limit + 1)
    rows = list(session.exec(statement))
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    next_cursor = (
        encode_cursor((last.administered_on, last.created_at, last.id)) if has_more and last is not None else None
    )
    return Page(items=rows, next_cursor=next_cursor)


def screening_of_child(session: Session, *, child_id: uuid.UUID, screening_id: uuid.UUID) -> Screening | None:
    statement = select(Screening).where(Screening.id == screening_id, Screening.child_id == child_id)
    return session.exec(statement).first()


def latest_screening_per_instrument_and_respondent(session: Session, child_id: uuid.UUID) -> list[Screening]:
    """The child's current screenings: the newest of each (instrument, respondent)."""
    statement = select(Screening).where(Screening.child_id == child_id).order_by(*(c.desc() for c in _SCREENING_ORDER))
    latest: dict[tuple[str, str], Screening] = {}
    for row in session.exec(statement):
        latest.setdefault((row.instrument, row.respondent), row)
    return list(latest.values())


def items_of_screenings(session: Session, screening_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[ScreeningItem]]:
    """Each screening's items in the instrument's order."""
    result: dict[uuid.UUID, list[ScreeningItem]] = {sid: [] for sid in screening_ids}
    if screening_ids:
        statement = (
            select(ScreeningItem)
            .where(col(ScreeningItem.screening_id).in_(screening_ids))
            .order_by(col(ScreeningItem.screening_id), col(ScreeningItem.position))
        )
        for item in session.exec(statement):
            result[item.screening_id].append(item)
    return result


# --- facts for the eligibility criteria ------------------------------------------------------------


def risk_factor_codes_of_child(session: Session, *, family_id: uuid.UUID, child_id: uuid.UUID) -> list[str]:
    """The family's risk factors plus those recorded for this child only."""
    statement = (
        select(RiskFactor.code)
        .where(
            RiskFactor.family_id == family_id,
            or_(col(RiskFactor.child_id).is_(None), col(RiskFactor.child_id) == child_id),
        )
        .order_by(col(RiskFactor.code))
    )
    return list(dict.fromkeys(session.exec(statement)))


def housing_area_of_family(session: Session, family_id: uuid.UUID) -> HousingArea | None:
    statement = (
        select(HousingArea).join(Family, col(Family.area_id) == col(HousingArea.id)).where(Family.id == family_id)
    )
    return session.exec(statement).first()


def housing_area_by_code(session: Session, code: str) -> HousingArea | None:
    return session.exec(select(HousingArea).where(HousingArea.code == code)).first()


# --- level decisions -------------------------------------------------------------------------------

_DECISION_ORDER = (col(LevelDecision.effective_on), col(LevelDecision.created_at), col(LevelDecision.id))


def level_decisions_of_child(session: Session, child_id: uuid.UUID) -> list[LevelDecision]:
    """The child's whole level history, oldest first (of two on one day, the one recorded first)."""
    statement = select(LevelDecision).where(LevelDecision.child_id == child_id).order_by(*_DECISION_ORDER)
    return list(session.exec(statement))


def level_decisions_page(
    session: Session,
    *,
    child_id: uuid.UUID,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[LevelDecision]:
    """One page of the child's level history, oldest first."""
    statement: Any = select(LevelDecision).where(LevelDecision.child_id == child_id)
    if updated_since is not None:
        statement = statement.where(col(LevelDecision.updated_at) >= updated_since)
    return keyset_page(
        session,
        statement,
        order_by=list(_DECISION_ORDER),
        key_of=lambda d: (d.effective_on, d.created_at, d.id),
        cursor=cursor,
        limit=limit,
    )


def level_decision_of_child(session: Session, *, child_id: uuid.UUID, decision_id: uuid.UUID) -> LevelDecision | None:
    statement = select(LevelDecision).where(LevelDecision.id == decision_id, LevelDecision.child_id == child_id)
    return session.exec(statement).first()


# --- consents --------------------------------------------------------------------------------------


def consents_page(
    session: Session,
    *,
    child_id: uuid.UUID,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[Consent]:
    """One page of the consents and legal bases recorded for a child, oldest first."""
    statement: Any = select(Consent).where(Consent.child_id == child_id)
    if updated_since is not None:
        statement = statement.where(col(Consent.updated_at) >= updated_since)
    return keyset_page(
        session,
        statement,
        order_by=[col(Consent.given_on), col(Consent.created_at), col(Consent.id)],
        key_of=lambda c: (c.given_on, c.created_at, c.id),
        cursor=cursor,
        limit=limit,
    )


# --- sharing requests ------------------------------------------------------------------------------


def sharing_requests_page(
    session: Session,
    *,
    child_id: uuid.UUID,
    status: str | None,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[SharingRequest]:
    """One page of the requests to share a child's health data, oldest first."""
    statement: Any = select(SharingRequest).where(SharingRequest.child_id == child_id)
    if status is not None:
        statement = statement.where(SharingRequest.status == status)
    if updated_since is not None:
        statement = statement.where(col(SharingRequest.updated_at) >= updated_since)
    return keyset_page(
        session,
        statement,
        order_by=[col(SharingRequest.created_at), col(SharingRequest.id)],
        key_of=lambda r: (r.created_at, r.id),
        cursor=cursor,
        limit=limit,
    )


def pending_sharing_request(
    session: Session, *, child_id: uuid.UUID, requested_by: uuid.UUID, scope: str
) -> SharingRequest | None:
    """The request of `requested_by` for the child that still waits for an answer, if any."""
    statement = select(SharingRequest).where(
        SharingRequest.child_id == child_id,
        SharingRequest.requested_by == requested_by,
        SharingRequest.scope == scope,
        SharingRequest.status == "pending",
    )
    return session.exec(statement).first()
