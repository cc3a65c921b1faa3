"""What happens to one visit: done, missed, cancelled, moved, assigned; ad-hoc and urgent visits;
a child's schedule and the worklist of visits across children."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from domain.errors import Conflict, NotFound, ValidationFailed
from domain.rules.catalog import KNOWN_ROLES, CadenceKind
from domain.rules.visit_state import VisitStatus, overdue_if_latest_before
from domain.rules.workdays import DEFAULT_CALENDAR
from domain.services.actors import Actor
from domain.services.catalog import package_version
from domain.store.repositories import visits as visit_repo
from domain.store.repositories import worklists
from domain.store.repositories.pagination import Page
from domain.store.repositories.visits import Assignment, VisitRow
from domain.store.tables import Child, Enrollment, Staff, Visit, VisitStaff

URGENT_FOLLOW_UP_KIND = "urgent_follow_up"
AD_HOC_KIND = "ad_hoc"


@dataclass(frozen=True, slots=True)
class VisitDetails:
    """A visit with the staff assigned to it (and, once done, who performed it)."""

    visit: Visit | VisitRow  # a list answer reads plain rows of the visit's columns
    staff: list[Assignment]


def with_staff(session: Session, visits: Sequence[Visit | VisitRow]) -> list[VisitDetails]:
    """Visits with their staff, in one query for any number of visits."""
    staff = visit_repo.assignments_of_visits(session, [v.id for v in visits])
    return [VisitDetails(visit=v, staff=sorted(staff[v.id], key=lambda s: (s.role, str(s.staff_id)))) for v in visits]


def visit_details(session: Session, visit_id: uuid.UUID) -> VisitDetails:
    return with_staff(session, [get_visit(session, visit_id)])[0]


def get_visit(session: Session, visit_id: uuid.UUID) -> Visit:
    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFound("No such visit")
    return visit


def _open(visit: Visit) -> None:
    if visit.status != VisitStatus.PLANNED.value:
        raise Conflict(f"The visit is already {visit.status}")


def _check_staff(session: Session, staff_ids: list[uuid.UUID], field_name: str) -> list[Staff]:
    found = []
    if len(set(staff_ids)) != len(staff_ids):
        raise ValidationFailed.for_field(field_name, "A staff member is named twice")
    for index, staff_id in enumerate(staff_ids):
        staff = session.get(Staff, staff_id)
        if staff is None or not staff.active:
            raise ValidationFailed.for_field(f"{field_name}.{index}", "No such active staff member")
        if not KNOWN_ROLES & set(staff.roles):
            raise ValidationFailed.for_field(f"{field_name}.{index}", f"{staff.username} does not make visits")
        found.append(staff)
    return found


def complete_visit(
    session: Session, *, visit_id: uuid.UUID, done_on: date, performed_by: list[uuid.UUID], today: date
) -> Visit:
    """Record a planned visit as done, on `done_on`, by `performed_by` (at least one person)."""
    visit = get_visit(session, visit_id)
    _open(visit)
    if done_on > today:
        raise ValidationFailed.for_field("done_on", "A visit cannot be done in the future")
    if not performed_by:
        raise ValidationFailed.for_field("performed_by", "Name who performed the visit")
    performers = _check_staff(session, performed_by, "performed_by")
    assigned = {row.staff_id: row for row in visit_repo.staff_of_visits(session, [visit.id])[visit.id]}
    for staff in performers:
        row = assigned.get(staff.id)
        if row is None:
            role = next((r for r in visit.roles if r in staff.roles), staff.roles[0] if staff.roles else "other")
            row = VisitStaff(visit_id=visit.id, staff_id=staff.id, role=role)
        row.performed = True
        session.add(row)
    visit.status = VisitStatus.DONE.value
    visit.done_on = done_on
    session.add(visit)
    session.flush()
    return visit


def close_visit(session: Session, *, visit_id: uuid.UUID, status: VisitStatus, reason: str) -> Visit:
    """Record a planned visit as missed or cancelled, with a reason (reports show why)."""
    if status not in (VisitStatus.MISSED, VisitStatus.CANCELLED):
        raise ValidationFailed.for_field("status", "Only missed or cancelled")
    visit = get_visit(session, visit_id)
    _open(visit)
    if not reason.strip():
        raise ValidationFailed.for_field("reason", "Give a reason")
    visit.status = status.value
    visit.status_reason = reason.strip()
    session.add(visit)
    session.flush()
    return visit


def reschedule_visit(
    session: Session,
    *,
    visit_id: uuid.UUID,
    target_date: date | None,
    reason: str | None,
    staff_ids: list[uuid.UUID] | None,
) -> Visit:
    """Move a planned visit (outside its window only with a reason) and/or change who is assigned."""
    visit = get_visit(session, visit_id)
    _open(visit)
    if target_date is None and staff_ids is None:
        raise ValidationFailed.for_field("target_date", "Send a new target_date, new staff_ids, or both")
    if target_date is not None:
        outside = not (visit.earliest <= target_date <= visit.latest)
        if outside and not (reason and reason.strip()):
            raise ValidationFailed.for_field("reason", "Moving a visit outside its window needs a reason")
        if not DEFAULT_CALENDAR.is_working_day(target_date):
            raise ValidationFailed.for_field("target_date", "Visits fall on working days; this is a weekend or holiday")
        visit.target_date = target_date
        visit.reschedule_reason = reason.strip() if reason else None
    if staff_ids is not None:
        staff = _check_staff(session, staff_ids, "staff_ids")
        current = visit_repo.staff_of_visits(session, [visit.id])[visit.id]
        for row in current:
            if row.staff_id not in staff_ids:
                session.delete(row)
        known = {row.staff_id for row in current}
        for member in staff:
            if member.id not in known:
                role = next((r for r in visit.roles if r in member.roles), member.roles[0] if member.roles else "other")
                session.add(VisitStaff(visit_id=visit.id, staff_id=member.id, role=role))
    session.add(visit)
    session.flush()
    return visit


def add_visit(
    session: Session,
    *,
    child_id: uuid.UUID,
    target_date: date,
    kind: str,
    enrollment_id: uuid.UUID | None,
    staff_ids: list[uuid.UUID],
    earliest: date | None = None,
    latest: date | None = None,
    urgent: bool = False,
) -> Visit:
    """One visit planned by judgement: ad hoc, or the next visit of an open-cadence package (GRO)."""
    child = session.get(Child, child_id)
    if child is None:
        raise NotFound("No such child")
    package_code = None
    sequence = 0
    roles: list[str] = []
    if enrollment_id is not None:
        enrollment = session.get(Enrollment, enrollment_id)
        if enrollment is None or enrollment.child_id != child_id:
            raise ValidationFailed.for_field("enrollment_id", "No such enrolment for this child")
        if enrollment.ended_on is not None:
            raise ValidationFailed.for_field("enrollment_id", "The enrolment has ended")
        package = package_version(session, enrollment.package_code, enrollment.package_version)
        if package.cadence is not CadenceKind.OPEN and kind in package.visit_kinds():
            raise ValidationFailed.for_field("kind", "This package plans its own visits of that kind")
        package_code = package.code
        roles = list(package.roles)
        existing = [v.sequence for v in visit_repo.visits_of_enrollment(session, enrollment_id) if v.kind == kind]
        sequence = max(existing, default=0) + 1
    earliest = earliest or target_date
    latest = latest or target_date
    if not earliest <= target_date <= latest:
        raise ValidationFailed.for_field("target_date", "target_date must lie inside [earliest, latest]")
    staff = _check_staff(session, staff_ids, "staff_ids")
    if not roles:
        roles = sorted({role for member in staff for role in member.roles if role != "manager"}) or ["health_visitor"]
    visit = Visit(
        child_id=child_id,
        enrollment_id=enrollment_id,
        package_code=package_code,
        kind=kind,
        sequence=sequence,
        target_date=target_date,
        earliest=earliest,
        latest=latest,
        roles=roles,
        urgent=urgent,
    )
    session.add(visit)
    session.flush()
    for member in staff:
        role = next((r for r in roles if r in member.roles), member.roles[0] if member.roles else "other")
        session.add(VisitStaff(visit_id=visit.id, staff_id=member.id, role=role))
    session.flush()
    return visit


def urgent_follow_up(session: Session, *, child_id: uuid.UUID, today: date, reason: str) -> Visit:
    """A contact due today for the child's health visitor (e.g. EPDS item 10 above 0); recorded on a
    weekend or holiday, it may be made at once and is due on the next working day."""
    child = session.get(Child, child_id)
    if child is None:
        raise NotFound("No such child")
    health_visitor = visit_repo.health_visitor_of_family(session, child.family_id)
    due = DEFAULT_CALENDAR.next_working_day(today)
    visit = add_visit(
        session,
        child_id=child_id,
        earliest=today,
        target_date=due,
        latest=due,
        kind=URGENT_FOLLOW_UP_KIND,
        enrollment_id=None,
        staff_ids=[health_visitor] if health_visitor else [],
        urgent=True,
    )
    visit.roles = ["health_visitor"]
    visit.status_reason = reason
    session.add(visit)
    session.flush()
    return visit


def visit_staff(session: Session, visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[VisitStaff]]:
    return visit_repo.staff_of_visits(session, visit_ids)


def visits_of_child(session: Session, child_id: uuid.UUID) -> list[Visit]:
    return visit_repo.visits_of_child(session, child_id)


def schedule_of_child(
    session: Session, *, child_id: uuid.UUID, updated_since: datetime | None, cursor: str | None, limit: int
) -> Page[VisitDetails]:
    """One page of all a child's visits (every enrolment and ad hoc), by target date."""
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    page = visit_repo.visits_of_child_page(
        session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    return Page(items=with_staff(session, page.items), next_cursor=page.next_cursor)


@dataclass(frozen=True, slots=True)
class WorklistCriteria:
    """What a worklist asks for; every criterion is optional and they combine with AND."""

    staff_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    from_date: date | None = None
    to_date: date | None = None
    statuses: tuple[str, ...] = ()
    overdue: bool | None = None
    area: str | None = None
    child_id: uuid.UUID | None = None
    updated_since: datetime | None = None


def visit_worklist(
    session: Session, *, actor: Actor, criteria: WorklistCriteria, today: date, cursor: str | None, limit: int
) -> Page[VisitDetails]:
    """The visits of the children `actor` may see that match `criteria`: urgent first, then by target date.

    `overdue=True` keeps planned visits whose window closed (the one definition in `visit_state`);
    `overdue=False` leaves them out.
    """
    if criteria.from_date and criteria.to_date and criteria.from_date > criteria.to_date:
        raise ValidationFailed.for_field("from", "from must be on or before to")
    for index, status in enumerate(criteria.statuses):
        if status not in {s.value for s in VisitStatus}:
            raise ValidationFailed.for_field(f"status.{index}", f"Unknown visit status {status!r}")
    page = worklists.visits_worklist(
        session,
        actor=actor,
        today=today,
        staff_id=criteria.staff_id,
        team_id=criteria.team_id,
        from_date=criteria.from_date,
        to_date=criteria.to_date,
        statuses=criteria.statuses,
        overdue=criteria.overdue,
        overdue_cutoff=overdue_if_latest_before(today),
        area_code=criteria.area,
        child_id=criteria.child_id,
        updated_since=criteria.updated_since,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=with_staff(session, page.items), next_cursor=page.next_cursor)
