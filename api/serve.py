"""`make run` and the container start here: check settings, migrate, load demo data, serve."""

from __future__ import annotations

import logging
import os
import sys

import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from api.logs import configure_logging
from domain.services.catalog import ensure_default_catalog
from domain.services.demo_data import DEMO_SIGN_INS, ensure_demo_data
from domain.settings import ConfigurationError, Settings, get_settings
from domain.store.database import Database
from domain.store.migrations import upgrade_to_head

log = logging.getLogger("tidlig_indsats.serve")


def _fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]


def prepare(settings: Settings) -> Database:
    """Everything before serving; any problem ends the program with one clear line."""
    try:
        settings.check()
        settings.load_signing_key()
    except ConfigurationError as exc:
        _fail(str(exc))
    url = settings.resolved_database_url
    shown = make_url(url).render_as_string(hide_password=True)
    database = Database(url)
    try:
        with database.read_engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        _fail(f"cannot reach the database {shown}: {_first_line(exc)}")
    try:
        upgrade_to_head(url)
    except SQLAlchemyError as exc:
        _fail(f"migrating the database {shown} failed: {_first_line(exc)}")
    with database.session(write=True) as session:
        ensure_default_catalog(session)
        session.commit()
    if settings.demo_data and settings.environment in {"demo", "development"}:
        created = ensure_demo_data(database)
        if created:
            log.info("demo data loaded", extra={"families": created})
        print("Demo sign-ins (password 'demo'): " + ", ".join(DEMO_SIGN_INS), file=sys.stderr)
        print("Integration client: demo-client / demo-secret", file=sys.stderr)
    database.refresh_statistics()
    return database


def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_level)
    prepare(settings).dispose()
    workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
    print(f"Serving on http://{settings.host}:{settings.port}/  (API docs: /api/v1/docs)", file=sys.stderr)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )


if __name__ == "__main__":
    main()
