"""Enrolments, schedules, visits and calendar feeds."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Strict, health_data_withheld_field
from api.schemas.health import EPDS_EXAMPLE, InstrumentCode, RespondentCode, WholeNumber
from domain.rules.visit_state import VisitState, visit_state
from domain.services.schedules import EnrollmentDetails, EnrollmentResult
from domain.services.visits import VisitDetails

CODE_PATTERN = r"^[a-z][a-z0-9_]{1,63}$"
VisitStatusCode = Literal["planned", "done", "missed", "cancelled"]
StaffRole = Literal["health_visitor", "family_therapist", "caseworker", "pedagogue", "midwife", "psychologist"]

# --- enrolments ----------------------------------------------------------------------------------


class EnrollmentIn(Strict):
    package_code: str = Field(
        max_length=64, pattern=CODE_PATTERN, description="A package code (GET /packages)", examples=["universal"]
    )
    start_date: date | None = Field(default=None, description="Default today", examples=["2026-03-02"])
    dry_run: bool = Field(default=False, description="Answer the schedule without storing anything")
    staff: dict[StaffRole, uuid.UUID] | None = Field(
        default=None,
        description="The professional per role; the family's own health visitor is assigned by default",
        examples=[{"family_therapist": "5f0c2f8e-3f43-4a0e-9d55-7d1c8f8d3a10"}],
    )


class EnrollmentEnd(Strict):
    ended_on: date = Field(description="Planned visits targeted after this day are cancelled", examples=["2026-06-30"])
    end_reason: str = Field(
        min_length=1, max_length=2000, examples=["Familien er fraflyttet kommunen"], description="Why it ended"
    )


class EnrollmentStaffOut(BaseModel):
    staff_id: uuid.UUID
    role: str = Field(examples=["family_therapist"])


class EnrollmentOut(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    package_code: str = Field(examples=["minding_the_baby"])
    package_version: int = Field(examples=[1])
    package_name: str = Field(description="Danish name of the package version", examples=["Minding the Baby"])
    package_name_en: str = Field(examples=["Minding the Baby"])
    started_on: date
    ended_on: date | None
    end_reason: str | None
    active: bool = Field(description="Not ended (or ending in the future)")
    enrolled_by: uuid.UUID | None = Field(description="The staff member who enrolled (null: a case system)")
    staff: list[EnrollmentStaffOut]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, details: EnrollmentDetails, *, today: date) -> EnrollmentOut:
        e = details.enrollment
        return cls(
            id=e.id,
            child_id=e.child_id,
            package_code=e.package_code,
            package_version=e.package_version,
            package_name=details.package.name_da,
            package_name_en=details.package.name_en,
            started_on=e.started_on,
            ended_on=e.ended_on,
            end_reason=e.end_reason,
            active=e.ended_on is None or e.ended_on >= today,
            enrolled_by=e.enrolled_by,
            staff=[EnrollmentStaffOut(staff_id=s.staff_id, role=s.role) for s in details.staff],
            created_at=e.created_at,
            updated_at=e.updated_at,
        )


class ScheduledVisitOut(BaseModel):
    """A visit the enrolment plans: stored (with `id`, `status`) or, on a dry run, only computed."""

    id: uuid.UUID | None = Field(description="Null on a dry run")
    kind: str = Field(examples=["postnatal"])
    sequence: int = Field(description="1 for a single visit, the occurrence number in a series", examples=[1])
    target_date: date
    earliest: date
    latest: date
    roles: list[str] = Field(examples=[["health_visitor"]])
    window_extended: bool = Field(
        default=False, description="The window held no working day, so it was extended to the next one"
    )
    status: VisitStatusCode | None = Field(description="Null on a dry run")
    staff_ids: list[uuid.UUID] = Field(description="Who is (or would be) assigned")


class EnrollmentScheduleOut(BaseModel):
    id: uuid.UUID | None = Field(description="The stored enrolment; null on a dry run")
    child_id: uuid.UUID
    dry_run: bool
    package_code: str = Field(examples=["universal"])
    package_version: int = Field(examples=[1])
    package_name: str = Field(examples=["Universelt sundhedsplejeprogram"])
    started_on: date
    staff: list[EnrollmentStaffOut]
    visits: list[ScheduledVisitOut]

    @classmethod
    def of(cls, result: EnrollmentResult, *, child_id: uuid.UUID, start_date: date) -> EnrollmentScheduleOut:
        package = result.package
        staff = [EnrollmentStaffOut(staff_id=sid, role=role) for role, sid in result.staff_by_role.items()]
        if result.enrollment is None:
            visits = [
                ScheduledVisitOut(
                    id=None,
                    kind=p.kind,
                    sequence=p.sequence,
                    target_date=p.target_date,
                    earliest=p.earliest,
                    latest=p.latest,
                    roles=list(p.roles),
                    window_extended=p.window_extended,
                    status=None,
                    staff_ids=[result.staff_by_role[r] for r in p.roles if r in result.staff_by_role],
                )
                for p in result.planned
            ]
        else:
            extended = {(p.kind, p.sequence) for p in result.planned if p.window_extended}
            visits = [
                ScheduledVisitOut(
                    id=d.visit.id,
                    kind=d.visit.kind,
                    sequence=d.visit.sequence,
                    target_date=d.visit.target_date,
                    earliest=d.visit.earliest,
                    latest=d.visit.latest,
                    roles=list(d.visit.roles),
                    window_extended=(d.visit.kind, d.visit.sequence) in extended,
                    status=d.visit.status,  # type: ignore[arg-type]
                    staff_ids=[s.staff_id for s in d.staff],
                )
                for d in result.visits
            ]
        return cls(
            id=result.enrollment.id if result.enrollment else None,
            child_id=child_id,
            dry_run=result.enrollment is None,
            package_code=package.code,
            package_version=package.version,
            package_name=package.name_da,
            started_on=start_date,
            staff=staff,
            visits=visits,
        )


# --- visits --------------------------------------------------------------------------------------


class VisitStaffOut(BaseModel):
    staff_id: uuid.UUID
    role: str = Field(examples=["health_visitor"])
    performed: bool = Field(description="Took part in the visit once it was done")


class VisitOut(BaseModel):
    id: uuid.UUID
    child_id: uuid.UUID
    enrollment_id: uuid.UUID | None = Field(description="Null for an ad-hoc visit outside any package")
    package_code: str | None = Field(examples=["universal"])
    kind: str = Field(examples=["postnatal"])
    sequence: int = Field(examples=[1])
    target_date: date
    earliest: date = Field(description="First day of the visit's window")
    latest: date = Field(description="Last day of the visit's window")
    roles: list[str] = Field(examples=[["health_visitor"]])
    status: VisitStatusCode = Field(description="What is stored")
    state: VisitState = Field(
        description="The status on today's date (Europe/Copenhagen): planned splits into upcoming, due and overdue"
    )
    urgent: bool = Field(description="Needs action the same day (e.g. EPDS item 10 above 0)")
    done_on: date | None
    staff_ids: list[uuid.UUID]
    staff: list[VisitStaffOut]
    status_reason: str | None = Field(
        description="Why it was cancelled, missed or created urgent (of an urgent visit: withheld as health data)"
    )
    reschedule_reason: str | None = Field(description="Why it was moved outside its window")
    created_at: datetime
    updated_at: datetime
    health_data_withheld: bool = health_data_withheld_field()

    @classmethod
    def of(cls, details: VisitDetails, *, today: date) -> VisitOut:
        v = details.visit
        return cls(
            id=v.id,
            child_id=v.child_id,
            enrollment_id=v.enrollment_id,
            package_code=v.package_code,
            kind=v.kind,
            sequence=v.sequence,
            target_date=v.target_date,
            earliest=v.earliest,
            latest=v.latest,
            roles=list(v.roles),
            status=v.status,  # type: ignore[arg-type]
            state=visit_state(status=v.status, earliest=v.earliest, latest=v.latest, today=today),
            urgent=v.urgent,
            done_on=v.done_on,
            staff_ids=[s.staff_id for s in details.staff],
            staff=[VisitStaffOut(staff_id=s.staff_id, role=s.role, performed=s.performed) for s in details.staff],
            status_reason=v.status_reason,
            reschedule_reason=v.reschedule_reason,
            created_at=v.created_at,
            updated_at=v.updated_at,
        )


class VisitPatch(Strict):
    target_date: date | None = Field(default=None, description="A working day; outside the window needs a reason")
    reason: str | None = Field(default=None, max_length=2000, examples=["Familien er på ferie i uge 28"])
    staff_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=20, description="Who is assigned from now on (replaces the current list)"
    )


class VisitScreeningIn(Strict):
    """A screening given at the visit; scored by the server like POST /children/{id}/screenings."""

    instrument: InstrumentCode
    respondent: RespondentCode
    items: list[WholeNumber] = Field(
        max_length=50, description="Positions of the chosen answers as printed (0 = first)", examples=[EPDS_EXAMPLE]
    )
    administered_on: date | None = Field(default=None, description="Default the visit's done_on")


class VisitComplete(Strict):
    done_on: date | None = Field(default=None, description="Default today; not in the future")
    performed_by: list[uuid.UUID] | None = Field(
        default=None, max_length=20, description="Staff ids; default the caller (staff only)"
    )
    screenings: list[VisitScreeningIn] = Field(
        default_factory=list, max_length=10, description="Screenings given at the visit (health visitors)"
    )


class VisitClose(Strict):
    reason: str = Field(min_length=1, max_length=2000, examples=["Familien meldte afbud"])


class VisitCreate(Strict):
    target_date: date
    kind: str = Field(
        default="ad_hoc", max_length=64, pattern=CODE_PATTERN, examples=["ad_hoc"], description="Default ad_hoc"
    )
    enrollment_id: uuid.UUID | None = Field(
        default=None, description="The open-cadence enrolment (GRO) the visit belongs to; null for ad hoc"
    )
    staff_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=20, description="Who is assigned; default the caller (staff only)"
    )
    earliest: date | None = Field(default=None, description="Window start; default target_date")
    latest: date | None = Field(default=None, description="Window end; default target_date")


class ScreeningAtVisitOut(BaseModel):
    id: uuid.UUID
    instrument: str = Field(examples=["EPDS"])
    respondent: str = Field(examples=["mother"])
    total: int = Field(examples=[12])
    flags: list[str] = Field(examples=[["above_cutoff"]])
    urgent_visit_id: uuid.UUID | None = Field(description="The urgent contact a self_harm flag created")


class VisitCompleted(VisitOut):
    screenings: list[ScreeningAtVisitOut] = Field(default_factory=list)


# --- calendar feed -------------------------------------------------------------------------------


class CalendarFeedOut(BaseModel):
    staff_id: uuid.UUID
    feed_url: str = Field(
        description="Subscribe to this URL in a calendar program; it holds the token, so keep it private",
        examples=["https://tidlig-indsats.example/api/v1/staff/5f0c.../calendar.ics?feed_token=..."],
    )
    feed_token: str = Field(description="Shown once; only a hash is kept. POST again to replace, DELETE to revoke")
