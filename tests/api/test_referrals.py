"""Referrals over HTTP: create, list, read, change status with If-Match, and the access a referral gives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.store.tables import AuditEvent, Referral
from tests.factories import World, bearer, client_token, make_family, token


@dataclass
class Children:
    mine: uuid.UUID  # on hv1's caseload (ringparken, team nord)
    other_team: uuid.UUID  # on hv2's team's caseload (centrum, team syd)


@pytest.fixture
def children(world: World, today: date) -> Children:
    with world.database.session(write=True) as session:
        _, mine = make_family(
            session, today=today, birth_date=today - timedelta(days=60), health_visitor=world.staff_id("hv1")
        )
        _, other = make_family(session, today=today, area="centrum", birth_date=today - timedelta(days=60))
        session.commit()
        return Children(mine=mine.id, other_team=other.id)


def referral_count(world: World) -> int:
    with world.database.session(write=False) as session:
        return session.exec(select(func.count()).select_from(Referral)).one()


def body(**extra: Any) -> dict[str, Any]:
    return {"target": "small_children_team", "reason": "Positiv EPDS hos mor", **extra}


def refer(client: TestClient, headers: dict[str, str], child_id: uuid.UUID, **extra: Any) -> Any:
    response = client.post(f"/api/v1/children/{child_id}/referrals", json=body(**extra), headers=headers)
    assert response.status_code == 201, response.text
    return response


def test_a_health_visitor_refers_a_child_and_reads_it_back(
    client: TestClient, world: World, children: Children, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    created = refer(client, headers, children.mine, assigned_staff_id=str(world.staff_id("ft1")))
    referral = created.json()
    assert created.headers["location"] == f"/api/v1/referrals/{referral['id']}"
    assert referral["status"] == "sent"
    assert referral["next_statuses"] == ["accepted", "declined"]
    assert referral["sent_on"] == today.isoformat()
    assert referral["referred_by"] == str(world.staff_id("hv1"))
    assert referral["assigned_staff_id"] == str(world.staff_id("ft1"))
    read = client.get(created.headers["location"], headers=headers)
    assert read.status_code == 200
    assert read.headers["etag"] == created.headers["etag"]
    listed = client.get(f"/api/v1/children/{children.mine}/referrals", headers=headers)
    assert [r["id"] for r in listed.json()["items"]] == [referral["id"]]


def test_the_list_is_oldest_first_and_pages_with_a_cursor(
    client: TestClient, world: World, children: Children, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    for days_ago in (3, 10, 1):
        refer(client, headers, children.mine, sent_on=(today - timedelta(days=days_ago)).isoformat())
    url = f"/api/v1/children/{children.mine}/referrals"
    first = client.get(url, params={"limit": 2}, headers=headers).json()
    second = client.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers).json()
    sent = [r["sent_on"] for r in first["items"] + second["items"]]
    assert sent == sorted(sent) and len(sent) == 3
    assert second["next_cursor"] is None


def test_bad_fields_are_named_and_nothing_is_stored(
    client: TestClient, world: World, children: Children, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = client.post(
        f"/api/v1/children/{children.mine}/referrals",
        json=body(target="astrology", sent_on=tomorrow, assigned_staff_id=str(world.staff_id("mgr1"))),
        headers=headers,
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert {e["field"] for e in response.json()["errors"]} == {"target", "sent_on", "assigned_staff_id"}
    blank = client.post(f"/api/v1/children/{children.mine}/referrals", json=body(reason=" "), headers=headers)
    assert [e["field"] for e in blank.json()["errors"]] == ["reason"]
    unknown = client.post(f"/api/v1/children/{children.mine}/referrals", json=body(urgency="high"), headers=headers)
    assert [e["field"] for e in unknown.json()["errors"]] == ["urgency"]
    assert referral_count(world) == 0


def test_a_referral_code_of_the_criteria_is_a_valid_target(
    client: TestClient, world: World, children: Children
) -> None:
    headers = bearer(token(client, "hv1"))
    referral = refer(client, headers, children.mine, target="general_practitioner").json()
    assert referral["target"] == "general_practitioner"


def test_a_referral_assigned_to_a_caseworker_lets_her_see_the_child_while_it_is_open(
    client: TestClient, world: World, children: Children
) -> None:
    hv1, cw1 = bearer(token(client, "hv1")), bearer(token(client, "cw1"))
    child_url = f"/api/v1/children/{children.mine}"
    assert client.get(child_url, headers=cw1).status_code == 403
    created = refer(client, hv1, children.mine, target="social_services", assigned_staff_id=str(world.staff_id("cw1")))
    assert client.get(child_url, headers=cw1).status_code == 200
    listed = client.get(f"{child_url}/referrals", headers=cw1)
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1
    # Her own reading's ETag: without consent her representation withholds the reason (health data).
    seen = client.get(created.headers["location"], headers=cw1)
    declined = client.patch(
        created.headers["location"],
        json={"status": "declined", "status_note": "Ikke relevant for os"},
        headers={**cw1, "If-Match": seen.headers["etag"]},
    )
    assert declined.status_code == 200, declined.text
    assert client.get(child_url, headers=cw1).status_code == 403


def test_status_moves_from_sent_to_accepted_to_done_and_nothing_else(
    client: TestClient, world: World, children: Children
) -> None:
    headers = bearer(token(client, "hv1"))
    created = refer(client, headers, children.mine)
    url, etag = created.headers["location"], created.headers["etag"]

    def patch(changes: dict[str, Any], tag: str) -> Any:
        return client.patch(url, json=changes, headers={**headers, "If-Match": tag})

    skipped = patch({"status": "done"}, etag)
    assert skipped.status_code == 409
    assert "accepted or declined" in skipped.json()["detail"]
    accepted = patch({"status": "accepted", "status_note": "Opstart uge 12"}, etag)
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted" and accepted.json()["status_note"] == "Opstart uge 12"
    assert accepted.json()["next_statuses"] == ["done"]
    assert patch({"status": "declined"}, accepted.headers["etag"]).status_code == 409
    assert patch({"status": "sent"}, accepted.headers["etag"]).status_code == 409
    done = patch({"status": "done"}, accepted.headers["etag"])
    assert done.status_code == 200 and done.json()["next_statuses"] == []
    assert patch({"status": "accepted"}, done.headers["etag"]).status_code == 409
    bad = patch({"status": "lost"}, done.headers["etag"])
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"


def test_patch_needs_if_match_and_a_stale_one_changes_nothing(
    client: TestClient, world: World, children: Children
) -> None:
    headers = bearer(token(client, "hv1"))
    created = refer(client, headers, children.mine)
    url = created.headers["location"]
    assert client.patch(url, json={"status": "accepted"}, headers=headers).status_code == 428
    first = client.patch(
        url, json={"status_note": "Ringet op"}, headers={**headers, "If-Match": created.headers["etag"]}
    )
    assert first.status_code == 200
    stale = client.patch(url, json={"status": "accepted"}, headers={**headers, "If-Match": created.headers["etag"]})
    assert stale.status_code == 412
    assert client.get(url, headers=headers).json()["status"] == "sent"


def test_reassigning_and_unassigning_are_checked(client: TestClient, world: World, children: Children) -> None:
    headers = bearer(token(client, "hv1"))
    created = refer(client, headers, children.mine)
    url = created.headers["location"]
    wrong = client.patch(
        url,
        json={"assigned_staff_id": str(world.staff_id("aud1"))},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "assigned_staff_id"
    assigned = client.patch(
        url,
        json={"assigned_staff_id": str(world.staff_id("ft1"))},
        headers={**headers, "If-Match": created.headers["etag"]},
    )
    assert assigned.json()["assigned_staff_id"] == str(world.staff_id("ft1"))
    cleared = client.patch(
        url, json={"assigned_staff_id": None}, headers={**headers, "If-Match": assigned.headers["etag"]}
    )
    assert cleared.status_code == 200 and cleared.json()["assigned_staff_id"] is None


def test_another_teams_health_visitor_and_a_manager_are_refused(
    client: TestClient, world: World, children: Children
) -> None:
    created = refer(client, bearer(token(client, "hv1")), children.mine)
    for username in ("hv2", "mgr1"):
        headers = bearer(token(client, username))
        assert client.get(f"/api/v1/children/{children.mine}/referrals", headers=headers).status_code == 403
        assert (
            client.post(f"/api/v1/children/{children.mine}/referrals", json=body(), headers=headers).status_code == 403
        )
        patched = client.patch(
            created.headers["location"], json={"status": "accepted"}, headers={**headers, "If-Match": "*"}
        )
        assert patched.status_code == 403
    assert referral_count(world) == 1


def test_a_case_system_refers_and_the_creation_is_audited(client: TestClient, world: World, children: Children) -> None:
    headers = bearer(client_token(client))
    created = refer(client, headers, children.other_team, target="ppr")
    assert created.json()["referred_by"] is None
    with world.database.session(write=False) as session:
        events = session.exec(
            select(AuditEvent).where(AuditEvent.person_id == children.other_team, AuditEvent.action == "create")
        ).all()
        assert [(e.actor_type, e.client_id, e.request_id) for e in events] == [
            ("client", "case-system", created.headers["x-request-id"])
        ]


def test_an_unknown_referral_is_not_found(client: TestClient, world: World) -> None:
    headers = bearer(token(client, "hv1"))
    assert client.get(f"/api/v1/referrals/{uuid.uuid4()}", headers=headers).status_code == 404
