"""Referrals of a child to other services (small-children team, COS-P, Marte Meo, PPR, social services, ...)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from api.concurrency import ETAG_HEADER, require_if_match, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.presenters import shown
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.referrals import ReferralIn, ReferralOut, ReferralPatch
from domain.clock import copenhagen_today
from domain.services import referrals

router = APIRouter(tags=["referrals"], responses=PROBLEM_RESPONSES)


@router.post(
    "/children/{child_id}/referrals",
    status_code=status.HTTP_201_CREATED,
    response_model=ReferralOut,
    responses={201: {"headers": ETAG_HEADER}},
)
def create_referral(
    child_id: uuid.UUID, body: ReferralIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> ReferralOut:
    """Refer the child to another service; the assigned professional may see the child while it is open."""
    today = copenhagen_today()
    referral = referrals.create_referral(
        uow.session,
        child_id=child_id,
        target=body.target,
        reason=body.reason,
        sent_on=body.sent_on or today,
        referred_by=actor.id if actor.is_staff else None,
        assigned_staff_id=body.assigned_staff_id,
        today=today,
    )
    uow.audit.record("create", person_id=child_id, details={"referral_id": str(referral.id), "target": referral.target})
    result = shown(uow.session, actor, ReferralOut.of(referral), today=today)
    response.headers["Location"] = f"/api/v1/referrals/{referral.id}"
    with_etag(response, result)
    return result


@router.get("/children/{child_id}/referrals", response_model=Page[ReferralOut])
def list_referrals(
    child_id: uuid.UUID,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
) -> Page[ReferralOut]:
    """The child's referrals, oldest sent first, finished ones included."""
    page = referrals.referrals_of_child(
        uow.session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    answer = Page[ReferralOut](items=[ReferralOut.of(r) for r in page.items], next_cursor=page.next_cursor)
    return shown(uow.session, actor, answer)


@router.get("/referrals/{referral_id}", response_model=ReferralOut, responses={200: {"headers": ETAG_HEADER}})
def read_referral(referral_id: uuid.UUID, uow: UnitOfWorkDep, actor: CurrentActor, response: Response) -> ReferralOut:
    """One referral, with the ETag to send as `If-Match` when changing it."""
    result = shown(uow.session, actor, ReferralOut.of(referrals.get_referral(uow.session, referral_id)))
    with_etag(response, result)
    return result


@router.patch("/referrals/{referral_id}", response_model=ReferralOut, responses={200: {"headers": ETAG_HEADER}})
def change_referral(
    referral_id: uuid.UUID,
    body: ReferralPatch,
    request: Request,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    response: Response,
) -> ReferralOut:
    """Accept, decline or finish a referral, note why, or reassign it. Send `If-Match`."""
    require_if_match(
        request, shown(uow.session, actor, ReferralOut.of(referrals.get_referral(uow.session, referral_id)))
    )
    referral = referrals.change_referral(
        uow.session, referral_id=referral_id, changes=body.model_dump(exclude_unset=True)
    )
    result = shown(uow.session, actor, ReferralOut.of(referral))
    with_etag(response, result)
    return result
