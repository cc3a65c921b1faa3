"""Reading the audit log (auditors only). The log is append-only: there is no use case that changes or
deletes an event, and on PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from domain.errors import ValidationFailed
from domain.rules.visit_state import COPENHAGEN
from domain.store.repositories import audit as audit_repo
from domain.store.repositories.pagination import Page
from domain.store.tables import AuditEvent


def _start_of(day: date) -> datetime:
    """Midnight in Copenhagen at the start of `day`, in UTC."""
    return datetime.combine(day, time(), tzinfo=COPENHAGEN).astimezone(UTC)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _lower_bound(value: date | datetime | None) -> datetime | None:
    if value is None:
        return None
    return _as_utc(value) if isinstance(value, datetime) else _start_of(value)


def _upper_bound(value: date | datetime | None) -> datetime | None:
    """An exclusive upper bound: a date means up to the end of that Copenhagen day, a time up to and
    including that moment."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _as_utc(value) + timedelta(microseconds=1)
    return _start_of(value + timedelta(days=1))


def search_audit_events(
    session: Session,
    *,
    person_id: uuid.UUID | None,
    actor: str | None,
    action: str | None,
    outcome: str | None,
    occurred_from: date | datetime | None,
    occurred_to: date | datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[AuditEvent]:
    """Events newest first. `occurred_from`/`occurred_to` are inclusive; a date is a whole day in
    Europe/Copenhagen and a time without a zone is UTC."""
    lower, upper = _lower_bound(occurred_from), _upper_bound(occurred_to)
    if lower is not None and upper is not None and upper <= lower:
        raise ValidationFailed.for_field("to", "to must not be before from")
    return audit_repo.audit_events_newest_first(
        session,
        person_id=person_id,
        actor=actor,
        action=action,
        outcome=outcome,
        occurred_from=lower,
        occurred_before=upper,
        cursor=cursor,
        limit=limit,
    )
