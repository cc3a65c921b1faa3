"""Queries about staff, teams and integration clients."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.store.tables import IntegrationClient, SignInThrottle, Staff


def staff_by_username(session: Session, username: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.username == username)).first()


def staff_by_id(session: Session, staff_id: uuid.UUID) -> Staff | None:
    return session.get(Staff, staff_id)


# Every authenticated request looks its caller up: built once, and read as a plain row (no ORM object).
_ACTIVE_STAFF = sa_select(
    col(Staff.id), col(Staff.username), col(Staff.roles), col(Staff.team_id), col(Staff.daycare_id)
).where(col(Staff.id) == bindparam("staff_id"), col(Staff.active).is_(True))


def active_staff_identity(session: Session, staff_id: uuid.UUID) -> Row[Any] | None:
    """The id, username, roles, team and daycare of an active staff member (None if unknown or inactive)."""
    return session.execute(_ACTIVE_STAFF, {"staff_id": staff_id}).first()


def staff_by_external_subject(session: Session, subject: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.external_subject == subject)).first()


def client_by_client_id(session: Session, client_id: str) -> IntegrationClient | None:
    return session.exec(select(IntegrationClient).where(IntegrationClient.client_id == client_id)).first()


def client_by_id(session: Session, row_id: uuid.UUID) -> IntegrationClient | None:
    return session.get(IntegrationClient, row_id)


def throttle_for(session: Session, subject: str) -> SignInThrottle | None:
    return session.exec(select(SignInThrottle).where(SignInThrottle.subject == subject)).first()
