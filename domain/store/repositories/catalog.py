"""Stored package and criteria versions."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from domain.store.tables import CriteriaVersionRecord, PackageVersionRecord


def package_version_rows(session: Session) -> list[PackageVersionRecord]:
    statement = select(PackageVersionRecord).order_by(PackageVersionRecord.code, PackageVersionRecord.version)
    return list(session.exec(statement))


def package_catalog_stamp(session: Session) -> tuple[int, object]:
    """Changes whenever a package version is added: (count, newest creation time)."""
    count, newest = session.exec(
        select(func.count(PackageVersionRecord.id), func.max(PackageVersionRecord.created_at))  # type: ignore[arg-type]
    ).one()
    return int(count), newest


def criteria_version_rows(session: Session) -> list[CriteriaVersionRecord]:
    return list(session.exec(select(CriteriaVersionRecord).order_by(CriteriaVersionRecord.version)))


def latest_criteria_row(session: Session) -> CriteriaVersionRecord | None:
    statement = select(CriteriaVersionRecord).order_by(CriteriaVersionRecord.version.desc())  # type: ignore[attr-defined]
    return session.exec(statement).first()
