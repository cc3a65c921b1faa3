"""Visits: a child's schedule, the worklist across children, and what happens to one visit
(moved, assigned, done with its screenings, cancelled, missed); ad-hoc and open-cadence visits."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response, status

from api import presenters
from api.concurrency import ETAG_HEADER, require_if_match, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.policy import rule_for
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.visits import (
    ScreeningAtVisitOut,
    VisitClose,
    VisitComplete,
    VisitCompleted,
    VisitCreate,
    VisitOut,
    VisitPatch,
    VisitStatusCode,
)
from domain.clock import copenhagen_today
from domain.errors import Forbidden
from domain.rules.visit_state import VisitStatus
from domain.services import schedules, visits
from domain.services.actors import Actor
from domain.store.repositories import access
from domain.store.tables import Visit

router = APIRouter(tags=["visits"], responses=PROBLEM_RESPONSES)

# Screenings given at a visit are recorded under the same rule as POST /children/{id}/screenings.
_SCREENING_RULE = rule_for("POST", "/children/{child_id}/screenings")


def _one(uow: UnitOfWorkDep, actor: Actor, visit_id: uuid.UUID) -> VisitOut:
    """The visit as the caller may see it (health data withheld where not disclosed to her)."""
    visit = VisitOut.of(visits.visit_details(uow.session, visit_id), today=copenhagen_today())
    return presenters.shown(uow.session, actor, visit)


def _answer(uow: UnitOfWorkDep, actor: Actor, visit_id: uuid.UUID, response: Response) -> VisitOut:
    result = _one(uow, actor, visit_id)
    with_etag(response, result)
    return result


def _may_record_screenings(actor: Actor) -> bool:
    if _SCREENING_RULE is None:
        return False
    if actor.is_client:
        return _SCREENING_RULE.scope is not None and _SCREENING_RULE.scope in actor.scopes
    return _SCREENING_RULE.allows_role(actor.roles)


@router.get("/children/{child_id}/schedule", response_model=Page[VisitOut])
def child_schedule(
    child_id: uuid.UUID,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    limit: Limit = 200,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
) -> Page[VisitOut]:
    """All the child's visits, of every enrolment and ad hoc, by target date, each with its state today."""
    page = visits.schedule_of_child(
        uow.session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    today = copenhagen_today()
    items = [VisitOut.of(d, today=today) for d in page.items]
    return presenters.shown(uow.session, actor, Page[VisitOut](items=items, next_cursor=page.next_cursor), today=today)


@router.post(
    "/children/{child_id}/visits",
    status_code=status.HTTP_201_CREATED,
    response_model=VisitOut,
    responses={201: {"headers": ETAG_HEADER}},
)
def add_visit(
    child_id: uuid.UUID, body: VisitCreate, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> VisitOut:
    """Plan one visit by judgement: ad hoc, or the next visit of an open-cadence package (GRO)."""
    staff_ids = body.staff_ids if body.staff_ids is not None else ([actor.id] if actor.is_staff else [])
    visit = visits.add_visit(
        uow.session,
        child_id=child_id,
        target_date=body.target_date,
        kind=body.kind,
        enrollment_id=body.enrollment_id,
        staff_ids=staff_ids,
        earliest=body.earliest,
        latest=body.latest,
    )
    uow.audit.record("create", person_id=child_id, details={"visit_id": str(visit.id), "kind": visit.kind})
    response.headers["Location"] = f"/api/v1/visits/{visit.id}"
    return _answer(uow, actor, visit.id, response)


@router.get("/visits", response_model=Page[VisitOut])
def worklist(
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    limit: Limit = 100,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
    staff_id: Annotated[uuid.UUID | None, Query(description="Visits assigned to this staff member")] = None,
    team_id: Annotated[uuid.UUID | None, Query(description="Visits of families on this team's caseload")] = None,
    from_date: Annotated[date | None, Query(alias="from", description="Target date on or after")] = None,
    to_date: Annotated[date | None, Query(alias="to", description="Target date on or before")] = None,
    status_: Annotated[
        list[VisitStatusCode] | None, Query(alias="status", description="Stored status; repeat for several")
    ] = None,
    overdue: Annotated[
        bool | None, Query(description="true: planned visits whose window has closed; false: all but those")
    ] = None,
    area: Annotated[str | None, Query(max_length=64, description="Housing area code", examples=["ringparken"])] = None,
    child_id: uuid.UUID | None = None,
) -> Page[VisitOut]:
    """The worklist: visits of the children the caller may see, urgent first, then by target date."""
    criteria = visits.WorklistCriteria(
        staff_id=staff_id,
        team_id=team_id,
        from_date=from_date,
        to_date=to_date,
        statuses=tuple(status_ or ()),
        overdue=overdue,
        area=area,
        child_id=child_id,
        updated_since=updated_since,
    )
    today = copenhagen_today()
    page = visits.visit_worklist(uow.session, actor=actor, criteria=criteria, today=today, cursor=cursor, limit=limit)
    items = [VisitOut.of(d, today=today) for d in page.items]
    answer = Page[VisitOut](items=items, next_cursor=page.next_cursor)
    answer = presenters.shown(uow.session, actor, answer, today=today)
    shown = {
        "staff_id": str(staff_id) if staff_id else None,
        "team_id": str(team_id) if team_id else None,
        "from": from_date.isoformat() if from_date else None,
        "to": to_date.isoformat() if to_date else None,
        "status": list(status_ or ()),
        "overdue": overdue,
        "area": area,
    }
    uow.audit.record_search([v.child_id for v in items], details={"criteria": shown})
    return answer


@router.get("/visits/{visit_id}", response_model=VisitOut, responses={200: {"headers": ETAG_HEADER}})
def read_visit(visit_id: uuid.UUID, uow: UnitOfWorkDep, actor: CurrentActor, response: Response) -> VisitOut:
    """One visit with its state today and its staff; the ETag is for `If-Match` on PATCH."""
    return _answer(uow, actor, visit_id, response)


@router.patch("/visits/{visit_id}", response_model=VisitOut, responses={200: {"headers": ETAG_HEADER}})
def change_visit(
    visit_id: uuid.UUID,
    body: VisitPatch,
    request: Request,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    response: Response,
) -> VisitOut:
    """Move a planned visit (outside its window only with a `reason`) and/or assign staff. Send `If-Match`."""
    require_if_match(request, _one(uow, actor, visit_id))
    visits.reschedule_visit(
        uow.session, visit_id=visit_id, target_date=body.target_date, reason=body.reason, staff_ids=body.staff_ids
    )
    return _answer(uow, actor, visit_id, response)


@router.post("/visits/{visit_id}/complete", response_model=VisitCompleted, responses={200: {"headers": ETAG_HEADER}})
def complete_visit(
    visit_id: uuid.UUID,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    response: Response,
    body: Annotated[VisitComplete | None, Body()] = None,
) -> VisitCompleted:
    """Record the visit done (default today, by the caller) with the screenings given at it."""
    body = body or VisitComplete()
    if body.screenings and not _may_record_screenings(actor):
        raise Forbidden("Your role or scope does not allow recording screenings")
    today = copenhagen_today()
    if body.screenings and _SCREENING_RULE is not None and _SCREENING_RULE.health_data:
        # As POST /children/{id}/screenings: the scored screenings are health data the caller must be shown.
        child_id = access.child_of(uow.session, Visit, visit_id)
        if child_id is not None and child_id not in access.health_data_covered(
            uow.session, actor, [child_id], today=today
        ):
            raise Forbidden("Recorded screenings are health data your role or scope may not see")
    performed_by = body.performed_by if body.performed_by is not None else ([actor.id] if actor.is_staff else [])
    done = schedules.complete_visit_with_screenings(
        uow.session,
        visit_id=visit_id,
        done_on=body.done_on or today,
        performed_by=performed_by,
        screenings=[
            schedules.ScreeningAtVisit(
                instrument=s.instrument, respondent=s.respondent, items=s.items, administered_on=s.administered_on
            )
            for s in body.screenings
        ],
        administered_by=actor.id if actor.is_staff else None,
        today=today,
    )
    for recorded in done.screenings:
        uow.audit.record(
            "create",
            person_id=done.visit.visit.child_id,
            details={"screening_id": str(recorded.screening.id), "instrument": recorded.screening.instrument},
        )
    visit = VisitOut.of(done.visit, today=today)
    result = VisitCompleted(
        **visit.model_dump(),
        screenings=[
            ScreeningAtVisitOut(
                id=r.screening.id,
                instrument=r.screening.instrument,
                respondent=r.screening.respondent,
                total=r.screening.total,
                flags=list(r.screening.flags),
                urgent_visit_id=r.urgent_visit.id if r.urgent_visit else None,
            )
            for r in done.screenings
        ],
    )
    with_etag(response, presenters.shown(uow.session, actor, visit, today=today))
    return presenters.shown(uow.session, actor, result, today=today)


@router.post("/visits/{visit_id}/cancel", response_model=VisitOut, responses={200: {"headers": ETAG_HEADER}})
def cancel_visit(
    visit_id: uuid.UUID, body: VisitClose, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> VisitOut:
    """Cancel a planned visit, with a reason (reports show why)."""
    visits.close_visit(uow.session, visit_id=visit_id, status=VisitStatus.CANCELLED, reason=body.reason)
    return _answer(uow, actor, visit_id, response)


@router.post("/visits/{visit_id}/missed", response_model=VisitOut, responses={200: {"headers": ETAG_HEADER}})
def visit_missed(
    visit_id: uuid.UUID, body: VisitClose, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> VisitOut:
    """Record that a planned visit did not happen (e.g. nobody home), with a reason."""
    visits.close_visit(uow.session, visit_id=visit_id, status=VisitStatus.MISSED, reason=body.reason)
    return _answer(uow, actor, visit_id, response)
