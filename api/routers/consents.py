"""Consents and legal bases that let family therapists and caseworkers see a child's health data.

The access check reads them on every request, so recording one opens access at once and
withdrawing one closes it at once.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from api.concurrency import ETAG_HEADER, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.health import ConsentIn, ConsentOut
from domain.clock import copenhagen_today
from domain.services import consents
from domain.store.tables import Consent

router = APIRouter(tags=["consents"], responses=PROBLEM_RESPONSES)


def consent_out(consent: Consent) -> ConsentOut:
    return ConsentOut(
        id=consent.id,
        child_id=consent.child_id,
        kind=consent.kind,
        scope=consent.scope,
        legal_reference=consent.legal_reference,
        given_on=consent.given_on,
        withdrawn_at=consent.withdrawn_at,
        active=consent.withdrawn_at is None,
        recorded_by=consent.recorded_by,
        created_at=consent.created_at,
        updated_at=consent.updated_at,
    )


@router.post(
    "/children/{child_id}/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentOut,
    responses={201: {"headers": ETAG_HEADER}},
)
def record_consent(
    child_id: uuid.UUID, body: ConsentIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> ConsentOut:
    """Record a parent's consent, or a legal basis (with its reference), to share health data with social staff."""
    consent = consents.record_consent(
        uow.session,
        child_id=child_id,
        kind=body.kind,
        scope=body.scope,
        given_on=body.given_on,
        legal_reference=body.legal_reference,
        recorded_by=actor.id if actor.is_staff else None,
        today=copenhagen_today(),
    )
    uow.audit.record("create", person_id=child_id, details={"consent_id": str(consent.id), "kind": consent.kind})
    result = consent_out(consent)
    response.headers["Location"] = f"/api/v1/consents/{consent.id}"
    with_etag(response, result)
    return result


@router.get("/children/{child_id}/consents", response_model=Page[ConsentOut])
def list_consents(
    child_id: uuid.UUID,
    uow: UnitOfWorkDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
) -> Page[ConsentOut]:
    """The child's consents and legal bases, oldest first, withdrawn ones included."""
    page = consents.consents_of_child(
        uow.session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    return Page[ConsentOut](items=[consent_out(c) for c in page.items], next_cursor=page.next_cursor)


@router.get("/consents/{consent_id}", response_model=ConsentOut, responses={200: {"headers": ETAG_HEADER}})
def read_consent(consent_id: uuid.UUID, uow: UnitOfWorkDep, response: Response) -> ConsentOut:
    """One consent or legal basis."""
    result = consent_out(consents.get_consent(uow.session, consent_id))
    with_etag(response, result)
    return result


@router.post("/consents/{consent_id}/withdraw", response_model=ConsentOut, responses={200: {"headers": ETAG_HEADER}})
def withdraw_consent(consent_id: uuid.UUID, uow: UnitOfWorkDep, response: Response) -> ConsentOut:
    """Withdraw a consent or end a legal basis now; access that relied on it ends at once."""
    result = consent_out(consents.withdraw_consent(uow.session, consent_id=consent_id))
    with_etag(response, result)
    return result
