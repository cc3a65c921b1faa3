"""Deciding a child's intervention level, by the criteria or by professional judgement, and reading
the history with the direction of each step on the staircase."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from domain.errors import NotFound, ValidationFailed
from domain.rules.levels import (
    DecisionBasis,
    InterventionLevel,
    LevelChange,
    LevelStep,
    StepDirection,
    record_level_change,
    steps,
)
from domain.services.eligibility import eligibility_for_child
from domain.store.repositories import health as health_repo
from domain.store.repositories.pagination import Page
from domain.store.tables import Child, LevelDecision


@dataclass(frozen=True, slots=True)
class DecisionStep:
    """A stored decision with the level before it and whether it stepped up, down or stayed."""

    decision: LevelDecision
    previous_level: int
    direction: StepDirection


def history_of(session: Session, child_id: uuid.UUID) -> list[LevelDecision]:
    return health_repo.level_decisions_of_child(session, child_id)


def _as_change(row: LevelDecision) -> LevelChange:
    return LevelChange(
        effective_on=row.effective_on,
        level=InterventionLevel(row.level),
        decided_by=str(row.decided_by),
        basis=DecisionBasis(row.basis),
        reason=row.reason,
    )


def _steps_by_id(history: list[LevelDecision]) -> dict[uuid.UUID, LevelStep]:
    return {row.id: step for row, step in zip(history, steps([_as_change(r) for r in history]), strict=True)}


def _with_step(row: LevelDecision, step: LevelStep) -> DecisionStep:
    return DecisionStep(decision=row, previous_level=int(step.previous), direction=step.direction)


def decide_level(
    session: Session,
    *,
    child_id: uuid.UUID,
    level: int,
    basis: str,
    reason: str,
    effective_on: date,
    decided_by: uuid.UUID | None,
    decided_by_client: str | None = None,
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
        level=level,  # type: ignore[arg-type]  # coerced to the enum and checked by LevelChange
        decided_by=str(decided_by or decided_by_client or "system"),
        basis=basis,  # type: ignore[arg-type]
        reason=reason.strip(),
    )
    record_level_change(history, change)  # validates order and reason
    decision = LevelDecision(
        child_id=child_id,
        level=int(change.level),
        effective_on=effective_on,
        decided_by=decided_by,
        decided_by_client=decided_by_client,
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


def decide_level_for_child(
    session: Session,
    *,
    child_id: uuid.UUID,
    level: int,
    basis: str,
    reason: str,
    effective_on: date | None,
    decided_by: uuid.UUID | None,
    today: date,
    decided_by_client: str | None = None,
) -> DecisionStep:
    """A staff member's (or case system's) level decision, effective today unless dated earlier.

    By the criteria, the level must be the one the current criteria suggest, and the decision keeps
    the criteria version and the criteria that fired; any other level is a professional judgement,
    which needs a written reason.
    """
    effective = effective_on or today
    if effective > today:
        raise ValidationFailed.for_field("effective_on", "A level decision cannot take effect in the future")
    criteria_version: int | None = None
    fired: list[str] | None = None
    if basis == DecisionBasis.CRITERIA.value:
        suggestion = eligibility_for_child(session, child_id=child_id, today=today).suggestion
        suggested = int(suggestion.suggested_level)
        if level != suggested:
            raise ValidationFailed.for_field(
                "level",
                f"The criteria (version {suggestion.criteria_version}) suggest level {suggested}; "
                f"to decide level {level}, use basis professional_judgement and give a reason",
            )
        criteria_version = suggestion.criteria_version
        fired = list(suggestion.fired)
    decision = decide_level(
        session,
        child_id=child_id,
        level=level,
        basis=basis,
        reason=reason,
        effective_on=effective,
        decided_by=decided_by,
        decided_by_client=decided_by_client,
        criteria_version=criteria_version,
        fired=fired,
    )
    history = history_of(session, child_id)
    return _with_step(decision, _steps_by_id(history)[decision.id])


def level_history(
    session: Session,
    *,
    child_id: uuid.UUID,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[DecisionStep]:
    """One page of the child's level decisions, oldest first, each with its direction."""
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    page = health_repo.level_decisions_page(
        session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    by_id = _steps_by_id(history_of(session, child_id))
    return Page(items=[_with_step(row, by_id[row.id]) for row in page.items], next_cursor=page.next_cursor)


def get_decision(session: Session, *, child_id: uuid.UUID, decision_id: uuid.UUID) -> DecisionStep:
    decision = health_repo.level_decision_of_child(session, child_id=child_id, decision_id=decision_id)
    if decision is None:
        raise NotFound("No such level decision for this child")
    return _with_step(decision, _steps_by_id(history_of(session, child_id))[decision.id])
