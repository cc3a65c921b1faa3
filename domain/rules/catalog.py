"""The visit-package catalog as data, versioned.

Packages live in `domain/catalog/packages.toml`; a municipality may add a new version of a package
(or a new package) through the API as a JSON object of the same shape. A new version never
rewrites an earlier one: visits planned or done under version n keep pointing at version n.

Shape of one package (TOML table or JSON object):

    code, version, valid_from, name_da, name_en, [description_da, description_en],
    level_min, level_max, roles = [...], target_group_da, target_group_en,
    legal_basis = [{valid_from, text}, ...]   # dated: Serviceloven before 2024, Barnets lov after
    cadence = "fixed" | "group" | "open"
    visits = [                                # "fixed" (and optionally "group") packages
      {kind, anchor, target, window = [earliest, latest], [roles], [label_da, label_en]},
      {kind, anchor, start, every, tolerance = [before, after], until_anchor + until | count, ...},
    ]
    group = {sessions, interval_days, capacity, [session_kind]}   # "group" packages

Offsets are texts like "8w", "-12w", "18m", "1y6m", "2m15d" (see `offsets.py`). A single visit's
`target` and `window` are measured from its anchor; a repeating visit's `tolerance` is measured
from each occurrence.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from domain.errors import FieldError, NotFound, ValidationFailed
from domain.rules.levels import InterventionLevel
from domain.rules.offsets import Offset, format_offset, parse_offset


class CadenceKind(StrEnum):
    """How a package's visits are planned."""

    FIXED = "fixed"  # offsets, windows and recurrences from anchor dates
    GROUP = "group"  # a course of N sessions at a fixed interval, with a capacity
    OPEN = "open"  # nothing pre-planned; visits are added one at a time by judgement (GRO)


class Anchor(StrEnum):
    """Dates a visit rule can be measured from.

    `birth` falls back to the due date while the birth date is unknown, and `discharge` to the
    birth (or due) date. The others have no fallback: a rule whose anchor is missing is skipped.
    """

    DUE_DATE = "due_date"
    BIRTH = "birth"
    DISCHARGE = "discharge"
    ENROLLMENT = "enrollment"
    DAYCARE_START = "daycare_start"
    KINDERGARTEN_START = "kindergarten_start"
    SCHOOL_START = "school_start"


#: Roles a visit can need. A municipality adding a role extends this set in code on purpose:
#: roles drive access control, so a typo in a data file must not invent one.
KNOWN_ROLES: frozenset[str] = frozenset(
    {
        "health_visitor",
        "family_therapist",
        "caseworker",
        "pedagogue",
        "midwife",
        "psychologist",
    }
)

_CODE_RE = re.compile(r"^[a-z][a-z0-9_]{1,49}$")
_MAX_OCCURRENCES = 1000
# No visit is planned more than this far from its anchor (a child's whole course is far shorter), so
# every date the schedule engine computes stays within the calendar.
_MAX_SPAN_DAYS = 100 * 366


def _span_days(offset: Offset) -> int:
    """An upper bound of how many days an offset moves a date."""
    return abs(offset.months) * 31 + abs(offset.days)


# Reference anchors used to check that windows hold their target for every month length: the
# first and last day of every month over a leap-year cycle.
_REFERENCE_DAYS: tuple[date, ...] = tuple(
    day
    for year in (2023, 2024)
    for month in range(1, 13)
    for day in (
        date(year, month, 1),
        date.fromordinal(date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1),
    )
)


@dataclass(frozen=True, slots=True)
class LegalBasis:
    """The legal basis of a package from a date on."""

    valid_from: date
    text: str


@dataclass(frozen=True, slots=True)
class Repeat:
    """How a visit rule recurs: every `every` until `until` after `until_anchor`, or `count` times."""

    every: Offset
    until_anchor: Anchor | None = None
    until: Offset | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class VisitRule:
    """One planned visit, or one series of visits, of a package.

    Without `repeat`: the visit's target is `anchor + target` and its window is
    [anchor + earliest, anchor + latest]. With `repeat`: occurrence i is at
    `anchor + target + i * every` and its window is [occurrence + earliest, occurrence + latest].
    """

    kind: str
    anchor: Anchor
    target: Offset
    earliest: Offset
    latest: Offset
    roles: tuple[str, ...]
    repeat: Repeat | None = None
    label_da: str = ""
    label_en: str = ""


@dataclass(frozen=True, slots=True)
class GroupCourse:
    """A group course: `sessions` sessions, `interval_days` apart, at most `capacity` participants."""

    sessions: int
    interval_days: int
    capacity: int
    session_kind: str = "group_session"


@dataclass(frozen=True, slots=True)
class PackageVersion:
    """One version of a visit package."""

    code: str
    version: int
    name_da: str
    name_en: str
    level_min: InterventionLevel
    level_max: InterventionLevel
    roles: tuple[str, ...]
    target_group_da: str
    target_group_en: str
    legal_basis: tuple[LegalBasis, ...]
    cadence: CadenceKind
    visits: tuple[VisitRule, ...]
    group: GroupCourse | None
    valid_from: date
    description_da: str = ""
    description_en: str = ""

    def legal_basis_on(self, day: date) -> str | None:
        """The legal basis text in force on `day`, or None before the first one."""
        text: str | None = None
        for basis in self.legal_basis:
            if basis.valid_from <= day:
                text = basis.text
        return text

    def visit_kinds(self) -> tuple[str, ...]:
        """Every visit kind this version can plan, group sessions included."""
        kinds = tuple(rule.kind for rule in self.visits)
        return (*kinds, self.group.session_kind) if self.group is not None else kinds


# -- validation -----------------------------------------------------------------------------------


class _Errors:
    """Collects field errors so one response lists every problem, not just the first."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.items: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(FieldError(f"{self.prefix}{path}", message))

    def raise_if_any(self, detail: str) -> None:
        if self.items:
            raise ValidationFailed(detail, self.items)


def _get_str(
    m: Mapping[str, Any], key: str, errors: _Errors, path: str, *, required: bool = True, default: str = ""
) -> str:
    value = m.get(key)
    if value is None:
        if required:
            errors.add(f"{path}{key}", f"{key} is required")
        return default
    if not isinstance(value, str) or (required and not value.strip()):
        errors.add(f"{path}{key}", f"{key} must be a non-empty text")
        return default
    return value


def _get_int(
    m: Mapping[str, Any],
    key: str,
    errors: _Errors,
    path: str,
    *,
    lo: int,
    hi: int,
    required: bool = True,
    default: int = 0,
) -> int:
    value = m.get(key)
    if value is None:
        if required:
            errors.add(f"{path}{key}", f"{key} is required")
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        errors.add(f"{path}{key}", f"{key} must be a whole number between {lo} and {hi}")
        return default
    return value


def parse_date_value(value: object) -> date | None:
    """A date from TOML (a date) or JSON (an ISO 8601 text), else None."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _get_date(m: Mapping[str, Any], key: str, errors: _Errors, path: str) -> date:
    value = m.get(key)
    parsed = parse_date_value(value)
    if parsed is None:
        message = f"{key} is required" if value is None else f"{key} must be a date (YYYY-MM-DD)"
        errors.add(f"{path}{key}", message)
        return date(1970, 1, 1)
    return parsed


def _get_offset(value: object, errors: _Errors, path: str) -> Offset | None:
    if not isinstance(value, str):
        errors.add(path, "must be an offset text such as 8w, 18m or -3d")
        return None
    try:
        offset = parse_offset(value)
    except ValueError:
        errors.add(path, f"{value!r} is not an offset; use e.g. 8w, 18m, 1y6m or -3d")
        return None
    if _span_days(offset) > _MAX_SPAN_DAYS:
        errors.add(path, "an offset may reach at most 100 years")
        return None
    return offset


def _get_pair(m: Mapping[str, Any], key: str, errors: _Errors, path: str) -> tuple[Offset, Offset] | None:
    value = m.get(key)
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        errors.add(f"{path}{key}", f"{key} must be a list of two offsets [from, to]")
        return None
    first = _get_offset(value[0], errors, f"{path}{key}.0")
    second = _get_offset(value[1], errors, f"{path}{key}.1")
    if first is None or second is None:
        return None
    return first, second


def _get_roles(value: object, errors: _Errors, path: str) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        errors.add(path, "roles must be a non-empty list")
        return ()
    roles: list[str] = []
    for index, role in enumerate(value):
        if not isinstance(role, str) or role not in KNOWN_ROLES:
            known = ", ".join(sorted(KNOWN_ROLES))
            errors.add(f"{path}.{index}", f"unknown role {role!r}; known roles: {known}")
        elif role in roles:
            errors.add(f"{path}.{index}", f"role {role!r} is listed twice")
        else:
            roles.append(role)
    return tuple(roles)


def _ordered(first: Offset, middle: Offset, last: Offset) -> bool:
    # Month lengths differ, so "1m" vs "30d" depends on the anchor; check every month edge.
    return all(first.apply(d) <= middle.apply(d) <= last.apply(d) for d in _REFERENCE_DAYS)


def _parse_visit(m: object, errors: _Errors, path: str, package_roles: tuple[str, ...]) -> VisitRule | None:
    if not isinstance(m, Mapping):
        errors.add(path.rstrip("."), "each visit must be an object")
        return None
    count_before = len(errors.items)
    kind = _get_str(m, "kind", errors, path)
    if kind and not _CODE_RE.match(kind):
        errors.add(f"{path}kind", "kind must be lower_snake_case, 2-50 characters")
    anchor_text = m.get("anchor")
    anchor: Anchor | None = None
    try:
        anchor = Anchor(anchor_text) if isinstance(anchor_text, str) else None
    except ValueError:
        anchor = None
    if anchor is None:
        names = ", ".join(a.value for a in Anchor)
        errors.add(f"{path}anchor", f"anchor must be one of {names}")
    roles = package_roles if m.get("roles") is None else _get_roles(m["roles"], errors, f"{path}roles")
    label_da = _get_str(m, "label_da", errors, path, required=False)
    label_en = _get_str(m, "label_en", errors, path, required=False)
    repeat: Repeat | None = None
    target: Offset | None
    window: tuple[Offset, Offset] | None
    if "every" in m:
        target = _get_offset(m.get("start"), errors, f"{path}start")
        window = _get_pair(m, "tolerance", errors, path)
        every = _get_offset(m["every"], errors, f"{path}every")
        if every is not None and not all(every.apply(d) > d for d in _REFERENCE_DAYS):
            errors.add(f"{path}every", "every must move forward by at least a day")
            every = None
        count: int | None = None
        until: Offset | None = None
        until_anchor: Anchor | None = None
        has_count, has_until = m.get("count") is not None, m.get("until") is not None
        if has_count == has_until:
            errors.add(f"{path}until", "give either until (with until_anchor) or count, not both")
        elif has_count:
            count = _get_int(m, "count", errors, path, lo=1, hi=_MAX_OCCURRENCES)
            if (
                target is not None
                and every is not None
                and _span_days(target) + (count - 1) * _span_days(every) > _MAX_SPAN_DAYS
            ):
                errors.add(f"{path}count", "the series would reach more than 100 years from its anchor")
        else:
            until = _get_offset(m["until"], errors, f"{path}until")
            ua = m.get("until_anchor", anchor_text)
            try:
                until_anchor = Anchor(ua) if isinstance(ua, str) else None
            except ValueError:
                until_anchor = None
            if until_anchor is None:
                errors.add(f"{path}until_anchor", "until_anchor must be an anchor name")
        if window is not None and not _ordered(window[0], Offset(), window[1]):
            errors.add(f"{path}tolerance", "tolerance must run from at most 0d to at least 0d")
        if every is not None:
            repeat = Repeat(every=every, until_anchor=until_anchor, until=until, count=count)
    else:
        target = _get_offset(m.get("target"), errors, f"{path}target")
        window = _get_pair(m, "window", errors, path)
        if target is not None and window is not None and not _ordered(window[0], target, window[1]):
            errors.add(f"{path}window", "the window must hold the target for any anchor date")
    if len(errors.items) != count_before or anchor is None or target is None or window is None:
        return None
    return VisitRule(
        kind=kind,
        anchor=anchor,
        target=target,
        earliest=window[0],
        latest=window[1],
        roles=roles,
        repeat=repeat,
        label_da=label_da,
        label_en=label_en,
    )


def package_from_mapping(mapping: Mapping[str, Any], *, field_prefix: str = "") -> PackageVersion:
    """Validate one package definition (parsed TOML or JSON) into a `PackageVersion`.

    Raises `ValidationFailed` listing every offending field (dotted paths such as `visits.2.window`).
    A missing `version` means version 1.
    """
    errors = _Errors(field_prefix)
    if not isinstance(mapping, Mapping):
        errors.add("", "a package definition must be an object")
        errors.raise_if_any("the package definition is invalid")
    m = mapping
    code = _get_str(m, "code", errors, "")
    if code and not _CODE_RE.match(code):
        errors.add("code", "code must be lower_snake_case, 2-50 characters")
    version = _get_int(m, "version", errors, "", lo=1, hi=1_000_000, required=False, default=1)
    valid_from = _get_date(m, "valid_from", errors, "")
    name_da = _get_str(m, "name_da", errors, "")
    name_en = _get_str(m, "name_en", errors, "")
    description_da = _get_str(m, "description_da", errors, "", required=False)
    description_en = _get_str(m, "description_en", errors, "", required=False)
    target_group_da = _get_str(m, "target_group_da", errors, "")
    target_group_en = _get_str(m, "target_group_en", errors, "")
    level_min = _get_int(m, "level_min", errors, "", lo=1, hi=4, default=1)
    level_max = _get_int(m, "level_max", errors, "", lo=1, hi=4, default=4)
    if level_min > level_max:
        errors.add("level_max", "level_max must not be below level_min")
    roles = _get_roles(m.get("roles"), errors, "roles")

    legal: list[LegalBasis] = []
    raw_legal = m.get("legal_basis")
    if not isinstance(raw_legal, (list, tuple)) or not raw_legal:
        errors.add("legal_basis", "legal_basis must be a non-empty list of {valid_from, text}")
    else:
        for index, item in enumerate(raw_legal):
            path = f"legal_basis.{index}."
            if not isinstance(item, Mapping):
                errors.add(path.rstrip("."), "must be an object with valid_from and text")
                continue
            basis = LegalBasis(_get_date(item, "valid_from", errors, path), _get_str(item, "text", errors, path))
            if legal and basis.valid_from <= legal[-1].valid_from:
                errors.add(f"{path}valid_from", "legal_basis must be in increasing date order")
            legal.append(basis)

    cadence: CadenceKind | None = None
    try:
        cadence = CadenceKind(str(m.get("cadence")))
    except ValueError:
        errors.add("cadence", "cadence must be one of fixed, group, open")

    visits: list[VisitRule] = []
    raw_visits = m.get("visits", [])
    if not isinstance(raw_visits, (list, tuple)):
        errors.add("visits", "visits must be a list")
        raw_visits = []
    kinds: set[str] = set()
    for index, item in enumerate(raw_visits):
        rule = _parse_visit(item, errors, f"visits.{index}.", roles)
        if rule is None:
            continue
        if rule.kind in kinds:
            errors.add(f"visits.{index}.kind", f"kind {rule.kind!r} is used twice")
        kinds.add(rule.kind)
        visits.append(rule)

    group: GroupCourse | None = None
    raw_group = m.get("group")
    if raw_group is not None:
        if not isinstance(raw_group, Mapping):
            errors.add("group", "group must be an object")
        else:
            session_kind = _get_str(
                raw_group, "session_kind", errors, "group.", required=False, default="group_session"
            )
            if not _CODE_RE.match(session_kind):
                errors.add("group.session_kind", "session_kind must be lower_snake_case")
            if session_kind in kinds:
                errors.add("group.session_kind", "session_kind must differ from the visit kinds")
            group = GroupCourse(
                sessions=_get_int(raw_group, "sessions", errors, "group.", lo=1, hi=100),
                interval_days=_get_int(raw_group, "interval_days", errors, "group.", lo=1, hi=365),
                capacity=_get_int(raw_group, "capacity", errors, "group.", lo=1, hi=500),
                session_kind=session_kind,
            )

    if cadence is CadenceKind.FIXED and not raw_visits:
        errors.add("visits", "a fixed-cadence package needs at least one visit")
    if cadence is CadenceKind.GROUP and raw_group is None:
        errors.add("group", "a group package needs group = {sessions, interval_days, capacity}")
    if cadence is not CadenceKind.GROUP and raw_group is not None:
        errors.add("group", "only a group package has a group course")
    if cadence is CadenceKind.OPEN and raw_visits:
        errors.add("visits", "an open-cadence package plans no visits in advance")

    errors.raise_if_any("the package definition is invalid")
    assert cadence is not None  # for the type checker: a bad cadence raised above
    return PackageVersion(
        code=code,
        version=version,
        name_da=name_da,
        name_en=name_en,
        level_min=InterventionLevel(level_min),
        level_max=InterventionLevel(level_max),
        roles=roles,
        target_group_da=target_group_da,
        target_group_en=target_group_en,
        legal_basis=tuple(legal),
        cadence=cadence,
        visits=tuple(visits),
        group=group,
        valid_from=valid_from,
        description_da=description_da,
        description_en=description_en,
    )


def _visit_to_mapping(rule: VisitRule, package_roles: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": rule.kind, "anchor": rule.anchor.value}
    if rule.repeat is None:
        out["target"] = format_offset(rule.target)
        out["window"] = [format_offset(rule.earliest), format_offset(rule.latest)]
    else:
        out["start"] = format_offset(rule.target)
        out["every"] = format_offset(rule.repeat.every)
        out["tolerance"] = [format_offset(rule.earliest), format_offset(rule.latest)]
        if rule.repeat.count is not None:
            out["count"] = rule.repeat.count
        else:
            assert rule.repeat.until is not None and rule.repeat.until_anchor is not None
            out["until_anchor"] = rule.repeat.until_anchor.value
            out["until"] = format_offset(rule.repeat.until)
    if rule.roles != package_roles:
        out["roles"] = list(rule.roles)
    if rule.label_da:
        out["label_da"] = rule.label_da
    if rule.label_en:
        out["label_en"] = rule.label_en
    return out


def package_to_mapping(pv: PackageVersion) -> dict[str, Any]:
    """A JSON-ready mapping of a package version; `package_from_mapping` reads it back unchanged."""
    out: dict[str, Any] = {
        "code": pv.code,
        "version": pv.version,
        "valid_from": pv.valid_from.isoformat(),
        "name_da": pv.name_da,
        "name_en": pv.name_en,
        "description_da": pv.description_da,
        "description_en": pv.description_en,
        "level_min": int(pv.level_min),
        "level_max": int(pv.level_max),
        "roles": list(pv.roles),
        "target_group_da": pv.target_group_da,
        "target_group_en": pv.target_group_en,
        "legal_basis": [{"valid_from": b.valid_from.isoformat(), "text": b.text} for b in pv.legal_basis],
        "cadence": pv.cadence.value,
        "visits": [_visit_to_mapping(rule, pv.roles) for rule in pv.visits],
    }
    if pv.group is not None:
        out["group"] = {
            "sessions": pv.group.sessions,
            "interval_days": pv.group.interval_days,
            "capacity": pv.group.capacity,
            "session_kind": pv.group.session_kind,
        }
    return out


# -- the catalog ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PackageCatalog:
    """Every version of every package. Immutable: adding a version returns a new catalog."""

    versions: tuple[PackageVersion, ...]
    _index: dict[str, tuple[PackageVersion, ...]] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, list[PackageVersion]] = {}
        for pv in self.versions:
            index.setdefault(pv.code, []).append(pv)
        errors: list[FieldError] = []
        for code, pvs in index.items():
            pvs.sort(key=lambda p: p.version)
            numbers = [p.version for p in pvs]
            if numbers != list(range(1, len(pvs) + 1)):
                errors.append(FieldError(f"{code}.version", "versions must run 1, 2, 3, ..."))
        if errors:
            raise ValidationFailed("the package catalog is invalid", errors)
        object.__setattr__(self, "_index", {code: tuple(pvs) for code, pvs in index.items()})

    def codes(self) -> tuple[str, ...]:
        """Package codes in catalog order."""
        return tuple(self._index)

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def versions_of(self, code: str) -> tuple[PackageVersion, ...]:
        """All versions of one package, oldest first."""
        try:
            return self._index[code]
        except KeyError:
            raise NotFound(f"no package with code {code!r}") from None

    def current(self, code: str, *, on: date | None = None) -> PackageVersion:
        """The newest version of a package, or the newest valid on `on` if given."""
        pvs = self.versions_of(code)
        if on is None:
            return pvs[-1]
        valid = [p for p in pvs if p.valid_from <= on]
        if not valid:
            raise NotFound(f"package {code!r} has no version valid on {on.isoformat()}")
        return valid[-1]

    def version(self, code: str, number: int) -> PackageVersion:
        """One exact version of a package."""
        pvs = self.versions_of(code)
        if not 1 <= number <= len(pvs):
            raise NotFound(f"package {code!r} has no version {number}")
        return pvs[number - 1]

    def with_new_version(self, definition: Mapping[str, Any]) -> tuple[PackageCatalog, PackageVersion]:
        """Validate `definition` and add it as the next version of its package (or version 1).

        The version number is assigned here (last + 1); a `version` given in the definition must
        match it. The new version may not be valid from before the current one.
        """
        pv = package_from_mapping(definition)
        existing = self._index.get(pv.code, ())
        number = len(existing) + 1
        if definition.get("version") is not None and pv.version != number:
            raise ValidationFailed.for_field("version", f"the next version of {pv.code} is {number}")
        if existing and pv.valid_from < existing[-1].valid_from:
            last = existing[-1].valid_from.isoformat()
            raise ValidationFailed.for_field(
                "valid_from", f"valid_from must not be before the current version's ({last})"
            )
        if pv.version != number:
            pv = _with_version(pv, number)
        return PackageCatalog((*self.versions, pv)), pv


def _with_version(pv: PackageVersion, number: int) -> PackageVersion:
    mapping = package_to_mapping(pv)
    mapping["version"] = number
    return package_from_mapping(mapping)


def catalog_from_mapping(data: Mapping[str, Any]) -> PackageCatalog:
    """Validate a whole catalog: `{"packages": [package, ...]}` with every version listed."""
    raw = data.get("packages")
    if not isinstance(raw, (list, tuple)) or not raw:
        raise ValidationFailed.for_field("packages", "packages must be a non-empty list")
    errors: list[FieldError] = []
    versions: list[PackageVersion] = []
    for index, item in enumerate(raw):
        try:
            versions.append(package_from_mapping(item, field_prefix=f"packages.{index}."))
        except ValidationFailed as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationFailed("the package catalog is invalid", errors)
    return PackageCatalog(tuple(versions))


def _read_data_file(name: str) -> dict[str, Any]:
    text = resources.files("domain").joinpath("catalog", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def load_default_catalog() -> PackageCatalog:
    """The catalog shipped in `domain/catalog/packages.toml`, parsed and validated once."""
    return catalog_from_mapping(_read_data_file("packages.toml"))


#: The package codes `domain.md` names; the default catalog defines every one.
REQUIRED_PACKAGE_CODES: tuple[str, ...] = (
    "universal",
    "depression_screening",
    "adbb_observation",
    "transitions",
    "three_year_visit",
    "daycare_advice",
    "housing_area_extra",
    "mothers_group",
    "parent_group",
    "cos_p",
    "marte_meo",
    "small_children_team",
    "joint_visits",
    "minding_the_baby",
    "gro",
    "level4_followup",
)
