"""Parental consent or a legal basis that lets social staff (family therapists, caseworkers) see a
child's health-visiting data. Withdrawal takes effect at once: the access check reads it per request."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlmodel import Session

from domain.clock import utc_now
from domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from domain.store.repositories import health as health_repo
from domain.store.repositories.access import HEALTH_DATA_SCOPE
from domain.store.repositories.pagination import Page
from domain.store.tables import Child, Consent

KINDS = ("consent", "legal_basis")
SCOPES = (HEALTH_DATA_SCOPE,)


def record_consent(
    session: Session,
    *,
    child_id: uuid.UUID,
    kind: str,
    scope: str,
    given_on: date,
    legal_reference: str | None,
    recorded_by: uuid.UUID | None,
    today: date,
) -> Consent:
    """Record a parent's consent, or the legal basis (e.g. an investigation under Barnets lov § 20)
    that lets social staff see the child's health data."""
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    reference = (legal_reference or "").strip() or None
    errors: list[FieldError] = []
    if kind not in KINDS:
        errors.append(FieldError("kind", f"kind must be one of {', '.join(KINDS)}"))
    if scope not in SCOPES:
        errors.append(FieldError("scope", f"scope must be one of {', '.join(SCOPES)}"))
    if given_on > today:
        errors.append(FieldError("given_on", "A consent or legal basis cannot be given in the future"))
    if kind == "legal_basis" and reference is None:
        errors.append(FieldError("legal_reference", "Name the legal basis, e.g. Barnets lov § 20"))
    if errors:
        raise ValidationFailed(errors[0].message if len(errors) == 1 else "The consent is invalid", errors)
    consent = Consent(
        child_id=child_id,
        kind=kind,
        scope=scope,
        legal_reference=reference,
        given_on=given_on,
        recorded_by=recorded_by,
    )
    session.add(consent)
    session.flush()
    return consent


def withdraw_consent(session: Session, *, consent_id: uuid.UUID, now: datetime | None = None) -> Consent:
    """Withdraw a consent or end a legal basis, now; access that relied on it ends with this request."""
    consent = get_consent(session, consent_id)
    if consent.withdrawn_at is not None:
        raise Conflict(f"Already withdrawn at {consent.withdrawn_at.isoformat()}")
    consent.withdrawn_at = now or utc_now()
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
