"""The staff web app: a separate ASGI app of server-rendered pages that talks to the JSON API."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from jinja2_fragments.fastapi import Jinja2Blocks
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp

from domain.settings import Settings
from web.client import ApiError, ApiTransport
from web.i18n import DEFAULT_LANGUAGE, translate, translate_in_context
from web.rendering import is_htmx, render
from web.routes import ROUTERS
from web.session import SESSION_COOKIE, CsrfRejected, SignInRequired, end_session, sign_in_url

WEB_ROOT = Path(__file__).resolve().parent


def create_web_app(*, api_app: ASGIApp, settings: Settings) -> FastAPI:
    """Pages for staff; `api_app` is called in-process unless `settings.api_base_url` points elsewhere."""
    transport = ApiTransport(api_app=api_app, base_url=settings.api_base_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await transport.close()

    web = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)
    templates = Jinja2Blocks(directory=WEB_ROOT / "templates")
    templates.env.globals["t"] = translate_in_context
    templates.env.globals["lang"] = DEFAULT_LANGUAGE
    web.state.templates = templates
    web.state.api_transport = transport
    web.state.csrf_key = hashlib.sha256(("csrf:" + settings.load_signing_key()).encode()).hexdigest()
    web.mount("/static", StaticFiles(directory=WEB_ROOT / "static"), name="static")

    @web.get("/")
    def front_page(request: Request) -> Response:
        return RedirectResponse("/my-day" if request.cookies.get(SESSION_COOKIE) else "/sign-in", status_code=303)

    for router in ROUTERS:
        web.include_router(router)
    _install_error_pages(web)
    return web


def _message(request: Request, heading: str, body: str, status: int) -> Response:
    return render(request, "message.html", {"heading": heading, "body": body}, status_code=status)


def _redirect_to_sign_in(request: Request, *, clear: bool) -> Response:
    target = sign_in_url(request.url.path)
    response: Response = (
        Response(status_code=204, headers={"HX-Redirect": target})
        if is_htmx(request)
        else RedirectResponse(target, status_code=303)
    )
    if clear:
        end_session(response)
    return response


def _install_error_pages(web: FastAPI) -> None:
    async def sign_in_required(request: Request, exc: Exception) -> Response:
        return _redirect_to_sign_in(request, clear=False)

    async def csrf_rejected(request: Request, exc: Exception) -> Response:
        return _message(request, translate("page.forbidden"), translate("page.csrf"), 403)

    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        if exc.status == 401:
            return _redirect_to_sign_in(request, clear=True)
        if exc.status == 403:
            return _message(request, translate("page.forbidden"), translate("page.forbidden.body"), 403)
        if exc.status == 404:
            return _message(request, translate("page.not_found"), translate("page.not_found.body"), 404)
        return _message(request, translate("page.error"), exc.detail, exc.status if exc.status < 500 else 502)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return _message(request, translate("page.not_found"), translate("page.not_found.body"), 404)
        return _message(request, translate("page.error"), str(exc.detail), exc.status_code)

    async def bad_request(request: Request, exc: Exception) -> Response:
        # A malformed address (e.g. not an id where one belongs) is a page that does not exist.
        return _message(request, translate("page.not_found"), translate("page.not_found.body"), 404)

    web.add_exception_handler(RequestValidationError, bad_request)
    web.add_exception_handler(SignInRequired, sign_in_required)
    web.add_exception_handler(CsrfRejected, csrf_rejected)
    web.add_exception_handler(ApiError, api_error)
    web.add_exception_handler(StarletteHTTPException, http_error)
