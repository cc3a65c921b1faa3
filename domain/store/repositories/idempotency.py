"""Stored first answers of POSTs sent with an Idempotency-Key."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from domain.clock import utc_now
from domain.store.tables import IdempotencyRecord

KEEP_FOR = timedelta(hours=24)


def find(session: Session, principal: str, key: str) -> IdempotencyRecord | None:
    statement = select(IdempotencyRecord).where(IdempotencyRecord.principal == principal, IdempotencyRecord.key == key)
    record = session.exec(statement).first()
    if record is not None and _aware(record.created_at) < utc_now() - KEEP_FOR:
        session.delete(record)
        session.flush()
        return None
    return record


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utc_now().tzinfo)


def claim(session: Session, *, principal: str, key: str, method: str, path: str, body_hash: str) -> bool:
    """Insert an in-progress record; False when another request holds the same key."""
    session.add(IdempotencyRecord(principal=principal, key=key, method=method, path=path, body_hash=body_hash))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True


def complete(session: Session, *, principal: str, key: str, status: int, body: str, headers: dict[str, Any]) -> None:
    record = find(session, principal, key)
    if record is not None:
        record.state = "done"
        record.status_code = status
        record.response_body = body
        record.response_headers = headers
        session.add(record)


def release(session: Session, *, principal: str, key: str) -> None:
    session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.principal == principal, IdempotencyRecord.key == key)  # type: ignore[arg-type]
    )


def purge_expired(session: Session) -> None:
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < utc_now() - KEEP_FOR))  # type: ignore[arg-type]
