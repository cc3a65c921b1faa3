"""Real databases for tests: a migrated template, copied for every test that needs a clean one.

SQLite by default; PostgreSQL when DATABASE_URL names one (as CI's second run does). The template is
built once per run by Alembic itself, so every test runs on the schema the migrations make.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from domain.services.catalog import ensure_default_catalog
from domain.store.database import Database
from domain.store.migrations import upgrade_to_head


def _prepare(url: str) -> None:
    """What `make run` does to a new database: migrate, then store the default catalog."""
    upgrade_to_head(url)
    database = Database(url)
    with database.session(write=True) as session:
        ensure_default_catalog(session)
        session.commit()
    database.dispose()


def configured_url() -> str:
    return os.environ.get("DATABASE_URL", "")


def is_postgres() -> bool:
    return configured_url().startswith("postgresql")


class TemplateDatabases:
    """Hands out fresh, migrated databases cheaply."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.postgres_url = configured_url() if is_postgres() else None
        self._template: str | None = None
        self._world_template: str | None = None

    def _admin_engine(self):  # type: ignore[no-untyped-def]
        assert self.postgres_url
        return create_engine(make_url(self.postgres_url).set(database="postgres"), isolation_level="AUTOCOMMIT")

    def template(self) -> str:
        if self._template is not None:
            return self._template
        if self.postgres_url:
            name = f"tmpl_{uuid.uuid4().hex[:12]}"
            engine = self._admin_engine()
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            engine.dispose()
            url = make_url(self.postgres_url).set(database=name).render_as_string(hide_password=False)
            _prepare(url)
            self._template = name
        else:
            path = self.workdir / "template.sqlite3"
            _prepare(f"sqlite:///{path}")
            self._template = str(path)
        return self._template

    def world_template(self) -> str:
        """A template that also holds the test municipality (staff passwords are hashed once, here)."""
        if self._world_template is None:
            from tests.factories import build_world

            with self.fresh(keep=True) as database:
                build_world(database)
                self._world_template = self._name_of(database)
        return self._world_template

    @staticmethod
    def _name_of(database: Database) -> str:
        """The PostgreSQL database's name, or the SQLite file's path: what `fresh` copies from."""
        return str(make_url(database.url).database)

    @contextmanager
    def fresh(self, *, with_world: bool = False, keep: bool = False) -> Iterator[Database]:
        """A new database at the latest migration (with the test municipality if asked), removed
        afterwards unless `keep`."""
        template = self.world_template() if with_world else self.template()
        if self.postgres_url:
            name = f"t_{uuid.uuid4().hex[:16]}"
            engine = self._admin_engine()
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
            url = make_url(self.postgres_url).set(database=name).render_as_string(hide_password=False)
            database = Database(url)
            try:
                yield database
            finally:
                database.dispose()
                if not keep:
                    with engine.connect() as connection:
                        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                engine.dispose()
        else:
            path = self.workdir / f"{uuid.uuid4().hex}.sqlite3"
            shutil.copyfile(template, path)
            database = Database(f"sqlite:///{path}")
            try:
                yield database
            finally:
                database.dispose()
                if keep:
                    # Fold the write-ahead log into the file, so a copy of the file alone is complete.
                    with closing(sqlite3.connect(path)) as connection:
                        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                else:
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{path}{suffix}").unlink(missing_ok=True)

    @contextmanager
    def empty(self) -> Iterator[str]:
        """The URL of a new database with no schema at all (for migration tests)."""
        if self.postgres_url:
            name = f"e_{uuid.uuid4().hex[:16]}"
            engine = self._admin_engine()
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                yield make_url(self.postgres_url).set(database=name).render_as_string(hide_password=False)
            finally:
                with engine.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                engine.dispose()
        else:
            path = self.workdir / f"empty-{uuid.uuid4().hex}.sqlite3"
            try:
                yield f"sqlite:///{path}"
            finally:
                path.unlink(missing_ok=True)

    def drop_template(self) -> None:
        if not self.postgres_url:
            return
        engine = self._admin_engine()
        with engine.connect() as connection:
            for name in (self._world_template, self._template):
                if name:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
