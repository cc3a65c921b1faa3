"""Reading the audit log: newest first, keyset-paged. Nothing here (or anywhere) changes or deletes an event."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from domain.errors import ValidationFailed
from domain.store.repositories.pagination import MAX_LIMIT, Page, decode_cursor, encode_cursor
from domain.store.tables import AuditEvent

_ORDER = (col(AuditEvent.occurred_at), col(AuditEvent.id))


def audit_events_newest_first(
    session: Session,
    *,
    person_id: uuid.UUID | None,
    actor: str | None,
    action: str | None,
    outcome: str | None,
    occurred_from: datetime | None,
    occurred_before: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[AuditEvent]:
    """One page of events, newest first, matching every filter given. `actor` is an actor id or a
    client id; `occurred_from` is inclusive and `occurred_before` exclusive."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.for_field("limit", f"limit must be between 1 and {MAX_LIMIT}")
    statement: Any = select(AuditEvent)
    if person_id is not None:
        statement = statement.where(AuditEvent.person_id == person_id)
    if actor:
        statement = statement.where(or_(col(AuditEvent.actor_id) == actor, col(AuditEvent.client_id) == actor))
    if action:
        statement = statement.where(AuditEvent.action == action)
    if outcome:
        statement = statement.where(AuditEvent.outcome == outcome)
    if occurred_from is not None:
        statement = statement.where(col(AuditEvent.occurred_at) >= occurred_from)
    if occurred_before is not None:
        statement = statement.where(col(AuditEvent.occurred_at) < occurred_before)
    if cursor:
        at, event_id = decode_cursor(cursor, len(_ORDER))
        if not isinstance(at, datetime) or at.tzinfo is None or not isinstance(event_id, uuid.UUID):
            raise ValidationFailed.for_field("cursor", "The cursor is not one this API gave out")
        statement = statement.where(
            or_(
                col(AuditEvent.occurred_at) < at,
                and_(col(AuditEvent.occurred_at) == at, col(AuditEvent.id) < event_id),
            )
        )
    statement = statement.order_by(*(c.desc() for c in _ORDER)).limit(limit + 1)
    rows = list(session.exec(statement))
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor((rows[-1].occurred_at, rows[-1].id)) if has_more and rows else None
    return Page(items=rows, next_cursor=next_cursor)
