"""Visit lists across children: the staff worklist (`GET /visits`) and a staff member's calendar feed.

Overdue is never re-derived here: callers pass the cut-off from
`domain.rules.visit_state.overdue_if_latest_before(today)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, case, exists, not_, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.rules.visit_state import VisitStatus
from domain.services.actors import Actor
from domain.store.repositories.access import VisibilityShape, actor_parameters, bound_visible_children, visibility_shape
from domain.store.repositories.pagination import PAGE_LIMIT, Page, bound_after, bound_page_parameters, page_of
from domain.store.repositories.visits import VISIT_COLUMNS, VisitRow
from domain.store.tables import Child, Enrollment, Family, HousingArea, Visit, VisitStaff

# Urgent visits first (rank 0), then by target date and id: ascending columns, so the keyset works.
_URGENCY_RANK = case((col(Visit.urgent), 0), else_=1)
_WORKLIST_ORDER = [_URGENCY_RANK, col(Visit.target_date), col(Visit.id)]


def _overdue(cutoff: Any) -> ColumnElement[bool]:
    return and_(col(Visit.status) == VisitStatus.PLANNED.value, col(Visit.latest) < cutoff)


def team_families(team_id: Any) -> Any:
    """The families on a team's caseload: its own team, else its area's team (written so that both
    halves can use an index, unlike `coalesce(family.team_id, area's team)`)."""
    team_areas = select(HousingArea.id).where(col(HousingArea.team_id) == team_id)
    return union_all(
        select(Family.id).where(col(Family.team_id) == team_id),
        select(Family.id).where(col(Family.team_id).is_(None), col(Family.area_id).in_(team_areas)),
    )


def _assignments_of(shape: _WorklistShape) -> Any:
    """The ids of the visits assigned to the staff member, narrowed by the copies of each visit's status
    and dates on the assignment (kept by the database's triggers), so the database reads one range of
    her open assignments instead of all of them. The visit's own columns are still checked: a copy can
    only narrow what the visit's columns decide, never widen it."""
    assignments = select(VisitStaff.visit_id).where(col(VisitStaff.staff_id) == bindparam("w_staff"))
    if shape.overdue is True:
        assignments = assignments.where(
            col(VisitStaff.visit_status) == VisitStatus.PLANNED.value,
            col(VisitStaff.visit_latest) < bindparam("w_cutoff"),
        )
    if shape.statuses:
        assignments = assignments.where(col(VisitStaff.visit_status).in_(bindparam("w_statuses", expanding=True)))
    if shape.from_date:
        assignments = assignments.where(col(VisitStaff.visit_target_date) >= bindparam("w_from"))
    if shape.to_date:
        assignments = assignments.where(col(VisitStaff.visit_target_date) <= bindparam("w_to"))
    return assignments


@dataclass(frozen=True, slots=True)
class _WorklistShape:
    """Which conditions a worklist request has: the form of its statement, built once per shape."""

    visibility: VisibilityShape
    staff: bool
    team: bool
    area: bool
    from_date: bool
    to_date: bool
    statuses: bool
    overdue: bool | None
    child: bool
    updated_since: bool
    cursor: bool


@cache
def _worklist_statement(shape: _WorklistShape) -> Any:
    statement: Any = (
        sa_select(*VISIT_COLUMNS)
        .join(Child, col(Child.id) == col(Visit.child_id))
        .where(bound_visible_children(shape.visibility))
    )
    # Family and area conditions as subqueries, not joins: `visible` correlates its own Family subqueries.
    # The staff member's and the team's rows are sets the database can start from (an index each); as
    # conditions checked row by row they made the team's month read every visit of the month first.
    if shape.team:
        statement = statement.where(col(Child.family_id).in_(team_families(bindparam("w_team"))))
    if shape.area:
        statement = statement.where(
            exists().where(
                col(Family.id) == col(Child.family_id),
                col(HousingArea.id) == col(Family.area_id),
                col(HousingArea.code) == bindparam("w_area"),
            )
        )
    if shape.staff:
        statement = statement.where(col(Visit.id).in_(_assignments_of(shape)))
    if shape.from_date:
        statement = statement.where(col(Visit.target_date) >= bindparam("w_from"))
    if shape.to_date:
        statement = statement.where(col(Visit.target_date) <= bindparam("w_to"))
    if shape.statuses:
        statement = statement.where(col(Visit.status).in_(bindparam("w_statuses", expanding=True)))
    if shape.overdue is True:
        statement = statement.where(_overdue(bindparam("w_cutoff")))
    elif shape.overdue is False:
        statement = statement.where(not_(_overdue(bindparam("w_cutoff"))))
    if shape.child:
        statement = statement.where(col(Visit.child_id) == bindparam("w_child"))
    if shape.updated_since:
        statement = statement.where(col(Visit.updated_at) >= bindparam("w_updated_since"))
    if shape.cursor:
        statement = statement.where(bound_after(_WORKLIST_ORDER))
    return statement.order_by(*_WORKLIST_ORDER).limit(bindparam(PAGE_LIMIT))


def visits_worklist(
    session: Session,
    *,
    actor: Actor,
    today: date,
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
) -> Page[VisitRow]:
    """One page of the visits of the children `actor` may see (on `today`), urgent first.

    `staff_id`: assigned to that staff member; `team_id`: the family is on that team's caseload;
    `from_date`/`to_date`: target date within them (both inclusive); `overdue`: planned with
    `latest < overdue_cutoff` (True) or not (False). The statement of each combination of conditions is
    built once; a request only binds its values.
    """
    shape = _WorklistShape(
        visibility=visibility_shape(actor),
        staff=staff_id is not None,
        team=team_id is not None,
        area=bool(area_code),
        from_date=from_date is not None,
        to_date=to_date is not None,
        statuses=bool(statuses),
        overdue=overdue,
        child=child_id is not None,
        updated_since=updated_since is not None,
        cursor=bool(cursor),
    )
    parameters = {
        **actor_parameters(actor, today),
        **bound_page_parameters(cursor, len(_WORKLIST_ORDER), limit),
        "w_staff": staff_id,
        "w_team": team_id,
        "w_area": area_code,
        "w_from": from_date,
        "w_to": to_date,
        "w_statuses": list(statuses),
        "w_cutoff": overdue_cutoff,
        "w_child": child_id,
        "w_updated_since": updated_since,
    }
    rows = list(session.execute(_worklist_statement(shape), parameters).all())
    return page_of(rows, limit=limit, key_of=lambda v: (0 if v.urgent else 1, v.target_date, v.id))


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
        # From the staff member's open assignments in the window (the copies on `visit_staff`), then
        # their visits, whose own status and dates are checked again below.
        .join(
            VisitStaff,
            and_(
                col(VisitStaff.visit_id) == col(Visit.id),
                col(VisitStaff.staff_id) == staff_id,
                col(VisitStaff.visit_status) == VisitStatus.PLANNED.value,
                col(VisitStaff.visit_target_date) >= first_day,
                col(VisitStaff.visit_target_date) <= last_day,
            ),
        )
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
