"""Families: create, list, read, change, risk factors, and the bulk upsert for case systems."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response, status

from api.concurrency import ETAG_HEADER, require_if_match, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.presenters import family_out
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
from domain.errors import DomainError, ValidationFailed
from domain.rules.visit_state import copenhagen_today
from domain.services import families
from domain.store.repositories import families as family_repo

router = APIRouter(tags=["families and children"], responses=PROBLEM_RESPONSES)
MAX_BULK = 1000


def family_data(body: FamilyIn) -> families.FamilyData:
    return families.FamilyData(
        source_system=body.source_system,
        external_id=body.external_id,
        area=body.area,
        team=body.team,
        address=body.address,
        risk_factors=tuple(body.risk_factors or ()),
        members=tuple(families.MemberData(**m.model_dump()) for m in body.members),
        children=tuple(families.ChildData(**c.model_dump()) for c in body.children),
    )


def _one(uow: UnitOfWorkDep, family_id: uuid.UUID) -> FamilyOut:
    family = families.get_family(uow.session, family_id)
    return family_out(families.family_details(uow.session, [family])[0])


@router.post(
    "/families",
    status_code=status.HTTP_201_CREATED,
    response_model=FamilyOut,
    responses={201: {"headers": ETAG_HEADER}},
)
def create_family(body: FamilyIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response) -> FamilyOut:
    """Register a family with its members (parents), children and risk factors."""
    family = families.create_family(
        uow.session, data=family_data(body), today=copenhagen_today(), recorded_by=actor.audit_name
    )
    uow.audit.record("create", person_id=family.id)
    result = _one(uow, family.id)
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
    items = [family_out(d) for d in families.family_details(uow.session, page.items)]
    uow.audit.record_each("search", [f.id for f in items], details={"area": area, "source_system": source_system})
    return Page[FamilyOut](items=items, next_cursor=page.next_cursor)


@router.get("/families/{family_id}", response_model=FamilyOut, responses={200: {"headers": ETAG_HEADER}})
def read_family(family_id: uuid.UUID, uow: UnitOfWorkDep, response: Response) -> FamilyOut:
    result = _one(uow, family_id)
    with_etag(response, result)
    return result


@router.patch("/families/{family_id}", response_model=FamilyOut, responses={200: {"headers": ETAG_HEADER}})
def change_family(
    family_id: uuid.UUID, body: FamilyPatch, request: Request, uow: UnitOfWorkDep, response: Response
) -> FamilyOut:
    """Change area, team, address or members. Send `If-Match` with the ETag you read."""
    require_if_match(request, _one(uow, family_id))
    families.update_family(uow.session, family_id=family_id, changes=body.model_dump(exclude_unset=True))
    result = _one(uow, family_id)
    with_etag(response, result)
    return result


@router.put("/families/{family_id}/risk-factors", response_model=FamilyOut)
def set_risk_factors(
    family_id: uuid.UUID, body: RiskFactorsIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> FamilyOut:
    """Replace the family's risk factors (fact codes of the criteria)."""
    families.set_risk_factors(
        uow.session,
        family_id=family_id,
        codes=body.risk_factors,
        today=copenhagen_today(),
        recorded_by=actor.audit_name,
    )
    result = _one(uow, family_id)
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
    today = copenhagen_today()
    results: list[BulkResultItem] = []
    for index, raw in enumerate(body):
        external_id = raw.get("external_id") if isinstance(raw, dict) else None
        try:
            item = FamilyIn.model_validate(raw)
        except Exception as exc:  # pydantic.ValidationError: report it as this item's field errors
            errors = getattr(exc, "errors", lambda: [])()
            results.append(
                BulkResultItem(
                    index=index,
                    external_id=str(external_id) if external_id is not None else None,
                    status="error",
                    errors=[{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in errors],
                )
            )
            continue
        savepoint = uow.session.begin_nested()
        try:
            outcome, family = families.upsert_family(
                uow.session, data=family_data(item), risk_factors_given=item.risk_factors is not None, today=today
            )
            savepoint.commit()
        except DomainError as exc:
            savepoint.rollback()
            field_errors = getattr(exc, "errors", None) or []
            results.append(
                BulkResultItem(
                    index=index,
                    external_id=item.external_id,
                    status="error",
                    errors=[{"field": e.field, "message": e.message} for e in field_errors]
                    or [{"field": "", "message": exc.detail}],
                )
            )
            continue
        if outcome != "unchanged":
            uow.audit.record("write", person_id=family.id, details={"bulk": outcome})
        results.append(BulkResultItem(index=index, external_id=item.external_id, status=outcome, id=family.id))  # type: ignore[arg-type]
    counts = {s: sum(1 for r in results if r.status == s) for s in ("created", "updated", "unchanged", "error")}
    return BulkResult(
        items=results,
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        failed=counts["error"],
    )
