"""Queries on group courses (e.g. mothers' groups): courses, sessions, participants, attendance."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from domain.services.actors import Actor
from domain.store.repositories.access import visible_children
from domain.store.repositories.pagination import Page, keyset_page
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
class CourseCounts:
    """Numbers about a course that carry no person data."""

    participants: int
    sessions: int
    first_session: date | None
    last_session: date | None


def housing_area_by_code(session: Session, code: str) -> HousingArea | None:
    return session.exec(select(HousingArea).where(HousingArea.code == code)).first()


def area_codes_by_id(session: Session, area_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not area_ids:
        return {}
    statement = select(HousingArea.id, HousingArea.code).where(col(HousingArea.id).in_(set(area_ids)))
    return {row[0]: row[1] for row in session.exec(statement)}


def courses_page(
    session: Session,
    *,
    area_id: uuid.UUID | None,
    starts_from: date | None,
    starts_to: date | None,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[GroupCourse]:
    """One page of courses by start date, optionally in one area and starting within [from, to]."""
    statement: Any = select(GroupCourse)
    if area_id is not None:
        statement = statement.where(GroupCourse.area_id == area_id)
    if starts_from is not None:
        statement = statement.where(col(GroupCourse.starts_on) >= starts_from)
    if starts_to is not None:
        statement = statement.where(col(GroupCourse.starts_on) <= starts_to)
    if updated_since is not None:
        statement = statement.where(col(GroupCourse.updated_at) >= updated_since)
    return keyset_page(
        session,
        statement,
        order_by=[col(GroupCourse.starts_on), col(GroupCourse.id)],
        key_of=lambda c: (c.starts_on, c.id),
        cursor=cursor,
        limit=limit,
    )


def counts_of_courses(session: Session, course_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CourseCounts]:
    """Current participants (not left), number of sessions and the first and last session day per course."""
    ids = list(dict.fromkeys(course_ids))
    if not ids:
        return {}
    taking_part = dict(
        session.exec(
            select(GroupParticipant.course_id, func.count(col(GroupParticipant.id)))
            .where(col(GroupParticipant.course_id).in_(ids), col(GroupParticipant.left_on).is_(None))
            .group_by(col(GroupParticipant.course_id))
        ).all()
    )
    sessions = {
        row[0]: row[1:]
        for row in session.exec(
            select(
                GroupSession.course_id,
                func.count(col(GroupSession.id)),
                func.min(GroupSession.held_on),
                func.max(GroupSession.held_on),
            )
            .where(col(GroupSession.course_id).in_(ids))
            .group_by(col(GroupSession.course_id))
        )
    }
    result: dict[uuid.UUID, CourseCounts] = {}
    for course_id in ids:
        count, first, last = sessions.get(course_id, (0, None, None))
        result[course_id] = CourseCounts(int(taking_part.get(course_id, 0)), int(count), first, last)
    return result


def sessions_of_course(session: Session, course_id: uuid.UUID) -> list[GroupSession]:
    statement = select(GroupSession).where(GroupSession.course_id == course_id).order_by(col(GroupSession.number))
    return list(session.exec(statement))


def session_of_course(session: Session, *, course_id: uuid.UUID, session_id: uuid.UUID) -> GroupSession | None:
    statement = select(GroupSession).where(GroupSession.id == session_id, GroupSession.course_id == course_id)
    return session.exec(statement).first()


def participants_of_course(session: Session, course_id: uuid.UUID) -> list[GroupParticipant]:
    """Everyone who joined, in the order they joined (those who left included)."""
    statement = (
        select(GroupParticipant)
        .where(GroupParticipant.course_id == course_id)
        .order_by(col(GroupParticipant.joined_on), col(GroupParticipant.created_at), col(GroupParticipant.id))
    )
    return list(session.exec(statement))


def active_participant_count(session: Session, course_id: uuid.UUID) -> int:
    statement = select(func.count(col(GroupParticipant.id))).where(
        GroupParticipant.course_id == course_id, col(GroupParticipant.left_on).is_(None)
    )
    return int(session.exec(statement).one())


def participant_of_child(session: Session, *, course_id: uuid.UUID, child_id: uuid.UUID) -> GroupParticipant | None:
    statement = select(GroupParticipant).where(
        GroupParticipant.course_id == course_id, GroupParticipant.child_id == child_id
    )
    return session.exec(statement).first()


def attendance_of_course(session: Session, course_id: uuid.UUID) -> list[GroupAttendance]:
    statement = (
        select(GroupAttendance)
        .join(GroupSession, col(GroupSession.id) == col(GroupAttendance.session_id))
        .where(GroupSession.course_id == course_id)
    )
    return list(session.exec(statement))


def attendance_of_session(session: Session, session_id: uuid.UUID) -> list[GroupAttendance]:
    statement = select(GroupAttendance).where(GroupAttendance.session_id == session_id)
    return list(session.exec(statement))


def members_by_id(session: Session, member_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, FamilyMember]:
    if not member_ids:
        return {}
    statement = select(FamilyMember).where(col(FamilyMember.id).in_(set(member_ids)))
    return {m.id: m for m in session.exec(statement)}


def mothers_of_family(session: Session, family_id: uuid.UUID) -> list[FamilyMember]:
    statement = select(FamilyMember).where(FamilyMember.family_id == family_id, FamilyMember.role == "mother")
    return list(session.exec(statement))


def children_visible_to(
    session: Session, actor: Actor, child_ids: Sequence[uuid.UUID], *, today: date
) -> set[uuid.UUID]:
    """Which of `child_ids` the actor may see (the caseload and assignment rules of `access`)."""
    if not child_ids:
        return set()
    statement = select(Child.id).where(col(Child.id).in_(set(child_ids)), visible_children(actor, today=today))
    return set(session.exec(statement))
