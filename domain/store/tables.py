"""The persistence schema for the whole domain, as SQLModel tables.

Alembic migrations are generated from these and are the only way the schema changes. Identifiers are
UUIDs (never sequential numbers in URLs); every table has `created_at`/`updated_at` (UTC) so lists can
offer `updated_since` for delta sync. Codes (package, fact, area, role) are stable strings from the
catalog, not foreign keys, because the catalog is versioned data.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Dialect, Index, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from domain.clock import utc_now


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out, on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use UTC-aware ones")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _timestamp(*, index: bool = False, onupdate: bool = False) -> Any:
    kwargs: dict[str, Any] = {"default": utc_now, "nullable": False, "index": index}
    if onupdate:
        kwargs["onupdate"] = utc_now
    return Field(default_factory=utc_now, sa_type=UTCDateTime, sa_column_kwargs=kwargs)


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Record(SQLModel):
    """Columns every table has."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp(index=True, onupdate=True)


# --- organisation --------------------------------------------------------------------------------


class Team(Record, table=True):
    __tablename__ = "team"
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)


class HousingArea(Record, table=True):
    __tablename__ = "housing_area"
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    # Designated areas (seed 001: Ringparken, Motalavej) get area-based offers.
    designated: bool = False
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id", index=True)


class Daycare(Record, table=True):
    __tablename__ = "daycare"
    name: str = Field(max_length=200)
    area_id: uuid.UUID | None = Field(default=None, foreign_key="housing_area.id", index=True)


class Staff(Record, table=True):
    __tablename__ = "staff"
    username: str = Field(max_length=100, unique=True)
    full_name: str = Field(max_length=200)
    roles: list[str] = _json_list()
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id", index=True)
    daycare_id: uuid.UUID | None = Field(default=None, foreign_key="daycare.id", index=True)
    # Null when the person signs in through an external identity provider only.
    password_hash: str | None = Field(default=None, max_length=255)
    external_subject: str | None = Field(default=None, max_length=255, unique=True)
    # Only a hash of the revocable calendar feed token is kept.
    calendar_feed_token_hash: str | None = Field(default=None, max_length=128, unique=True)
    active: bool = True


class IntegrationClient(Record, table=True):
    __tablename__ = "integration_client"
    client_id: str = Field(max_length=100, unique=True)
    name: str = Field(max_length=200)
    secret_hash: str = Field(max_length=255)
    scopes: list[str] = _json_list()
    active: bool = True


class SignInThrottle(Record, table=True):
    """Failed sign-ins per user or client, so repeated failures are slowed down across workers."""

    __tablename__ = "sign_in_throttle"
    subject: str = Field(max_length=200, unique=True)
    failures: int = 0
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RevokedToken(SQLModel, table=True):
    """An access token revoked before it expired (signing out, RFC 7009), by its `jti`: every authenticated
    request looks its token up here by primary key. A row may be deleted once the token has expired."""

    __tablename__ = "revoked_token"
    jti: str = Field(primary_key=True, max_length=64)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    revoked_at: datetime = _timestamp()


# --- families and children -----------------------------------------------------------------------


class Family(Record, table=True):
    __tablename__ = "family"
    __table_args__ = (
        UniqueConstraint("source_system", "external_id", name="uq_family_source"),
        # A team's caseload is its own families plus those of its areas without a team of their own: both
        # halves read from an index alone (a scan of every family cost 5-8 ms at size M).
        Index("ix_family_team_family", "team_id", "id"),
        Index("ix_family_area_team", "area_id", "team_id", "id"),
    )
    source_system: str = Field(max_length=100)
    external_id: str = Field(max_length=200)
    area_id: uuid.UUID | None = Field(default=None, foreign_key="housing_area.id")
    # An explicit caseload team; otherwise the team covering the area.
    team_id: uuid.UUID | None = Field(default=None, foreign_key="team.id")
    address: str | None = Field(default=None, max_length=300)


class FamilyMember(Record, table=True):
    """A parent (or other adult) of a family."""

    __tablename__ = "family_member"
    family_id: uuid.UUID = Field(foreign_key="family.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=30)  # mother, father, co_parent, other
    name: str = Field(max_length=200)
    cpr: str | None = Field(default=None, max_length=10, index=True)


class Child(Record, table=True):
    """A child exists from pregnancy (due date) and gets birth date and CPR at birth."""

    __tablename__ = "child"
    __table_args__ = (
        UniqueConstraint("family_id", "external_id", name="uq_child_external"),
        Index("ix_child_birth_date", "birth_date"),
        Index("ix_child_due_date", "due_date"),
    )
    family_id: uuid.UUID = Field(foreign_key="family.id", index=True, ondelete="CASCADE")
    external_id: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    due_date: date | None = None
    birth_date: date | None = None
    discharge_date: date | None = None
    cpr: str | None = Field(default=None, max_length=10, unique=True)
    # The level now; the history with reasons is in level_decision.
    level: int = Field(default=1, ge=1, le=4, index=True)
    daycare_id: uuid.UUID | None = Field(default=None, foreign_key="daycare.id", index=True)
    daycare_start: date | None = None
    kindergarten_start: date | None = None
    school_start: date | None = None


class RiskFactor(Record, table=True):
    """A fact code of domain.md recorded for a family (or for one child of it)."""

    __tablename__ = "risk_factor"
    __table_args__ = (UniqueConstraint("family_id", "child_id", "code", name="uq_risk_factor"),)
    family_id: uuid.UUID = Field(foreign_key="family.id", index=True, ondelete="CASCADE")
    child_id: uuid.UUID | None = Field(default=None, foreign_key="child.id", index=True)
    code: str = Field(max_length=64, index=True)
    recorded_on: date
    recorded_by: str | None = Field(default=None, max_length=200)


class CaseloadAssignment(Record, table=True):
    """A named professional responsible for a family, e.g. its health visitor."""

    __tablename__ = "caseload_assignment"
    __table_args__ = (Index("ix_caseload_staff_active", "staff_id", "ends_on"),)
    family_id: uuid.UUID = Field(foreign_key="family.id", index=True, ondelete="CASCADE")
    staff_id: uuid.UUID = Field(foreign_key="staff.id")
    role: str = Field(max_length=30)
    starts_on: date
    ends_on: date | None = None


class Consent(Record, table=True):
    """Parental consent or a legal basis letting social staff see health-visiting data."""

    __tablename__ = "consent"
    child_id: uuid.UUID = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)  # consent | legal_basis
    scope: str = Field(max_length=64)  # e.g. health_data_to_social
    legal_reference: str | None = Field(default=None, max_length=300)
    given_on: date
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recorded_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    # A legal basis names its kind from domain/catalog/legal_bases.toml (null for consents and for legal
    # bases recorded before kinds existed).
    legal_basis_kind: str | None = Field(default=None, max_length=64)
    withdrawn_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id")


class SharingRequest(Record, table=True):
    """Social staff asking the child's health visitor to share health data: it grants nothing by itself.

    The health visitor answers it by recording a consent or legal basis (`consent_id`), or declines it."""

    __tablename__ = "sharing_request"
    child_id: uuid.UUID = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    scope: str = Field(max_length=64)  # e.g. health_data_to_social
    reason: str = Field(max_length=2000)
    requested_by: uuid.UUID = Field(foreign_key="staff.id")
    status: str = Field(default="pending", max_length=20)  # pending | answered | declined
    consent_id: uuid.UUID | None = Field(default=None, foreign_key="consent.id")
    answered_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decline_reason: str | None = Field(default=None, max_length=2000)


# --- catalog -------------------------------------------------------------------------------------


class PackageVersionRecord(Record, table=True):
    """One version of a visit package; enrolments keep the version they were made under."""

    __tablename__ = "package_version"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_package_version"),)
    code: str = Field(max_length=64, index=True)
    version: int
    valid_from: date
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: str | None = Field(default=None, max_length=200)


class CriteriaVersionRecord(Record, table=True):
    __tablename__ = "criteria_version"
    version: int = Field(unique=True)
    valid_from: date
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: str | None = Field(default=None, max_length=200)


# --- interventions -------------------------------------------------------------------------------


class LevelDecision(Record, table=True):
    __tablename__ = "level_decision"
    __table_args__ = (Index("ix_level_decision_child_date", "child_id", "effective_on"),)
    child_id: uuid.UUID = Field(foreign_key="child.id", ondelete="CASCADE")
    level: int = Field(ge=1, le=4)
    effective_on: date
    decided_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    # An integration client's id when a case system recorded the decision.
    decided_by_client: str | None = Field(default=None, max_length=100)
    basis: str = Field(max_length=30)  # criteria | professional_judgement
    reason: str = Field(max_length=2000)
    criteria_version: int | None = None
    fired: list[str] = _json_list()


class Enrollment(Record, table=True):
    __tablename__ = "enrollment"
    __table_args__ = (Index("ix_enrollment_child_package", "child_id", "package_code"),)
    child_id: uuid.UUID = Field(foreign_key="child.id", ondelete="CASCADE")
    package_code: str = Field(max_length=64, index=True)
    package_version: int
    started_on: date
    ended_on: date | None = None
    end_reason: str | None = Field(default=None, max_length=2000)
    enrolled_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id")


class EnrollmentStaff(Record, table=True):
    """Professionals assigned to an enrolment (they may see the child while assigned)."""

    __tablename__ = "enrollment_staff"
    __table_args__ = (UniqueConstraint("enrollment_id", "staff_id", name="uq_enrollment_staff"),)
    enrollment_id: uuid.UUID = Field(foreign_key="enrollment.id", index=True, ondelete="CASCADE")
    staff_id: uuid.UUID = Field(foreign_key="staff.id", index=True)
    role: str = Field(max_length=30)


class Visit(Record, table=True):
    """A planned or performed visit. Due/overdue is computed from the window, never stored."""

    __tablename__ = "visit"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "kind", "sequence", name="uq_visit_in_enrollment"),
        Index("ix_visit_status_latest", "status", "latest"),
        Index("ix_visit_child_target", "child_id", "target_date"),
        Index("ix_visit_package_kind", "package_code", "kind", "status"),
        Index("ix_visit_target_date", "target_date"),
        # Covers the coverage report's per-child look-up (child, package, kind -> status and dates),
        # so it reads no table pages: 7x faster at size M on PostgreSQL (bench/bench_reports.py).
        Index(
            "ix_visit_child_package_kind", "child_id", "package_code", "kind", "status", "done_on", "earliest", "latest"
        ),
    )
    child_id: uuid.UUID = Field(foreign_key="child.id", ondelete="CASCADE")
    # Null for an ad-hoc visit outside any package.
    enrollment_id: uuid.UUID | None = Field(default=None, foreign_key="enrollment.id", ondelete="CASCADE")
    package_code: str | None = Field(default=None, max_length=64)
    kind: str = Field(max_length=64)
    sequence: int = 0
    target_date: date
    earliest: date
    latest: date
    roles: list[str] = _json_list()
    status: str = Field(default="planned", max_length=20)  # planned, done, missed, cancelled
    urgent: bool = False
    done_on: date | None = None
    status_reason: str | None = Field(default=None, max_length=2000)
    reschedule_reason: str | None = Field(default=None, max_length=2000)


class VisitStaff(Record, table=True):
    """Who is assigned to a visit and, once done, who performed it.

    `visit_status`, `visit_target_date` and `visit_latest` are copies of the visit's, kept by database
    triggers (migration 20261123_0003), never written by the application: they let a staff member's
    worklist and calendar start from her own open assignments (one index range) instead of joining all
    her assignments of six years with every open visit of the municipality. Read them in queries only: a
    session's loaded VisitStaff objects do not see what a trigger changed.
    """

    __tablename__ = "visit_staff"
    __table_args__ = (
        UniqueConstraint("visit_id", "staff_id", name="uq_visit_staff"),
        Index("ix_visit_staff_staff", "staff_id", "visit_id"),
        Index("ix_visit_staff_open", "staff_id", "visit_status", "visit_target_date", "visit_latest", "visit_id"),
    )
    visit_id: uuid.UUID = Field(foreign_key="visit.id", ondelete="CASCADE")
    staff_id: uuid.UUID = Field(foreign_key="staff.id")
    role: str = Field(max_length=30)
    performed: bool = False
    visit_status: str | None = Field(default=None, max_length=20)
    visit_target_date: date | None = None
    visit_latest: date | None = None


class Screening(Record, table=True):
    __tablename__ = "screening"
    __table_args__ = (Index("ix_screening_child_date", "child_id", "administered_on"),)
    child_id: uuid.UUID = Field(foreign_key="child.id", ondelete="CASCADE")
    visit_id: uuid.UUID | None = Field(default=None, foreign_key="visit.id")
    instrument: str = Field(max_length=20, index=True)
    respondent: str = Field(max_length=20)
    administered_on: date
    administered_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    total: int
    cutoff: int
    flags: list[str] = _json_list()


class ScreeningItem(Record, table=True):
    __tablename__ = "screening_item"
    __table_args__ = (UniqueConstraint("screening_id", "position", name="uq_screening_item"),)
    screening_id: uuid.UUID = Field(foreign_key="screening.id", index=True, ondelete="CASCADE")
    position: int  # 0-based item number in the instrument's order
    answer: int  # the position of the chosen option as printed
    score: int


class Referral(Record, table=True):
    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_status", "status", "target"),)
    child_id: uuid.UUID = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    target: str = Field(max_length=64)  # small_children_team, cos_p, marte_meo, ppr, ...
    status: str = Field(default="sent", max_length=20)  # sent, accepted, declined, done
    reason: str = Field(max_length=2000)
    sent_on: date
    referred_by: uuid.UUID | None = Field(default=None, foreign_key="staff.id")
    assigned_staff_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", index=True)
    status_note: str | None = Field(default=None, max_length=2000)


# --- group courses -------------------------------------------------------------------------------


class GroupCourse(Record, table=True):
    __tablename__ = "group_course"
    package_code: str = Field(max_length=64, index=True)
    package_version: int
    title: str = Field(max_length=200)
    area_id: uuid.UUID | None = Field(default=None, foreign_key="housing_area.id", index=True)
    location: str | None = Field(default=None, max_length=300)
    starts_on: date = Field(index=True)
    capacity: int
    facilitator_id: uuid.UUID | None = Field(default=None, foreign_key="staff.id", index=True)


class GroupSession(Record, table=True):
    __tablename__ = "group_session"
    __table_args__ = (UniqueConstraint("course_id", "number", name="uq_group_session"),)
    course_id: uuid.UUID = Field(foreign_key="group_course.id", index=True, ondelete="CASCADE")
    number: int
    held_on: date


class GroupParticipant(Record, table=True):
    __tablename__ = "group_participant"
    __table_args__ = (UniqueConstraint("course_id", "child_id", name="uq_group_participant"),)
    course_id: uuid.UUID = Field(foreign_key="group_course.id", index=True, ondelete="CASCADE")
    child_id: uuid.UUID = Field(foreign_key="child.id", index=True)
    member_id: uuid.UUID | None = Field(default=None, foreign_key="family_member.id")
    joined_on: date
    left_on: date | None = None
    # End-of-course questionnaire: did the participant report a positive development?
    questionnaire_positive: bool | None = None


class GroupAttendance(Record, table=True):
    __tablename__ = "group_attendance"
    __table_args__ = (UniqueConstraint("session_id", "participant_id", name="uq_group_attendance"),)
    session_id: uuid.UUID = Field(foreign_key="group_session.id", index=True, ondelete="CASCADE")
    participant_id: uuid.UUID = Field(foreign_key="group_participant.id", index=True, ondelete="CASCADE")
    present: bool


# --- integration and audit -----------------------------------------------------------------------


class IdempotencyRecord(Record, table=True):
    """A POST's first answer, kept so a repeat with the same key returns it (IETF idempotency draft)."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("principal", "key", name="uq_idempotency"),)
    principal: str = Field(max_length=200)
    key: str = Field(max_length=255)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    body_hash: str = Field(max_length=64)
    state: str = Field(default="in_progress", max_length=20)  # in_progress | done
    status_code: int | None = None
    response_body: str | None = None
    response_headers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AuditEvent(SQLModel, table=True):
    """Append-only: who did what to whose data, why, and with what outcome.

    No API changes or deletes rows; on PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_person_time", "person_id", "occurred_at"),
        Index("ix_audit_actor_time", "actor_id", "occurred_at"),
    )
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    occurred_at: datetime = _timestamp(index=True)
    actor_id: str | None = Field(default=None, max_length=100)
    actor_type: str = Field(max_length=20)  # staff | client | anonymous
    client_id: str | None = Field(default=None, max_length=100)
    action: str = Field(max_length=30)  # read, search, export, create, update, refused, ...
    resource: str = Field(max_length=200)
    person_id: uuid.UUID | None = None
    purpose: str | None = Field(default=None, max_length=300)
    request_id: str | None = Field(default=None, max_length=64)
    outcome: str = Field(max_length=20)  # ok | refused | failed
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
