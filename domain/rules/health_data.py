"""Which data are health data, as data: the fields of the API's answers that carry them, the risk factors
that are health related, and the eligibility criteria that rest on them.

Health-visiting data (screenings and what they lead to) is shown only to a caller it is *disclosed* to:
the health visitor who may see the child, an integration client with the `screenings:read` scope, and
other staff (family therapists, caseworkers, pedagogues) only while a recorded consent or legal basis
covers the child (`domain/store/repositories/access.py::health_data_covered`). Every other caller gets
the same answers with the classified fields withheld and `health_data_withheld: true`; one filter
(`api/presenters.py::shown`) applies this table to every answer, and a test drives every person-level
operation as every role against it (`tests/api/test_health_data_access.py`).

The table names answer schemas (`api/schemas`) and their fields by name, so it stays free of the web
framework; a test checks that every name exists and that every field can be withheld.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from types import MappingProxyType

from domain.rules.eligibility import (
    AllOf,
    AnyOf,
    ChildFacts,
    Condition,
    CriteriaSet,
    HasFact,
    MinCount,
    ScreeningCondition,
)

WITHHELD_FLAG = "health_data_withheld"
"""The boolean field of an answer that says its health data was withheld from this caller."""


class Withhold(StrEnum):
    """How a classified field is withheld from a caller the health data is not disclosed to."""

    OBJECT = "object"  # the whole object is health data: left out of lists (and never the answer itself)
    VALUE = "value"  # the value: null, or an empty list
    RISK_FACTORS = "risk_factors"  # risk-factor codes: the health-related ones are left out
    CRITERIA = "criteria"  # criteria codes, or reasons and suggestions naming them: those resting on health data


@dataclass(frozen=True, slots=True)
class HealthField:
    """One field of an answer schema that carries health data."""

    name: str  # the field; "" for Withhold.OBJECT (the object itself)
    withhold: Withhold
    why: str
    when: str | None = None  # only when this boolean field of the same object is true


@dataclass(frozen=True, slots=True)
class HealthSchema:
    """The health data of one answer schema, and whose health data it is."""

    # "child_id": the object's own child; "children": any of the children it lists (a family);
    # "": the child of the answer it is part of.
    subject: str
    fields: tuple[HealthField, ...]


HEALTH_FIELDS: Mapping[str, HealthSchema] = MappingProxyType(
    {
        "ScreeningOut": HealthSchema(
            "child_id",
            (HealthField("", Withhold.OBJECT, "a screening: answers, item scores, total, cut-off and flags"),),
        ),
        "ScreeningAtVisitOut": HealthSchema(
            "", (HealthField("", Withhold.OBJECT, "a screening given at a visit: total and flags"),)
        ),
        "VisitOut": HealthSchema(
            "child_id",
            (
                HealthField(
                    "status_reason",
                    Withhold.VALUE,
                    "an urgent contact is created by a screening (EPDS item 10: thoughts of self-harm)",
                    when="urgent",
                ),
                HealthField("reschedule_reason", Withhold.VALUE, "free text about an urgent contact", when="urgent"),
            ),
        ),
        "VisitCompleted": HealthSchema(
            "child_id", (HealthField("screenings", Withhold.VALUE, "the screenings given at the visit"),)
        ),
        "ReferralOut": HealthSchema(
            "child_id",
            (HealthField("reason", Withhold.VALUE, "free text, e.g. a positive depression screening"),),
        ),
        "LevelDecisionOut": HealthSchema(
            "child_id",
            (
                HealthField("reason", Withhold.VALUE, "free text of a professional judgement"),
                HealthField("fired", Withhold.CRITERIA, "criteria reading screenings or health-related facts"),
            ),
        ),
        "EligibilityOut": HealthSchema(
            "child_id",
            (
                HealthField("fired", Withhold.CRITERIA, "criteria that fired on screenings or health facts"),
                HealthField("urgent", Withhold.CRITERIA, "e.g. thoughts of self-harm (EPDS item 10)"),
                HealthField("packages", Withhold.CRITERIA, "packages suggested for health reasons"),
                HealthField("referrals", Withhold.CRITERIA, "referrals suggested for health reasons"),
            ),
        ),
        "FactsOut": HealthSchema(
            "",
            (
                HealthField("risk_factors", Withhold.RISK_FACTORS, "health-related risk factors"),
                HealthField("screenings", Withhold.VALUE, "the current screenings: totals and flags"),
            ),
        ),
        "FamilyOut": HealthSchema(
            "children", (HealthField("risk_factors", Withhold.RISK_FACTORS, "health-related risk factors"),)
        ),
    }
)


def fields_of(schema_names: tuple[str, ...]) -> tuple[str | None, tuple[HealthField, ...]]:
    """The classification of an object whose schema and base schemas (most specific first) are
    `schema_names`: the subject of the most specific classified one (None: not classified), and the
    fields of all of them."""
    subject: str | None = None
    found: list[HealthField] = []
    for name in schema_names:
        schema = HEALTH_FIELDS.get(name)
        if schema is None:
            continue
        if subject is None:
            subject = schema.subject
        found.extend(f for f in schema.fields if f not in found)
    return subject, tuple(found)


# -- risk factors ----------------------------------------------------------------------------------

RISK_FACTORS: Mapping[str, bool] = MappingProxyType(
    {
        # Social facts, shared with social staff (seed 003: the same criteria for health and social staff).
        "parent_experienced_neglect": False,
        "single_parent": False,
        "socially_isolated": False,
        "low_education": False,
        "attachment_concern": False,  # a concern about the relation, worked with by family therapists (COS-P)
        "measures_under_social_services_act": False,
        "placed_outside_home": False,
        # Health data (GDPR art. 9): mental and physical health, substance use, birth.
        "parent_mental_illness": True,
        "postnatal_depression_symptoms": True,
        "postnatal_depression_diagnosed": True,
        "substance_use_last_2_years": True,
        "child_chronic_illness_or_handicap": True,
        "birth_complications": True,
        "serious_life_event": True,  # "death, serious illness or a hard divorce": the code may name an illness
    }
)
"""Every risk-factor code of the shipped criteria: whether it is health data. A code not listed here
(e.g. one a later criteria version adds) is treated as health data until it is classified."""


def is_health_risk_factor(code: str) -> bool:
    return RISK_FACTORS.get(code, True)


def shared_risk_factors(codes: list[str]) -> list[str]:
    """The codes that are not health data, in their order."""
    return [code for code in codes if not is_health_risk_factor(code)]


# -- criteria --------------------------------------------------------------------------------------


def reads_health_data(condition: Condition) -> bool:
    """Whether a condition reads a screening or a health-related risk factor anywhere."""
    match condition:
        case ScreeningCondition():
            return True
        case HasFact(code=code):
            return is_health_risk_factor(code)
        case MinCount(of=of):
            return any(is_health_risk_factor(code) for code in of)
        case AllOf(parts=parts) | AnyOf(parts=parts):
            return any(reads_health_data(part) for part in parts)
    return False


def criteria_reading_health_data(criteria_set: CriteriaSet) -> frozenset[str]:
    """The criteria that may fire on health data: what a stored decision's `fired` codes are judged by,
    since the facts they fired on then are not kept."""
    return frozenset(c.code for c in criteria_set.criteria if reads_health_data(c.when))


def without_health_data(facts: ChildFacts) -> ChildFacts:
    """The facts as a caller without access to health data knows them: no screenings, no health facts."""
    return replace(
        facts,
        screenings=(),
        risk_factors=frozenset(code for code in facts.risk_factors if not is_health_risk_factor(code)),
    )


def criteria_resting_on_health_data(facts: ChildFacts, criteria_set: CriteriaSet) -> frozenset[str]:
    """The criteria that fire for `facts` but not without their health data: the reasons that would tell
    a caller without access about a screening or a health fact. (The conditions have no negation, so
    leaving facts out can only make fewer criteria fire.)"""
    stripped = without_health_data(facts)
    return frozenset(c.code for c in criteria_set.criteria if c.applies_to(facts) and not c.applies_to(stripped))
