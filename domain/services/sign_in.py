"""Signing in staff (password) and integration clients (client credentials), with repeated failures
slowed down per user or client across all workers."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from domain.errors import NotAuthenticated, TooManyAttempts, ValidationFailed
from domain.services.actors import Actor
from domain.services.credentials import digests_equal, feed_token_digest, verify_secret
from domain.store.repositories import revocations
from domain.store.repositories import staff as staff_repo
from domain.store.tables import IntegrationClient, SignInThrottle, Staff

FREE_FAILURES = 5  # failures before any delay
MAX_DELAY_SECONDS = 300


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes; every stored time is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def _check_throttle(session: Session, subject: str, now: datetime) -> SignInThrottle | None:
    throttle = staff_repo.throttle_for(session, subject)
    blocked_until = _aware(throttle.blocked_until) if throttle else None
    if blocked_until and blocked_until > now:
        wait = int((blocked_until - now).total_seconds()) + 1
        raise TooManyAttempts("Too many failed sign-ins; wait before trying again", retry_after=wait)
    return throttle


def _register_failure(session: Session, throttle: SignInThrottle | None, subject: str, now: datetime) -> None:
    throttle = throttle or SignInThrottle(subject=subject)
    throttle.failures += 1
    if throttle.failures >= FREE_FAILURES:
        delay = min(2 ** (throttle.failures - FREE_FAILURES), MAX_DELAY_SECONDS)
        throttle.blocked_until = now + timedelta(seconds=delay)
    session.add(throttle)
    session.flush()


def _clear(session: Session, throttle: SignInThrottle | None) -> None:
    if throttle is not None:
        session.delete(throttle)
        session.flush()


def actor_of_staff(staff: Staff | Row[Any]) -> Actor:
    """The actor of a staff member (her row, or a row of its id, username, roles, team and daycare)."""
    return Actor(
        kind="staff",
        id=staff.id,
        username=staff.username,
        roles=frozenset(staff.roles),
        team_id=staff.team_id,
        daycare_id=staff.daycare_id,
    )


def actor_of_client(client: IntegrationClient | Row[Any], scopes: frozenset[str] | None = None) -> Actor:
    granted = frozenset(client.scopes)
    return Actor(kind="client", id=client.id, username=client.client_id, scopes=granted & scopes if scopes else granted)


def sign_in_staff(session: Session, *, username: str, password: str, now: datetime) -> Actor:
    """The staff member whose password this is; failures are counted (and must be committed)."""
    subject = f"staff:{username.strip().lower()}"
    throttle = _check_throttle(session, subject, now)
    staff = staff_repo.staff_by_username(session, username.strip())
    ok = verify_secret(staff.password_hash if staff else None, password)
    if not ok or staff is None or not staff.active:
        _register_failure(session, throttle, subject, now)
        raise NotAuthenticated("Wrong username or password")
    _clear(session, throttle)
    return actor_of_staff(staff)


def sign_in_client(
    session: Session, *, client_id: str, secret: str, requested_scopes: frozenset[str], now: datetime
) -> Actor:
    """The integration client these credentials belong to, with the requested (granted) scopes."""
    subject = f"client:{client_id}"
    throttle = _check_throttle(session, subject, now)
    client = staff_repo.client_by_client_id(session, client_id)
    ok = verify_secret(client.secret_hash if client else None, secret)
    if not ok or client is None or not client.active:
        _register_failure(session, throttle, subject, now)
        raise NotAuthenticated("Wrong client id or secret")
    _clear(session, throttle)
    not_granted = requested_scopes - frozenset(client.scopes)
    if not_granted:
        raise ValidationFailed.for_field("scope", f"Scopes not granted to this client: {' '.join(sorted(not_granted))}")
    return actor_of_client(client, requested_scopes or None)


def actor_by_subject(session: Session, subject: str, scopes: frozenset[str], *, jti: str) -> Actor | None:
    """The active staff member or client a token's `sub` names (`staff:<id>` or `client:<id>`); one statement,
    which also refuses the token `jti` if it was revoked."""
    kind, _, raw_id = subject.partition(":")
    try:
        row_id = uuid.UUID(raw_id)
    except ValueError:
        return None
    if kind == "staff":
        identity = staff_repo.active_staff_identity(session, row_id, jti=jti)
    elif kind == "client":
        identity = staff_repo.active_client_identity(session, row_id, jti=jti)
    else:
        return None
    if identity is None:
        return None
    if identity.revoked:
        raise NotAuthenticated("The token was revoked (signed out)")
    return actor_of_staff(identity) if kind == "staff" else actor_of_client(identity, scopes or None)


def revoke_token(session: Session, *, jti: str, expires_at: datetime, now: datetime) -> None:
    """Revoke a token by its `jti` until it expires (RFC 7009), and forget revoked tokens that expired."""
    revocations.purge_expired(session, now=now)
    revocations.revoke(session, jti=jti, expires_at=expires_at)


def actor_by_external_subject(session: Session, subject: str, roles: frozenset[str]) -> Actor | None:
    """A staff member known to the external identity provider; roles come from its mapped claims."""
    staff = staff_repo.staff_by_external_subject(session, subject)
    if staff is None or not staff.active:
        return None
    actor = actor_of_staff(staff)
    return Actor(
        kind="staff",
        id=actor.id,
        username=actor.username,
        roles=roles,
        team_id=actor.team_id,
        daycare_id=actor.daycare_id,
    )


def actor_by_feed_token(session: Session, staff_id: str | None, token: str) -> Actor | None:
    """The staff member whose calendar feed this revocable token opens."""
    try:
        row_id = uuid.UUID(str(staff_id))
    except ValueError:
        return None
    staff = staff_repo.staff_by_id(session, row_id)
    if staff is None or not staff.active or not staff.calendar_feed_token_hash:
        return None
    if not digests_equal(staff.calendar_feed_token_hash, feed_token_digest(token)):
        return None
    return actor_of_staff(staff)
