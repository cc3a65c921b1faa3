"""From stored rows and service results to the API's response models (one place per resource), and the
one filter every answer that may carry health data passes on its way out: `shown`."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session

from api.policy import MEMBER_CPR_ROLES
from api.schemas.families import ChildOut, FamilyOut, MemberOut
from domain.clock import copenhagen_today
from domain.errors import Forbidden
from domain.rules.health_data import (
    WITHHELD_FLAG,
    HealthField,
    Withhold,
    criteria_reading_health_data,
    fields_of,
    shared_risk_factors,
)
from domain.services.actors import Actor
from domain.services.catalog import current_criteria
from domain.services.families import FamilyDetails
from domain.store.repositories import access
from domain.store.repositories import families as family_repo
from domain.store.tables import Child

M = TypeVar("M", bound=BaseModel)


def child_out(child: Child) -> ChildOut:
    return ChildOut.model_validate(child, from_attributes=True)


def family_out(details: FamilyDetails, *, member_cpr: bool = True) -> FamilyOut:
    """The family as stored (what its creator sent); `families_shown` is the family as a caller may see it."""
    family = details.family
    return FamilyOut(
        id=family.id,
        source_system=family.source_system,
        external_id=family.external_id,
        area=details.area,
        team=details.team,
        address=family.address,
        risk_factors=details.risk_factors,
        members=[
            MemberOut(id=m.id, role=m.role, name=m.name, cpr=m.cpr if member_cpr else None) for m in details.members
        ],
        children=[child_out(c) for c in details.children],
        created_at=family.created_at,
        updated_at=family.updated_at,
    )


def families_shown(session: Session, actor: Actor, details: list[FamilyDetails]) -> list[FamilyOut]:
    """Families as `actor` may see them: only the children she may see (the rules of a single child), and
    of the risk factors recorded for one child only those of these; the members' names and roles, their
    CPR numbers only to `MEMBER_CPR_ROLES` and integration clients; health-related risk factors only where
    health data is disclosed to her (`shown`)."""
    today = copenhagen_today()
    ids = [d.family.id for d in details]
    visible = access.visible_children_of_families(session, actor, ids, today=today)
    hidden = any(c.id not in visible for d in details for c in d.children)
    risks = family_repo.risk_codes_for_children(session, ids, visible) if hidden else {}
    member_cpr = member_cpr_shown(actor)
    answers = []
    for d in details:
        answer = family_out(d, member_cpr=member_cpr)
        if hidden:
            answer.children = [c for c in answer.children if c.id in visible]
            answer.risk_factors = risks[d.family.id]
        answers.append(answer)
    return [shown(session, actor, answer, today=today) for answer in answers]


def member_cpr_shown(actor: Actor) -> bool:
    """Whether family answers show `actor` the members' CPR numbers."""
    return actor.is_client or actor.has_role(*MEMBER_CPR_ROLES)


def persons_in(families: list[FamilyOut]) -> list[uuid.UUID]:
    """The persons family answers show (children and members): one audit event each."""
    return [person for f in families for person in [*(c.id for c in f.children), *(m.id for m in f.members)]]


# --- health data --------------------------------------------------------------------------------------


class _Withheld:
    """An object that is health data as a whole: left out of the list it was in."""


_WITHHELD = _Withheld()


@dataclass
class _Disclosure:
    covered: frozenset[uuid.UUID]
    criteria_of: Callable[[uuid.UUID | None], frozenset[str]]
    default: bool  # for an object that names no child (nor is part of an answer that does)
    _memo: dict[type, tuple[str | None, tuple[HealthField, ...]]] = field(default_factory=dict)

    def classification(self, model: type[BaseModel]) -> tuple[str | None, tuple[HealthField, ...]]:
        found = self._memo.get(model)
        if found is None:
            names = tuple(c.__name__ for c in model.__mro__ if issubclass(c, BaseModel) and c is not BaseModel)
            found = self._memo[model] = fields_of(names)
        return found


def _models(value: Any) -> Iterator[BaseModel]:
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _models(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _models(item)


def _subjects(answer: BaseModel) -> set[uuid.UUID]:
    """Every child an answer names: whose health data it may carry."""
    found: set[uuid.UUID] = set()
    for model in _models(answer):
        child_id = getattr(model, "child_id", None)
        if isinstance(child_id, uuid.UUID):
            found.add(child_id)
        if isinstance(model, FamilyOut):
            found.update(c.id for c in model.children)
    return found


def shown(
    session: Session,
    actor: Actor,
    answer: M,
    *,
    today: date | None = None,
    health_criteria: Mapping[uuid.UUID, frozenset[str]] | None = None,
) -> M:
    """`answer` as `actor` may see it: on every object whose child's health data is not disclosed to her
    (`access.health_data_covered`), the fields `domain/rules/health_data.py` classifies are withheld (null,
    or left out of lists) and `health_data_withheld` is true. `health_criteria` names, per child, the
    criteria resting on health data when they are known from the child's facts (eligibility); otherwise
    every criterion that reads health data counts as such."""
    by_role = access.health_data_by_role(actor)
    if by_role is True:
        return answer  # a health visitor (of a child she may see) or a client with screenings:read
    covered = (
        access.health_data_covered(session, actor, _subjects(answer), today=today or copenhagen_today())
        if by_role is None
        else frozenset()
    )
    static: list[frozenset[str]] = []

    def criteria_of(child_id: uuid.UUID | None) -> frozenset[str]:
        if health_criteria is not None and child_id is not None and child_id in health_criteria:
            return health_criteria[child_id]
        if not static:
            static.append(criteria_reading_health_data(current_criteria(session)))
        return static[0]

    result = _shown_model(answer, _Disclosure(covered, criteria_of, default=False), inherited=None, child=None)
    if isinstance(result, _Withheld):
        raise Forbidden("No recorded consent or legal basis lets you see this child's health data")
    return result


def _shown_model(
    model: M, disclosure: _Disclosure, *, inherited: bool | None, child: uuid.UUID | None
) -> M | _Withheld:
    subject, fields = disclosure.classification(type(model))
    covered = inherited
    if subject == "child_id":
        own = getattr(model, "child_id", None)
        if isinstance(own, uuid.UUID):
            child, covered = own, own in disclosure.covered
    elif subject == "children" and isinstance(model, FamilyOut):
        covered = any(c.id in disclosure.covered for c in model.children) if model.children else None
    if covered is None:
        covered = disclosure.default
    updates: dict[str, Any] = {}
    if fields and not covered:
        for health_field in fields:
            if health_field.withhold is Withhold.OBJECT:
                return _WITHHELD
            if health_field.when is not None and not getattr(model, health_field.when):
                continue
            value = getattr(model, health_field.name)
            updates[health_field.name] = _withheld_value(value, health_field, disclosure.criteria_of(child))
        if WITHHELD_FLAG in type(model).model_fields:
            updates[WITHHELD_FLAG] = True
    for name in type(model).model_fields:
        if name in updates:
            continue
        value = getattr(model, name)
        new = _shown_value(value, disclosure, inherited=covered, child=child)
        if new is not value:
            updates[name] = new
    return model.model_copy(update=updates) if updates else model


def _shown_value(value: Any, disclosure: _Disclosure, *, inherited: bool, child: uuid.UUID | None) -> Any:
    if isinstance(value, BaseModel):
        new = _shown_model(value, disclosure, inherited=inherited, child=child)
        return None if isinstance(new, _Withheld) else new
    if isinstance(value, list) and any(isinstance(item, BaseModel) for item in value):
        items = [_shown_value_in_list(item, disclosure, inherited=inherited, child=child) for item in value]
        kept = [item for item in items if not isinstance(item, _Withheld)]
        if len(kept) == len(value) and all(a is b for a, b in zip(kept, value, strict=True)):
            return value
        return kept
    return value


def _shown_value_in_list(item: Any, disclosure: _Disclosure, *, inherited: bool, child: uuid.UUID | None) -> Any:
    if isinstance(item, BaseModel):
        return _shown_model(item, disclosure, inherited=inherited, child=child)
    return item


def _withheld_value(value: Any, health_field: HealthField, health_criteria: frozenset[str]) -> Any:
    match health_field.withhold:
        case Withhold.VALUE:
            return [] if isinstance(value, list) else None
        case Withhold.RISK_FACTORS:
            return shared_risk_factors(list(value))
        case Withhold.CRITERIA:
            return _without_criteria(value, health_criteria)
    raise AssertionError(f"cannot withhold {health_field}")  # pragma: no cover


def _without_criteria(items: list[Any], health_criteria: frozenset[str]) -> list[Any]:
    """Criteria codes, reasons (`criterion`) or suggestions (`reasons`) without those resting on health data;
    a suggestion left without a reason is left out too."""
    kept: list[Any] = []
    for item in items:
        if isinstance(item, str):
            if item not in health_criteria:
                kept.append(item)
        elif hasattr(item, "criterion"):
            if item.criterion not in health_criteria:
                kept.append(item)
        elif hasattr(item, "reasons"):
            reasons = [r for r in item.reasons if r.criterion not in health_criteria]
            if reasons:
                kept.append(item.model_copy(update={"reasons": reasons}))
        else:  # pragma: no cover - the classification names only lists of these
            raise AssertionError(f"cannot tell the criterion of {item!r}")
    return kept
