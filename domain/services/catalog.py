"""The package catalog as stored: the defaults shipped in the repo plus versions municipalities add."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from sqlmodel import Session

from domain.errors import ValidationFailed
from domain.rules.catalog import (
    PackageCatalog,
    PackageVersion,
    catalog_from_mapping,
    load_default_catalog,
    package_to_mapping,
)
from domain.rules.eligibility import CriteriaSet, criteria_from_mapping, criteria_to_mapping, load_default_criteria
from domain.store.repositories import catalog as catalog_repo
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
    key = (str(bind.url), catalog_repo.package_catalog_stamp(session))
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


def add_package_version(session: Session, *, definition: dict[str, Any], created_by: str | None) -> PackageVersion:
    """A new version of a package (or a municipality's own new package); earlier versions never change."""
    if not isinstance(definition, dict):
        raise ValidationFailed.for_field("body", "A package definition must be an object")
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


_criteria_cache: dict[tuple[str, int, object], CriteriaSet] = {}


def current_criteria(session: Session) -> CriteriaSet:
    """The newest stored criteria version (the shipped defaults before any is stored)."""
    row = catalog_repo.latest_criteria_row(session)
    if row is None:
        return load_default_criteria()
    key = (str(session.get_bind().url), row.version, row.created_at)
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
    """A new version of the shared criteria; the version number is the next one."""
    if not isinstance(definition, dict):
        raise ValidationFailed.for_field("body", "A criteria definition must be an object")
    latest = catalog_repo.latest_criteria_row(session)
    number = (latest.version if latest else 0) + 1
    criteria = criteria_from_mapping({**definition, "version": number}, catalog=package_catalog(session))
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
