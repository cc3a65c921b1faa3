"""Search for a child or family by name, full CPR number or housing area, among those the user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from web.client import Api, ApiError
from web.i18n import translate
from web.rendering import is_htmx, render
from web.session import CurrentUser, SignedInApi
from web.timeline import child_dates, child_label, looks_like_cpr, mask_cpr

router = APIRouter()

RESULT_LIMIT = 25
_AREA_CODE = re.compile(r"^[a-z0-9_\-æøå]{1,64}$")
JSON = dict[str, Any]


@dataclass
class Result:
    child: JSON
    family: JSON

    @property
    def id(self) -> str:
        return str(self.child["id"])

    @property
    def name(self) -> str:
        return child_label(self.child)

    @property
    def dates(self) -> str:
        return child_dates(self.child)

    @property
    def cpr(self) -> str:
        return mask_cpr(self.child.get("cpr"))

    @property
    def level(self) -> int | None:
        level = self.child.get("level")
        return int(level) if level is not None else None

    @property
    def parents(self) -> list[str]:
        return [str(m["name"]) for m in self.family.get("members", []) if m.get("name")]

    @property
    def area(self) -> str:
        return str(self.family.get("area") or "")


def _criteria(q: str, area: str) -> tuple[dict[str, str], dict[str, str]]:
    """The API's query parameters for what was typed, or the errors to show next to the fields."""
    params: dict[str, str] = {}
    errors: dict[str, str] = {}
    text = q.strip()
    if text:
        if looks_like_cpr(text):
            params["cpr"] = text
        elif re.fullmatch(r"[\d\s\-]+", text):
            errors["q"] = translate("search.error.cpr")
        elif len(text) < 2:
            errors["q"] = translate("search.error.short")
        else:
            params["name"] = text
    code = area.strip().lower()
    if code:
        if _AREA_CODE.match(code):
            params["area"] = code
        else:
            errors["area"] = translate("search.error.area")
    return params, errors


async def _families(api: Api, family_ids: list[str]) -> dict[str, JSON]:
    found: dict[str, JSON] = {}
    for family_id in dict.fromkeys(family_ids):
        try:
            found[family_id] = await api.get(f"/families/{family_id}")
        except ApiError as exc:
            if exc.status == 401:
                raise
            found[family_id] = {}
    return found


@router.get("/search")
async def search(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    q: Annotated[str, Query(max_length=100)] = "",
    area: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    params, errors = _criteria(q, area)
    results: list[Result] = []
    more = False
    searched = bool(params) and not errors
    if searched:
        try:
            page = await api.get("/children", **params, limit=RESULT_LIMIT)
        except ApiError as exc:
            if exc.status != 422:
                raise
            fields = {name.rsplit(".", 1)[-1] for name in exc.field_errors()}
            if "cpr" in fields:
                errors["q"] = translate("search.error.cpr")
            if "name" in fields:
                errors["q"] = translate("search.error.short")
            if "area" in fields:
                errors["area"] = translate("search.error.area")
            if not errors:
                errors["q"] = exc.detail
            searched = False
        else:
            families = await _families(api, [str(c["family_id"]) for c in page["items"]])
            results = [Result(child=c, family=families.get(str(c["family_id"]), {})) for c in page["items"]]
            more = page.get("next_cursor") is not None
    context = {
        "me": me,
        "q": q,
        "area": area,
        "errors": errors,
        "results": results,
        "more": more,
        "searched": searched,
        "live": is_htmx(request),
    }
    # Always 200: htmx swaps only successful answers, and the errors must replace the old results.
    return render(request, "search.html", context, block="results")
