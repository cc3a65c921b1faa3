"""The Alembic migrations and the SQLModel tables describe the same schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import domain.store.tables  # noqa: F401  (registers the tables)
from domain.store.migrations import alembic_config, head_revision, is_migrated
from tests.databases import TemplateDatabases


def _differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
            return list(compare_metadata(context, SQLModel.metadata))
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_models(databases: TemplateDatabases) -> None:
    with databases.empty() as url:
        command.upgrade(alembic_config(url), "head")
        assert _differences(url) == []


def test_upgrade_then_downgrade_then_upgrade_again_leaves_the_same_schema(databases: TemplateDatabases) -> None:
    with databases.empty() as url:
        config = alembic_config(url)
        command.upgrade(config, "head")
        engine = create_engine(url)
        first = sorted(inspect(engine).get_table_names())
        engine.dispose()
        command.downgrade(config, "base")
        engine = create_engine(url)
        assert [t for t in inspect(engine).get_table_names() if t != "alembic_version"] == []
        engine.dispose()
        command.upgrade(config, "head")
        engine = create_engine(url)
        assert sorted(inspect(engine).get_table_names()) == first
        assert is_migrated(engine)
        engine.dispose()
        assert _differences(url) == []


def test_there_is_one_head_revision() -> None:
    assert head_revision() is not None
