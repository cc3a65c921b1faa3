"""Consents and legal bases that let family therapists and caseworkers see a child's health data, and
their requests for it.

The access check reads consents on every request, so recording one opens access at once and
withdrawing one closes it at once. Only the health-visiting side records or withdraws them (the access
matrix); social staff may request sharing, which grants nothing.
"""

from __future__ import annotations

import uuid
from typing import Annotated, cast

from fastapi import APIRouter, Query, Response, status

from api.concurrency import ETAG_HEADER, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.health import ConsentIn, ConsentOut
from api.schemas.sharing import (
    LegalBasisKindList,
    LegalBasisKindOut,
    RequestStatus,
    SharingRequestDeclineIn,
    SharingRequestIn,
    SharingRequestOut,
)
from domain.clock import copenhagen_today
from domain.services import consents
from domain.store.tables import Consent, SharingRequest

router = APIRouter(tags=["consents"], responses=PROBLEM_RESPONSES)


def consent_out(consent: Consent, names: dict[uuid.UUID, str]) -> ConsentOut:
    return ConsentOut(
        id=consent.id,
        child_id=consent.child_id,
        kind=consent.kind,
        scope=consent.scope,
        legal_basis_kind=consent.legal_basis_kind,
        legal_reference=consent.legal_reference,
        given_on=consent.given_on,
        withdrawn_at=consent.withdrawn_at,
        withdrawn_by=consent.withdrawn_by,
        withdrawn_by_name=names.get(consent.withdrawn_by) if consent.withdrawn_by else None,
        active=consent.withdrawn_at is None,
        recorded_by=consent.recorded_by,
        recorded_by_name=names.get(consent.recorded_by) if consent.recorded_by else None,
        created_at=consent.created_at,
        updated_at=consent.updated_at,
    )


def _consents_out(uow: UnitOfWorkDep, items: list[Consent]) -> list[ConsentOut]:
    names = consents.staff_names(uow.session, [s for c in items for s in (c.recorded_by, c.withdrawn_by)])
    return [consent_out(c, names) for c in items]


def request_out(request: SharingRequest, names: dict[uuid.UUID, str]) -> SharingRequestOut:
    return SharingRequestOut(
        id=request.id,
        child_id=request.child_id,
        scope=request.scope,
        reason=request.reason,
        status=cast(RequestStatus, request.status),  # one of the statuses the service writes
        requested_by=request.requested_by,
        requested_by_name=names.get(request.requested_by),
        consent_id=request.consent_id,
        answered_by=request.answered_by,
        answered_by_name=names.get(request.answered_by) if request.answered_by else None,
        answered_at=request.answered_at,
        decline_reason=request.decline_reason,
        created_at=request.created_at,
        updated_at=request.updated_at,
    )


def _requests_out(uow: UnitOfWorkDep, items: list[SharingRequest]) -> list[SharingRequestOut]:
    names = consents.staff_names(uow.session, [s for r in items for s in (r.requested_by, r.answered_by)])
    return [request_out(r, names) for r in items]


@router.get("/legal-basis-kinds", response_model=LegalBasisKindList)
def list_legal_basis_kinds() -> LegalBasisKindList:
    """The kinds of legal basis a legal basis may name (kept as data: domain/catalog/legal_bases.toml)."""
    return LegalBasisKindList(items=[LegalBasisKindOut.of(k) for k in consents.legal_basis_kinds()])


@router.post(
    "/children/{child_id}/consents",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsentOut,
    responses={201: {"headers": ETAG_HEADER}},
)
def record_consent(
    child_id: uuid.UUID, body: ConsentIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> ConsentOut:
    """Record a parent's consent, or a legal basis (its kind and reference), to share health data with
    social staff; the child's health visitor or her team, or an admin. May answer a sharing request."""
    consent = consents.record_consent(
        uow.session,
        child_id=child_id,
        kind=body.kind,
        scope=body.scope,
        given_on=body.given_on,
        legal_basis_kind_code=body.legal_basis_kind,
        legal_reference=body.legal_reference,
        sharing_request_id=body.sharing_request_id,
        recorder=actor,
        today=copenhagen_today(),
    )
    details = {"consent_id": str(consent.id), "kind": consent.kind, "legal_basis_kind": consent.legal_basis_kind}
    if body.sharing_request_id is not None:
        details["sharing_request_id"] = str(body.sharing_request_id)
    uow.audit.record("create", person_id=child_id, details=details)
    result = _consents_out(uow, [consent])[0]
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
    return Page[ConsentOut](items=_consents_out(uow, page.items), next_cursor=page.next_cursor)


@router.get("/consents/{consent_id}", response_model=ConsentOut, responses={200: {"headers": ETAG_HEADER}})
def read_consent(consent_id: uuid.UUID, uow: UnitOfWorkDep, response: Response) -> ConsentOut:
    """One consent or legal basis."""
    result = _consents_out(uow, [consents.get_consent(uow.session, consent_id)])[0]
    with_etag(response, result)
    return result


@router.post("/consents/{consent_id}/withdraw", response_model=ConsentOut, responses={200: {"headers": ETAG_HEADER}})
def withdraw_consent(consent_id: uuid.UUID, uow: UnitOfWorkDep, actor: CurrentActor, response: Response) -> ConsentOut:
    """Withdraw a consent or end a legal basis now; access that relied on it ends at once."""
    consent = consents.withdraw_consent(uow.session, consent_id=consent_id, withdrawer=actor)
    uow.audit.record(
        "withdraw", person_id=consent.child_id, details={"consent_id": str(consent.id), "kind": consent.kind}
    )
    result = _consents_out(uow, [consent])[0]
    with_etag(response, result)
    return result


@router.post(
    "/children/{child_id}/sharing-requests",
    status_code=status.HTTP_201_CREATED,
    response_model=SharingRequestOut,
    responses={201: {"headers": ETAG_HEADER}},
)
def request_sharing(
    child_id: uuid.UUID, body: SharingRequestIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> SharingRequestOut:
    """Social staff ask the child's health visitor to share the child's health data. Grants nothing: the
    health visitor answers by recording a consent or legal basis, or declines."""
    request = consents.request_sharing(
        uow.session, child_id=child_id, scope=body.scope, reason=body.reason, requester=actor, today=copenhagen_today()
    )
    uow.audit.record("create", person_id=child_id, details={"sharing_request_id": str(request.id)})
    result = _requests_out(uow, [request])[0]
    response.headers["Location"] = f"/api/v1/sharing-requests/{request.id}"
    with_etag(response, result)
    return result


@router.get("/children/{child_id}/sharing-requests", response_model=Page[SharingRequestOut])
def list_sharing_requests(
    child_id: uuid.UUID,
    uow: UnitOfWorkDep,
    request_status: Annotated[RequestStatus | None, Query(alias="status", description="Only these")] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
) -> Page[SharingRequestOut]:
    """The requests to share the child's health data, oldest first, answered ones included."""
    page = consents.sharing_requests_of_child(
        uow.session,
        child_id=child_id,
        status=request_status,
        updated_since=updated_since,
        cursor=cursor,
        limit=limit,
    )
    return Page[SharingRequestOut](items=_requests_out(uow, page.items), next_cursor=page.next_cursor)


@router.get(
    "/sharing-requests/{sharing_request_id}",
    response_model=SharingRequestOut,
    responses={200: {"headers": ETAG_HEADER}},
)
def read_sharing_request(sharing_request_id: uuid.UUID, uow: UnitOfWorkDep, response: Response) -> SharingRequestOut:
    """One request to share a child's health data."""
    result = _requests_out(uow, [consents.get_sharing_request(uow.session, sharing_request_id)])[0]
    with_etag(response, result)
    return result


@router.post(
    "/sharing-requests/{sharing_request_id}/decline",
    response_model=SharingRequestOut,
    responses={200: {"headers": ETAG_HEADER}},
)
def decline_sharing_request(
    sharing_request_id: uuid.UUID,
    body: SharingRequestDeclineIn,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    response: Response,
) -> SharingRequestOut:
    """The health visitor declines a request to share, with a reason the requester sees."""
    request = consents.decline_sharing_request(
        uow.session, request_id=sharing_request_id, reason=body.reason, decliner=actor
    )
    uow.audit.record("decline", person_id=request.child_id, details={"sharing_request_id": str(request.id)})
    result = _requests_out(uow, [request])[0]
    with_etag(response, result)
    return result
