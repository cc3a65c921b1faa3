"""The staff web app: a separate ASGI app of server-rendered pages that talks to the JSON API."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from domain.settings import Settings
from web.i18n import DEFAULT_LANGUAGE, translate

WEB_ROOT = Path(__file__).resolve().parent


def create_web_app(*, api_app: ASGIApp, settings: Settings) -> FastAPI:
    """Pages for staff; `api_app` is called in-process unless `settings.api_base_url` points elsewhere."""
    web = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    templates = Jinja2Templates(directory=WEB_ROOT / "templates")
    templates.env.globals["t"] = translate
    templates.env.globals["lang"] = DEFAULT_LANGUAGE
    web.state.api_app = api_app
    web.state.settings = settings
    web.state.templates = templates
    web.mount("/static", StaticFiles(directory=WEB_ROOT / "static"), name="static")

    @web.get("/", response_class=HTMLResponse)
    def front_page(request: Request) -> Response:
        return templates.TemplateResponse(request, "front.html")

    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return templates.TemplateResponse(request, "not_found.html", status_code=exc.status_code)

    web.add_exception_handler(StarletteHTTPException, not_found)
    return web
