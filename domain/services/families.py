"""Families, their members and children: create, update, upsert from a case system, risk factors."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from domain.clock import utc_now
from domain.errors import Conflict, DomainError, FieldError, NotFound, ValidationFailed
from domain.rules.cpr import Cpr, parse_cpr
from domain.services import schedules
from domain.services.catalog import current_criteria
from domain.store.repositories import families as family_repo
from domain.store.repositories import visits as visit_repo
from domain.store.tables import Child, Family, FamilyMember, RiskFactor

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


def _parsed_cpr(value: str | None, field_name: str, errors: list[FieldError]) -> Cpr | None:
    if value is None or value == "":
        return None
    try:
        return parse_cpr(value, field=field_name)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        return None


def validate_child(data: ChildData, prefix: str, errors: list[FieldError]) -> str | None:
    """Collects what is wrong with a child's data; answers the normalised CPR number."""
    if data.due_date is None and data.birth_date is None:
        errors.append(FieldError(f"{prefix}due_date", "A child needs a due date or a birth date"))
    if data.cpr and data.birth_date is None:
        errors.append(FieldError(f"{prefix}birth_date", "A CPR number is given at birth: give the birth date too"))
    cpr = _parsed_cpr(data.cpr, f"{prefix}cpr", errors)
    if cpr and data.birth_date and cpr.birth_date != data.birth_date:
        errors.append(FieldError(f"{prefix}cpr", "The CPR number's date does not match the birth date"))
    if data.discharge_date and data.birth_date and data.discharge_date < data.birth_date:
        errors.append(FieldError(f"{prefix}discharge_date", "Discharge cannot be before birth"))
    return cpr.number if cpr else None


@dataclass(frozen=True, slots=True)
class Lookups:
    """What validating a family needs from the database: area and team ids by code, and the known
    risk-factor codes. Loaded once for a whole bulk batch, so validation itself asks nothing."""

    area_ids: dict[str, uuid.UUID]
    team_ids: dict[str, uuid.UUID]
    known_facts: frozenset[str]


def load_lookups(session: Session, families: Iterable[FamilyData]) -> Lookups:
    """The lookups for these families, in two queries plus the (cached) current criteria."""
    area_codes: set[str] = set()
    team_codes: set[str] = set()
    for data in families:
        if data.area:
            area_codes.add(data.area)
        if data.team:
            team_codes.add(data.team)
    return Lookups(
        area_ids=family_repo.area_ids_by_code(session, area_codes),
        team_ids=family_repo.team_ids_by_code(session, team_codes),
        known_facts=current_criteria(session).fact_codes(),
    )


class ValidFamily(NamedTuple):
    """A family's data once it passed `validate_family`: ids for the codes, and normalised CPR numbers."""

    area_id: uuid.UUID | None
    team_id: uuid.UUID | None
    child_cprs: list[str | None]
    member_cprs: list[str | None]


def validate_family(data: FamilyData, lookups: Lookups) -> ValidFamily:
    """Every rule on a family's own data (each CPR number is parsed once, here)."""
    errors: list[FieldError] = []
    if not data.source_system.strip():
        errors.append(FieldError("source_system", "source_system must not be empty"))
    if not data.external_id.strip():
        errors.append(FieldError("external_id", "external_id must not be empty"))
    area_id = None
    if data.area:
        area_id = lookups.area_ids.get(data.area)
        if area_id is None:
            errors.append(FieldError("area", f"Unknown housing area {data.area!r}"))
    team_id = None
    if data.team:
        team_id = lookups.team_ids.get(data.team)
        if team_id is None:
            errors.append(FieldError("team", f"Unknown team {data.team!r}"))
    for index, code in enumerate(data.risk_factors):
        if code not in lookups.known_facts:
            errors.append(FieldError(f"risk_factors.{index}", f"Unknown risk factor {code!r}"))
    member_cprs: list[str | None] = []
    for index, member in enumerate(data.members):
        if member.role not in MEMBER_ROLES:
            errors.append(FieldError(f"members.{index}.role", f"role must be one of {', '.join(MEMBER_ROLES)}"))
        if not member.name.strip():
            errors.append(FieldError(f"members.{index}.name", "name must not be empty"))
        member_cpr = _parsed_cpr(member.cpr, f"members.{index}.cpr", errors)
        member_cprs.append(member_cpr.number if member_cpr else None)
    cprs = [validate_child(child, f"children.{index}.", errors) for index, child in enumerate(data.children)]
    seen: set[str] = set()
    for index, child in enumerate(data.children):
        if child.external_id:
            if child.external_id in seen:
                errors.append(FieldError(f"children.{index}.external_id", "Two children with the same external_id"))
            seen.add(child.external_id)
    if errors:
        raise ValidationFailed(f"The family has {len(errors)} invalid field(s)", errors)
    return ValidFamily(area_id, team_id, cprs, member_cprs)


def _validate_family(session: Session, data: FamilyData) -> ValidFamily:
    return validate_family(data, load_lookups(session, [data]))


def _member_cpr(member: MemberData) -> str | None:
    return parse_cpr(member.cpr).number if member.cpr else None


class CprInUse(Conflict):
    """A CPR number another child holds. `holder` is that child: for the audit trail, and for the answer
    only when the caller may see it (api/cpr_clash.py)."""

    def __init__(self, field_name: str, holder: uuid.UUID) -> None:
        super().__init__(f"Another child already has this CPR number ({field_name})")
        self.field_name = field_name
        self.holder = holder


def _check_cpr_free(session: Session, cpr: str | None, child_id: uuid.UUID | None, field_name: str) -> None:
    if cpr is None:
        return
    other = session.exec(select(Child.id).where(Child.cpr == cpr)).first()
    if other is not None and other != child_id:
        raise CprInUse(field_name, other)


def create_family(session: Session, *, data: FamilyData, today: date, recorded_by: str | None) -> Family:
    """A new family with its members, children and risk factors."""
    area_id, team_id, cprs, _ = _validate_family(session, data)
    exists = session.exec(
        select(Family.id).where(Family.source_system == data.source_system, Family.external_id == data.external_id)
    ).first()
    if exists:
        raise Conflict("A family with this source_system and external_id exists; use PATCH or the bulk upsert")
    family = Family(
        source_system=data.source_system,
        external_id=data.external_id,
        area_id=area_id,
        team_id=team_id,
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


CHILD_FIELDS = family_repo.CHILD_FIELDS
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
    family.area_id, family.team_id, _, _ = _validate_family(session, data)
    family.address = data.address
    if changes.get("members") is not None:
        _replace_members(session, family, current.members, data.members)
    family.updated_at = utc_now()
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
    new_area, new_team, cprs, _ = _validate_family(session, data)
    details = family_details(session, [existing])[0]
    changed = False
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
        existing.updated_at = utc_now()
        session.add(existing)
        session.flush()
        return "updated", existing
    return "unchanged", existing


# --- the bulk upsert -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UpsertItem:
    data: FamilyData
    # Risk factors are replaced only when the source system sent the list (even an empty one).
    risk_factors_given: bool


@dataclass(frozen=True, slots=True)
class UpsertOutcome:
    status: str  # created | updated | unchanged | error
    family_id: uuid.UUID | None = None
    errors: tuple[FieldError, ...] = ()


def _error_outcome(exc: DomainError) -> UpsertOutcome:
    errors = tuple(getattr(exc, "errors", None) or ())
    return UpsertOutcome("error", errors=errors or (FieldError("", exc.detail),))


def upsert_families(session: Session, items: Sequence[UpsertItem], *, today: date) -> list[UpsertOutcome]:
    """Create or update many families by (source_system, external_id), with `upsert_family`'s rules.

    Each item is all-or-nothing and a bad item does not stop the others. The work is set-based: the
    batch's existing families, members, children, risk factors and CPR holders are read in a few
    queries, the changes are computed in Python and written with one executemany per table. Two
    cases take the item-by-item path instead, so correctness never depends on the fast one: a family
    sent twice in one batch (the later item applies on top of the earlier), and a database constraint
    failing on write (another writer got there between our read and our write).
    """
    keys = [(item.data.source_system, item.data.external_id) for item in items]
    if len(set(keys)) != len(keys):
        return upsert_families_one_by_one(session, items, today=today)
    outcomes, writes, reanchor = plan_upsert(session, items, today=today)
    savepoint = session.begin_nested()
    try:
        family_repo.write_family_changes(session, writes)
        _reanchor_enrolled(session, reanchor)
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        return upsert_families_one_by_one(session, items, today=today)
    return outcomes


def upsert_families_one_by_one(session: Session, items: Sequence[UpsertItem], *, today: date) -> list[UpsertOutcome]:
    """The item-by-item path: `upsert_family` for each item inside a savepoint of its own."""
    outcomes: list[UpsertOutcome] = []
    for item in items:
        savepoint = session.begin_nested()
        try:
            status, family = upsert_family(
                session, data=item.data, risk_factors_given=item.risk_factors_given, today=today
            )
            savepoint.commit()
        except DomainError as exc:
            savepoint.rollback()
            outcomes.append(_error_outcome(exc))
            continue
        outcomes.append(UpsertOutcome(status, family.id))
    return outcomes


class _CprHolders:
    """Which child holds each CPR number the batch names, as the batch proceeds item by item.

    Starts from the database; an item's claims and releases become visible to later items only
    when the item succeeds, as with the item-by-item path's savepoints."""

    def __init__(self, holders: dict[str, uuid.UUID]) -> None:
        self._holders: dict[str, uuid.UUID | None] = dict(holders)
        self.pending: dict[str, uuid.UUID | None] = {}

    def holder(self, cpr: str) -> uuid.UUID | None:
        if cpr in self.pending:
            return self.pending[cpr]
        return self._holders.get(cpr)

    def keep(self) -> None:
        self._holders.update(self.pending)
        self.pending = {}

    def discard(self) -> None:
        self.pending = {}


def _check_cpr_unheld(holders: _CprHolders, cpr: str | None, child_id: uuid.UUID | None, field_name: str) -> None:
    """`_check_cpr_free` against the batch's view of the database."""
    if cpr is None:
        return
    other = holders.holder(cpr)
    if other is not None and other != child_id:
        raise Conflict(f"Another child already has this CPR number ({field_name})")


class _Ids:
    """Random (version 4) UUIDs drawn from the OS 1,024 at a time: `uuid.uuid4()` per row makes one
    system call per row, which is a visible share of a bulk batch's time."""

    def __init__(self) -> None:
        self._ids: list[uuid.UUID] = []

    def __call__(self) -> uuid.UUID:
        if not self._ids:
            raw = os.urandom(16 * 1024)
            self._ids = [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, len(raw), 16)]
        return self._ids.pop()


@dataclass
class _Existing:
    """An existing family of the batch as plain rows."""

    family: Any
    members: list[Any] = field(default_factory=list)
    children: list[Any] = field(default_factory=list)
    risks: list[Any] = field(default_factory=list)


@dataclass
class _Planner:
    """Turns one batch's items into rows, item after item, with `create_family`'s and `upsert_family`'s
    rules; every row of the batch carries the same timestamp."""

    holders: _CprHolders
    today: date
    now: datetime
    writes: family_repo.FamilyWrites = field(default_factory=family_repo.FamilyWrites)
    reanchor: list[uuid.UUID] = field(default_factory=list)
    new_id: _Ids = field(default_factory=_Ids)

    def _stamped(self, row: dict[str, Any]) -> dict[str, Any]:
        row["created_at"] = self.now
        row["updated_at"] = self.now
        return row

    def _members(self, family_id: uuid.UUID, data: FamilyData, cprs: list[str | None]) -> None:
        self.writes.member_inserts.extend(
            self._stamped({"id": self.new_id(), "family_id": family_id, "role": m.role, "name": m.name, "cpr": cpr})
            for m, cpr in zip(data.members, cprs, strict=True)
        )

    def _risks(self, family_id: uuid.UUID, codes: Iterable[str], recorded_by: str) -> None:
        self.writes.risk_inserts.extend(
            self._stamped(
                {
                    "id": self.new_id(),
                    "family_id": family_id,
                    "child_id": None,
                    "code": code,
                    "recorded_on": self.today,
                    "recorded_by": recorded_by,
                }
            )
            for code in codes
        )

    def _new_child(self, family_id: uuid.UUID, data: ChildData, cpr: str | None, index: int) -> None:
        child_id = self.new_id()
        if cpr is not None:
            _check_cpr_unheld(self.holders, cpr, None, f"children.{index}.cpr")
            self.holders.pending[cpr] = child_id
        row: dict[str, Any] = {"id": child_id, "family_id": family_id, "external_id": data.external_id}
        for name in CHILD_FIELDS:
            row[name] = getattr(data, name)
        row["cpr"] = cpr
        row["level"] = 1
        row["daycare_id"] = None
        self.writes.child_inserts.append(self._stamped(row))

    def create(self, data: FamilyData, valid: ValidFamily) -> uuid.UUID:
        """`create_family` as rows."""
        family_id = self.new_id()
        for index, (child, cpr) in enumerate(zip(data.children, valid.child_cprs, strict=True)):
            self._new_child(family_id, child, cpr, index)
        self.writes.family_inserts.append(
            self._stamped(
                {
                    "id": family_id,
                    "source_system": data.source_system,
                    "external_id": data.external_id,
                    "area_id": valid.area_id,
                    "team_id": valid.team_id,
                    "address": data.address,
                }
            )
        )
        self._members(family_id, data, valid.member_cprs)
        self._risks(family_id, dict.fromkeys(data.risk_factors), data.source_system)
        return family_id

    def update(self, item: UpsertItem, valid: ValidFamily, existing: _Existing) -> bool:
        """`upsert_family` on an existing family as rows; answers whether anything changed."""
        data = item.data
        family = existing.family
        family_id: uuid.UUID = family["id"]
        changed = (family["area_id"], family["team_id"], family["address"]) != (
            valid.area_id,
            valid.team_id,
            data.address,
        )
        have = sorted((m["role"], m["name"], m["cpr"] or "") for m in existing.members)
        want = sorted((m.role, m.name, cpr or "") for m, cpr in zip(data.members, valid.member_cprs, strict=True))
        members_replaced = have != want
        risks_current = {row["code"]: row["id"] for row in existing.risks}
        risks_replaced = item.risk_factors_given and sorted(set(data.risk_factors)) != sorted(risks_current)
        changed |= members_replaced or risks_replaced
        # Matching uses the stored keys; comparisons use the child as earlier data of this item left it.
        state = {row["id"]: dict(row) for row in existing.children}
        by_external = {row["external_id"]: row["id"] for row in existing.children if row["external_id"]}
        by_cpr = {row["cpr"]: row["id"] for row in existing.children if row["cpr"]}
        updated: dict[uuid.UUID, bool] = {}  # child id -> whether an anchor date changed
        for index, (child_data, cpr) in enumerate(zip(data.children, valid.child_cprs, strict=True)):
            match = by_external.get(child_data.external_id or "") or (by_cpr.get(cpr) if cpr else None)
            if match is None:
                self._new_child(family_id, child_data, cpr, index)
                changed = True
                continue
            current = state[match]
            # A field the source system leaves out (None) keeps what staff recorded.
            wanted = {name: getattr(child_data, name) for name in CHILD_FIELDS} | {"cpr": cpr}
            differing = {name: value for name, value in wanted.items() if value is not None and current[name] != value}
            if not differing:
                continue
            # `update_child`'s rules on the merged data.
            merged = {name: current[name] for name in CHILD_FIELDS} | differing
            errors: list[FieldError] = []
            merged_cpr = validate_child(ChildData(**merged), "", errors)
            if errors:
                raise ValidationFailed(f"The child has {len(errors)} invalid field(s)", errors)
            _check_cpr_unheld(self.holders, merged_cpr, match, "cpr")
            if current["cpr"] != merged_cpr:
                if current["cpr"]:
                    self.holders.pending[current["cpr"]] = None
                if merged_cpr:
                    self.holders.pending[merged_cpr] = match
            anchors_changed = any(current[name] != merged[name] for name in ANCHOR_FIELDS)
            for name in CHILD_FIELDS:
                current[name] = merged_cpr if name == "cpr" else merged[name]
            updated[match] = updated.get(match, False) or anchors_changed
            changed = True
        if not changed:
            return False
        self.writes.family_updates.append(
            {
                "id": family_id,
                "area_id": valid.area_id,
                "team_id": valid.team_id,
                "address": data.address,
                "updated_at": self.now,
            }
        )
        if members_replaced:
            self.writes.member_families_to_clear.append(family_id)
            self._members(family_id, data, valid.member_cprs)
        if risks_replaced:
            # `set_risk_factors`: codes kept keep their row and date.
            wanted_codes = list(dict.fromkeys(data.risk_factors))
            self.writes.risk_deletes.extend(
                row_id for code, row_id in risks_current.items() if code not in wanted_codes
            )
            self._risks(family_id, (c for c in wanted_codes if c not in risks_current), data.source_system)
        for child_id, anchors_changed in updated.items():
            self.writes.child_updates.append(state[child_id] | {"updated_at": self.now})
            if anchors_changed:
                self.reanchor.append(child_id)
        return True


def plan_upsert(
    session: Session, items: Sequence[UpsertItem], *, today: date
) -> tuple[list[UpsertOutcome], family_repo.FamilyWrites, list[uuid.UUID]]:
    """Reads what the batch touches and answers each item's outcome, the rows to write and the
    children whose planned visits must follow changed anchor dates. Writes nothing."""
    lookups = load_lookups(session, (item.data for item in items))
    outcomes: list[UpsertOutcome | None] = [None] * len(items)
    valid: list[tuple[int, ValidFamily]] = []
    for position, item in enumerate(items):
        try:
            valid.append((position, validate_family(item.data, lookups)))
        except ValidationFailed as exc:
            outcomes[position] = _error_outcome(exc)
    found = family_repo.family_rows_by_source(
        session, [(items[p].data.source_system, items[p].data.external_id) for p, _ in valid]
    )
    existing = {row["id"]: _Existing(row) for row in found.values()}
    family_ids = list(existing)
    for row in family_repo.member_rows_of(session, family_ids):
        existing[row["family_id"]].members.append(row)
    for row in family_repo.child_rows_of(session, family_ids):
        existing[row["family_id"]].children.append(row)
    for row in family_repo.family_risk_rows_of(session, family_ids):
        existing[row["family_id"]].risks.append(row)
    named = {cpr for _, v in valid for cpr in v.child_cprs if cpr}
    planner = _Planner(_CprHolders(family_repo.child_ids_by_cpr(session, sorted(named))), today, utc_now())
    for position, validated in valid:
        item = items[position]
        stored = found.get((item.data.source_system, item.data.external_id))
        # An item is all-or-nothing: what it planned is cut off again when it fails.
        mark = planner.writes.mark()
        try:
            if stored is None:
                outcome = UpsertOutcome("created", planner.create(item.data, validated))
            else:
                changed = planner.update(item, validated, existing[stored["id"]])
                outcome = UpsertOutcome("updated" if changed else "unchanged", stored["id"])
        except DomainError as exc:
            planner.holders.discard()
            planner.writes.truncate(mark)
            outcomes[position] = _error_outcome(exc)
            continue
        planner.holders.keep()
        outcomes[position] = outcome
    done = [outcome for outcome in outcomes if outcome is not None]
    assert len(done) == len(items), "every item has an outcome"
    return done, planner.writes, planner.reanchor


def _reanchor_enrolled(session: Session, child_ids: list[uuid.UUID]) -> None:
    """Births and changed due dates move the planned visits of active enrolments, as `update_child` does."""
    if not child_ids:
        return
    enrolled = visit_repo.children_with_active_enrollments(session, child_ids)
    for child_id in child_ids:
        if child_id in enrolled:
            child = session.get(Child, child_id, populate_existing=True)
            if child is not None:
                schedules.reanchor_child(session, child=child)
