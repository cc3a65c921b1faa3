"""A repeated POST (`Idempotency-Key`) returns the first answer only to a caller who may still have it: the
operation's access rule runs again (active account, valid token, relation to the person), and the look at the
stored answer is audited as a read of the person, marked as a replay."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from domain.store.tables import AuditEvent, Referral, Staff
from tests.factories import World, bearer, client_token, make_family, token


@pytest.fixture
def child_id(world: World, today: date) -> uuid.UUID:
    """A child on hv1's caseload through her team (Ringparken, team Nord) only."""
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, birth_date=today - timedelta(days=60))
        session.commit()
        return child.id


def family_body(external_id: str) -> dict[str, Any]:
    return {"source_system": "esdh", "external_id": external_id, "area": "ringparken", "members": [], "children": []}


def events_of(world: World, request_id: str) -> list[tuple[str, uuid.UUID | None, str, dict[str, Any]]]:
    with world.database.session(write=False) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.request_id == request_id))
        return [(e.action, e.person_id, e.outcome, e.details) for e in rows]


def set_staff(world: World, username: str, **changes: Any) -> None:
    with world.database.session(write=True) as session:
        staff = session.get(Staff, world.staff_id(username))
        assert staff is not None
        for name, value in changes.items():
            setattr(staff, name, value)
        session.add(staff)
        session.commit()


def referral_count(world: World) -> int:
    with world.database.session(write=False) as session:
        return len(list(session.exec(select(Referral.id))))


def refer(client: TestClient, headers: dict[str, str], child_id: uuid.UUID) -> Any:
    body = {"target": "small_children_team", "reason": "Positiv EPDS hos mor"}
    return client.post(f"/api/v1/children/{child_id}/referrals", json=body, headers=headers)


def test_a_replay_is_audited_as_a_read_of_the_person_in_the_path(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    headers = {**bearer(token(client, "hv1")), "Idempotency-Key": "refer-1"}
    first = refer(client, headers, child_id)
    second = refer(client, headers, child_id)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json() and second.headers["idempotent-replayed"] == "true"
    assert referral_count(world) == 1, "the handler did not run twice"
    first_events = events_of(world, first.headers["x-request-id"])
    assert ("write", child_id, "ok", {}) in first_events
    replay_events = events_of(world, second.headers["x-request-id"])
    assert replay_events == [("read", child_id, "ok", {"idempotent_replay": True})]


def test_a_replay_of_a_create_is_audited_as_a_read_of_the_created_person(client: TestClient, world: World) -> None:
    headers = {**bearer(client_token(client)), "Idempotency-Key": "create-1"}
    first = client.post("/api/v1/families", json=family_body("R-1"), headers=headers)
    second = client.post("/api/v1/families", json=family_body("R-1"), headers=headers)

    assert first.status_code == second.status_code == 201 and second.json() == first.json()
    family_id = uuid.UUID(first.json()["id"])
    assert events_of(world, second.headers["x-request-id"]) == [("read", family_id, "ok", {"idempotent_replay": True})]


def test_a_deactivated_staff_member_gets_401_not_the_stored_answer(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    headers = {**bearer(token(client, "hv1")), "Idempotency-Key": "refer-2"}
    first = refer(client, headers, child_id)
    assert first.status_code == 201
    set_staff(world, "hv1", active=False)

    replay = refer(client, headers, child_id)

    assert replay.status_code == 401
    assert replay.headers["content-type"] == "application/problem+json"
    assert "idempotent-replayed" not in replay.headers
    assert first.json()["id"] not in replay.text and first.json()["reason"] not in replay.text


def test_a_revoked_token_gets_401_not_the_stored_answer(client: TestClient, world: World) -> None:
    access = client_token(client)
    headers = {**bearer(access), "Idempotency-Key": "create-2"}
    assert client.post("/api/v1/families", json=family_body("R-2"), headers=headers).status_code == 201
    assert client.post("/api/v1/auth/revoke", data={"token": access}, headers=bearer(access)).status_code == 200

    replay = client.post("/api/v1/families", json=family_body("R-2"), headers=headers)

    assert replay.status_code == 401 and "idempotent-replayed" not in replay.headers
    again = client.post(
        "/api/v1/families", json=family_body("R-2"), headers={**headers, **bearer(client_token(client))}
    )
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true", "signed in again: the answer"


def test_a_request_refused_for_its_revoked_token_is_not_stored_as_the_answer(client: TestClient, world: World) -> None:
    revoked = client_token(client)
    assert client.post("/api/v1/auth/revoke", data={"token": revoked}, headers=bearer(revoked)).status_code == 200
    headers = {**bearer(revoked), "Idempotency-Key": "create-5"}
    assert client.post("/api/v1/families", json=family_body("R-5"), headers=headers).status_code == 401
    retried = client.post(
        "/api/v1/families", json=family_body("R-5"), headers={**headers, **bearer(client_token(client))}
    )
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers


def test_one_who_lost_the_relation_to_the_person_gets_403_and_the_refusal_is_audited(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    headers = {**bearer(token(client, "hv1")), "Idempotency-Key": "refer-3"}
    create_headers = {**headers, "Idempotency-Key": "create-3"}
    referral = refer(client, headers, child_id)
    family = client.post("/api/v1/families", json=family_body("R-3"), headers=create_headers)
    assert referral.status_code == family.status_code == 201
    set_staff(world, "hv1", team_id=world.team_ids["syd"])  # she moved to the other team

    for replay, person in (
        (refer(client, headers, child_id), child_id),
        (client.post("/api/v1/families", json=family_body("R-3"), headers=create_headers), family.json()["id"]),
    ):
        assert replay.status_code == 403, replay.text
        assert replay.headers["content-type"] == "application/problem+json"
        assert "idempotent-replayed" not in replay.headers
        assert ("access", uuid.UUID(str(person)), "refused") in [
            event[:3] for event in events_of(world, replay.headers["x-request-id"])
        ]
    assert referral_count(world) == 1


def test_a_stored_problem_is_replayed_without_recording_a_read(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    headers = {**bearer(token(client, "hv1")), "Idempotency-Key": "refer-4"}
    bad = {"target": "nowhere", "reason": "x"}
    first = client.post(f"/api/v1/children/{child_id}/referrals", json=bad, headers=headers)
    second = client.post(f"/api/v1/children/{child_id}/referrals", json=bad, headers=headers)
    assert first.status_code == second.status_code == 422
    assert second.headers["idempotent-replayed"] == "true" and second.json() == first.json()
    assert events_of(world, second.headers["x-request-id"]) == [], "a problem shows no one's data"
