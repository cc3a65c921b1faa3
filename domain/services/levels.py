"""Deciding a child's intervention level, by the criteria or by professional judgement."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from domain.errors import NotFound
from domain.rules.levels import DecisionBasis, InterventionLevel, LevelChange, record_level_change
from domain.store.tables import Child, LevelDecision


def history_of(session: Session, child_id: uuid.UUID) -> list[LevelDecision]:
    statement = (
        select(LevelDecision)
        .where(LevelDecision.child_id == child_id)
        .order_by(LevelDecision.effective_on, LevelDecision.created_at)  # type: ignore[arg-type]
    )
    return list(session.exec(statement))


def _as_change(row: LevelDecision) -> LevelChange:
    return LevelChange(
        effective_on=row.effective_on,
        level=InterventionLevel(row.level),
        decided_by=str(row.decided_by),
        basis=DecisionBasis(row.basis),
        reason=row.reason,
    )


def decide_level(
    session: Session,
    *,
    child_id: uuid.UUID,
    level: int,
    basis: str,
    reason: str,
    effective_on: date,
    decided_by: uuid.UUID | None,
    criteria_version: int | None = None,
    fired: list[str] | None = None,
) -> LevelDecision:
    """Record a level decision (up or down the staircase) and make it the child's level now."""
    child = session.get(Child, child_id)
    if child is None:
        raise NotFound("No such child")
    history = [_as_change(row) for row in history_of(session, child_id)]
    change = LevelChange(  # validates level, basis and the reason a judgement needs
        effective_on=effective_on,
        level=level,  # type: ignore[arg-type]  (coerced and checked by LevelChange)
        decided_by=str(decided_by or "system"),
        basis=basis,  # type: ignore[arg-type]
        reason=reason.strip(),
    )
    record_level_change(history, change)  # validates order and reason
    decision = LevelDecision(
        child_id=child_id,
        level=int(change.level),
        effective_on=effective_on,
        decided_by=decided_by,
        basis=change.basis.value,
        reason=reason.strip(),
        criteria_version=criteria_version,
        fired=fired or [],
    )
    session.add(decision)
    child.level = int(change.level)
    session.add(child)
    session.flush()
    return decision
