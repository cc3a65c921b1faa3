"""Signing in, tokens on requests, and slowing down repeated failures."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import CLIENT_SECRET, PASSWORD, World, bearer, client_token, token


def test_a_health_visitor_signs_in_with_the_password_grant(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/auth/token", data={"grant_type": "password", "username": "hv1", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert 0 < body["expires_in"] <= 3600
    me = client.get("/api/v1/auth/me", headers=bearer(body["access_token"])).json()
    assert me["username"] == "hv1"
    assert me["roles"] == ["health_visitor"]
    assert me["id"] == str(world.staff_id("hv1"))
    assert me["team_id"] == str(world.team_ids["nord"])


def test_a_wrong_password_is_refused_with_a_problem(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/auth/token", data={"grant_type": "password", "username": "hv1", "password": "wrong"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "password" in response.json()["detail"]


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_password(client: TestClient, world: World) -> None:
    unknown = client.post("/api/v1/auth/token", data={"grant_type": "password", "username": "nobody", "password": "x"})
    wrong = client.post("/api/v1/auth/token", data={"grant_type": "password", "username": "hv1", "password": "x"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json()["detail"] == wrong.json()["detail"]


def test_repeated_failures_for_one_user_are_slowed_down(client: TestClient, world: World) -> None:
    form = {"grant_type": "password", "username": "hv2", "password": "wrong"}
    statuses = [client.post("/api/v1/auth/token", data=form).status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    blocked = client.post("/api/v1/auth/token", data={**form, "password": PASSWORD})
    assert blocked.status_code == 429, "even the right password waits while the user is slowed down"
    assert int(blocked.headers["retry-after"]) >= 1
    other = client.post("/api/v1/auth/token", data={"grant_type": "password", "username": "hv1", "password": PASSWORD})
    assert other.status_code == 200, "another user is not affected"


def test_an_integration_client_gets_the_scopes_it_asks_for_within_its_grant(client: TestClient, world: World) -> None:
    access = client_token(client, "case-system", scope="families:write schedules:read")
    me = client.get("/api/v1/auth/me", headers=bearer(access)).json()
    assert me["scopes"] == ["families:write", "schedules:read"]
    refused = client.post(
        "/api/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "calendar-only",
            "client_secret": CLIENT_SECRET,
            "scope": "families:write",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "scope"


def test_client_credentials_may_come_as_http_basic(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials"}, auth=("calendar-only", CLIENT_SECRET)
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "schedules:read"


def test_a_request_without_a_token_is_refused_with_401(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["type"].endswith("/not-authenticated")


def test_a_garbage_token_is_refused_with_401(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/auth/me", headers=bearer("not.a.token"))
    assert response.status_code == 401


def test_a_deactivated_staff_members_token_stops_working(client: TestClient, world: World) -> None:
    access = token(client, "hv1")
    with world.database.session(write=True) as session:
        staff = session.get(type(world.staff["hv1"]), world.staff_id("hv1"))
        assert staff is not None
        staff.active = False
        session.add(staff)
        session.commit()
    assert client.get("/api/v1/auth/me", headers=bearer(access)).status_code == 401
