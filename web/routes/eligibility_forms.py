"""Eligibility: the suggested level, packages and referrals with the criteria that fired, and the level
decision (accept the suggestion, or override it by professional judgement with a reason)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from web.client import Api, ApiError
from web.i18n import translate
from web.rendering import render, see_other
from web.session import CsrfChecked, CurrentUser, SignedInApi

router = APIRouter()

FIELD_MESSAGES = {
    "reason": "eligibility.error.reason",
    "level": "eligibility.error.level",
    "basis": "eligibility.error.general",
    "effective_on": "eligibility.error.general",
}


async def _page(
    request: Request,
    api: Api,
    me: dict[str, object],
    child_id: uuid.UUID,
    *,
    decision: str = "",
    level: str = "",
    reason: str = "",
    errors: dict[str, str] | None = None,
    general_error: str | None = None,
    saved: int | None = None,
    status_code: int = 200,
) -> Response:
    child = await api.get(f"/children/{child_id}")
    found = await api.get(f"/children/{child_id}/eligibility")
    criteria = await api.get("/criteria", version=found["criteria_version"])
    levels = (await api.get("/levels"))["items"]
    packages = (await api.get("/packages", limit=500))["items"]
    history = (await api.get(f"/children/{child_id}/level-decisions", limit=500))["items"]
    definition: dict[str, Any] = criteria["criteria"]
    return render(
        request,
        "forms/eligibility.html",
        {
            "me": me,
            "child": child,
            "found": found,
            "criteria_version": criteria["criteria"].get("version") or found["criteria_version"],
            "fired": [c for c in definition["criteria"] if c["code"] in set(found["fired"])],
            "level_names": {lv["level"]: lv for lv in levels},
            "levels": levels,
            "package_names": {p["code"]: p for p in packages},
            "referral_names": {r["code"]: r for r in definition.get("referrals", [])},
            "latest": history[-1] if history else None,
            "decision": decision,
            "chosen_level": level,
            "reason": reason,
            "errors": errors or {},
            "general_error": general_error,
            "saved": saved,
        },
        status_code=status_code,
    )


@router.get("/children/{child_id}/eligibility")
async def eligibility_page(
    request: Request, child_id: uuid.UUID, api: SignedInApi, me: CurrentUser, saved: int | None = None
) -> Response:
    return await _page(request, api, me, child_id, saved=saved)


@router.post("/children/{child_id}/eligibility")
async def decide_level(
    request: Request,
    child_id: uuid.UUID,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    decision: Annotated[Literal["accept", "override"], Form()],
    level: Annotated[str, Form(max_length=2)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Accept: basis criteria at the suggested level. Override: professional judgement, a reason required."""
    errors: dict[str, str] = {}
    if not level.isdigit():
        errors["level"] = translate("eligibility.error.level")
    if decision == "override" and not reason.strip():
        errors["reason"] = translate("eligibility.error.reason")
    if not errors:
        body = {
            "level": int(level),
            "basis": "criteria" if decision == "accept" else "professional_judgement",
            "reason": reason.strip() if decision == "override" else "",
        }
        try:
            await api.post(f"/children/{child_id}/level-decisions", body)
        except ApiError as exc:
            if exc.status != 422:
                raise
            for name in exc.field_errors():
                errors[name if name in FIELD_MESSAGES else "general"] = translate(
                    FIELD_MESSAGES.get(name, "eligibility.error.general")
                )
            if not errors:
                errors["general"] = translate("eligibility.error.general")
        else:
            return see_other(request, f"/children/{child_id}/eligibility?saved={int(level)}")
    if decision == "accept":
        # The criteria suggest another level now (or the form was tampered with): show the new suggestion.
        errors.clear()
        general = translate("eligibility.error.stale")
    else:
        general = errors.pop("general", "") or translate("eligibility.error.summary")
    return await _page(
        request,
        api,
        me,
        child_id,
        decision=decision,
        level=level,
        reason=reason,
        errors=errors,
        general_error=general,
        status_code=400,
    )
