"""Engines and sessions for the embedded SQLite default and for PostgreSQL.

Every engine hides statement parameters (`hide_parameters=True`): a failing statement's error, and the log of
statements when SQLAlchemy's loggers are on, would otherwise carry the values it was sent (CPR numbers, names,
addresses) into the log. For the same reason SQLAlchemy's log of result rows (its engine logger at DEBUG) is
dropped.

SQLite runs in WAL mode with foreign keys on and a busy timeout. Write transactions start with
`BEGIN IMMEDIATE`, so concurrent writers wait for the lock instead of failing with "database is
locked" half-way through; reads use a second engine with plain deferred transactions so they never
queue behind writers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 15_000
# Rows ANALYZE samples per index: enough for the planner to tell a selective index from a poor one.
SQLITE_ANALYSIS_LIMIT = 2_000


class _NoResultRows(logging.Filter):
    """SQLAlchemy's engine logs every result row (and its columns) at DEBUG, and nothing else at that level."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


_NO_RESULT_ROWS = _NoResultRows()
logging.getLogger("sqlalchemy.engine.Engine").addFilter(_NO_RESULT_ROWS)


def _sqlite_engine(url: str, *, begin: str, echo: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (SQLAlchemy's documented
        # recipe for pysqlite), so that BEGIN IMMEDIATE below is really what starts it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


class Database:
    """The application's database: a read engine and a write engine on the same URL."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.read_engine = _sqlite_engine(url, begin="BEGIN", echo=echo)
            self.write_engine = _sqlite_engine(url, begin="BEGIN IMMEDIATE", echo=echo)
        else:
            self.read_engine = create_engine(
                url,
                echo=echo,
                hide_parameters=True,
                pool_pre_ping=True,
                pool_size=10,
                max_overflow=20,
                # Requests are short: a parallel plan costs more to start than it saves, and on a few
                # cores its workers compete with the other requests (the worklist took 15 ms in parallel).
                # JIT compilation cost 0.4-0.7 s per report statement at national size and saves nothing
                # on queries that read through indexes.
                connect_args={"options": "-c max_parallel_workers_per_gather=0 -c jit=off"},
            )
            self.write_engine = self.read_engine

    def open_session(self, *, write: bool) -> Session:
        """A session for the caller to close; it connects on first use, so opening it costs no I/O."""
        return Session(self.write_engine if write else self.read_engine, expire_on_commit=False)

    @contextmanager
    def session(self, *, write: bool) -> Iterator[Session]:
        """A session that rolls back whatever its user did not commit."""
        engine = self.write_engine if write else self.read_engine
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
            finally:
                if session.in_transaction():
                    session.rollback()

    def refresh_statistics(self) -> None:
        """Give SQLite's query planner statistics of the data (ANALYZE), as the application starts.

        Without them SQLite guesses that every index narrows equally well, and answers the access
        checks through the staff member's index (all her enrolments and caseload rows, for each row
        of a list) instead of the child's: the team's visit list takes seconds instead of
        milliseconds at a municipality's size. `analysis_limit` samples each index, so this takes
        well under a second even on millions of rows. PostgreSQL keeps its statistics itself
        (autovacuum); nothing to do there.
        """
        if not self.is_sqlite:
            return
        with self.write_engine.begin() as connection:
            connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            connection.exec_driver_sql("ANALYZE")

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.read_engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def dispose(self) -> None:
        self.read_engine.dispose()
        if self.write_engine is not self.read_engine:
            self.write_engine.dispose()
