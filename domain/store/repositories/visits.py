"""Queries on enrolments and visits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.store.repositories.pagination import Page, keyset_page
from domain.store.tables import CaseloadAssignment, Enrollment, EnrollmentStaff, Visit, VisitStaff


def active_enrollments(session: Session, child_id: uuid.UUID) -> list[Enrollment]:
    statement = select(Enrollment).where(Enrollment.child_id == child_id, Enrollment.ended_on == None)  # noqa: E711
    return list(session.exec(statement))


def children_with_active_enrollments(session: Session, child_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these children have an enrolment that has not ended (those `active_enrollments` finds)."""
    found: set[uuid.UUID] = set()
    for start in range(0, len(child_ids), 500):
        statement = select(Enrollment.child_id).where(
            col(Enrollment.child_id).in_(child_ids[start : start + 500]),
            Enrollment.ended_on == None,  # noqa: E711
        )
        found.update(session.exec(statement))
    return found


def enrollments_of_child(session: Session, child_id: uuid.UUID) -> list[Enrollment]:
    statement = select(Enrollment).where(Enrollment.child_id == child_id).order_by(col(Enrollment.started_on))
    return list(session.exec(statement))


def visits_of_enrollment(session: Session, enrollment_id: uuid.UUID) -> list[Visit]:
    statement = select(Visit).where(Visit.enrollment_id == enrollment_id).order_by(col(Visit.target_date))
    return list(session.exec(statement))


def visits_of_child(session: Session, child_id: uuid.UUID) -> list[Visit]:
    statement = select(Visit).where(Visit.child_id == child_id).order_by(col(Visit.target_date), col(Visit.kind))
    return list(session.exec(statement))


def staff_of_enrollment(session: Session, enrollment_id: uuid.UUID) -> list[EnrollmentStaff]:
    return list(session.exec(select(EnrollmentStaff).where(EnrollmentStaff.enrollment_id == enrollment_id)))


@dataclass(frozen=True, slots=True)
class Assignment:
    """Who is assigned to a visit, in which role, and whether she performed it: what a reader of the visit
    is shown (plain values; `staff_of_visits` answers the rows themselves, to change them)."""

    visit_id: uuid.UUID
    staff_id: uuid.UUID
    role: str
    performed: bool


# Built once: a list answer asks for the staff of up to 500 visits on every request.
_ASSIGNMENTS = select(VisitStaff.visit_id, VisitStaff.staff_id, VisitStaff.role, VisitStaff.performed).where(
    col(VisitStaff.visit_id).in_(bindparam("visit_ids", expanding=True))
)


def assignments_of_visits(session: Session, visit_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Assignment]]:
    """The staff of each visit, read as plain values (no ORM objects to build)."""
    result: dict[uuid.UUID, list[Assignment]] = {visit_id: [] for visit_id in visit_ids}
    if visit_ids:
        for row in session.execute(_ASSIGNMENTS, {"visit_ids": list(visit_ids)}):
            result[row[0]].append(Assignment(*row))
    return result


def staff_of_visits(session: Session, visit_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[VisitStaff]]:
    result: dict[uuid.UUID, list[VisitStaff]] = {visit_id: [] for visit_id in visit_ids}
    if not visit_ids:
        return result
    for row in session.exec(select(VisitStaff).where(VisitStaff.visit_id.in_(visit_ids))):  # type: ignore[attr-defined]
        result[row.visit_id].append(row)
    return result


def health_visitor_of_family(session: Session, family_id: uuid.UUID) -> uuid.UUID | None:
    statement = (
        select(CaseloadAssignment.staff_id)
        .where(
            CaseloadAssignment.family_id == family_id,
            CaseloadAssignment.role == "health_visitor",
            CaseloadAssignment.ends_on == None,  # noqa: E711
        )
        .order_by(CaseloadAssignment.starts_on.desc())  # type: ignore[attr-defined]
    )
    return session.exec(statement).first()


def staff_of_enrollments(
    session: Session, enrollment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[EnrollmentStaff]]:
    result: dict[uuid.UUID, list[EnrollmentStaff]] = {enrollment_id: [] for enrollment_id in enrollment_ids}
    if not enrollment_ids:
        return result
    statement = (
        select(EnrollmentStaff)
        .where(col(EnrollmentStaff.enrollment_id).in_(enrollment_ids))
        .order_by(col(EnrollmentStaff.role), col(EnrollmentStaff.staff_id))
    )
    for row in session.exec(statement):
        result[row.enrollment_id].append(row)
    return result


def enrollments_of_child_page(
    session: Session, *, child_id: uuid.UUID, updated_since: datetime | None, cursor: str | None, limit: int
) -> Page[Enrollment]:
    """A child's enrolments, ended ones included, by start date."""
    statement: Any = select(Enrollment).where(Enrollment.child_id == child_id)
    if updated_since is not None:
        statement = statement.where(col(Enrollment.updated_at) >= updated_since)
    return keyset_page(
        session,
        statement,
        order_by=[col(Enrollment.started_on), col(Enrollment.id)],
        key_of=lambda e: (e.started_on, e.id),
        cursor=cursor,
        limit=limit,
    )


# A visit as a list answer reads it: a plain row of the visit's columns, with the same attribute names as a
# `Visit` (building an ORM object costs more than reading the row; lists show up to 500 visits).
VisitRow = Row[Any]
VISIT_COLUMNS = tuple(Visit.__table__.columns)  # type: ignore[attr-defined]


def visits_of_child_page(
    session: Session, *, child_id: uuid.UUID, updated_since: datetime | None, cursor: str | None, limit: int
) -> Page[VisitRow]:
    """A child's visits of every enrolment and ad hoc, by target date."""
    statement: Any = sa_select(*VISIT_COLUMNS).where(col(Visit.child_id) == child_id)
    if updated_since is not None:
        statement = statement.where(col(Visit.updated_at) >= updated_since)
    return keyset_page(
        session,
        statement,
        order_by=[col(Visit.target_date), col(Visit.id)],
        key_of=lambda v: (v.target_date, v.id),
        cursor=cursor,
        limit=limit,
    )
