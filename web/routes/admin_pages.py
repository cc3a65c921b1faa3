"""Administration: the package catalog and the shared criteria, read, and a new version of either edited
as JSON; the API validates it and names every offending field."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from starlette.responses import Response

from domain.clock import copenhagen_today as today_in_copenhagen
from web.client import Api, ApiError
from web.i18n import translate
from web.rendering import render, see_other
from web.session import CsrfChecked, CurrentUser, SignedInApi

router = APIRouter()

PackageCode = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
DefinitionField = Annotated[str, Form(max_length=200_000)]


def _require_admin(me: dict[str, object]) -> None:
    roles = me.get("roles")
    if not isinstance(roles, list) or "admin" not in roles:
        raise ApiError(status=403, detail="Administration is for admins")


def _next_version_text(definition: dict[str, Any]) -> str:
    """The latest version as the starting point of the next: no version number (the server assigns it), and
    valid from today unless the latest starts later."""
    draft = {k: v for k, v in definition.items() if k != "version"}
    today = today_in_copenhagen().isoformat()
    draft["valid_from"] = max(str(draft.get("valid_from") or today), today)
    return json.dumps(draft, ensure_ascii=False, indent=2)


def _parse(text: str) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        message = translate("admin.error.json").format(line=exc.lineno, column=exc.colno)
        return None, [{"field": "", "message": message}]
    if not isinstance(value, dict):
        return None, [{"field": "", "message": translate("admin.error.object")}]
    return value, []


def _api_errors(error: ApiError) -> list[dict[str, str]]:
    if error.errors:
        return [{"field": e.get("field", ""), "message": e.get("message", "")} for e in error.errors]
    return [{"field": "", "message": error.detail}]


async def _all_packages(api: Api) -> list[dict[str, Any]]:
    summaries = (await api.get("/packages", limit=500))["items"]
    return [{**s, "detail": await api.get(f"/packages/{s['code']}")} for s in summaries]


@router.get("/admin")
async def admin_page(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    package: str | None = None,
    criteria: int | None = None,
    version: int | None = None,
) -> Response:
    _require_admin(me)
    packages = await _all_packages(api)
    found = await api.get("/criteria")
    saved = None
    if package and version:
        name = next((p["name_da"] for p in packages if p["code"] == package), package)
        saved = translate("admin.saved.package").format(version=version, name=name)
    elif criteria:
        saved = translate("admin.saved.criteria").format(version=criteria)
    definition = found["criteria"]
    return render(
        request,
        "forms/admin.html",
        {
            "me": me,
            "packages": packages,
            "criteria": found,
            "package_names": {p["code"]: p for p in packages},
            "referral_names": {r["code"]: r for r in definition.get("referrals", [])},
            "saved": saved,
        },
    )


def _edit_page(
    request: Request,
    me: dict[str, object],
    *,
    kind: str,
    heading: str,
    action: str,
    text: str,
    base_version: int | None,
    errors: list[dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "forms/admin_edit.html",
        {
            "me": me,
            "kind": kind,
            "heading": heading,
            "action": action,
            "text": text,
            "base_version": base_version,
            "errors": errors or [],
        },
        status_code=status_code,
    )


@router.get("/admin/packages/{code}/new-version")
async def new_package_version(request: Request, code: PackageCode, api: SignedInApi, me: CurrentUser) -> Response:
    _require_admin(me)
    package = await api.get(f"/packages/{code}")
    latest = package["versions"][-1]
    return _edit_page(
        request,
        me,
        kind="package",
        heading=translate("admin.edit.package").format(name=latest["name_da"]),
        action=f"/admin/packages/{code}/new-version",
        text=_next_version_text(latest),
        base_version=latest.get("version"),
    )


@router.post("/admin/packages/{code}/new-version")
async def save_package_version(
    request: Request,
    code: PackageCode,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    definition: DefinitionField = "",
) -> Response:
    _require_admin(me)
    package = await api.get(f"/packages/{code}")
    latest = package["versions"][-1]
    value, errors = _parse(definition)
    if value is not None:
        try:
            saved = await api.post(f"/packages/{code}/versions", value)
        except ApiError as exc:
            if exc.status not in (409, 422):
                raise
            errors = _api_errors(exc)
        else:
            return see_other(request, f"/admin?package={code}&version={saved['version']}")
    return _edit_page(
        request,
        me,
        kind="package",
        heading=translate("admin.edit.package").format(name=latest["name_da"]),
        action=f"/admin/packages/{code}/new-version",
        text=definition,
        base_version=latest.get("version"),
        errors=errors,
        status_code=400,
    )


@router.get("/admin/criteria/new-version")
async def new_criteria_version(request: Request, api: SignedInApi, me: CurrentUser) -> Response:
    _require_admin(me)
    found = await api.get("/criteria", version=None)
    latest = await api.get("/criteria", version=found["versions"][-1]["version"])
    return _edit_page(
        request,
        me,
        kind="criteria",
        heading=translate("admin.edit.criteria"),
        action="/admin/criteria/new-version",
        text=_next_version_text(latest["criteria"]),
        base_version=found["versions"][-1]["version"],
    )


@router.post("/admin/criteria/new-version")
async def save_criteria_version(
    request: Request, api: SignedInApi, me: CurrentUser, _csrf: CsrfChecked, definition: DefinitionField = ""
) -> Response:
    _require_admin(me)
    found = await api.get("/criteria")
    value, errors = _parse(definition)
    if value is not None:
        try:
            saved = await api.post("/criteria/versions", value)
        except ApiError as exc:
            if exc.status not in (409, 422):
                raise
            errors = _api_errors(exc)
        else:
            return see_other(request, f"/admin?criteria={saved['criteria'].get('version') or saved['current_version']}")
    return _edit_page(
        request,
        me,
        kind="criteria",
        heading=translate("admin.edit.criteria"),
        action="/admin/criteria/new-version",
        text=definition,
        base_version=found["versions"][-1]["version"],
        errors=errors,
        status_code=400,
    )
