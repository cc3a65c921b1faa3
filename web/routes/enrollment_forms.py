"""Enrolment: choose a package, see the schedule it would plan (the API's dry run), and confirm."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from domain.clock import copenhagen_today as today_in_copenhagen
from web.client import Api, ApiError
from web.i18n import translate
from web.rendering import is_htmx, render, see_other
from web.session import CsrfChecked, CurrentUser, SignedInApi

router = APIRouter()

PackageField = Annotated[str, Form(max_length=64)]
DateField = Annotated[str, Form(max_length=10)]


def _errors(error: ApiError) -> dict[str, str]:
    """The API's refusal as Danish messages next to the package or the start date."""
    if error.status == 409:
        return {"package_code": translate("enrol.error.already")}
    fields = error.field_errors()
    if "start_date" in fields:
        return {"start_date": translate("enrol.error.start_date")}
    if "package_code" in fields and "group" in fields["package_code"]:
        return {"package_code": translate("enrol.error.group")}
    if any(name.startswith("staff") for name in fields):
        return {"package_code": translate("enrol.error.staff")}
    return {"package_code": translate("enrol.error.package")}


async def _choices(api: Api, child_id: uuid.UUID) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The packages a child can be enrolled in (not group courses, not already active) and its enrolments."""
    packages = (await api.get("/packages", limit=500))["items"]
    enrolments = (await api.get(f"/children/{child_id}/enrollments", limit=500))["items"]
    active = {e["package_code"] for e in enrolments if e["active"]}
    offered = [p for p in packages if p["cadence"] != "group" and p["code"] not in active]
    return offered, [e for e in enrolments if e["active"]]


async def _preview(api: Api, child_id: uuid.UUID, package_code: str, start_date: str) -> dict[str, Any]:
    """The dry run with each visit's Danish label from the package version it would use."""
    body: dict[str, Any] = {"package_code": package_code, "dry_run": True}
    if start_date:
        body["start_date"] = start_date
    plan: dict[str, Any] = await api.post(f"/children/{child_id}/enrollments", body)
    package = await api.get(f"/packages/{package_code}")
    version = next((v for v in package["versions"] if v["version"] == plan["package_version"]), package["versions"][-1])
    plan["labels"] = {rule["kind"]: rule for rule in version.get("visits", [])}
    plan["cadence"] = version["cadence"]
    return plan


async def _page(
    request: Request,
    api: Api,
    me: dict[str, object],
    child_id: uuid.UUID,
    *,
    package_code: str = "",
    start_date: str = "",
    plan: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    block: str | None = None,
) -> Response:
    offered, active = await _choices(api, child_id)
    context: dict[str, Any] = {
        "me": me,
        "child_id": child_id,
        "packages": offered,
        "active": active,
        "package_code": package_code,
        "start_date": start_date or today_in_copenhagen().isoformat(),
        "plan": plan,
        "errors": errors or {},
    }
    if block is None or not is_htmx(request):
        context["child"] = await api.get(f"/children/{child_id}")
    return render(request, "forms/enrol.html", context, block=block, status_code=status_code)


@router.get("/children/{child_id}/enrol")
async def enrol_form(request: Request, child_id: uuid.UUID, api: SignedInApi, me: CurrentUser) -> Response:
    return await _page(request, api, me, child_id)


@router.post("/children/{child_id}/enrol/preview")
async def enrol_preview(
    request: Request,
    child_id: uuid.UUID,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    package_code: PackageField = "",
    start_date: DateField = "",
) -> Response:
    """The schedule the enrolment would plan: the preview block for htmx, the whole page without JS."""
    plan = None
    errors: dict[str, str] = {}
    if package_code:
        try:
            plan = await _preview(api, child_id, package_code, start_date)
        except ApiError as exc:
            if exc.status not in (409, 422):
                raise
            errors = _errors(exc)
    return await _page(
        request,
        api,
        me,
        child_id,
        package_code=package_code,
        start_date=start_date,
        plan=plan,
        errors=errors,
        block="preview",
    )


@router.post("/children/{child_id}/enrol")
async def enrol(
    request: Request,
    child_id: uuid.UUID,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    package_code: PackageField = "",
    start_date: DateField = "",
) -> Response:
    """Enrol for real and go to the child's page; a refusal shows next to the field, choices kept."""
    if not package_code:
        errors = {"package_code": translate("enrol.error.choose")}
    else:
        body: dict[str, Any] = {"package_code": package_code}
        if start_date:
            body["start_date"] = start_date
        try:
            await api.post(f"/children/{child_id}/enrollments", body)
        except ApiError as exc:
            if exc.status not in (409, 422):
                raise
            errors = _errors(exc)
        else:
            return see_other(request, f"/children/{child_id}")
    return await _page(
        request, api, me, child_id, package_code=package_code, start_date=start_date, errors=errors, status_code=400
    )
