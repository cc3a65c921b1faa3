"""The audit log, for auditors: who read or changed whose data, when, why and with what outcome.

It is append-only: this API has no operation that changes or deletes an event.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.audit import AuditEventOut, Moment
from api.schemas.common import Cursor, Limit, Page
from domain.services import audit_log

router = APIRouter(tags=["audit"], responses=PROBLEM_RESPONSES)


@router.get("/audit", response_model=Page[AuditEventOut])
def search_audit_log(
    uow: UnitOfWorkDep,
    limit: Limit = 100,
    cursor: Cursor = None,
    person_id: Annotated[uuid.UUID | None, Query(description="The child or family")] = None,
    actor: Annotated[str | None, Query(max_length=100, description="A staff or client id, or a client_id")] = None,
    action: Annotated[str | None, Query(max_length=30, examples=["read"])] = None,
    outcome: Annotated[str | None, Query(max_length=20, examples=["refused"])] = None,
    occurred_from: Annotated[
        Moment | None, Query(alias="from", description="Inclusive: a date (a Copenhagen day) or a UTC time")
    ] = None,
    occurred_to: Annotated[
        Moment | None, Query(alias="to", description="Inclusive: a date (a Copenhagen day) or a UTC time")
    ] = None,
) -> Page[AuditEventOut]:
    """Audit events, newest first, matching every filter given."""
    page = audit_log.search_audit_events(
        uow.session,
        person_id=person_id,
        actor=actor,
        action=action,
        outcome=outcome,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        cursor=cursor,
        limit=limit,
    )
    criteria = {
        "person_id": str(person_id) if person_id else None,
        "actor": actor,
        "action": action,
        "outcome": outcome,
        "from": occurred_from.isoformat() if occurred_from else None,
        "to": occurred_to.isoformat() if occurred_to else None,
    }
    uow.audit.record("audit_search", person_id=person_id, details={"criteria": criteria})
    return Page[AuditEventOut](items=[AuditEventOut.of(e) for e in page.items], next_cursor=page.next_cursor)
