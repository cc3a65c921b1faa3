"""Fixtures shared by every test layer: real databases, the real app, a real HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from domain.clock import copenhagen_today, utc_now
from domain.settings import Settings
from domain.store.database import Database
from tests.databases import TemplateDatabases
from tests.factories import World, load_world

TEST_SIGNING_KEY = "test-signing-key-that-is-long-enough-0123456789"


@pytest.fixture
def today() -> date:
    """Today in Europe/Copenhagen: the one source of "today" for tests.

    Tests build their dates relative to this value instead of reading the clock themselves, so every date a
    test makes agrees on the day, also when the suite runs under a faked process clock.
    """
    return copenhagen_today()


@pytest.fixture
def now() -> datetime:
    """The current moment, timezone-aware in UTC, for tests that need a time of day rather than a date."""
    return utc_now()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabases]:
    pool = TemplateDatabases(tmp_path_factory.mktemp("databases"))
    yield pool
    pool.drop_template()


@pytest.fixture
def database(databases: TemplateDatabases, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh database; with the test municipality already in it when the test also asks for `world`."""
    with databases.fresh(with_world="world" in request.fixturenames) as database:
        yield database


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        data_dir=tmp_path / "data",
        signing_key=TEST_SIGNING_KEY,
        demo_data=False,
    )


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings=settings, database=database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def world(database: Database) -> World:
    return load_world(database)
