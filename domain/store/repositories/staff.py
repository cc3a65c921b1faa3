"""Queries about staff, teams and integration clients."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Row, String, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.store.repositories.revocations import revoked_column
from domain.store.tables import IntegrationClient, SignInThrottle, Staff


def staff_by_username(session: Session, username: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.username == username)).first()


def staff_by_id(session: Session, staff_id: uuid.UUID) -> Staff | None:
    return session.get(Staff, staff_id)


# Every authenticated request looks its caller up: built once, and read as a plain row (no ORM object). The same
# statement tells whether the request's token was revoked (a primary-key probe of revoked_token), so revocation
# costs no extra round trip.
_REVOKED = revoked_column(bindparam("jti", type_=String()))
_ACTIVE_STAFF = sa_select(
    col(Staff.id), col(Staff.username), col(Staff.roles), col(Staff.team_id), col(Staff.daycare_id), _REVOKED
).where(col(Staff.id) == bindparam("staff_id"), col(Staff.active).is_(True))
_ACTIVE_CLIENT = sa_select(
    col(IntegrationClient.id), col(IntegrationClient.client_id), col(IntegrationClient.scopes), _REVOKED
).where(col(IntegrationClient.id) == bindparam("client_id"), col(IntegrationClient.active).is_(True))


def active_staff_identity(session: Session, staff_id: uuid.UUID, *, jti: str) -> Row[Any] | None:
    """The id, username, roles, team and daycare of an active staff member (None if unknown or inactive), and
    `revoked`: whether the token `jti` was revoked."""
    return session.execute(_ACTIVE_STAFF, {"staff_id": staff_id, "jti": jti}).first()


def active_client_identity(session: Session, row_id: uuid.UUID, *, jti: str) -> Row[Any] | None:
    """The id, client id and granted scopes of an active integration client (None if unknown or inactive), and
    `revoked`: whether the token `jti` was revoked."""
    return session.execute(_ACTIVE_CLIENT, {"client_id": row_id, "jti": jti}).first()


def staff_by_external_subject(session: Session, subject: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.external_subject == subject)).first()


def client_by_client_id(session: Session, client_id: str) -> IntegrationClient | None:
    return session.exec(select(IntegrationClient).where(IntegrationClient.client_id == client_id)).first()


def client_by_id(session: Session, row_id: uuid.UUID) -> IntegrationClient | None:
    return session.get(IntegrationClient, row_id)


def throttle_for(session: Session, subject: str) -> SignInThrottle | None:
    return session.exec(select(SignInThrottle).where(SignInThrottle.subject == subject)).first()


def staff_names(session: Session, staff_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The full names of the given staff members (e.g. who recorded or withdrew a consent)."""
    wanted = list(dict.fromkeys(staff_ids))
    if not wanted:
        return {}
    rows = session.execute(sa_select(col(Staff.id), col(Staff.full_name)).where(col(Staff.id).in_(wanted)))
    return {row[0]: row[1] for row in rows}
