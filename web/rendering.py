"""Full pages on normal requests, named blocks (fragments) of the same template for htmx."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.responses import RedirectResponse, Response

from web.i18n import language_of
from web.session import SESSION_COOKIE, csrf_token

LANGUAGE_COOKIE = "ti_lang"


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
) -> Response:
    """The whole page, or only `block` when htmx asks; always `Vary: HX-Request`."""
    templates = request.app.state.templates
    token = request.cookies.get(SESSION_COOKIE)
    lang = language_of(request.query_params.get("lang"), request.cookies.get(LANGUAGE_COOKIE))
    full_context = {"csrf_token": csrf_token(request, token) if token else "", "lang": lang, **(context or {})}
    if block and is_htmx(request):
        response = templates.TemplateResponse(
            request, template, full_context, block_name=block, status_code=status_code
        )
    else:
        response = templates.TemplateResponse(request, template, full_context, status_code=status_code)
    response.headers["Vary"] = "HX-Request"
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=365 * 24 * 3600, samesite="strict", path="/")
    return response


def see_other(request: Request, url: str) -> Response:
    """After a successful form post: 303 for a plain post, HX-Redirect for htmx."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
