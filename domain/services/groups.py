"""Group courses (e.g. mothers' groups): sessions on the package's cadence, participants, attendance.

A course is not a person, so the access dependency cannot relation-check it: `assert_course_visible`
does. Health visitors of the team covering the course's area, and its facilitator, see the whole
course; other care staff see it through a participant whose child they may see, and then only the
participants they may see. Integration clients see what their scopes allow.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from domain.clock import copenhagen_today, utc_now
from domain.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from domain.rules.catalog import CadenceKind
from domain.rules.schedule import ChildAnchors, generate_schedule
from domain.services.actors import Actor, Role
from domain.services.catalog import package_version
from domain.store.repositories import groups as group_repo
from domain.store.repositories import staff as staff_repo
from domain.store.repositories.access import can_see_child
from domain.store.repositories.groups import CourseCounts
from domain.store.repositories.pagination import Page
from domain.store.tables import (
    Child,
    FamilyMember,
    GroupAttendance,
    GroupCourse,
    GroupParticipant,
    GroupSession,
    HousingArea,
)


@dataclass(frozen=True, slots=True)
class CourseSummary:
    """A course with counts only: no person data, so managers may list it."""

    course: GroupCourse
    area: str | None
    counts: CourseCounts


@dataclass(frozen=True, slots=True)
class ParticipantDetails:
    participant: GroupParticipant
    parent_name: str | None


@dataclass(frozen=True, slots=True)
class CourseDetails:
    """A course with the participants the caller may see, its sessions and their attendance."""

    summary: CourseSummary
    sessions: list[GroupSession]
    participants: list[ParticipantDetails]
    attendance: list[GroupAttendance]  # of the shown participants only
    hidden_participants: int  # taking part, but not visible to the caller


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
    created_by: Actor | None = None,
) -> GroupCourse:
    """A course of a group package, its sessions planned from `starts_on` on the package's cadence,
    each on a working day. A health visitor creates courses for her team's areas or facilitates them."""
    errors: list[FieldError] = []
    package = None
    try:
        package = package_version(session, package_code, on=starts_on)
    except NotFound:
        errors.append(FieldError("package_code", f"Unknown package {package_code!r} (or none valid on starts_on)"))
    if package is not None and (package.cadence is not CadenceKind.GROUP or package.group is None):
        errors.append(FieldError("package_code", f"{package_code} is not a group course package"))
        package = None
    if not title.strip():
        errors.append(FieldError("title", "Give the course a title"))
    area: HousingArea | None = None
    if area_code:
        area = group_repo.housing_area_by_code(session, area_code)
        if area is None:
            errors.append(FieldError("area", f"Unknown housing area {area_code!r}"))
    if facilitator_id is not None:
        facilitator = staff_repo.staff_by_id(session, facilitator_id)
        if facilitator is None or not facilitator.active:
            errors.append(FieldError("facilitator_id", "No such active staff member"))
        elif package is not None and not set(package.roles) & set(facilitator.roles):
            errors.append(
                FieldError("facilitator_id", f"The facilitator must have one of the roles {', '.join(package.roles)}")
            )
    most = package.group.capacity if package is not None and package.group is not None else None
    if most is not None and capacity is not None and not 1 <= capacity <= most:
        errors.append(FieldError("capacity", f"capacity must be between 1 and {most} for this package"))
    if errors:
        raise ValidationFailed(errors[0].message if len(errors) == 1 else "The course is invalid", errors)
    assert package is not None and package.group is not None  # refused above otherwise
    if created_by is not None and created_by.is_staff and facilitator_id != created_by.id:
        covered = area is not None and area.team_id is not None and area.team_id == created_by.team_id
        if not covered:
            raise Forbidden("You may create courses in your team's areas, or ones you facilitate yourself")
    course = GroupCourse(
        package_code=package.code,
        package_version=package.version,
        title=title.strip(),
        area_id=area.id if area is not None else None,
        location=(location or "").strip() or None,
        starts_on=starts_on,
        capacity=capacity or package.group.capacity,
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


def _sees_whole_course(session: Session, actor: Actor, course: GroupCourse) -> bool:
    if actor.is_client:
        return True
    if not actor.has_role(Role.HEALTH_VISITOR):
        return False
    if course.facilitator_id == actor.id:
        return True
    area = session.get(HousingArea, course.area_id) if course.area_id is not None else None
    return area is not None and area.team_id is not None and area.team_id == actor.team_id


def assert_course_visible(session: Session, actor: Actor, course_id: uuid.UUID, today: date) -> GroupCourse:
    """The course, if the caller may see it: health visitors of the team covering its area or its
    facilitator; other care staff through a participant whose child they may see. Else Forbidden."""
    course = get_course(session, course_id)
    if _sees_whole_course(session, actor, course):
        return course
    children = [p.child_id for p in group_repo.participants_of_course(session, course_id)]
    if group_repo.children_visible_to(session, actor, children, today=today):
        return course
    raise Forbidden("This course is not in your team's areas and none of its participants is on your caseload")


def summaries(session: Session, courses: Sequence[GroupCourse]) -> list[CourseSummary]:
    areas = group_repo.area_codes_by_id(session, [c.area_id for c in courses if c.area_id is not None])
    counts = group_repo.counts_of_courses(session, [c.id for c in courses])
    return [
        CourseSummary(course=c, area=areas.get(c.area_id) if c.area_id else None, counts=counts[c.id]) for c in courses
    ]


def list_courses(
    session: Session,
    *,
    area_code: str | None,
    starts_from: date | None,
    starts_to: date | None,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[CourseSummary]:
    """Courses by start date with their counts (no person data), in one area and starting within [from, to]."""
    if starts_from is not None and starts_to is not None and starts_to < starts_from:
        raise ValidationFailed.for_field("to", "to must not be before from")
    area_id = None
    if area_code:
        area = group_repo.housing_area_by_code(session, area_code)
        if area is None:
            raise ValidationFailed.for_field("area", f"Unknown housing area {area_code!r}")
        area_id = area.id
    page = group_repo.courses_page(
        session,
        area_id=area_id,
        starts_from=starts_from,
        starts_to=starts_to,
        updated_since=updated_since,
        cursor=cursor,
        limit=limit,
    )
    return Page(items=summaries(session, page.items), next_cursor=page.next_cursor)


def _shown(
    session: Session, actor: Actor | None, course: GroupCourse, participants: list[GroupParticipant], today: date
) -> list[GroupParticipant]:
    """The participants the caller may see: all of them for the course's own team, its facilitator and
    clients; for other care staff only those whose child is on their caseload or assigned to them."""
    if actor is None or _sees_whole_course(session, actor, course):
        return participants
    visible = group_repo.children_visible_to(session, actor, [p.child_id for p in participants], today=today)
    return [p for p in participants if p.child_id in visible]


def course_details(session: Session, *, actor: Actor, course_id: uuid.UUID, today: date) -> CourseDetails:
    """The course as the caller may see it (call `assert_course_visible` first)."""
    course = get_course(session, course_id)
    participants = group_repo.participants_of_course(session, course_id)
    shown = _shown(session, actor, course, participants, today)
    members = group_repo.members_by_id(session, [p.member_id for p in shown if p.member_id is not None])
    shown_ids = {p.id for p in shown}
    hidden = sum(1 for p in participants if p.id not in shown_ids and p.left_on is None)
    return CourseDetails(
        summary=summaries(session, [course])[0],
        sessions=group_repo.sessions_of_course(session, course_id),
        participants=[
            ParticipantDetails(p, members[p.member_id].name if p.member_id in members else None) for p in shown
        ],
        attendance=[a for a in group_repo.attendance_of_course(session, course_id) if a.participant_id in shown_ids],
        hidden_participants=hidden,
    )


def sessions_of(session: Session, course_id: uuid.UUID) -> list[GroupSession]:
    return group_repo.sessions_of_course(session, course_id)


def participants_of(session: Session, course_id: uuid.UUID) -> list[GroupParticipant]:
    return group_repo.participants_of_course(session, course_id)


def attendance_of(session: Session, course_id: uuid.UUID) -> list[GroupAttendance]:
    return group_repo.attendance_of_course(session, course_id)


def _default_parent(session: Session, child: Child) -> FamilyMember | None:
    mothers = group_repo.mothers_of_family(session, child.family_id)
    return mothers[0] if len(mothers) == 1 else None


def add_participant(
    session: Session,
    *,
    course_id: uuid.UUID,
    child_id: uuid.UUID,
    member_id: uuid.UUID | None,
    joined_on: date,
    added_by: Actor | None = None,
) -> GroupParticipant:
    """Enrol a parent and child in a course, within its capacity. Without `member_id` the child's
    mother takes part when the family has exactly one. With `added_by`, the child must be visible to her."""
    course = get_course(session, course_id)
    child = session.get(Child, child_id)
    if child is None:
        raise ValidationFailed.for_field("child_id", "No such child")
    if added_by is not None and not can_see_child(session, added_by, child_id, today=joined_on):
        raise Forbidden("The child is not on your caseload or assigned to you")
    member: FamilyMember | None
    if member_id is not None:
        member = session.get(FamilyMember, member_id)
        if member is None or member.family_id != child.family_id:
            raise ValidationFailed.for_field("member_id", "No such parent in the child's family")
    else:
        member = _default_parent(session, child)
    if group_repo.participant_of_child(session, course_id=course_id, child_id=child_id) is not None:
        raise Conflict("The child is already in this course")
    if group_repo.active_participant_count(session, course_id) >= course.capacity:
        raise Conflict(f"The course is full ({course.capacity} participants)")
    participant = GroupParticipant(
        course_id=course_id, child_id=child_id, member_id=member.id if member else None, joined_on=joined_on
    )
    session.add(participant)
    course.updated_at = utc_now()  # the course's counts changed: delta sync of the list sees it
    session.add(course)
    session.flush()
    return participant


@dataclass(frozen=True, slots=True)
class SessionAttendance:
    """One session and who was present, for the participants the caller may see."""

    session: GroupSession
    attendance: list[GroupAttendance]
    child_of: dict[uuid.UUID, uuid.UUID]  # participant id -> child id, of the shown participants


def record_attendance(
    session: Session,
    *,
    course_id: uuid.UUID,
    session_id: uuid.UUID,
    marks: Sequence[tuple[uuid.UUID, bool]],
    actor: Actor | None = None,
    today: date | None = None,
) -> SessionAttendance:
    """Record who was present at one session; participants not named keep what they had, so sending the
    same list twice changes nothing. With `today`, a session after today is refused. Answers the
    session's attendance of the participants the caller may see."""
    course = get_course(session, course_id)
    group_session = group_repo.session_of_course(session, course_id=course_id, session_id=session_id)
    if group_session is None:
        raise NotFound("No such session in this course")
    if today is not None and group_session.held_on > today:
        raise Conflict(f"The session is on {group_session.held_on.isoformat()}; record attendance from that day on")
    shown = _shown(
        session, actor, course, group_repo.participants_of_course(session, course_id), today or copenhagen_today()
    )
    child_of = {p.id: p.child_id for p in shown}
    errors: list[FieldError] = []
    seen: set[uuid.UUID] = set()
    for index, (participant_id, _) in enumerate(marks):
        if participant_id not in child_of:
            errors.append(FieldError(f"{index}.participant_id", "Not a participant of this course"))
        elif participant_id in seen:
            errors.append(FieldError(f"{index}.participant_id", "Named twice"))
        seen.add(participant_id)
    if errors:
        raise ValidationFailed(errors[0].message if len(errors) == 1 else "The attendance is invalid", errors)
    existing = {row.participant_id: row for row in group_repo.attendance_of_session(session, session_id)}
    for participant_id, is_present in marks:
        row = existing.get(participant_id)
        if row is None:
            session.add(GroupAttendance(session_id=session_id, participant_id=participant_id, present=is_present))
        elif row.present != is_present:
            row.present = is_present
            session.add(row)
    session.flush()
    rows = [a for a in group_repo.attendance_of_session(session, session_id) if a.participant_id in child_of]
    return SessionAttendance(session=group_session, attendance=rows, child_of=child_of)


def set_attendance(
    session: Session,
    *,
    course_id: uuid.UUID,
    session_id: uuid.UUID,
    present: dict[uuid.UUID, bool],
    today: date | None = None,
) -> list[GroupAttendance]:
    """Record who was present at one session (participants not named keep what they had)."""
    result = record_attendance(
        session, course_id=course_id, session_id=session_id, marks=list(present.items()), today=today
    )
    return result.attendance
