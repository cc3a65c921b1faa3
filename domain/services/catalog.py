"""The package catalog as stored: the defaults shipped in the repo plus versions municipalities add."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from domain.errors import NotFound, ValidationFailed
from domain.rules.catalog import (
    PackageCatalog,
    PackageVersion,
    catalog_from_mapping,
    load_default_catalog,
    package_to_mapping,
)
from domain.rules.eligibility import CriteriaSet, criteria_from_mapping, criteria_to_mapping, load_default_criteria
from domain.store.repositories import catalog as catalog_repo
from domain.store.repositories.pagination import MAX_LIMIT, Page, decode_cursor, encode_cursor
from domain.store.tables import CriteriaVersionRecord, PackageVersionRecord

_cache_lock = threading.Lock()
_cache: dict[tuple[str, tuple[int, object]], PackageCatalog] = {}


def ensure_default_catalog(session: Session) -> int:
    """Store every default package version, and the default criteria, not stored yet; answers how
    many package versions were added."""
    if catalog_repo.latest_criteria_row(session) is None:
        criteria = load_default_criteria()
        session.add(
            CriteriaVersionRecord(
                version=criteria.version, valid_from=criteria.valid_from, definition=criteria_to_mapping(criteria)
            )
        )
    stored = {(row.code, row.version) for row in catalog_repo.package_version_rows(session)}
    added = 0
    for pv in load_default_catalog().versions:
        if (pv.code, pv.version) not in stored:
            session.add(
                PackageVersionRecord(
                    code=pv.code, version=pv.version, valid_from=pv.valid_from, definition=package_to_mapping(pv)
                )
            )
            added += 1
    session.flush()
    return added


def package_catalog(session: Session) -> PackageCatalog:
    """Every stored version of every package, parsed once per change of the stored catalog."""
    bind = session.get_bind()
    key = (str(bind.engine.url), catalog_repo.package_catalog_stamp(session))
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    rows = catalog_repo.package_version_rows(session)
    catalog = catalog_from_mapping({"packages": [row.definition for row in rows]}) if rows else load_default_catalog()
    with _cache_lock:
        _cache.clear()  # only the newest catalog per process is worth keeping
        _cache[key] = catalog
    return catalog


def package_version(
    session: Session, code: str, version: int | None = None, *, on: date | None = None
) -> PackageVersion:
    catalog = package_catalog(session)
    return catalog.version(code, version) if version is not None else catalog.current(code, on=on)


def add_package_version(
    session: Session, *, definition: dict[str, Any], created_by: str | None, code: str | None = None
) -> PackageVersion:
    """A new version of a package (or a municipality's own new package); earlier versions, and the
    enrolments and courses made under them, never change. With `code`, the definition must be of it."""
    if not isinstance(definition, dict):
        raise ValidationFailed.for_field("body", "A package definition must be an object")
    if code is not None and definition.get("code") != code:
        raise ValidationFailed.for_field("code", f"The definition's code must be {code!r}, as in the path")
    _, new = package_catalog(session).with_new_version(definition)
    session.add(
        PackageVersionRecord(
            code=new.code,
            version=new.version,
            valid_from=new.valid_from,
            definition=package_to_mapping(new),
            created_by=created_by,
        )
    )
    session.flush()
    return new


@dataclass(frozen=True, slots=True)
class PackageSummary:
    """A package as listed: its version in force on a day (else its first), and how many it has."""

    current: PackageVersion
    versions: int
    in_force: bool


def package_versions(session: Session, code: str) -> tuple[PackageVersion, ...]:
    """Every version of one package, oldest first (NotFound for an unknown code)."""
    return package_catalog(session).versions_of(code)


def version_in_force(versions: tuple[PackageVersion, ...], day: date) -> PackageVersion | None:
    """The newest of `versions` valid on `day`, or None before the first one."""
    valid = [pv for pv in versions if pv.valid_from <= day]
    return valid[-1] if valid else None


def package_summaries(
    session: Session, *, today: date, updated_since: datetime | None, cursor: str | None, limit: int
) -> Page[PackageSummary]:
    """One page of the packages by code, each with its version in force today; `updated_since` keeps
    the packages that got a version at or after that time."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.for_field("limit", f"limit must be between 1 and {MAX_LIMIT}")
    catalog = package_catalog(session)
    codes = sorted(catalog.codes())
    if updated_since is not None:
        changed = {row.code for row in catalog_repo.package_version_rows(session) if row.created_at >= updated_since}
        codes = [c for c in codes if c in changed]
    if cursor:
        (after,) = decode_cursor(cursor, 1)
        codes = [c for c in codes if c > str(after)]
    page = codes[:limit]
    items = []
    for code in page:
        versions = catalog.versions_of(code)
        current = version_in_force(versions, today)
        items.append(PackageSummary(current or versions[0], len(versions), current is not None))
    next_cursor = encode_cursor((page[-1],)) if len(codes) > limit else None
    return Page(items=items, next_cursor=next_cursor)


_criteria_cache: dict[tuple[str, int, object], CriteriaSet] = {}


def current_criteria(session: Session) -> CriteriaSet:
    """The newest stored criteria version (the shipped defaults before any is stored)."""
    row = catalog_repo.latest_criteria_row(session)
    if row is None:
        return load_default_criteria()
    key = (str(session.get_bind().engine.url), row.version, row.created_at)
    with _cache_lock:
        cached = _criteria_cache.get(key)
    if cached is not None:
        return cached
    criteria = criteria_from_mapping(row.definition, catalog=package_catalog(session))
    with _cache_lock:
        _criteria_cache.clear()
        _criteria_cache[key] = criteria
    return criteria


def add_criteria_version(session: Session, *, definition: dict[str, Any], created_by: str | None) -> CriteriaSet:
    """A new version of the shared criteria; the version number is the next one, and a version given
    in the definition must be it. Package, fact and referral codes are checked by name."""
    if not isinstance(definition, dict):
        raise ValidationFailed.for_field("body", "A criteria definition must be an object")
    latest = catalog_repo.latest_criteria_row(session)
    number = (latest.version if latest else 0) + 1
    if definition.get("version") is not None and definition["version"] != number:
        raise ValidationFailed.for_field("version", f"The next criteria version is {number}")
    criteria = criteria_from_mapping({**definition, "version": number}, catalog=package_catalog(session))
    if latest is not None and criteria.valid_from < latest.valid_from:
        raise ValidationFailed.for_field(
            "valid_from", f"valid_from must not be before the current version's ({latest.valid_from.isoformat()})"
        )
    session.add(
        CriteriaVersionRecord(
            version=criteria.version,
            valid_from=criteria.valid_from,
            definition=criteria_to_mapping(criteria),
            created_by=created_by,
        )
    )
    session.flush()
    return criteria


def criteria_versions(session: Session) -> list[CriteriaVersionRecord]:
    """Every stored criteria version, oldest first."""
    return catalog_repo.criteria_version_rows(session)


def criteria_version(session: Session, number: int) -> CriteriaSet:
    """One stored criteria version in full (NotFound when there is no such version)."""
    row = next((r for r in catalog_repo.criteria_version_rows(session) if r.version == number), None)
    if row is None:
        raise NotFound(f"There is no criteria version {number}")
    return criteria_from_mapping(row.definition)
