"""Children: from pregnancy (due date) to school; birth registration re-anchors planned visits."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api import cpr_clash
from api.concurrency import ETAG_HEADER, require_if_match, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.presenters import child_out
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.families import BirthIn, ChildCreate, ChildOut, ChildPatch
from domain.clock import copenhagen_today
from domain.errors import Forbidden
from domain.rules.cpr import mask_cpr, parse_cpr
from domain.services import families
from domain.store.repositories import families as family_repo
from domain.store.repositories.access import can_see_family, visible_children

router = APIRouter(tags=["families and children"], responses=PROBLEM_RESPONSES)


@router.post(
    "/children", status_code=status.HTTP_201_CREATED, response_model=ChildOut, responses={201: {"headers": ETAG_HEADER}}
)
def create_child(body: ChildCreate, uow: UnitOfWorkDep, actor: CurrentActor, response: Response) -> ChildOut:
    """Register a child in a family the caller may see: from pregnancy (due date) or from birth."""
    if not can_see_family(uow.session, actor, body.family_id, today=copenhagen_today()):
        raise Forbidden("The family is not on your caseload")
    data = families.ChildData(**body.model_dump(exclude={"family_id"}))
    try:
        child = families.add_child(uow.session, family_id=body.family_id, data=data)
    except families.CprInUse as clash:
        raise cpr_clash.refuse(uow, actor, clash) from None
    uow.audit.record("create", person_id=child.id)
    result = child_out(child)
    response.headers["Location"] = f"/api/v1/children/{child.id}"
    with_etag(response, result)
    return result


@router.get("/children", response_model=Page[ChildOut])
def list_children(
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
    area: Annotated[str | None, Query(max_length=64)] = None,
    name: Annotated[
        str | None, Query(min_length=2, max_length=100, description="Part of a child's or parent's name")
    ] = None,
    cpr: Annotated[str | None, Query(max_length=11, description="A child's or parent's CPR number")] = None,
    family_id: uuid.UUID | None = None,
) -> Page[ChildOut]:
    """Search the children the caller may see."""
    normalised = parse_cpr(cpr).number if cpr else None
    page = family_repo.list_children(
        uow.session,
        visible=visible_children(actor, today=copenhagen_today()),
        updated_since=updated_since,
        area_code=area,
        name=name,
        cpr=normalised,
        family_id=family_id,
        cursor=cursor,
        limit=limit,
    )
    items = [child_out(c) for c in page.items]
    criteria = {"area": area, "name": name, "cpr": mask_cpr(normalised) if normalised else None}
    uow.audit.record_search([c.id for c in items], details={"criteria": criteria})
    return Page[ChildOut](items=items, next_cursor=page.next_cursor)


@router.get("/children/{child_id}", response_model=ChildOut, responses={200: {"headers": ETAG_HEADER}})
def read_child(child_id: uuid.UUID, uow: UnitOfWorkDep, response: Response) -> ChildOut:
    result = child_out(families.get_child(uow.session, child_id))
    with_etag(response, result)
    return result


@router.patch("/children/{child_id}", response_model=ChildOut, responses={200: {"headers": ETAG_HEADER}})
def change_child(
    child_id: uuid.UUID,
    body: ChildPatch,
    request: Request,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    response: Response,
) -> ChildOut:
    """Change a child's data; changed anchor dates re-anchor planned visits. Send `If-Match`."""
    require_if_match(request, child_out(families.get_child(uow.session, child_id)))
    try:
        child = families.update_child(uow.session, child_id=child_id, changes=body.model_dump(exclude_unset=True))
    except families.CprInUse as clash:
        raise cpr_clash.refuse(uow, actor, clash) from None
    result = child_out(child)
    with_etag(response, result)
    return result


@router.post("/children/{child_id}/birth", response_model=ChildOut)
def register_birth(child_id: uuid.UUID, body: BirthIn, uow: UnitOfWorkDep, response: Response) -> ChildOut:
    """The child is born: birth date, CPR and discharge; planned visits move from the due date to the birth."""
    child = families.register_birth(
        uow.session,
        child_id=child_id,
        birth_date=body.birth_date,
        cpr=body.cpr,
        discharge_date=body.discharge_date,
    )
    result = child_out(child)
    with_etag(response, result)
    return result
