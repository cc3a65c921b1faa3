"""Group courses (e.g. mothers' groups): courses on a group package's cadence, participants, attendance.

A course id is not a person; the access dependency (`api/deps.py`) checks that the caller may see the
course before any operation on it runs, and the operations audit the children they show or change.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from api.concurrency import ETAG_HEADER, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.groups import (
    AttendanceMark,
    CourseDetailOut,
    CourseIn,
    CourseOut,
    ParticipantIn,
    ParticipantOut,
    SessionAttendanceOut,
)
from domain.clock import copenhagen_today
from domain.errors import Forbidden
from domain.services import groups
from domain.services.actors import Actor

router = APIRouter(tags=["group courses"], responses=PROBLEM_RESPONSES)


def _details(uow: UnitOfWorkDep, actor: Actor, course_id: uuid.UUID, today: date) -> CourseDetailOut:
    details = groups.course_details(uow.session, actor=actor, course_id=course_id, today=today)
    return CourseDetailOut.of_details(details)


@router.post(
    "/group-courses",
    status_code=status.HTTP_201_CREATED,
    response_model=CourseDetailOut,
    responses={201: {"headers": ETAG_HEADER}},
)
def create_course(body: CourseIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response) -> CourseDetailOut:
    """Create a course of a group package with its sessions planned on the package's cadence."""
    course = groups.create_course(
        uow.session,
        package_code=body.package_code,
        title=body.title,
        area_code=body.area,
        starts_on=body.starts_on,
        facilitator_id=body.facilitator_id,
        location=body.location,
        capacity=body.capacity,
        created_by=actor,
    )
    result = _details(uow, actor, course.id, copenhagen_today())
    response.headers["Location"] = f"/api/v1/group-courses/{course.id}"
    with_etag(response, result)
    return result


@router.get("/group-courses", response_model=Page[CourseOut])
def list_courses(
    uow: UnitOfWorkDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
    area: Annotated[str | None, Query(max_length=64, description="Housing area code")] = None,
    starts_from: Annotated[date | None, Query(alias="from", description="Courses starting on or after")] = None,
    starts_to: Annotated[date | None, Query(alias="to", description="Courses starting on or before")] = None,
) -> Page[CourseOut]:
    """Courses by start date with their participant counts; no person data, so managers may list them."""
    page = groups.list_courses(
        uow.session,
        area_code=area,
        starts_from=starts_from,
        starts_to=starts_to,
        updated_since=updated_since,
        cursor=cursor,
        limit=limit,
    )
    return Page[CourseOut](items=[CourseOut.of(s) for s in page.items], next_cursor=page.next_cursor)


@router.get("/group-courses/{course_id}", response_model=CourseDetailOut, responses={200: {"headers": ETAG_HEADER}})
def read_course(course_id: uuid.UUID, uow: UnitOfWorkDep, actor: CurrentActor, response: Response) -> CourseDetailOut:
    """One course: sessions, the participants you may see (child and parent) and their attendance."""
    today = copenhagen_today()
    result = _details(uow, actor, course_id, today)
    uow.audit.record_each("read", [p.child_id for p in result.participants], details={"course_id": str(course_id)})
    with_etag(response, result)
    return result


@router.post(
    "/group-courses/{course_id}/participants",
    status_code=status.HTTP_201_CREATED,
    response_model=ParticipantOut,
)
def add_participant(
    course_id: uuid.UUID, body: ParticipantIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> ParticipantOut:
    """Add a child on your caseload (and a parent) to the course; a full course answers 409."""
    today = copenhagen_today()
    try:
        participant = groups.add_participant(
            uow.session,
            course_id=course_id,
            child_id=body.child_id,
            member_id=body.member_id,
            joined_on=today,
            added_by=actor,
        )
    except Forbidden as refused:
        details = {"course_id": str(course_id), "reason": refused.detail}
        uow.audit.record("access", person_id=body.child_id, outcome="refused", details=details)
        raise
    uow.audit.record(
        "create",
        person_id=participant.child_id,
        details={"course_id": str(course_id), "participant_id": str(participant.id)},
    )
    shown = _details(uow, actor, course_id, today)
    response.headers["Location"] = f"/api/v1/group-courses/{course_id}"
    return next(p for p in shown.participants if p.id == participant.id)


@router.put(
    "/group-courses/{course_id}/sessions/{session_id}/attendance",
    response_model=SessionAttendanceOut,
)
def record_attendance(
    course_id: uuid.UUID,
    session_id: uuid.UUID,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    body: Annotated[list[AttendanceMark], Body(max_length=500, description="Who was present; others keep their mark")],
) -> SessionAttendanceOut:
    """Record who was present at a session (not before its day). Sending the same list again changes nothing."""
    today = copenhagen_today()
    result = groups.record_attendance(
        uow.session,
        course_id=course_id,
        session_id=session_id,
        marks=[(m.participant_id, m.present) for m in body],
        actor=actor,
        today=today,
    )
    details = {"course_id": str(course_id), "session_id": str(session_id)}
    named = [result.child_of[m.participant_id] for m in body]
    shown = [result.child_of[a.participant_id] for a in result.attendance]
    uow.audit.record_each("write", named, details=details)
    uow.audit.record_each("read", [c for c in shown if c not in set(named)], details=details)
    return SessionAttendanceOut.of(result)
