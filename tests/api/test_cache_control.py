"""No personal data in caches: every answer of the API is `Cache-Control: no-store`, over the whole route table;
only the documentation's static files and the OpenAPI document may be cached."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient

from api.policy import rule_for
from domain.services.actors import Role
from tests.api.test_access_matrix import _operations, _shared_child, _url
from tests.factories import CLIENT_SECRET, World, bearer, client_token, token

# Reports that need a choice to answer (without one they answer 422, which is no-store too).
QUERIES = {
    "/reports/coverage": "?package_code=universal&visit_kind=establishment",
    "/reports/coverage/children": "?package_code=universal&visit_kind=establishment",
    "/reports/fidelity": "?package_code=minding_the_baby",
    "/reports/fidelity/families": "?package_code=minding_the_baby",
    "/reports/cost-estimate": "?package_code=minding_the_baby&families=10",
}
# Which user calls an operation: one whose role its rule allows (hv1 has a relation to the shared child).
CALLERS = (
    ("hv1", Role.HEALTH_VISITOR),
    ("mgr1", Role.MANAGER),
    ("admin1", Role.ADMIN),
    ("aud1", Role.AUDITOR),
    ("ped1", Role.PEDAGOGUE),
)


def test_every_get_operation_answers_no_store(client: TestClient, world: World, today: date) -> None:
    ids = _shared_child(world, today)
    tokens = {username: token(client, username) for username, _ in CALLERS}
    me = {username: client.get("/api/v1/auth/me", headers=bearer(t)).json()["id"] for username, t in tokens.items()}
    statuses: dict[str, int] = {}
    cacheable = []
    for method, path in _operations(client):
        if method != "GET":
            continue
        rule = rule_for(method, path)
        assert rule is not None
        username = next((u for u, role in CALLERS if rule.allows_role(frozenset({role}))), "hv1")
        url = _url(path, ids, me[username]) + QUERIES.get(path, "")
        for headers in (bearer(tokens[username]), {}):  # the answer, and the refusal without a token
            response = client.get(url, headers=headers)
            if headers:
                statuses[path] = response.status_code
            if response.headers.get("cache-control") != "no-store":
                cacheable.append(f"{path} ({response.status_code}): {response.headers.get('cache-control')}")
    assert cacheable == []
    assert len(statuses) >= 35
    assert {path: status for path, status in statuses.items() if status != 200} == {}, "every answer carries data"


def test_posts_refusals_and_the_token_answer_are_no_store(client: TestClient, world: World, today: date) -> None:
    issued = client.post(
        "/api/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": "case-system", "client_secret": CLIENT_SECRET},
    )
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"  # RFC 6749 5.1
    created = client.post(
        "/api/v1/families",
        json={"source_system": "esdh", "external_id": "NS-1", "area": "ringparken", "members": [], "children": []},
        headers=bearer(client_token(client)),
    )
    assert created.status_code == 201 and created.headers["cache-control"] == "no-store"
    for refused in (client.get("/api/v1/families"), client.get("/api/v1/no-such-thing")):
        assert refused.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/static/swagger/swagger-ui.css", "/static/app.css"])
def test_static_files_and_the_openapi_document_may_be_cached(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("cache-control", "")
