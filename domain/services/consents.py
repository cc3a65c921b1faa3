"""Parental consent or a legal basis that lets social staff (family therapists, caseworkers) see a
child's health-visiting data, and social staff's requests for it. Withdrawal takes effect at once: the
access check reads it per request.

Who may grant is the health-visiting side (the child's health visitor or her team, or an admin; the
access matrix says so), and the invariant here is that the one who records a consent or legal basis is
never one it benefits: social staff may *request* sharing, which grants nothing, but never grant it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Session

from domain.clock import utc_now
from domain.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from domain.rules.legal_bases import LegalBasisKind, legal_basis_kind, load_legal_bases
from domain.services.actors import Actor, Role
from domain.store.repositories import access
from domain.store.repositories import health as health_repo
from domain.store.repositories import staff as staff_repo
from domain.store.repositories.access import HEALTH_DATA_SCOPE
from domain.store.repositories.pagination import Page
from domain.store.tables import Child, Consent, SharingRequest

KINDS = ("consent", "legal_basis")
SCOPES = (HEALTH_DATA_SCOPE,)
# Whom a consent or legal basis of scope `health_data_to_social` opens a child's health data to.
BENEFICIARY_ROLES = frozenset({Role.FAMILY_THERAPIST, Role.CASEWORKER})
REQUEST_STATUSES = ("pending", "answered", "declined")
MAX_TEXT = 2000


def _assert_not_a_beneficiary(actor: Actor, doing: str) -> None:
    """The one who grants access is never the one it is granted to."""
    if not actor.is_staff:
        raise Forbidden(f"Only a named staff member may {doing}")
    if actor.has_role(*BENEFICIARY_ROLES):
        raise Forbidden(
            f"Social staff may not {doing}: a consent or legal basis is never recorded by one it benefits. "
            "Ask the child's health visitor by a sharing request instead"
        )


def legal_basis_kinds() -> tuple[LegalBasisKind, ...]:
    """The kinds a legal basis may name (domain/catalog/legal_bases.toml)."""
    return load_legal_bases()


def record_consent(
    session: Session,
    *,
    child_id: uuid.UUID,
    kind: str,
    scope: str,
    given_on: date,
    legal_basis_kind_code: str | None,
    legal_reference: str | None,
    sharing_request_id: uuid.UUID | None,
    recorder: Actor,
    today: date,
    now: datetime | None = None,
) -> Consent:
    """Record a parent's consent, or a legal basis of a listed kind (e.g. a child-protection investigation
    under Barnets lov § 20) with its reference, that lets social staff see the child's health data.
    Answers the sharing request it names, if any."""
    _assert_not_a_beneficiary(recorder, "record a consent or legal basis")
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    reference = (legal_reference or "").strip() or None
    code = (legal_basis_kind_code or "").strip() or None
    errors: list[FieldError] = []
    if kind not in KINDS:
        errors.append(FieldError("kind", f"kind must be one of {', '.join(KINDS)}"))
    if scope not in SCOPES:
        errors.append(FieldError("scope", f"scope must be one of {', '.join(SCOPES)}"))
    if given_on > today:
        errors.append(FieldError("given_on", "A consent or legal basis cannot be given in the future"))
    if kind == "legal_basis":
        if code is None:
            errors.append(FieldError("legal_basis_kind", "Name the kind of legal basis (GET /legal-basis-kinds)"))
        elif given_on <= today:
            try:
                legal_basis_kind(code, given_on=given_on)
            except ValidationFailed as invalid:
                errors.extend(invalid.errors)
        if reference is None:
            errors.append(FieldError("legal_reference", "Give the reference, e.g. the case's journal number"))
    elif kind == "consent" and code is not None:
        errors.append(FieldError("legal_basis_kind", "A parental consent names no kind of legal basis"))
    request = _request_to_answer(session, child_id=child_id, request_id=sharing_request_id, scope=scope, errors=errors)
    if errors:
        raise ValidationFailed(errors[0].message if len(errors) == 1 else "The consent is invalid", errors)
    consent = Consent(
        child_id=child_id,
        kind=kind,
        scope=scope,
        legal_basis_kind=code if kind == "legal_basis" else None,
        legal_reference=reference,
        given_on=given_on,
        recorded_by=recorder.id,
    )
    session.add(consent)
    session.flush()
    if request is not None:
        request.status = "answered"
        request.consent_id = consent.id
        request.answered_by = recorder.id
        request.answered_at = now or utc_now()
        session.add(request)
        session.flush()
    return consent


def _request_to_answer(
    session: Session, *, child_id: uuid.UUID, request_id: uuid.UUID | None, scope: str, errors: list[FieldError]
) -> SharingRequest | None:
    if request_id is None:
        return None
    request = session.get(SharingRequest, request_id)
    if request is None or request.child_id != child_id:
        errors.append(FieldError("sharing_request_id", "No such sharing request for this child"))
        return None
    if request.status != "pending":
        raise Conflict(f"The sharing request was already {request.status}")
    if request.scope != scope:
        errors.append(FieldError("sharing_request_id", "The sharing request asks for another scope"))
    return request


def withdraw_consent(
    session: Session, *, consent_id: uuid.UUID, withdrawer: Actor, now: datetime | None = None
) -> Consent:
    """Withdraw a consent or end a legal basis, now; access that relied on it ends with this request."""
    _assert_not_a_beneficiary(withdrawer, "withdraw a consent or legal basis")
    consent = get_consent(session, consent_id)
    if consent.withdrawn_at is not None:
        raise Conflict(f"Already withdrawn at {consent.withdrawn_at.isoformat()}")
    consent.withdrawn_at = now or utc_now()
    consent.withdrawn_by = withdrawer.id
    session.add(consent)
    session.flush()
    return consent


def get_consent(session: Session, consent_id: uuid.UUID) -> Consent:
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise NotFound("No such consent")
    return consent


def consents_of_child(
    session: Session,
    *,
    child_id: uuid.UUID,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[Consent]:
    """One page of a child's consents and legal bases, oldest first, withdrawn ones included."""
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    return health_repo.consents_page(
        session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )


# --- sharing requests ------------------------------------------------------------------------------


def request_sharing(
    session: Session, *, child_id: uuid.UUID, scope: str, reason: str, requester: Actor, today: date
) -> SharingRequest:
    """Social staff ask the child's health visitor to share the child's health data. Grants nothing."""
    if not requester.is_staff or not requester.has_role(*BENEFICIARY_ROLES):
        raise Forbidden("Only social staff (family therapists, caseworkers) request sharing of health data")
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    text = reason.strip()
    errors: list[FieldError] = []
    if scope not in SCOPES:
        errors.append(FieldError("scope", f"scope must be one of {', '.join(SCOPES)}"))
    if not text:
        errors.append(FieldError("reason", "Say why you need the child's health data"))
    elif len(text) > MAX_TEXT:
        errors.append(FieldError("reason", f"At most {MAX_TEXT} characters"))
    if errors:
        raise ValidationFailed(errors[0].message if len(errors) == 1 else "The request is invalid", errors)
    if access.health_data_shared(session, child_id, today=today):
        raise Conflict("A consent or legal basis in force already shares this child's health data")
    if health_repo.pending_sharing_request(session, child_id=child_id, requested_by=requester.id, scope=scope):
        raise Conflict("You already have a request waiting for the health visitor's answer")
    request = SharingRequest(child_id=child_id, scope=scope, reason=text, requested_by=requester.id)
    session.add(request)
    session.flush()
    return request


def decline_sharing_request(
    session: Session, *, request_id: uuid.UUID, reason: str, decliner: Actor, now: datetime | None = None
) -> SharingRequest:
    """The health visitor declines a request to share (with a reason the requester sees)."""
    _assert_not_a_beneficiary(decliner, "answer a sharing request")
    request = get_sharing_request(session, request_id)
    text = reason.strip()
    if not text:
        raise ValidationFailed.for_field("reason", "Say why the health data is not shared")
    if len(text) > MAX_TEXT:
        raise ValidationFailed.for_field("reason", f"At most {MAX_TEXT} characters")
    if request.status != "pending":
        raise Conflict(f"The sharing request was already {request.status}")
    request.status = "declined"
    request.decline_reason = text
    request.answered_by = decliner.id
    request.answered_at = now or utc_now()
    session.add(request)
    session.flush()
    return request


def get_sharing_request(session: Session, request_id: uuid.UUID) -> SharingRequest:
    request = session.get(SharingRequest, request_id)
    if request is None:
        raise NotFound("No such sharing request")
    return request


def sharing_requests_of_child(
    session: Session,
    *,
    child_id: uuid.UUID,
    status: str | None,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[SharingRequest]:
    """One page of the requests to share a child's health data, oldest first, answered ones included."""
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    if status is not None and status not in REQUEST_STATUSES:
        raise ValidationFailed.for_field("status", f"status must be one of {', '.join(REQUEST_STATUSES)}")
    return health_repo.sharing_requests_page(
        session, child_id=child_id, status=status, updated_since=updated_since, cursor=cursor, limit=limit
    )


def staff_names(session: Session, staff_ids: list[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Who recorded, withdrew, asked or answered: full names by staff id."""
    return staff_repo.staff_names(session, [s for s in staff_ids if s is not None])
