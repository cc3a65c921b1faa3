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
from domain.store.repositories import families as family_repo
from domain.store.tables import Child, Family, FamilyMember, HousingArea, RiskFactor, Team, utcnow

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


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FamilyDetails:
    family: Family
    area: str | None
    team: str | None
    risk_factors: list[str]
    members: list[FamilyMember]
    children: list[Child]


def family_details(session: Session, rows: list[Family]) -> list[FamilyDetails]:
    """Families with members, children, risk factors and codes, in four queries for any number."""
    ids = [f.id for f in rows]
    members = family_repo.members_of(session, ids)
    children = family_repo.children_of(session, ids)
    risks = family_repo.risk_codes_of(session, ids)
    areas, teams = family_repo.area_and_team_codes(session)
    return [
        FamilyDetails(
            family=f,
            area=areas.get(f.area_id) if f.area_id else None,
            team=teams.get(f.team_id) if f.team_id else None,
            risk_factors=risks[f.id],
            members=members[f.id],
            children=children[f.id],
        )
        for f in rows
    ]


def update_family(
    session: Session,
    *,
    family_id: uuid.UUID,
    changes: dict[str, Any],
) -> Family:
    """Change a family's area, team, address or (replacing them) members."""
    family = get_family(session, family_id)
    current = family_details(session, [family])[0]
    data = FamilyData(
        source_system=family.source_system,
        external_id=family.external_id,
        area=changes.get("area", current.area),
        team=changes.get("team", current.team),
        address=changes.get("address", family.address),
        members=tuple(MemberData(**m) for m in changes["members"]) if changes.get("members") is not None else (),
    )
    area, team, _ = _validate_family(session, data)
    family.area_id = area.id if area else None
    family.team_id = team.id if team else None
    family.address = data.address
    if changes.get("members") is not None:
        _replace_members(session, family, current.members, data.members)
    family.updated_at = utcnow()
    session.add(family)
    session.flush()
    return family


def _replace_members(
    session: Session, family: Family, current: list[FamilyMember], wanted: tuple[MemberData, ...]
) -> bool:
    have = sorted((m.role, m.name, m.cpr or "") for m in current)
    want = sorted((m.role, m.name, _member_cpr(m) or "") for m in wanted)
    if have == want:
        return False
    for member in current:
        session.delete(member)
    for member in wanted:
        session.add(FamilyMember(family_id=family.id, role=member.role, name=member.name, cpr=_member_cpr(member)))
    return True


def upsert_family(session: Session, *, data: FamilyData, risk_factors_given: bool, today: date) -> tuple[str, Family]:
    """Create or update one family by (source_system, external_id); unchanged data writes nothing.

    Children are matched by external_id (or CPR); children absent from the data are kept, since
    their visits and history belong to the municipality's record.
    """
    existing = family_repo.family_by_source(session, data.source_system, [data.external_id]).get(data.external_id)
    if existing is None:
        return "created", create_family(session, data=data, today=today, recorded_by=data.source_system)
    area, team, cprs = _validate_family(session, data)
    details = family_details(session, [existing])[0]
    changed = False
    new_area = area.id if area else None
    new_team = team.id if team else None
    if (existing.area_id, existing.team_id, existing.address) != (new_area, new_team, data.address):
        existing.area_id, existing.team_id, existing.address = new_area, new_team, data.address
        changed = True
    changed |= _replace_members(session, existing, details.members, data.members)
    if risk_factors_given and sorted(set(data.risk_factors)) != sorted(details.risk_factors):
        set_risk_factors(
            session, family_id=existing.id, codes=list(data.risk_factors), today=today, recorded_by=data.source_system
        )
        changed = True
    by_external = {c.external_id: c for c in details.children if c.external_id}
    by_cpr = {c.cpr: c for c in details.children if c.cpr}
    for index, (child_data, cpr) in enumerate(zip(data.children, cprs, strict=True)):
        match = by_external.get(child_data.external_id or "") or (by_cpr.get(cpr) if cpr else None)
        if match is None:
            _check_cpr_free(session, cpr, None, f"children.{index}.cpr")
            session.add(_new_child(existing.id, child_data, cpr))
            changed = True
            continue
        # A field the source system leaves out (None) keeps what staff recorded.
        wanted = {name: getattr(child_data, name) for name in CHILD_FIELDS} | {"cpr": cpr}
        differing = {
            name: value for name, value in wanted.items() if value is not None and getattr(match, name) != value
        }
        if differing:
            update_child(session, child_id=match.id, changes=differing)
            changed = True
    if changed:
        existing.updated_at = utcnow()
        session.add(existing)
        session.flush()
        return "updated", existing
    return "unchanged", existing
