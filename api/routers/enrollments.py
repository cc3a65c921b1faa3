"""Enrolments: a child in a visit package (or a dry run of its schedule), listed, read and ended."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from api.concurrency import ETAG_HEADER, require_if_match, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.visits import EnrollmentEnd, EnrollmentIn, EnrollmentOut, EnrollmentScheduleOut
from domain.clock import copenhagen_today
from domain.services import schedules

router = APIRouter(tags=["enrolments and schedules"], responses=PROBLEM_RESPONSES)


def _one(uow: UnitOfWorkDep, enrollment_id: uuid.UUID) -> EnrollmentOut:
    return EnrollmentOut.of(schedules.get_enrollment(uow.session, enrollment_id), today=copenhagen_today())


@router.post(
    "/children/{child_id}/enrollments",
    status_code=status.HTTP_201_CREATED,
    response_model=EnrollmentScheduleOut,
    responses={
        200: {"model": EnrollmentScheduleOut, "description": "A dry run: the schedule it would plan; nothing stored"},
        201: {"description": "Enrolled; the stored visits with their ids"},
    },
)
def enroll(
    child_id: uuid.UUID, body: EnrollmentIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> EnrollmentScheduleOut:
    """Enrol the child in the current version of a package and plan its visits (`dry_run`: only show them)."""
    start_date = body.start_date or copenhagen_today()
    result = schedules.enroll(
        uow.session,
        child_id=child_id,
        package_code=body.package_code,
        start_date=start_date,
        dry_run=body.dry_run,
        staff_ids={str(role): staff_id for role, staff_id in (body.staff or {}).items()},
        enrolled_by=actor.id if actor.is_staff else None,
    )
    if result.enrollment is None:
        response.status_code = status.HTTP_200_OK
    else:
        uow.audit.record(
            "create",
            person_id=child_id,
            details={"enrollment_id": str(result.enrollment.id), "package_code": result.enrollment.package_code},
        )
        response.headers["Location"] = f"/api/v1/enrollments/{result.enrollment.id}"
    return EnrollmentScheduleOut.of(result, child_id=child_id, start_date=start_date)


@router.get("/children/{child_id}/enrollments", response_model=Page[EnrollmentOut])
def list_enrollments(
    child_id: uuid.UUID,
    uow: UnitOfWorkDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
) -> Page[EnrollmentOut]:
    """The child's enrolments, ended ones included, by start date: package name and version, staff."""
    page = schedules.enrollments_of_child(
        uow.session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    today = copenhagen_today()
    return Page[EnrollmentOut](
        items=[EnrollmentOut.of(d, today=today) for d in page.items], next_cursor=page.next_cursor
    )


@router.get("/enrollments/{enrollment_id}", response_model=EnrollmentOut, responses={200: {"headers": ETAG_HEADER}})
def read_enrollment(enrollment_id: uuid.UUID, uow: UnitOfWorkDep, response: Response) -> EnrollmentOut:
    """One enrolment, with the ETag to send as `If-Match` when ending it."""
    result = _one(uow, enrollment_id)
    with_etag(response, result)
    return result


@router.patch("/enrollments/{enrollment_id}", response_model=EnrollmentOut, responses={200: {"headers": ETAG_HEADER}})
def end_enrollment(
    enrollment_id: uuid.UUID, body: EnrollmentEnd, request: Request, uow: UnitOfWorkDep, response: Response
) -> EnrollmentOut:
    """End the enrolment with a reason: planned visits after `ended_on` are cancelled, nothing else changes."""
    require_if_match(request, _one(uow, enrollment_id))
    schedules.end_enrollment(uow.session, enrollment_id=enrollment_id, end_date=body.ended_on, reason=body.end_reason)
    result = _one(uow, enrollment_id)
    with_etag(response, result)
    return result
