"""Group courses (e.g. mothers' groups): sessions on the package's cadence, participants, attendance."""

from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, col, func, select

from domain.errors import Conflict, NotFound, ValidationFailed
from domain.rules.catalog import CadenceKind
from domain.rules.schedule import ChildAnchors, generate_schedule
from domain.services.catalog import package_version
from domain.store.tables import (
    Child,
    FamilyMember,
    GroupAttendance,
    GroupCourse,
    GroupParticipant,
    GroupSession,
    HousingArea,
    Staff,
)


def create_course(
    session: Session,
    *,
    package_code: str,
    title: str,
    area_code: str | None,
    starts_on: date,
    facilitator_id: uuid.UUID | None,
    location: str | None,
    capacity: int | None = None,
) -> GroupCourse:
    """A course of a group package, its sessions planned on working days from `starts_on`."""
    try:
        package = package_version(session, package_code, on=starts_on)
    except NotFound:
        raise ValidationFailed.for_field("package_code", f"Unknown package {package_code!r}") from None
    if package.cadence is not CadenceKind.GROUP or package.group is None:
        raise ValidationFailed.for_field("package_code", f"{package_code} is not a group course package")
    if not title.strip():
        raise ValidationFailed.for_field("title", "Give the course a title")
    area_id = None
    if area_code:
        area = session.exec(select(HousingArea).where(HousingArea.code == area_code)).first()
        if area is None:
            raise ValidationFailed.for_field("area", f"Unknown housing area {area_code!r}")
        area_id = area.id
    if facilitator_id is not None and session.get(Staff, facilitator_id) is None:
        raise ValidationFailed.for_field("facilitator_id", "No such staff member")
    limit = package.group.capacity
    if capacity is not None and not 1 <= capacity <= limit:
        raise ValidationFailed.for_field("capacity", f"capacity must be between 1 and {limit} for this package")
    course = GroupCourse(
        package_code=package.code,
        package_version=package.version,
        title=title.strip(),
        area_id=area_id,
        location=location,
        starts_on=starts_on,
        capacity=capacity or limit,
        facilitator_id=facilitator_id,
    )
    session.add(course)
    session.flush()
    planned = generate_schedule(package, ChildAnchors(due_date=starts_on, enrollment_date=starts_on))
    for number, planned_session in enumerate(planned, start=1):
        session.add(GroupSession(course_id=course.id, number=number, held_on=planned_session.target_date))
    session.flush()
    return course


def get_course(session: Session, course_id: uuid.UUID) -> GroupCourse:
    course = session.get(GroupCourse, course_id)
    if course is None:
        raise NotFound("No such group course")
    return course


def sessions_of(session: Session, course_id: uuid.UUID) -> list[GroupSession]:
    statement = select(GroupSession).where(GroupSession.course_id == course_id).order_by(col(GroupSession.number))
    return list(session.exec(statement))


def participants_of(session: Session, course_id: uuid.UUID) -> list[GroupParticipant]:
    statement = (
        select(GroupParticipant)
        .where(GroupParticipant.course_id == course_id)
        .order_by(col(GroupParticipant.joined_on), col(GroupParticipant.created_at))
    )
    return list(session.exec(statement))


def attendance_of(session: Session, course_id: uuid.UUID) -> list[GroupAttendance]:
    statement = (
        select(GroupAttendance)
        .join(GroupSession, col(GroupSession.id) == col(GroupAttendance.session_id))
        .where(GroupSession.course_id == course_id)
    )
    return list(session.exec(statement))


def add_participant(
    session: Session, *, course_id: uuid.UUID, child_id: uuid.UUID, member_id: uuid.UUID | None, joined_on: date
) -> GroupParticipant:
    """Enrol a parent and child in a course, within its capacity."""
    course = get_course(session, course_id)
    child = session.get(Child, child_id)
    if child is None:
        raise ValidationFailed.for_field("child_id", "No such child")
    if member_id is not None:
        member = session.get(FamilyMember, member_id)
        if member is None or member.family_id != child.family_id:
            raise ValidationFailed.for_field("member_id", "No such parent in the child's family")
    taken = session.exec(
        select(func.count(col(GroupParticipant.id))).where(
            GroupParticipant.course_id == course_id, col(GroupParticipant.left_on).is_(None)
        )
    ).one()
    if taken >= course.capacity:
        raise Conflict(f"The course is full ({course.capacity} participants)")
    already = session.exec(
        select(GroupParticipant.id).where(
            GroupParticipant.course_id == course_id, GroupParticipant.child_id == child_id
        )
    ).first()
    if already:
        raise Conflict("The child is already in this course")
    participant = GroupParticipant(course_id=course_id, child_id=child_id, member_id=member_id, joined_on=joined_on)
    session.add(participant)
    session.flush()
    return participant


def set_attendance(
    session: Session, *, course_id: uuid.UUID, session_id: uuid.UUID, present: dict[uuid.UUID, bool]
) -> list[GroupAttendance]:
    """Record who was present at one session (participants not named keep what they had)."""
    group_session = session.get(GroupSession, session_id)
    if group_session is None or group_session.course_id != course_id:
        raise NotFound("No such session in this course")
    participants = {p.id for p in participants_of(session, course_id)}
    unknown = [str(pid) for pid in present if pid not in participants]
    if unknown:
        raise ValidationFailed.for_field("attendance", "Not participants of this course: " + ", ".join(unknown))
    existing = {
        row.participant_id: row
        for row in session.exec(select(GroupAttendance).where(GroupAttendance.session_id == session_id))
    }
    for participant_id, is_present in present.items():
        row = existing.get(participant_id) or GroupAttendance(
            session_id=session_id, participant_id=participant_id, present=is_present
        )
        row.present = is_present
        session.add(row)
    session.flush()
    return list(session.exec(select(GroupAttendance).where(GroupAttendance.session_id == session_id)))
