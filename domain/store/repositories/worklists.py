"""Visit lists across children: the staff worklist (`GET /visits`) and a staff member's calendar feed.

Overdue is never re-derived here: callers pass the cut-off from
`domain.rules.visit_state.overdue_if_latest_before(today)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, not_, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.rules.visit_state import VisitStatus
from domain.store.repositories.pagination import Page, keyset_page
from domain.store.tables import Child, Enrollment, Family, HousingArea, Visit, VisitStaff

# Urgent visits first (rank 0), then by target date and id: ascending columns, so the keyset works.
_URGENCY_RANK = case((col(Visit.urgent), 0), else_=1)
_WORKLIST_ORDER = [_URGENCY_RANK, col(Visit.target_date), col(Visit.id)]


def _overdue(cutoff: date) -> ColumnElement[bool]:
    return and_(col(Visit.status) == VisitStatus.PLANNED.value, col(Visit.latest) < cutoff)


def team_families(team_id: uuid.UUID) -> Any:
    """The families on a team's caseload: its own team, else its area's team (written so that both
    halves can use an index, unlike `coalesce(family.team_id, area's team)`)."""
    team_areas = select(HousingArea.id).where(col(HousingArea.team_id) == team_id)
    return union_all(
        select(Family.id).where(col(Family.team_id) == team_id),
        select(Family.id).where(col(Family.team_id).is_(None), col(Family.area_id).in_(team_areas)),
    )


def visits_worklist(
    session: Session,
    *,
    visible: ColumnElement[bool],
    staff_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    from_date: date | None,
    to_date: date | None,
    statuses: Sequence[str],
    overdue: bool | None,
    overdue_cutoff: date,
    area_code: str | None,
    child_id: uuid.UUID | None,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[Visit]:
    """One page of the visits of visible children (`visible` is a condition on `Child`), urgent first.

    `staff_id`: assigned to that staff member; `team_id`: the family is on that team's caseload;
    `from_date`/`to_date`: target date within them (both inclusive); `overdue`: planned with
    `latest < overdue_cutoff` (True) or not (False).
    """
    statement: Any = select(Visit).join(Child, col(Child.id) == col(Visit.child_id)).where(visible)
    # Family and area conditions as subqueries, not joins: `visible` correlates its own Family subqueries.
    # The staff member's and the team's rows are sets the database can start from (an index each); as
    # conditions checked row by row they made the team's month read every visit of the month first.
    if team_id is not None:
        statement = statement.where(col(Child.family_id).in_(team_families(team_id)))
    if area_code:
        statement = statement.where(
            exists().where(
                col(Family.id) == col(Child.family_id),
                col(HousingArea.id) == col(Family.area_id),
                col(HousingArea.code) == area_code,
            )
        )
    if staff_id is not None:
        statement = statement.where(
            col(Visit.id).in_(select(VisitStaff.visit_id).where(col(VisitStaff.staff_id) == staff_id))
        )
    if from_date is not None:
        statement = statement.where(col(Visit.target_date) >= from_date)
    if to_date is not None:
        statement = statement.where(col(Visit.target_date) <= to_date)
    if statuses:
        statement = statement.where(col(Visit.status).in_(list(statuses)))
    if overdue is True:
        statement = statement.where(_overdue(overdue_cutoff))
    elif overdue is False:
        statement = statement.where(not_(_overdue(overdue_cutoff)))
    if child_id is not None:
        statement = statement.where(col(Visit.child_id) == child_id)
    if updated_since is not None:
        statement = statement.where(col(Visit.updated_at) >= updated_since)
    return keyset_page(
        session,
        statement,
        order_by=_WORKLIST_ORDER,
        key_of=lambda v: (0 if v.urgent else 1, v.target_date, v.id),
        cursor=cursor,
        limit=limit,
    )


@dataclass(frozen=True, slots=True)
class CalendarVisit:
    """What a calendar feed may show of a visit: no names, no CPR, no health data."""

    visit_id: uuid.UUID
    child_id: uuid.UUID
    package_code: str | None
    package_version: int | None
    kind: str
    target_date: date
    earliest: date
    latest: date
    created_at: datetime
    updated_at: datetime
    area_name: str | None


def planned_visits_for_calendar(
    session: Session, *, staff_id: uuid.UUID, first_day: date, last_day: date
) -> list[CalendarVisit]:
    """The planned visits assigned to `staff_id` with a target date in [first_day, last_day]."""
    statement: Any = (
        sa_select(
            col(Visit.id),
            col(Visit.child_id),
            col(Visit.package_code),
            col(Enrollment.package_version),
            col(Visit.kind),
            col(Visit.target_date),
            col(Visit.earliest),
            col(Visit.latest),
            col(Visit.created_at),
            col(Visit.updated_at),
            col(HousingArea.name),
        )
        .join(VisitStaff, and_(col(VisitStaff.visit_id) == col(Visit.id), col(VisitStaff.staff_id) == staff_id))
        .join(Child, col(Child.id) == col(Visit.child_id))
        .join(Family, col(Family.id) == col(Child.family_id))
        .outerjoin(HousingArea, col(HousingArea.id) == col(Family.area_id))
        .outerjoin(Enrollment, col(Enrollment.id) == col(Visit.enrollment_id))
        .where(
            col(Visit.status) == VisitStatus.PLANNED.value,
            col(Visit.target_date) >= first_day,
            col(Visit.target_date) <= last_day,
        )
        .order_by(col(Visit.target_date), col(Visit.id))
    )
    return [CalendarVisit(*row) for row in session.execute(statement).all()]
