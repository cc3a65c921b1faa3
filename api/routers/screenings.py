"""Screenings (EPDS, Gotland, ADBB): posted as answer positions, scored by the server.

Answers are health data: they are stored and returned to those allowed to see them, and never
logged; the audit trail records that a screening was made, not what was answered.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from api.concurrency import ETAG_HEADER, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.health import ScreeningIn, ScreeningItemOut, ScreeningOut, ScreeningRecorded
from domain.rules.visit_state import copenhagen_today
from domain.services import screenings
from domain.services.screenings import ScreeningWithItems

router = APIRouter(tags=["screening"], responses=PROBLEM_RESPONSES)


def screening_out(found: ScreeningWithItems) -> ScreeningOut:
    s = found.screening
    return ScreeningOut(
        id=s.id,
        child_id=s.child_id,
        visit_id=s.visit_id,
        instrument=s.instrument,
        respondent=s.respondent,
        administered_on=s.administered_on,
        administered_by=s.administered_by,
        total=s.total,
        cutoff=s.cutoff,
        flags=list(s.flags),
        item_scores=[i.score for i in found.items],
        items=[ScreeningItemOut(position=i.position, answer=i.answer, score=i.score) for i in found.items],
        created_at=s.created_at,
        updated_at=s.updated_at,
    )


@router.post(
    "/children/{child_id}/screenings",
    status_code=status.HTTP_201_CREATED,
    response_model=ScreeningRecorded,
    responses={201: {"headers": ETAG_HEADER}},
)
def record_screening(
    child_id: uuid.UUID, body: ScreeningIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> ScreeningRecorded:
    """Record a screening; the server scores it. EPDS item 10 above 0 creates an urgent contact due today."""
    recorded = screenings.record_screening(
        uow.session,
        child_id=child_id,
        instrument=body.instrument,
        respondent=body.respondent,
        items=body.items,
        administered_on=body.administered_on,
        administered_by=actor.id if actor.is_staff else None,
        visit_id=body.visit_id,
        today=copenhagen_today(),
    )
    screening = recorded.screening
    uow.audit.record(
        "create", person_id=child_id, details={"screening_id": str(screening.id), "instrument": screening.instrument}
    )
    shown = screening_out(screenings.with_items(uow.session, [screening])[0])
    result = ScreeningRecorded(
        **shown.model_dump(), urgent_visit_id=recorded.urgent_visit.id if recorded.urgent_visit else None
    )
    # No single-screening operation exists: the new screening heads its child's list (newest first).
    response.headers["Location"] = f"/api/v1/children/{child_id}/screenings"
    with_etag(response, result)
    return result


@router.get("/children/{child_id}/screenings", response_model=Page[ScreeningOut])
def list_screenings(
    child_id: uuid.UUID,
    uow: UnitOfWorkDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
) -> Page[ScreeningOut]:
    """The child's screenings, newest first, with each item's answer and score."""
    page = screenings.screenings_of_child(
        uow.session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    return Page[ScreeningOut](items=[screening_out(s) for s in page.items], next_cursor=page.next_cursor)
