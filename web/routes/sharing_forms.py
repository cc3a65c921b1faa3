"""Sharing a child's health data with social staff, on the child's page: the consents and legal bases
with who recorded and withdrew them and when, the requests for sharing, and the forms — the health
visitor records, withdraws and declines; family therapists and caseworkers request. The API decides
who may do what; the page only leaves out forms the role cannot use. Every form works without JavaScript."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated, Any, cast

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from domain.clock import COPENHAGEN, copenhagen_today
from web.client import Api, ApiError
from web.i18n import translate
from web.rendering import render, see_other
from web.routes.my_day import all_items
from web.session import CsrfChecked, CurrentUser, SignedInApi
from web.timeline import child_label

router = APIRouter()
JSON = dict[str, Any]
SOCIAL_ROLES = frozenset({"family_therapist", "caseworker"})
SAVED = ("recorded", "withdrawn", "requested", "declined")
FIELDS = ("kind", "legal_basis_kind", "legal_reference", "given_on", "sharing_request_id", "reason")


def _local(moment: str | None) -> str:
    """The API's UTC moment as Copenhagen's local "YYYY-MM-DDTHH:MM" (the template formats it)."""
    if not moment:
        return ""
    value = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")


async def _items(api: Api, path: str) -> tuple[list[JSON], bool]:
    """A list, or ([], True) when the API does not show it to this user."""
    try:
        items, _ = await all_items(api, path, cap=500)
    except ApiError as exc:
        if exc.status != 403:
            raise
        return [], True
    return items, False


async def sharing_section(
    api: Api,
    child_id: uuid.UUID,
    me: dict[str, object],
    *,
    saved: str | None = None,
    answer: str | None = None,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    general_error: str | None = None,
) -> JSON:
    """What `partials/sharing.html` shows for this child and the signed-in user (`GET /auth/me`)."""
    roles = _roles(me)
    consents, refused = await _items(api, f"/children/{child_id}/consents")
    requests, _ = await _items(api, f"/children/{child_id}/sharing-requests")
    kinds: list[JSON] = (await api.get("/legal-basis-kinds"))["items"] if not refused else []
    by_code = {str(k["code"]): k for k in kinds}
    today = copenhagen_today()
    may_grant = "health_visitor" in roles
    pending = [r for r in requests if r.get("status") == "pending"]
    records = [
        {
            "id": c["id"],
            "kind": c["kind"],
            "legal_basis": by_code.get(str(c.get("legal_basis_kind") or "")),
            "reference": c.get("legal_reference") or "",
            "given_on": c.get("given_on") or "",
            "recorded_by": c.get("recorded_by_name") or "",
            "recorded_at": _local(c.get("created_at")),
            "active": bool(c.get("active")),
            "withdrawn_by": c.get("withdrawn_by_name") or "",
            "withdrawn_at": _local(c.get("withdrawn_at")),
        }
        for c in reversed(consents)  # newest first
    ]
    shared_now = any(r["active"] and str(r["given_on"]) <= today.isoformat() for r in records)
    asked_already = any(str(r.get("requested_by")) == str(me.get("id")) for r in pending)
    return {
        "refused": refused,
        "records": records,
        "shared_now": shared_now,
        "requests": [
            {
                "id": r["id"],
                "status": r.get("status") or "pending",
                "reason": r.get("reason") or "",
                "requested_by": r.get("requested_by_name") or "",
                "asked_at": _local(r.get("created_at")),
                "answered_by": r.get("answered_by_name") or "",
                "answered_at": _local(r.get("answered_at")),
                "decline_reason": r.get("decline_reason") or "",
            }
            for r in reversed(requests)  # newest first
        ],
        "pending": pending,
        "kinds": kinds,
        "may_grant": may_grant,
        "may_request": bool(roles & SOCIAL_ROLES) and not shared_now and not asked_already,
        "asked_already": asked_already,
        "today": today.isoformat(),
        "saved": saved if saved in SAVED else None,
        "answer": answer or (form or {}).get("sharing_request_id", ""),
        "form": form or {},
        "errors": errors or {},
        "general_error": general_error,
    }


def _roles(me: dict[str, object]) -> set[str]:
    return {str(role) for role in cast(list[Any], me.get("roles") or [])}


async def _page(
    request: Request,
    api: Api,
    me: dict[str, object],
    child_id: uuid.UUID,
    *,
    answer: str | None = None,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    general_error: str | None = None,
    status_code: int = 200,
) -> Response:
    child = await api.get(f"/children/{child_id}")
    sharing = await sharing_section(
        api,
        child_id,
        me,
        answer=answer,
        form=form,
        errors=errors,
        general_error=general_error,
    )
    return render(
        request,
        "forms/sharing.html",
        {"me": me, "child": child, "name": child_label(child), "sharing": sharing},
        status_code=status_code,
    )


def _back(request: Request, child_id: uuid.UUID, saved: str) -> Response:
    return see_other(request, f"/children/{child_id}?shared={saved}#sharing-heading")


async def _refused_form(
    request: Request,
    api: Api,
    me: dict[str, object],
    child_id: uuid.UUID,
    exc: ApiError,
    form: dict[str, str],
) -> Response:
    """A 422 or 409 from the API: the form again, with the fields' messages (403 and 404 are the error pages)."""
    if exc.status not in (409, 422):
        raise exc
    errors = {name: translate(f"sharing.error.{name}") for name in exc.field_errors() if name in FIELDS}
    if exc.status == 409:
        general = translate("sharing.error.conflict")
    elif errors:
        general = translate("sharing.error.summary")
    else:
        general = f"{translate('sharing.error.general')} {exc.detail}"
    return await _page(request, api, me, child_id, form=form, errors=errors, general_error=general, status_code=400)


@router.get("/children/{child_id}/sharing")
async def sharing_page(
    request: Request, child_id: uuid.UUID, api: SignedInApi, me: CurrentUser, answer: uuid.UUID | None = None
) -> Response:
    """The section on its own page: where a form comes back with its errors, and where "answer" preselects
    the request the health visitor answers."""
    return await _page(request, api, me, child_id, answer=str(answer) if answer else None)


@router.post("/children/{child_id}/sharing/consents")
async def record_consent(
    request: Request,
    child_id: uuid.UUID,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    kind: Annotated[str, Form(max_length=20)] = "",
    legal_basis_kind: Annotated[str, Form(max_length=64)] = "",
    legal_reference: Annotated[str, Form(max_length=300)] = "",
    given_on: Annotated[str, Form(max_length=10)] = "",
    sharing_request_id: Annotated[str, Form(max_length=36)] = "",
) -> Response:
    form = {
        "kind": kind,
        "legal_basis_kind": legal_basis_kind,
        "legal_reference": legal_reference,
        "given_on": given_on,
        "sharing_request_id": sharing_request_id,
    }
    errors: dict[str, str] = {}
    if kind not in ("consent", "legal_basis"):
        errors["kind"] = translate("sharing.error.kind")
    try:
        given = date.fromisoformat(given_on)
    except ValueError:
        errors["given_on"] = translate("sharing.error.given_on")
    if errors:
        return await _page(
            request,
            api,
            me,
            child_id,
            form=form,
            errors=errors,
            general_error=translate("sharing.error.summary"),
            status_code=400,
        )
    body: JSON = {"kind": kind, "given_on": given.isoformat()}
    if kind == "legal_basis":
        body["legal_basis_kind"] = legal_basis_kind.strip() or None
    if legal_reference.strip():
        body["legal_reference"] = legal_reference.strip()
    if sharing_request_id.strip():
        body["sharing_request_id"] = sharing_request_id.strip()
    try:
        await api.post(f"/children/{child_id}/consents", body)
    except ApiError as exc:
        return await _refused_form(request, api, me, child_id, exc, form)
    return _back(request, child_id, "recorded")


@router.post("/children/{child_id}/sharing/consents/{consent_id}/withdraw")
async def withdraw_consent(
    request: Request, child_id: uuid.UUID, consent_id: uuid.UUID, api: SignedInApi, me: CurrentUser, _csrf: CsrfChecked
) -> Response:
    try:
        await api.post(f"/consents/{consent_id}/withdraw")
    except ApiError as exc:
        return await _refused_form(request, api, me, child_id, exc, {})
    return _back(request, child_id, "withdrawn")


@router.post("/children/{child_id}/sharing/requests")
async def request_sharing(
    request: Request,
    child_id: uuid.UUID,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = {"reason": reason}
    if not reason.strip():
        errors = {"reason": translate("sharing.error.reason")}
        general = translate("sharing.error.summary")
        return await _page(request, api, me, child_id, form=form, errors=errors, general_error=general, status_code=400)
    try:
        await api.post(f"/children/{child_id}/sharing-requests", {"reason": reason.strip()})
    except ApiError as exc:
        return await _refused_form(request, api, me, child_id, exc, form)
    return _back(request, child_id, "requested")


@router.post("/children/{child_id}/sharing/requests/{request_id}/decline")
async def decline_request(
    request: Request,
    child_id: uuid.UUID,
    request_id: uuid.UUID,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    form = {"decline_id": str(request_id), "decline_reason": reason}
    if not reason.strip():
        errors = {"reason": translate("sharing.error.reason")}
        general = translate("sharing.error.summary")
        return await _page(request, api, me, child_id, form=form, errors=errors, general_error=general, status_code=400)
    try:
        await api.post(f"/sharing-requests/{request_id}/decline", {"reason": reason.strip()})
    except ApiError as exc:
        return await _refused_form(request, api, me, child_id, exc, form)
    return _back(request, child_id, "declined")
