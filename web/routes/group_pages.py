"""Group courses: the list, one course's participants, and attendance per session as check boxes that are
saved at once (htmx) or with a plain "Gem" button per session."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from domain.clock import copenhagen_now
from domain.clock import copenhagen_today as today_in_copenhagen
from web.client import ApiError
from web.i18n import translate
from web.rendering import is_htmx, render, see_other
from web.session import CsrfChecked, CurrentUser, SignedInApi

router = APIRouter()


@router.get("/groups")
async def group_list(request: Request, api: SignedInApi, me: CurrentUser) -> Response:
    courses: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page = await api.get("/group-courses", limit=200, cursor=cursor)
        courses.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    packages = {p["code"]: p for p in (await api.get("/packages", limit=500))["items"]}
    today = today_in_copenhagen().isoformat()
    return render(
        request,
        "forms/groups.html",
        {"me": me, "courses": courses, "packages": packages, "today": today},
    )


async def _course_page(
    request: Request,
    api: SignedInApi,
    me: dict[str, object],
    course_id: uuid.UUID,
    *,
    saved: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    course = await api.get(f"/group-courses/{course_id}")
    packages = {p["code"]: p for p in (await api.get("/packages", limit=500))["items"]}
    today = today_in_copenhagen().isoformat()
    roles = me.get("roles")
    saved_session = next((s for s in course["sessions"] if s["id"] == saved), None)
    return render(
        request,
        "forms/group.html",
        {
            "me": me,
            "course": course,
            "package": packages.get(course["package_code"]),
            "today": today,
            "can_mark": isinstance(roles, list) and "health_visitor" in roles,
            "saved_session": saved_session,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/groups/{course_id}")
async def group_page(
    request: Request, course_id: uuid.UUID, api: SignedInApi, me: CurrentUser, saved: str | None = None
) -> Response:
    return await _course_page(request, api, me, course_id, saved=saved)


@router.post("/groups/{course_id}/sessions/{session_id}/attendance")
async def mark_attendance(
    request: Request, course_id: uuid.UUID, session_id: uuid.UUID, api: SignedInApi, _csrf: CsrfChecked
) -> Response:
    """Marks for the participants named in `participants` (or the one in `only`): present when also in
    `present`, else absent. A check box saves its own participant at once (htmx); "Gem" saves the column."""
    form = await request.form()
    present = {v for v in form.getlist("present") if isinstance(v, str)}
    only = form.get("only")
    # htmx sends the box's whole column (its form) too; `only` says which participant was clicked.
    everyone = [v for v in form.getlist("participants") if isinstance(v, str)]
    named = [only] if isinstance(only, str) and only else everyone
    marks = [{"participant_id": p, "present": p in present} for p in dict.fromkeys(named)]
    error: str | None = None
    result: dict[str, Any] | None = None
    try:
        result = await api.put(f"/group-courses/{course_id}/sessions/{session_id}/attendance", marks)
    except ApiError as exc:
        if exc.status not in (403, 409, 422):
            raise
        error = translate("groups.error.forbidden" if exc.status == 403 else "groups.error.not_saved")
    if is_htmx(request):
        # 200 even for a refusal, so htmx swaps the message into the status line.
        return render(
            request,
            "forms/group.html",
            {"result": result, "error": error, "saved_at": copenhagen_now().strftime("%H.%M.%S")},
            block="attendance_status",
        )
    if error is None:
        return see_other(request, f"/groups/{course_id}?saved={session_id}")
    me = await api.get("/auth/me")
    return await _course_page(request, api, me, course_id, error=error, status_code=400)
