"""Schemathesis over every operation of the OpenAPI document, against the app on a real database:
no input gives a 5xx, and no answer breaks its own schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import BaseSchema, Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.app import create_app
from domain.clock import copenhagen_today
from domain.settings import Settings
from tests.databases import TemplateDatabases
from tests.factories import bearer, build_world, client_token, make_family


@pytest.fixture(scope="module")
def fuzzed_app(databases: TemplateDatabases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    with databases.fresh() as database:
        build_world(database)
        with database.session(write=True) as session:
            # something for the lists and lookups to find; a module-scoped fixture cannot use `today`
            make_family(session, today=copenhagen_today())
            session.commit()
        settings_ = Settings(
            environment="test",
            data_dir=Path(tmp_path_factory.mktemp("fuzz")),
            signing_key="fuzz-signing-key-that-is-long-enough-012345",
            demo_data=False,
        )
        app = create_app(settings=settings_, database=database)
        with TestClient(app) as client:
            access_token = client_token(client)
        yield app, access_token


@pytest.fixture(scope="module")
def api_schema(fuzzed_app: tuple[object, str]) -> BaseSchema:
    app, _ = fuzzed_app
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def test_no_operation_answers_a_server_error_or_breaks_its_schema(
    api_schema: BaseSchema, fuzzed_app: tuple[object, str]
) -> None:
    # Driven through Hypothesis directly: schemathesis' pytest plugin does not load under pytest 9.
    _, access_token = fuzzed_app
    headers = bearer(access_token)
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 40
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: Case) -> None:
            case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

        try:
            check()
        except Exception as exc:
            failures.append(f"{operation.label}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    assert failures == []
