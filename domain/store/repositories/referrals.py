"""Queries on referrals to other services."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from domain.store.repositories.pagination import Page, keyset_page
from domain.store.tables import Referral


def referrals_of_child_page(
    session: Session,
    *,
    child_id: uuid.UUID,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[Referral]:
    """One page of a child's referrals, oldest sent first (of two sent on one day, the one recorded first)."""
    statement: Any = select(Referral).where(Referral.child_id == child_id)
    if updated_since is not None:
        statement = statement.where(col(Referral.updated_at) >= updated_since)
    return keyset_page(
        session,
        statement,
        order_by=[col(Referral.sent_on), col(Referral.created_at), col(Referral.id)],
        key_of=lambda r: (r.sent_on, r.created_at, r.id),
        cursor=cursor,
        limit=limit,
    )
