"""Families, their members and children: create, update, upsert from a case system, risk factors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, select

from domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from domain.rules.cpr import parse_cpr
from domain.services import schedules
from domain.services.catalog import current_criteria
from domain.store.tables import Child, Family, FamilyMember, HousingArea, RiskFactor, Team

MEMBER_ROLES = ("mother", "father", "co_parent", "other")


@dataclass(frozen=True, slots=True)
class MemberData:
    role: str
    name: str
    cpr: str | None = None


@dataclass(frozen=True, slots=True)
class ChildData:
    name: str | None = None
    external_id: str | None = None
    due_date: date | None = None
    birth_date: date | None = None
    discharge_date: date | None = None
    cpr: str | None = None
    daycare_start: date | None = None
    kindergarten_start: date | None = None
    school_start: date | None = None


@dataclass(frozen=True, slots=True)
class FamilyData:
    source_system: str
    external_id: str
    area: str | None = None
    team: str | None = None
    address: str | None = None
    risk_factors: tuple[str, ...] = ()
    members: tuple[MemberData, ...] = ()
    children: tuple[ChildData, ...] = field(default_factory=tuple)


def _normalised_cpr(value: str | None, field_name: str, errors: list[FieldError]) -> str | None:
    if value is None or value == "":
        return None
    try:
        return parse_cpr(value, field=field_name).number
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        return None


def validate_child(data: ChildData, prefix: str, errors: list[FieldError]) -> str | None:
    """Collects what is wrong with a child's data; answers the normalised CPR number."""
    if data.due_date is None and data.birth_date is None:
        errors.append(FieldError(f"{prefix}due_date", "A child needs a due date or a birth date"))
    if data.cpr and data.birth_date is None:
        errors.append(FieldError(f"{prefix}birth_date", "A CPR number is given at birth: give the birth date too"))
    cpr = _normalised_cpr(data.cpr, f"{prefix}cpr", errors)
    if cpr and data.birth_date and parse_cpr(cpr).birth_date != data.birth_date:
        errors.append(FieldError(f"{prefix}cpr", "The CPR number's date does not match the birth date"))
    if data.discharge_date and data.birth_date and data.discharge_date < data.birth_date:
        errors.append(FieldError(f"{prefix}discharge_date", "Discharge cannot be before birth"))
    return cpr


def _validate_family(session: Session, data: FamilyData) -> tuple[HousingArea | None, Team | None, list[str | None]]:
    errors: list[FieldError] = []
    if not data.source_system.strip():
        errors.append(FieldError("source_system", "source_system must not be empty"))
    if not data.external_id.strip():
        errors.append(FieldError("external_id", "external_id must not be empty"))
    area = None
    if data.area:
        area = session.exec(select(HousingArea).where(HousingArea.code == data.area)).first()
        if area is None:
            errors.append(FieldError("area", f"Unknown housing area {data.area!r}"))
    team = None
    if data.team:
        team = session.exec(select(Team).where(Team.code == data.team)).first()
        if team is None:
            errors.append(FieldError("team", f"Unknown team {data.team!r}"))
    known_facts = current_criteria(session).fact_codes()
    for index, code in enumerate(data.risk_factors):
        if code not in known_facts:
            errors.append(FieldError(f"risk_factors.{index}", f"Unknown risk factor {code!r}"))
    for index, member in enumerate(data.members):
        if member.role not in MEMBER_ROLES:
            errors.append(FieldError(f"members.{index}.role", f"role must be one of {', '.join(MEMBER_ROLES)}"))
        if not member.name.strip():
            errors.append(FieldError(f"members.{index}.name", "name must not be empty"))
        _normalised_cpr(member.cpr, f"members.{index}.cpr", errors)
    cprs = [validate_child(child, f"children.{index}.", errors) for index, child in enumerate(data.children)]
    seen: set[str] = set()
    for index, child in enumerate(data.children):
        if child.external_id:
            if child.external_id in seen:
                errors.append(FieldError(f"children.{index}.external_id", "Two children with the same external_id"))
            seen.add(child.external_id)
    if errors:
        raise ValidationFailed(f"The family has {len(errors)} invalid field(s)", errors)
    return area, team, cprs


def _member_cpr(member: MemberData) -> str | None:
    return parse_cpr(member.cpr).number if member.cpr else None


def _check_cpr_free(session: Session, cpr: str | None, child_id: uuid.UUID | None, field_name: str) -> None:
    if cpr is None:
        return
    other = session.exec(select(Child.id).where(Child.cpr == cpr)).first()
    if other is not None and other != child_id:
        raise Conflict(f"Another child already has this CPR number ({field_name})")


def create_family(session: Session, *, data: FamilyData, today: date, recorded_by: str | None) -> Family:
    """A new family with its members, children and risk factors."""
    area, team, cprs = _validate_family(session, data)
    exists = session.exec(
        select(Family.id).where(Family.source_system == data.source_system, Family.external_id == data.external_id)
    ).first()
    if exists:
        raise Conflict("A family with this source_system and external_id exists; use PATCH or the bulk upsert")
    family = Family(
        source_system=data.source_system,
        external_id=data.external_id,
        area_id=area.id if area else None,
        team_id=team.id if team else None,
        address=data.address,
    )
    session.add(family)
    session.flush()
    for member in data.members:
        session.add(FamilyMember(family_id=family.id, role=member.role, name=member.name, cpr=_member_cpr(member)))
    for index, (child, cpr) in enumerate(zip(data.children, cprs, strict=True)):
        _check_cpr_free(session, cpr, None, f"children.{index}.cpr")
        session.add(_new_child(family.id, child, cpr))
    for code in dict.fromkeys(data.risk_factors):
        session.add(RiskFactor(family_id=family.id, code=code, recorded_on=today, recorded_by=recorded_by))
    session.flush()
    return family


def _new_child(family_id: uuid.UUID, data: ChildData, cpr: str | None) -> Child:
    return Child(
        family_id=family_id,
        external_id=data.external_id,
        name=data.name,
        due_date=data.due_date,
        birth_date=data.birth_date,
        discharge_date=data.discharge_date,
        cpr=cpr,
        daycare_start=data.daycare_start,
        kindergarten_start=data.kindergarten_start,
        school_start=data.school_start,
    )


def get_family(session: Session, family_id: uuid.UUID) -> Family:
    family = session.get(Family, family_id)
    if family is None:
        raise NotFound("No such family")
    return family


def get_child(session: Session, child_id: uuid.UUID) -> Child:
    child = session.get(Child, child_id)
    if child is None:
        raise NotFound("No such child")
    return child


def add_child(session: Session, *, family_id: uuid.UUID, data: ChildData) -> Child:
    """A child of an existing family, from pregnancy (due date) or from birth."""
    get_family(session, family_id)
    errors: list[FieldError] = []
    cpr = validate_child(data, "", errors)
    if errors:
        raise ValidationFailed(f"The child has {len(errors)} invalid field(s)", errors)
    _check_cpr_free(session, cpr, None, "cpr")
    child = _new_child(family_id, data, cpr)
    session.add(child)
    session.flush()
    return child


CHILD_FIELDS = (
    "name",
    "due_date",
    "birth_date",
    "discharge_date",
    "cpr",
    "daycare_start",
    "kindergarten_start",
    "school_start",
)
ANCHOR_FIELDS = frozenset(CHILD_FIELDS) - {"name", "cpr"}


def update_child(session: Session, *, child_id: uuid.UUID, changes: dict[str, Any]) -> Child:
    """Change a child's data; when an anchor date changes (e.g. the birth), planned visits re-anchor."""
    child = get_child(session, child_id)
    merged = {name: getattr(child, name) for name in CHILD_FIELDS} | changes
    errors: list[FieldError] = []
    cpr = validate_child(ChildData(**merged), "", errors)
    if errors:
        raise ValidationFailed(f"The child has {len(errors)} invalid field(s)", errors)
    _check_cpr_free(session, cpr, child.id, "cpr")
    anchors_changed = any(getattr(child, name) != merged[name] for name in ANCHOR_FIELDS)
    for name in CHILD_FIELDS:
        setattr(child, name, cpr if name == "cpr" else merged[name])
    session.add(child)
    session.flush()
    if anchors_changed:
        schedules.reanchor_child(session, child=child)
    return child


def register_birth(
    session: Session, *, child_id: uuid.UUID, birth_date: date, cpr: str | None, discharge_date: date | None
) -> Child:
    """The child is born: birth date, CPR and discharge are recorded and planned visits re-anchor."""
    changes: dict[str, Any] = {"birth_date": birth_date, "cpr": cpr}
    if discharge_date is not None:
        changes["discharge_date"] = discharge_date
    return update_child(session, child_id=child_id, changes=changes)


def set_risk_factors(
    session: Session, *, family_id: uuid.UUID, codes: list[str], today: date, recorded_by: str | None
) -> list[RiskFactor]:
    """Replace the family's risk factors by `codes` (those kept keep their original date)."""
    get_family(session, family_id)
    known_facts = current_criteria(session).fact_codes()
    errors = [
        FieldError(f"risk_factors.{index}", f"Unknown risk factor {code!r}")
        for index, code in enumerate(codes)
        if code not in known_facts
    ]
    if errors:
        raise ValidationFailed("Unknown risk factor codes", errors)
    wanted = list(dict.fromkeys(codes))
    current = {
        rf.code: rf
        for rf in session.exec(select(RiskFactor).where(RiskFactor.family_id == family_id, RiskFactor.child_id == None))  # noqa: E711
    }
    for code, row in current.items():
        if code not in wanted:
            session.delete(row)
    for code in wanted:
        if code not in current:
            session.add(RiskFactor(family_id=family_id, code=code, recorded_on=today, recorded_by=recorded_by))
    session.flush()
    return list(session.exec(select(RiskFactor).where(RiskFactor.family_id == family_id).order_by(RiskFactor.code)))
