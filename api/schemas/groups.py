"""Group courses (e.g. mothers' groups): the course, its sessions, participants and attendance."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from api.schemas.common import Strict
from domain.services.groups import CourseDetails, CourseSummary, SessionAttendance


class CourseIn(Strict):
    package_code: str = Field(
        max_length=64, description="A group package (GET /packages, cadence group)", examples=["mothers_group"]
    )
    title: str = Field(min_length=1, max_length=200, examples=["Mødregruppe Ringparken forår"])
    area: str = Field(max_length=64, description="Housing area code", examples=["ringparken"])
    starts_on: date = Field(
        description="The first session; the others follow on the package's cadence, each on a working day",
        examples=["2026-03-02"],
    )
    facilitator_id: uuid.UUID = Field(description="The staff member who runs it (a health visitor for mothers' groups)")
    location: str | None = Field(default=None, max_length=300, examples=["Fælleshuset, Ringparken 12"])
    capacity: int | None = Field(
        default=None, ge=1, description="At most the package's capacity (its default)", examples=[6]
    )


class CourseOut(BaseModel):
    """A course with counts only, no person data."""

    id: uuid.UUID
    package_code: str = Field(examples=["mothers_group"])
    package_version: int = Field(examples=[1])
    title: str
    area: str | None = Field(examples=["ringparken"])
    location: str | None
    starts_on: date
    ends_on: date | None = Field(description="The day of the last session")
    session_count: int = Field(description="Number of sessions", examples=[8])
    capacity: int = Field(examples=[6])
    participant_count: int = Field(description="Taking part now", examples=[4])
    places_left: int = Field(examples=[2])
    facilitator_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, summary: CourseSummary) -> CourseOut:
        course, counts = summary.course, summary.counts
        return cls(
            id=course.id,
            package_code=course.package_code,
            package_version=course.package_version,
            title=course.title,
            area=summary.area,
            location=course.location,
            starts_on=course.starts_on,
            ends_on=counts.last_session,
            session_count=counts.sessions,
            capacity=course.capacity,
            participant_count=counts.participants,
            places_left=max(course.capacity - counts.participants, 0),
            facilitator_id=course.facilitator_id,
            created_at=course.created_at,
            updated_at=course.updated_at,
        )


class ParticipantIn(Strict):
    child_id: uuid.UUID = Field(description="A child on your caseload")
    member_id: uuid.UUID | None = Field(
        default=None, description="The parent taking part; default the child's mother when the family has one"
    )


class ParticipantOut(BaseModel):
    id: uuid.UUID
    course_id: uuid.UUID
    child_id: uuid.UUID
    member_id: uuid.UUID | None
    parent_name: str | None = Field(examples=["Sofie Jensen"])
    joined_on: date
    left_on: date | None
    attendance: list[bool | None] = Field(
        description="The attendance matrix row: one entry per session, in the order of `sessions` (null: not recorded)",
        examples=[[True, True, False, None, None, None, None, None]],
    )


class SessionOut(BaseModel):
    id: uuid.UUID
    number: int = Field(examples=[1])
    held_on: date


class AttendanceMark(Strict):
    participant_id: uuid.UUID
    present: bool = Field(examples=[True])


class AttendanceOut(BaseModel):
    participant_id: uuid.UUID
    child_id: uuid.UUID
    present: bool


class SessionAttendanceOut(BaseModel):
    session_id: uuid.UUID
    course_id: uuid.UUID
    number: int
    held_on: date
    attendance: list[AttendanceOut] = Field(description="Participants without a mark are not listed")

    @classmethod
    def of(cls, result: SessionAttendance) -> SessionAttendanceOut:
        return cls(
            session_id=result.session.id,
            course_id=result.session.course_id,
            number=result.session.number,
            held_on=result.session.held_on,
            attendance=[
                AttendanceOut(
                    participant_id=a.participant_id, child_id=result.child_of[a.participant_id], present=a.present
                )
                for a in sorted(result.attendance, key=lambda a: str(a.participant_id))
            ],
        )


class CourseDetailOut(CourseOut):
    """The course with its sessions, the participants you may see and their attendance."""

    sessions: list[SessionOut]
    participants: list[ParticipantOut] = Field(description="In the order they joined, with their attendance")
    hidden_participants: int = Field(
        description="Taking part but not on your caseload, so not shown (0 for the course's own team)", examples=[0]
    )

    @classmethod
    def of_details(cls, details: CourseDetails) -> CourseDetailOut:
        marks = {(a.participant_id, a.session_id): a.present for a in details.attendance}
        return cls(
            **CourseOut.of(details.summary).model_dump(),
            sessions=[SessionOut(id=s.id, number=s.number, held_on=s.held_on) for s in details.sessions],
            participants=[
                ParticipantOut(
                    id=d.participant.id,
                    course_id=d.participant.course_id,
                    child_id=d.participant.child_id,
                    member_id=d.participant.member_id,
                    parent_name=d.parent_name,
                    joined_on=d.participant.joined_on,
                    left_on=d.participant.left_on,
                    attendance=[marks.get((d.participant.id, s.id)) for s in details.sessions],
                )
                for d in details.participants
            ],
            hidden_participants=details.hidden_participants,
        )
