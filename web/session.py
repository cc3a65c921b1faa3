"""The staff member's session in the browser: the API token in an HttpOnly, SameSite=Strict cookie
(Secure over TLS), and CSRF tokens on every form post."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.responses import Response

from web.client import Api, ApiTransport

SESSION_COOKIE = "ti_session"
SIGN_IN_COOKIE = "ti_signin"  # double-submit token for the sign-in form, before any session exists
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class SignInRequired(Exception):
    """No (valid) session: the page redirects to the sign-in form."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class CsrfRejected(Exception):
    """A form post without the right CSRF token."""


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def csrf_token(request: Request, session_token: str) -> str:
    key: str = request.app.state.csrf_key
    return hmac.new(key.encode(), session_token.encode(), hashlib.sha256).hexdigest()[:40]


def set_session(request: Request, response: Response, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, secure=_secure(request), samesite="strict", path="/"
    )
    response.delete_cookie(SIGN_IN_COOKIE, path="/")


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def new_sign_in_token() -> str:
    return secrets.token_urlsafe(24)


def remember_sign_in_token(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SIGN_IN_COOKIE, token, max_age=3600, httponly=True, secure=_secure(request), samesite="strict", path="/"
    )


def check_sign_in_token(request: Request, submitted: str | None) -> None:
    expected = request.cookies.get(SIGN_IN_COOKIE)
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise CsrfRejected


async def check_csrf(request: Request) -> None:
    """Every state-changing request from a page must carry the session's CSRF token (form or header)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    token = request.cookies.get(SESSION_COOKIE)
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not token or not submitted or not hmac.compare_digest(csrf_token(request, token), submitted):
        raise CsrfRejected


def api_for(request: Request) -> Api:
    """The API as the signed-in user; pages without a session are sent to sign in."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired(request.url.path)
    transport: ApiTransport = request.app.state.api_transport
    return Api(transport, token=token, request_id=getattr(request.state, "request_id", None))


def anonymous_api(request: Request) -> Api:
    transport: ApiTransport = request.app.state.api_transport
    return Api(transport, token=None, request_id=getattr(request.state, "request_id", None))


def sign_in_url(next_path: str) -> str:
    return "/sign-in?next=" + quote(next_path, safe="/")


SignedInApi = Annotated[Api, Depends(api_for)]
CsrfChecked = Annotated[None, Depends(check_csrf)]


async def current_user(api: SignedInApi) -> dict[str, object]:
    """Who is signed in (`GET /auth/me`): id, username, roles, team_id — for the layout and the pages."""
    me: dict[str, object] = await api.get("/auth/me")
    return me


CurrentUser = Annotated[dict[str, object], Depends(current_user)]
