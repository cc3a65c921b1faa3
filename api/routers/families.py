"""Families: create, list, read, change, risk factors, and the bulk upsert for case systems."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request, Response, status
from pydantic import ValidationError

from api import cpr_clash
from api.concurrency import ETAG_HEADER, require_if_match, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.presenters import families_shown, family_out, member_cpr_shown, persons_in
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.families import (
    BulkResult,
    BulkResultItem,
    FamilyIn,
    FamilyOut,
    FamilyPatch,
    RiskFactorsIn,
)
from domain.clock import copenhagen_today
from domain.errors import ValidationFailed
from domain.rules.health_data import is_health_risk_factor
from domain.services import families
from domain.services.actors import Actor
from domain.store.repositories import families as family_repo

router = APIRouter(tags=["families and children"], responses=PROBLEM_RESPONSES)
MAX_BULK = 1000


def family_data(body: FamilyIn) -> families.FamilyData:
    # Field by field rather than through model_dump(): the bulk upsert converts up to 1,000 of these.
    return families.FamilyData(
        source_system=body.source_system,
        external_id=body.external_id,
        area=body.area,
        team=body.team,
        address=body.address,
        risk_factors=tuple(body.risk_factors or ()),
        members=tuple(families.MemberData(role=m.role, name=m.name, cpr=m.cpr) for m in body.members),
        children=tuple(
            families.ChildData(
                name=c.name,
                external_id=c.external_id,
                due_date=c.due_date,
                birth_date=c.birth_date,
                discharge_date=c.discharge_date,
                cpr=c.cpr,
                daycare_start=c.daycare_start,
                kindergarten_start=c.kindergarten_start,
                school_start=c.school_start,
            )
            for c in body.children
        ),
    )


def _one(uow: UnitOfWorkDep, actor: Actor, family_id: uuid.UUID) -> FamilyOut:
    """The family as the caller may see it: her children, members, risk factors (`families_shown`)."""
    family = families.get_family(uow.session, family_id)
    return families_shown(uow.session, actor, families.family_details(uow.session, [family]))[0]


@router.post(
    "/families",
    status_code=status.HTTP_201_CREATED,
    response_model=FamilyOut,
    responses={201: {"headers": ETAG_HEADER}},
)
def create_family(body: FamilyIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response) -> FamilyOut:
    """Register a family with its members (parents), children and risk factors."""
    try:
        family = families.create_family(
            uow.session, data=family_data(body), today=copenhagen_today(), recorded_by=actor.audit_name
        )
    except families.CprInUse as clash:
        raise cpr_clash.refuse(uow, actor, clash) from None
    uow.audit.record("create", person_id=family.id)
    # What the caller sent, with the ids given: shown as stored (she may not see the children afterwards).
    result = family_out(families.family_details(uow.session, [family])[0])
    response.headers["Location"] = f"/api/v1/families/{family.id}"
    with_etag(response, result)
    return result


@router.get("/families", response_model=Page[FamilyOut])
def list_families(
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
    area: Annotated[str | None, Query(max_length=64, description="Housing area code")] = None,
    source_system: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[FamilyOut]:
    """The families the caller may see, oldest change first (for delta sync with `updated_since`)."""
    page = family_repo.list_families(
        uow.session,
        visible=family_repo.visible_families(actor, today=copenhagen_today()),
        updated_since=updated_since,
        area_code=area,
        source_system=source_system,
        cursor=cursor,
        limit=limit,
    )
    items = families_shown(uow.session, actor, families.family_details(uow.session, page.items))
    criteria = {"area": area, "source_system": source_system}
    uow.audit.record_search([f.id for f in items], details=criteria)
    # And each person shown (children and members), so "who saw this person" finds the list too.
    uow.audit.record_each("search", persons_in(items), details={**criteria, "hits": len(items)})
    return Page[FamilyOut](items=items, next_cursor=page.next_cursor)


@router.get("/families/{family_id}", response_model=FamilyOut, responses={200: {"headers": ETAG_HEADER}})
def read_family(family_id: uuid.UUID, uow: UnitOfWorkDep, actor: CurrentActor, response: Response) -> FamilyOut:
    """The family with the children you may see, its members and risk factors (health-related ones only
    where health data is disclosed to you); one read event per person shown."""
    result = _one(uow, actor, family_id)
    uow.audit.record_each("read", persons_in([result]))
    with_etag(response, result)
    return result


@router.patch("/families/{family_id}", response_model=FamilyOut, responses={200: {"headers": ETAG_HEADER}})
def change_family(
    family_id: uuid.UUID,
    body: FamilyPatch,
    request: Request,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    response: Response,
) -> FamilyOut:
    """Change area, team, address or members. Send `If-Match` with the ETag you read."""
    current = _one(uow, actor, family_id)
    require_if_match(request, current)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("members") is not None and not member_cpr_shown(actor):
        changes["members"] = _keeping_cprs(uow, family_id, changes["members"])
    try:
        families.update_family(uow.session, family_id=family_id, changes=changes)
    except families.CprInUse as clash:
        raise cpr_clash.refuse(uow, actor, clash) from None
    result = _one(uow, actor, family_id)
    with_etag(response, result)
    return result


def _keeping_cprs(uow: UnitOfWorkDep, family_id: uuid.UUID, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Members sent by a caller who is not shown their CPR numbers: one sent without a CPR number keeps
    the number of the member of the same role and name (she could not send what she was not shown)."""
    stored = {
        (m.role, m.name): m.cpr
        for m in families.family_details(uow.session, [families.get_family(uow.session, family_id)])[0].members
    }
    return [m if m.get("cpr") else {**m, "cpr": stored.get((m["role"], m["name"]))} for m in members]


@router.put("/families/{family_id}/risk-factors", response_model=FamilyOut)
def set_risk_factors(
    family_id: uuid.UUID, body: RiskFactorsIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> FamilyOut:
    """Replace the family's risk factors (fact codes of the criteria). Health-related ones you are not
    shown (`health_data_withheld`) are kept: you replace only those you can see."""
    codes = list(body.risk_factors)
    if _one(uow, actor, family_id).health_data_withheld:
        recorded = family_repo.risk_codes_for_children(uow.session, [family_id], set())[family_id]
        codes += [code for code in recorded if is_health_risk_factor(code) and code not in codes]
    families.set_risk_factors(
        uow.session,
        family_id=family_id,
        codes=codes,
        today=copenhagen_today(),
        recorded_by=actor.audit_name,
    )
    result = _one(uow, actor, family_id)
    with_etag(response, result)
    return result


@router.post("/bulk/families", response_model=BulkResult)
def bulk_upsert_families(
    uow: UnitOfWorkDep,
    body: Annotated[list[dict[str, object]], Body(max_length=MAX_BULK, description="Up to 1,000 families")],
) -> BulkResult:
    """Create or update up to 1,000 families by `(source_system, external_id)`.

    Each item is all-or-nothing: a bad item is reported with its index and fields and does not stop
    or half-write the others. Sending the same batch twice changes nothing.
    """
    if len(body) > MAX_BULK:
        raise ValidationFailed.for_field("body", f"At most {MAX_BULK} families per request")
    results: list[BulkResultItem | None] = [None] * len(body)
    valid: list[tuple[int, FamilyIn]] = []
    for index, raw in enumerate(body):
        try:
            valid.append((index, FamilyIn.model_validate(raw)))
        except ValidationError as exc:  # this item's field errors; the others go on
            external_id = raw.get("external_id")
            results[index] = BulkResultItem(
                index=index,
                external_id=str(external_id) if external_id is not None else None,
                status="error",
                errors=[{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()],
            )
    outcomes = families.upsert_families(
        uow.session,
        [families.UpsertItem(family_data(item), risk_factors_given=item.risk_factors is not None) for _, item in valid],
        today=copenhagen_today(),
    )
    for (index, item), outcome in zip(valid, outcomes, strict=True):
        if outcome.status in ("created", "updated"):
            uow.audit.record("write", person_id=outcome.family_id, details={"bulk": outcome.status})
        results[index] = BulkResultItem(
            index=index,
            external_id=item.external_id,
            status=outcome.status,  # type: ignore[arg-type]
            id=outcome.family_id if outcome.status != "error" else None,
            errors=[{"field": e.field, "message": e.message} for e in outcome.errors],
        )
    items = [result for result in results if result is not None]
    counts = {s: sum(1 for r in items if r.status == s) for s in ("created", "updated", "unchanged", "error")}
    return BulkResult(
        items=items,
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        failed=counts["error"],
    )
