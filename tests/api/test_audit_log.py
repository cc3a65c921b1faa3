"""The audit log over HTTP: auditors only, newest first, keyset-paged, with request id and purpose; and
append-only down to the database."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.databases import is_postgres
from tests.factories import World, bearer, client_token, make_family, token

AUDIT = "/api/v1/audit"


@pytest.fixture
def child_id(world: World, today: date) -> uuid.UUID:
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, birth_date=today - timedelta(days=30))
        session.commit()
        return child.id


def auditor(client: TestClient) -> dict[str, str]:
    return bearer(token(client, "aud1"))


def search(client: TestClient, **params: Any) -> Any:
    response = client.get(AUDIT, params=params, headers=auditor(client))
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("caller", ["hv1", "ft1", "cw1", "mgr1", "admin1", "ped1", "case-system"])
def test_only_the_auditor_may_read_the_log(client: TestClient, world: World, caller: str) -> None:
    headers = bearer(client_token(client) if caller == "case-system" else token(client, caller))
    response = client.get(AUDIT, headers=headers)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def test_a_health_visitors_read_is_found_by_person_with_its_request_id_and_purpose(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    purpose = "Forberedelse af hjemmebesoeg (case 42)"
    read = client.get(f"/api/v1/children/{child_id}", headers={**bearer(token(client, "hv1")), "X-Purpose": purpose})
    assert read.status_code == 200
    request_id = read.headers["x-request-id"]
    events = search(client, person_id=str(child_id), action="read")["items"]
    event = next(e for e in events if e["request_id"] == request_id)
    assert event["actor_id"] == str(world.staff_id("hv1"))
    assert event["actor_type"] == "staff" and event["client_id"] is None
    assert event["resource"] == "GET /children/{child_id}"
    assert event["person_id"] == str(child_id)
    assert event["purpose"] == purpose
    assert event["outcome"] == "ok"
    assert set(event) >= {"occurred_at", "details"}


def test_a_refused_read_is_logged_and_filterable_by_actor_and_outcome(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    refused = client.get(f"/api/v1/children/{child_id}", headers=bearer(token(client, "hv2")))
    assert refused.status_code == 403
    hv2 = str(world.staff_id("hv2"))
    events = search(client, actor=hv2, outcome="refused")["items"]
    assert [e["request_id"] for e in events] == [refused.headers["x-request-id"]]
    assert events[0]["person_id"] == str(child_id)
    assert search(client, actor=hv2, outcome="ok", person_id=str(child_id))["items"] == []
    by_client = client.get(f"/api/v1/children/{child_id}", headers=bearer(client_token(client)))
    found = search(client, actor="case-system", person_id=str(child_id))["items"]
    assert [e["request_id"] for e in found] == [by_client.headers["x-request-id"]]


def test_events_come_newest_first_in_pages_without_gaps(client: TestClient, world: World, child_id: uuid.UUID) -> None:
    headers = bearer(token(client, "hv1"))
    request_ids = [
        client.get(f"/api/v1/children/{child_id}", headers=headers).headers["x-request-id"] for _ in range(5)
    ]
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"person_id": str(child_id), "action": "read", "limit": 2}
        page = search(client, **({**params, "cursor": cursor} if cursor else params))
        assert len(page["items"]) <= 2
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [e["request_id"] for e in seen] == list(reversed(request_ids))
    times = [e["occurred_at"] for e in seen]
    assert times == sorted(times, reverse=True)


def test_from_and_to_bound_the_time_and_a_backwards_range_is_named(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    client.get(f"/api/v1/children/{child_id}", headers=bearer(token(client, "hv1")))
    tomorrow = today + timedelta(days=1)
    assert search(client, person_id=str(child_id), action="read", **{"from": today.isoformat()})["items"]
    assert search(client, person_id=str(child_id), action="read", to=today.isoformat())["items"]
    assert search(client, person_id=str(child_id), **{"from": tomorrow.isoformat()})["items"] == []
    assert search(client, person_id=str(child_id), to="2020-01-01T00:00:00Z")["items"] == []
    backwards = client.get(
        AUDIT, params={"from": tomorrow.isoformat(), "to": today.isoformat()}, headers=auditor(client)
    )
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "to"
    garbled = client.get(AUDIT, params={"from": "yesterday"}, headers=auditor(client))
    assert garbled.status_code == 422 and [e["field"] for e in garbled.json()["errors"]] == ["from"]
    bad_cursor = client.get(AUDIT, params={"cursor": "not-a-cursor"}, headers=auditor(client))
    assert bad_cursor.status_code == 422 and bad_cursor.json()["errors"][0]["field"] == "cursor"


def test_reading_the_log_is_itself_logged(client: TestClient, world: World, child_id: uuid.UUID) -> None:
    looked = client.get(AUDIT, params={"person_id": str(child_id)}, headers=auditor(client))
    events = search(client, action="audit_search", actor=str(world.staff_id("aud1")))["items"]
    event = next(e for e in events if e["request_id"] == looked.headers["x-request-id"])
    assert event["person_id"] == str(child_id)
    assert event["details"]["criteria"]["person_id"] == str(child_id)


def test_the_log_is_append_only(client: TestClient, world: World, child_id: uuid.UUID) -> None:
    client.get(f"/api/v1/children/{child_id}", headers=bearer(token(client, "hv1")))
    headers = auditor(client)
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert client.request(method, AUDIT, headers=headers).status_code == 405
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    audit_operations = {(path, method) for path, item in paths.items() if path.startswith("/audit") for method in item}
    assert audit_operations == {("/audit", "get")}
    engine = world.database.write_engine
    if is_postgres():
        for statement in ("UPDATE audit_event SET outcome = 'ok'", "DELETE FROM audit_event"):
            with engine.connect() as connection, pytest.raises(DBAPIError, match="append-only"):
                connection.execute(text(statement))
        with engine.connect() as connection:
            pg_triggers = set(
                connection.execute(
                    text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass AND NOT tgisinternal")
                ).scalars()
            )
        assert "audit_event_no_update_or_delete" in pg_triggers
        assert search(client, person_id=str(child_id), action="read")["items"]
    else:
        with engine.connect() as connection:
            sqlite_triggers = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_event'")
            ).all()
        assert list(sqlite_triggers) == []  # SQLite (the embedded default) has no trigger: only the API guards the log
