"""Eligibility (explainable suggestions from the shared criteria) and level decisions on the staircase."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from api.concurrency import ETAG_HEADER, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.presenters import shown
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.health import (
    EligibilityOut,
    FactsIn,
    FactsOut,
    LevelDecisionIn,
    LevelDecisionOut,
    ReasonOut,
    ScreeningFactOut,
    SuggestionOut,
)
from domain.clock import copenhagen_today
from domain.rules.eligibility import ChildFacts, EligibilitySuggestion, Reason, Suggestion
from domain.rules.health_data import criteria_resting_on_health_data
from domain.services import eligibility, levels
from domain.services.levels import DecisionStep

router = APIRouter(tags=["eligibility and levels"], responses=PROBLEM_RESPONSES)


def _reason(reason: Reason) -> ReasonOut:
    return ReasonOut(criterion=reason.criterion, text=reason.text_da, text_en=reason.text_en)


def _suggestion(suggestion: Suggestion) -> SuggestionOut:
    return SuggestionOut(code=suggestion.code, reasons=[_reason(r) for r in suggestion.reasons])


def _facts(facts: ChildFacts) -> FactsOut:
    return FactsOut(
        risk_factors=sorted(facts.risk_factors),
        screenings=[
            ScreeningFactOut(
                instrument=s.instrument.value, respondent=s.respondent.value, total=s.total, flags=sorted(s.flags)
            )
            for s in facts.screenings
        ],
        housing_area=facts.housing_area,
        designated_area=facts.designated_area,
        age_days=facts.age_days,
        gestational_week=facts.gestational_week,
    )


def eligibility_out(
    suggestion: EligibilitySuggestion,
    facts: ChildFacts,
    *,
    child_id: uuid.UUID | None = None,
    current_level: int | None = None,
) -> EligibilityOut:
    return EligibilityOut(
        child_id=child_id,
        suggested_level=int(suggestion.suggested_level),
        criteria_version=suggestion.criteria_version,
        packages=[_suggestion(p) for p in suggestion.packages],
        referrals=[_suggestion(r) for r in suggestion.referrals],
        fired=list(suggestion.fired),
        urgent=[_reason(r) for r in suggestion.urgent],
        current_level=current_level,
        facts=_facts(facts),
    )


def decision_out(step: DecisionStep) -> LevelDecisionOut:
    d = step.decision
    return LevelDecisionOut(
        id=d.id,
        child_id=d.child_id,
        level=d.level,
        previous_level=step.previous_level,
        direction=step.direction,
        effective_on=d.effective_on,
        decided_by=d.decided_by,
        decided_by_client=d.decided_by_client,
        basis=d.basis,
        reason=d.reason,
        criteria_version=d.criteria_version,
        fired=list(d.fired),
        created_at=d.created_at,
        updated_at=d.updated_at,
    )


@router.get(
    "/children/{child_id}/eligibility", response_model=EligibilityOut, responses={200: {"headers": ETAG_HEADER}}
)
def child_eligibility(
    child_id: uuid.UUID, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> EligibilityOut:
    """The suggested level, packages and referrals for a child, each with the criteria that fired.

    Without access to the child's health data, the criteria that fired only because of a screening or a
    health-related risk factor are left out (and so the suggestions resting on them alone), as are those
    facts; the suggested level stays the one all facts give, and `health_data_withheld` is true."""
    today = copenhagen_today()
    found = eligibility.eligibility_for_child(uow.session, child_id=child_id, today=today)
    result = eligibility_out(found.suggestion, found.facts, child_id=child_id, current_level=found.current_level)
    resting = criteria_resting_on_health_data(found.facts, found.criteria)
    result = shown(uow.session, actor, result, today=today, health_criteria={child_id: resting})
    with_etag(response, result)
    return result


@router.post("/eligibility/evaluate", response_model=EligibilityOut)
def evaluate(body: FactsIn, uow: UnitOfWorkDep) -> EligibilityOut:
    """Stateless: evaluate posted facts with the current criteria. Nothing is stored."""
    found = eligibility.evaluate_facts(uow.session, facts=body.model_dump())
    return eligibility_out(found.suggestion, found.facts)


@router.post(
    "/children/{child_id}/level-decisions",
    status_code=status.HTTP_201_CREATED,
    response_model=LevelDecisionOut,
    responses={201: {"headers": ETAG_HEADER}},
)
def decide_level(
    child_id: uuid.UUID, body: LevelDecisionIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> LevelDecisionOut:
    """Put the child on a level: by the criteria (their version and fired codes are kept) or by
    professional judgement (a reason is required)."""
    step = levels.decide_level_for_child(
        uow.session,
        child_id=child_id,
        level=body.level,
        basis=body.basis,
        reason=body.reason,
        effective_on=body.effective_on,
        decided_by=actor.id if actor.is_staff else None,
        decided_by_client=actor.username if actor.is_client else None,
        today=copenhagen_today(),
    )
    uow.audit.record(
        "create",
        person_id=child_id,
        details={"level_decision_id": str(step.decision.id), "level": step.decision.level, "basis": body.basis},
    )
    result = shown(uow.session, actor, decision_out(step))
    # No single-decision operation exists: the new decision ends its child's history (oldest first).
    response.headers["Location"] = f"/api/v1/children/{child_id}/level-decisions"
    with_etag(response, result)
    return result


@router.get("/children/{child_id}/level-decisions", response_model=Page[LevelDecisionOut])
def level_history(
    child_id: uuid.UUID,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
) -> Page[LevelDecisionOut]:
    """The child's level decisions, oldest first, each with the direction it stepped (up, down, same)."""
    page = levels.level_history(uow.session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit)
    answer = Page[LevelDecisionOut](items=[decision_out(s) for s in page.items], next_cursor=page.next_cursor)
    return shown(uow.session, actor, answer)
