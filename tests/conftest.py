"""Fixtures shared by every test layer: real databases, the real app, a real HTTP client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from domain.settings import Settings
from domain.store.database import Database
from tests.databases import TemplateDatabases
from tests.factories import World, load_world

TEST_SIGNING_KEY = "test-signing-key-that-is-long-enough-0123456789"


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
