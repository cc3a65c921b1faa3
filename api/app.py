"""The application factory: the JSON API under /api/v1, the staff web app under /, and probes."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse

from api.authentication import build_verifiers
from api.deps import authorize
from api.docs import install_docs
from api.idempotency import IdempotencyMiddleware
from api.middleware import RequestContextMiddleware
from api.nul_guard import NulGuardMiddleware
from api.policy import rule_for
from api.problems import install_problem_handlers
from api.routers import ROUTERS
from domain.settings import Settings, get_settings
from domain.store.database import Database
from domain.store.migrations import current_revision, head_revision
from web.app import create_web_app

API_PREFIX = "/api/v1"


def create_api(*, database: Database, settings: Settings) -> FastAPI:
    """The JSON API that other municipal systems (and the staff pages) call."""
    api = FastAPI(
        title="Tidlig indsats API",
        version="1.0.0",
        summary="Early intervention for vulnerable families: levels, visit packages, eligibility and schedules.",
        openapi_url="/openapi.json",
        docs_url=None,  # served by api/docs.py from a vendored Swagger UI
        redoc_url=None,
        dependencies=[Depends(authorize)],
    )
    api.state.database = database
    api.state.settings = settings
    api.state.token_verifiers = build_verifiers(settings)
    install_problem_handlers(api)
    install_docs(api)
    api.add_middleware(IdempotencyMiddleware)
    api.add_middleware(NulGuardMiddleware)  # outermost: before the idempotency key stores anything
    for router in ROUTERS:
        api.include_router(router)
    _require_access_rules(api)
    return api


_checked_routers: set[tuple[int, ...]] = set()


def _require_access_rules(api: FastAPI) -> None:
    """Refuse to start with an operation that has no rule in the access matrix.

    Operations are read from the OpenAPI document: FastAPI keeps included routers as opaque objects.
    Building that document is slow, so the check runs once per process and set of routers.
    """
    key = tuple(id(router) for router in ROUTERS)
    if key in _checked_routers:
        return
    missing = [
        f"{method.upper()} {path}"
        for path, operations in api.openapi()["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"} and rule_for(method.upper(), path) is None
    ]
    if missing:
        raise RuntimeError(f"operations without an access rule in api/policy.py: {', '.join(sorted(missing))}")
    _checked_routers.add(key)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The whole service as one ASGI app."""
    settings = settings or get_settings()
    database = database or Database(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if settings.environment != "test":
            # What exists at start (modules, models, compiled schemas, the catalog) lives as long as the
            # process: out of the collector's sight, a full collection no longer walks it. The worklist's
            # p99 under load fell from ~210 ms to ~120 ms (bench/bench_http.py, size M).
            gc.collect()
            gc.freeze()
        yield
        database.dispose()

    root = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)
    root.state.database = database
    install_problem_handlers(root)

    @root.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """The process is up (says nothing about the database)."""
        return {"status": "ok"}

    @root.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """Ready to serve: the database answers and is at the latest migration."""
        revision = current_revision(database.read_engine)
        head = head_revision()
        if revision is None:
            return JSONResponse({"status": "unavailable", "database": "unreachable or not migrated"}, 503)
        if revision != head:
            return JSONResponse({"status": "unavailable", "database": f"at {revision}, expected {head}"}, 503)
        return JSONResponse({"status": "ok", "database": "ok", "revision": revision})

    api = create_api(database=database, settings=settings)
    root.mount(API_PREFIX, api)
    # The pages call the API in-process with the same request id, so one id follows a click end to end.
    root.mount("/", create_web_app(api_app=RequestContextMiddleware(api), settings=settings))
    root.add_middleware(RequestContextMiddleware)
    return root
