"""Revoked access tokens, by `jti`: written on sign-out (RFC 7009), read by every authenticated request.

The read is not here: it is folded into the caller's look-up (`repositories/staff.py`), one statement per
request with a primary-key probe of `revoked_token`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.elements import BindParameter, Label
from sqlmodel import Session, col

from domain.clock import utc_now
from domain.store.tables import RevokedToken

# A token is accepted until a little after its `exp` (the verifier's leeway, 30 s): its row is kept well past that.
KEEP_AFTER_EXPIRY = timedelta(minutes=5)


def revoked_column(jti: BindParameter[str]) -> Label[bool]:
    """`EXISTS (SELECT 1 FROM revoked_token WHERE jti = :jti) AS revoked`, for the caller's look-up."""
    return exists().where(col(RevokedToken.jti) == jti).label("revoked")


def revoke(session: Session, *, jti: str, expires_at: datetime) -> None:
    """Record `jti` as revoked until `expires_at`; revoking it again changes nothing (also when concurrent)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(RevokedToken)
        .values(jti=jti, expires_at=expires_at, revoked_at=utc_now())
        .on_conflict_do_nothing(index_elements=["jti"])
    )
    session.execute(statement)


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete the rows of tokens that can no longer be used anyway; answers how many went."""
    result = session.execute(delete(RevokedToken).where(col(RevokedToken.expires_at) < now - KEEP_AFTER_EXPIRY))
    return int(getattr(result, "rowcount", 0) or 0)
