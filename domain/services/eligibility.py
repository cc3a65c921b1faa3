"""Eligibility: a child's facts gathered from the record and evaluated with the current criteria, and
the stateless evaluation of posted facts."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from domain.errors import NotFound
from domain.rules.eligibility import (
    ChildFacts,
    CriteriaSet,
    EligibilitySuggestion,
    ScreeningFact,
    age_in_days,
    child_facts_from_mapping,
    evaluate_eligibility,
    gestational_week,
)
from domain.rules.screening import Instrument, Respondent
from domain.services.catalog import current_criteria
from domain.store.repositories import health as health_repo
from domain.store.tables import Child


@dataclass(frozen=True, slots=True)
class ChildEligibility:
    """The suggestion for one child, the facts it was made from, and the child's level now."""

    suggestion: EligibilitySuggestion
    facts: ChildFacts
    current_level: int
    criteria: CriteriaSet


def child_facts(session: Session, *, child: Child, today: date) -> ChildFacts:
    """What the criteria read about a child today: the family's (and child's) risk factors, the latest
    screening per instrument and respondent, the housing area, and the age in days after birth or the
    gestational week before it."""
    risks = health_repo.risk_factor_codes_of_child(session, family_id=child.family_id, child_id=child.id)
    latest = health_repo.latest_screening_per_instrument_and_respondent(session, child.id)
    screenings = tuple(
        ScreeningFact(Instrument(s.instrument), Respondent(s.respondent), s.total, frozenset(s.flags)) for s in latest
    )
    area = health_repo.housing_area_of_family(session, child.family_id)
    age_days: int | None = None
    week: int | None = None
    if child.birth_date is not None and child.birth_date <= today:
        age_days = age_in_days(child.birth_date, today)
    elif child.due_date is not None:
        week = gestational_week(child.due_date, today)
    return ChildFacts(
        risk_factors=frozenset(risks),
        screenings=screenings,
        housing_area=area.code if area else None,
        designated_area=bool(area and area.designated),
        age_days=age_days,
        gestational_week=week,
    )


def eligibility_for_child(session: Session, *, child_id: uuid.UUID, today: date) -> ChildEligibility:
    """Evaluate the stored current criteria for a child: suggested level, packages, referrals, reasons."""
    child = session.get(Child, child_id)
    if child is None:
        raise NotFound("No such child")
    criteria = current_criteria(session)
    facts = child_facts(session, child=child, today=today)
    return ChildEligibility(
        suggestion=evaluate_eligibility(facts, criteria),
        facts=facts,
        current_level=child.level,
        criteria=criteria,
    )


@dataclass(frozen=True, slots=True)
class FactsEvaluation:
    suggestion: EligibilitySuggestion
    facts: ChildFacts
    criteria: CriteriaSet


def evaluate_facts(session: Session, *, facts: Mapping[str, Any]) -> FactsEvaluation:
    """Evaluate posted facts with the current criteria; nothing is stored.

    Unknown fact codes are refused by name. When `designated_area` is not given (None) and the
    housing area is one the municipality knows, whether it is designated is taken from the area.
    """
    raw = dict(facts)
    if raw.get("designated_area") is None:
        code = raw.get("housing_area")
        area = health_repo.housing_area_by_code(session, code) if isinstance(code, str) else None
        raw["designated_area"] = bool(area and area.designated)
    criteria = current_criteria(session)
    child = child_facts_from_mapping(raw, criteria)
    return FactsEvaluation(suggestion=evaluate_eligibility(child, criteria), facts=child, criteria=criteria)
