"""Signing in and out of the staff pages."""

from __future__ import annotations

import logging
from typing import Annotated

import httpx
from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from web.client import ApiError
from web.i18n import translate
from web.rendering import render
from web.session import (
    SESSION_COOKIE,
    CsrfChecked,
    anonymous_api,
    api_for,
    check_sign_in_token,
    end_session,
    new_sign_in_token,
    remember_sign_in_token,
    set_session,
)

router = APIRouter()
log = logging.getLogger("tidlig_indsats.web")


def _safe_next(next_path: str | None) -> str:
    # Only paths on this site: never an absolute or scheme-relative URL (open redirect).
    if next_path and next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return "/my-day"


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None) -> Response:
    token = new_sign_in_token()
    response = render(
        request, "sign_in.html", {"next": _safe_next(next), "username": "", "error": None, "sign_in_token": token}
    )
    remember_sign_in_token(request, response, token)
    return response


@router.post("/sign-in")
async def sign_in(
    request: Request,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    sign_in_token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=500)] = "/my-day",
) -> Response:
    check_sign_in_token(request, sign_in_token)
    error = None
    if not username.strip() or not password:
        error = translate("sign_in.missing")
    else:
        try:
            issued = await anonymous_api(request).sign_in(username.strip(), password)
        except ApiError as exc:
            error = translate("sign_in.too_many") if exc.status == 429 else translate("sign_in.wrong")
        else:
            response = RedirectResponse(_safe_next(next), status_code=303)
            set_session(request, response, issued["access_token"], int(issued["expires_in"]))
            return response
    response = render(
        request,
        "sign_in.html",
        {"next": _safe_next(next), "username": username, "error": error, "sign_in_token": sign_in_token},
        status_code=400,
    )
    return response


@router.post("/sign-out")
async def sign_out(request: Request, _csrf: CsrfChecked) -> Response:
    """Revoke the session's token, so it stops working everywhere at once, and drop the cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            await api_for(request).revoke(token)
        except (ApiError, httpx.HTTPError) as exc:
            # The cookie goes anyway; the token then lapses when it expires (at most ACCESS_TOKEN_MINUTES).
            log.warning("signing out: the token was not revoked", extra={"status": getattr(exc, "status", None)})
    response = RedirectResponse("/sign-in", status_code=303)
    end_session(response)
    return response
