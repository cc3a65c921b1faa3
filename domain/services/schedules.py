"""A child's schedule: enrolling in a package (or a dry run of it), re-anchoring planned visits when
anchor dates change, ending an enrolment, and recording a visit done with the screenings given at it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from domain.clock import utc_now
from domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from domain.rules.catalog import CadenceKind, PackageVersion
from domain.rules.schedule import (
    REASON_ENROLMENT_ENDED,
    ChangeAction,
    ChildAnchors,
    ExistingVisit,
    PlannedVisit,
    generate_schedule,
    reanchor,
    visits_to_cancel_on_end,
)
from domain.rules.visit_state import VisitStatus
from domain.services.catalog import package_version
from domain.services.screenings import RecordedScreening, record_screening
from domain.services.visits import VisitDetails, complete_visit, with_staff
from domain.store.repositories import visits as visit_repo
from domain.store.repositories.pagination import Page
from domain.store.tables import Child, Enrollment, EnrollmentStaff, Staff, Visit, VisitStaff


@dataclass(frozen=True, slots=True)
class EnrollmentResult:
    enrollment: Enrollment | None  # None on a dry run
    package: PackageVersion
    planned: tuple[PlannedVisit, ...]
    visits: tuple[VisitDetails, ...]  # the stored visits with their staff (empty on a dry run)
    staff_by_role: dict[str, uuid.UUID]  # who is (or, on a dry run, would be) assigned per role


@dataclass(frozen=True, slots=True)
class EnrollmentDetails:
    enrollment: Enrollment
    package: PackageVersion  # the version the enrolment was made under
    staff: list[EnrollmentStaff]


def anchors_of(child: Child, *, enrollment_date: date | None = None) -> ChildAnchors:
    due = child.due_date or child.birth_date
    if due is None:  # validated on the way in; kept for the type checker
        raise ValidationFailed.for_field("due_date", "The child has neither a due date nor a birth date")
    return ChildAnchors(
        due_date=due,
        birth_date=child.birth_date,
        discharge_date=child.discharge_date,
        enrollment_date=enrollment_date,
        daycare_start=child.daycare_start,
        kindergarten_start=child.kindergarten_start,
        school_start=child.school_start,
    )


def _staff_for_roles(
    session: Session,
    child: Child,
    staff_ids: dict[str, uuid.UUID],
    package: PackageVersion,
    enrolled_by: uuid.UUID | None = None,
) -> dict[str, uuid.UUID]:
    """The professional per role: those named; by default the family's own health visitor, else the
    health visitor who enrols the child."""
    chosen = dict(staff_ids)
    for role, staff_id in chosen.items():
        if role not in package.roles:
            roles = ", ".join(package.roles)
            raise ValidationFailed.for_field(f"staff.{role}", f"{package.code} has no role {role} (its roles: {roles})")
        staff = session.get(Staff, staff_id)
        if staff is None or not staff.active:
            raise ValidationFailed.for_field(f"staff.{role}", "No such active staff member")
        if role not in staff.roles:
            raise ValidationFailed.for_field(f"staff.{role}", f"{staff.username} does not have the role {role}")
    if "health_visitor" in package.roles and "health_visitor" not in chosen:
        own = visit_repo.health_visitor_of_family(session, child.family_id)
        if own is None and enrolled_by is not None:
            enrolling = session.get(Staff, enrolled_by)
            own = enrolling.id if enrolling is not None and "health_visitor" in enrolling.roles else None
        if own is not None:
            chosen["health_visitor"] = own
    return chosen


def _store_visits(
    session: Session,
    *,
    child: Child,
    enrollment: Enrollment,
    planned: tuple[PlannedVisit, ...],
    staff_by_role: dict[str, uuid.UUID],
) -> list[uuid.UUID]:
    now = utc_now()
    rows: list[dict[str, Any]] = []
    staff_rows: list[dict[str, Any]] = []
    for visit in planned:
        visit_id = uuid.uuid4()
        rows.append(
            {
                "id": visit_id,
                "created_at": now,
                "updated_at": now,
                "child_id": child.id,
                "enrollment_id": enrollment.id,
                "package_code": enrollment.package_code,
                "kind": visit.kind,
                "sequence": visit.sequence,
                "target_date": visit.target_date,
                "earliest": visit.earliest,
                "latest": visit.latest,
                "roles": list(visit.roles),
                "status": VisitStatus.PLANNED.value,
                "urgent": False,
                "done_on": None,
                "status_reason": None,
                "reschedule_reason": None,
            }
        )
        for role in visit.roles:
            staff_id = staff_by_role.get(role)
            if staff_id is not None:
                staff_rows.append(
                    {
                        "id": uuid.uuid4(),
                        "created_at": now,
                        "updated_at": now,
                        "visit_id": visit_id,
                        "staff_id": staff_id,
                        "role": role,
                        "performed": False,
                    }
                )
    # One executemany per table instead of one ORM object per visit (Minding the Baby plans ~130).
    if rows:
        session.execute(insert(Visit), rows)
    if staff_rows:
        session.execute(insert(VisitStaff), staff_rows)
    return [row["id"] for row in rows]


def enroll(
    session: Session,
    *,
    child_id: uuid.UUID,
    package_code: str,
    start_date: date,
    dry_run: bool,
    staff_ids: dict[str, uuid.UUID] | None = None,
    enrolled_by: uuid.UUID | None = None,
) -> EnrollmentResult:
    """Enrol a child in the current version of a package; a dry run only answers the schedule."""
    child = session.get(Child, child_id)
    if child is None:
        raise NotFound("No such child")
    try:
        package = package_version(session, package_code, on=start_date)
    except NotFound:
        raise ValidationFailed.for_field("package_code", f"Unknown package {package_code!r}") from None
    if package.cadence is CadenceKind.GROUP:
        raise ValidationFailed.for_field(
            "package_code", "A group course package is joined through its group course, not enrolled"
        )
    if any(e.package_code == package_code for e in visit_repo.active_enrollments(session, child_id)):
        raise Conflict(f"The child is already enrolled in {package_code}")
    planned = generate_schedule(package, anchors_of(child, enrollment_date=start_date))
    # Validated on a dry run too, so a dry run answers exactly what the real one would do.
    staff_by_role = _staff_for_roles(session, child, staff_ids or {}, package, enrolled_by)
    if dry_run:
        return EnrollmentResult(
            enrollment=None, package=package, planned=planned, visits=(), staff_by_role=staff_by_role
        )
    enrollment = Enrollment(
        child_id=child.id,
        package_code=package.code,
        package_version=package.version,
        started_on=start_date,
        enrolled_by=enrolled_by,
    )
    session.add(enrollment)
    session.flush()
    for role, staff_id in staff_by_role.items():
        session.add(EnrollmentStaff(enrollment_id=enrollment.id, staff_id=staff_id, role=role))
    _store_visits(session, child=child, enrollment=enrollment, planned=planned, staff_by_role=staff_by_role)
    session.flush()
    stored = tuple(with_staff(session, visit_repo.visits_of_enrollment(session, enrollment.id)))
    return EnrollmentResult(
        enrollment=enrollment, package=package, planned=planned, visits=stored, staff_by_role=staff_by_role
    )


def _existing(visits: list[Visit]) -> list[ExistingVisit]:
    return [
        ExistingVisit(
            kind=v.kind,
            sequence=v.sequence,
            status=VisitStatus(v.status),
            target_date=v.target_date,
            earliest=v.earliest,
            latest=v.latest,
        )
        for v in visits
    ]


def reanchor_child(session: Session, *, child: Child) -> int:
    """Move the planned visits of every active enrolment to the child's current anchor dates.

    Done, missed and cancelled visits never move. Only the visits the package itself plans take part:
    visits added by judgement (an open-cadence GRO visit, an extra visit of another kind) keep their
    dates. Answers how many visits changed.
    """
    changed = 0
    for enrollment in visit_repo.active_enrollments(session, child.id):
        package = package_version(session, enrollment.package_code, enrollment.package_version)
        planned_kinds = set(package.visit_kinds())
        visits = [v for v in visit_repo.visits_of_enrollment(session, enrollment.id) if v.kind in planned_kinds]
        by_key = {(v.kind, v.sequence): v for v in visits}
        changes = reanchor(_existing(visits), package, anchors_of(child, enrollment_date=enrollment.started_on))
        added: list[PlannedVisit] = []
        for change in changes:
            if change.action is ChangeAction.ADD:
                added.append(
                    PlannedVisit(
                        change.kind, change.sequence, change.target_date, change.earliest, change.latest, change.roles
                    )
                )
                continue
            visit = by_key[(change.kind, change.sequence)]
            if change.action is ChangeAction.MOVE:
                visit.target_date, visit.earliest, visit.latest = change.target_date, change.earliest, change.latest
            else:
                visit.status = VisitStatus.CANCELLED.value
                visit.status_reason = change.reason
            session.add(visit)
        if added:
            staff = {row.role: row.staff_id for row in visit_repo.staff_of_enrollment(session, enrollment.id)}
            _store_visits(session, child=child, enrollment=enrollment, planned=tuple(added), staff_by_role=staff)
        changed += len(changes)
    session.flush()
    return changed


def end_enrollment(session: Session, *, enrollment_id: uuid.UUID, end_date: date, reason: str) -> Enrollment:
    """End an enrolment: its future planned visits are cancelled, nothing else changes."""
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound("No such enrolment")
    if enrollment.ended_on is not None:
        raise Conflict("The enrolment has already ended")
    if not reason.strip():
        raise ValidationFailed.for_field("end_reason", "Give a reason for ending the enrolment")
    if end_date < enrollment.started_on:
        raise ValidationFailed.for_field("ended_on", "An enrolment cannot end before it started")
    visits = visit_repo.visits_of_enrollment(session, enrollment.id)
    by_key = {(v.kind, v.sequence): v for v in visits}
    for ended in visits_to_cancel_on_end(_existing(visits), end_date):
        visit = by_key[(ended.kind, ended.sequence)]
        visit.status = VisitStatus.CANCELLED.value
        visit.status_reason = REASON_ENROLMENT_ENDED
        session.add(visit)
    enrollment.ended_on = end_date
    enrollment.end_reason = reason.strip()
    session.add(enrollment)
    session.flush()
    return enrollment


# --- reading enrolments --------------------------------------------------------------------------


def _details(session: Session, enrollments: list[Enrollment]) -> list[EnrollmentDetails]:
    staff = visit_repo.staff_of_enrollments(session, [e.id for e in enrollments])
    return [
        EnrollmentDetails(
            enrollment=e,
            package=package_version(session, e.package_code, e.package_version),
            staff=staff[e.id],
        )
        for e in enrollments
    ]


def get_enrollment(session: Session, enrollment_id: uuid.UUID) -> EnrollmentDetails:
    """One enrolment with the package version it was made under and its assigned staff."""
    enrollment = session.get(Enrollment, enrollment_id)
    if enrollment is None:
        raise NotFound("No such enrolment")
    return _details(session, [enrollment])[0]


def enrollments_of_child(
    session: Session,
    *,
    child_id: uuid.UUID,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[EnrollmentDetails]:
    """One page of a child's enrolments, ended ones included, oldest start first."""
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    page = visit_repo.enrollments_of_child_page(
        session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    return Page(items=_details(session, page.items), next_cursor=page.next_cursor)


# --- a visit done, with what was screened at it --------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScreeningAtVisit:
    """A screening given at a visit, as the visit's caller posts it."""

    instrument: str
    respondent: str
    items: list[int]
    administered_on: date | None  # None: the day the visit was done


@dataclass(frozen=True, slots=True)
class CompletedVisit:
    visit: VisitDetails
    screenings: tuple[RecordedScreening, ...]


def complete_visit_with_screenings(
    session: Session,
    *,
    visit_id: uuid.UUID,
    done_on: date,
    performed_by: list[uuid.UUID],
    screenings: list[ScreeningAtVisit],
    administered_by: uuid.UUID | None,
    today: date,
) -> CompletedVisit:
    """Record a planned visit as done and score the screenings given at it (each linked to the visit).

    All or nothing: a bad screening is named as `screenings.<n>.<field>` and the visit stays planned.
    """
    visit = complete_visit(session, visit_id=visit_id, done_on=done_on, performed_by=performed_by, today=today)
    recorded: list[RecordedScreening] = []
    for index, screening in enumerate(screenings):
        try:
            recorded.append(
                record_screening(
                    session,
                    child_id=visit.child_id,
                    instrument=screening.instrument,
                    respondent=screening.respondent,
                    items=screening.items,
                    administered_on=screening.administered_on or done_on,
                    administered_by=administered_by,
                    visit_id=visit.id,
                    today=today,
                )
            )
        except ValidationFailed as exc:
            errors = [FieldError(f"screenings.{index}.{e.field}", e.message) for e in exc.errors]
            raise ValidationFailed(f"Screening {index} is invalid: {exc.detail}", errors) from None
    return CompletedVisit(visit=with_staff(session, [visit])[0], screenings=tuple(recorded))
