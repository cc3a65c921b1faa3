"""Families and children over HTTP: create, read, change with If-Match, bulk upsert, who sees what."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.rules.cpr import fictional_cpr
from domain.store.tables import AuditEvent, Child, Family, FamilyMember
from tests.factories import World, bearer, client_token, token


def family_body(external_id: str = "FAM-1", area: str = "ringparken", *, today: date, **extra: Any) -> dict[str, Any]:
    due = today + timedelta(days=100)
    return {
        "source_system": "esdh",
        "external_id": external_id,
        "area": area,
        "risk_factors": ["single_parent"],
        "members": [{"role": "mother", "name": "Sofie Jensen"}],
        "children": [{"external_id": "B-1", "due_date": due.isoformat()}],
        **extra,
    }


def counts(world: World) -> tuple[int, int, int]:
    with world.database.session(write=False) as session:
        return (
            session.exec(select(func.count()).select_from(Family)).one(),
            session.exec(select(func.count()).select_from(Child)).one(),
            session.exec(select(func.count()).select_from(FamilyMember)).one(),
        )


def test_a_health_visitor_registers_a_pregnant_family_and_reads_it_back(
    client: TestClient, world: World, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    created = client.post("/api/v1/families", json=family_body(today=today), headers=headers)
    assert created.status_code == 201, created.text
    family = created.json()
    assert created.headers["location"] == f"/api/v1/families/{family['id']}"
    assert family["area"] == "ringparken"
    assert family["risk_factors"] == ["single_parent"]
    assert family["children"][0]["birth_date"] is None
    read = client.get(f"/api/v1/families/{family['id']}", headers=headers)
    assert read.status_code == 200
    assert read.headers["etag"] == created.headers["etag"]


def test_a_bad_field_is_named_and_nothing_is_stored(client: TestClient, world: World, today: date) -> None:
    headers = bearer(token(client, "hv1"))
    before = counts(world)
    body = family_body(children=[{"external_id": "B-1", "birth_date": "2026-01-01", "cpr": "3102261234"}], today=today)
    response = client.post("/api/v1/families", json=body, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = [e["field"] for e in response.json()["errors"]]
    assert "children.0.cpr" in fields
    assert counts(world) == before


def test_an_unknown_risk_factor_is_refused_by_name(client: TestClient, world: World, today: date) -> None:
    response = client.post(
        "/api/v1/families",
        json=family_body(risk_factors=["not_a_fact"], today=today),
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "risk_factors.0"


def test_patch_needs_if_match_and_refuses_a_stale_one(client: TestClient, world: World, today: date) -> None:
    headers = bearer(token(client, "hv1"))
    created = client.post("/api/v1/families", json=family_body(today=today), headers=headers)
    url = f"/api/v1/families/{created.json()['id']}"
    missing = client.patch(url, json={"address": "Ringparken 3"}, headers=headers)
    assert missing.status_code == 428
    ok = client.patch(url, json={"address": "Ringparken 3"}, headers={**headers, "If-Match": created.headers["etag"]})
    assert ok.status_code == 200
    assert ok.json()["address"] == "Ringparken 3"
    stale = client.patch(
        url, json={"address": "Ringparken 9"}, headers={**headers, "If-Match": created.headers["etag"]}
    )
    assert stale.status_code == 412
    assert client.get(url, headers=headers).json()["address"] == "Ringparken 3"


def test_a_health_visitor_cannot_read_a_family_of_another_team_and_the_refusal_is_audited(
    client: TestClient, world: World, today: date
) -> None:
    created = client.post(
        "/api/v1/families", json=family_body(area="centrum", today=today), headers=bearer(token(client, "hv2"))
    )
    family_id = created.json()["id"]
    child_id = created.json()["children"][0]["id"]
    refused = client.get(f"/api/v1/children/{child_id}", headers=bearer(token(client, "hv1")))
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/forbidden")
    with world.database.session(write=False) as session:
        events = [
            (e.person_id, e.actor_id) for e in session.exec(select(AuditEvent).where(AuditEvent.outcome == "refused"))
        ]
    assert (uuid.UUID(child_id), str(world.staff_id("hv1"))) in events
    assert client.get(f"/api/v1/families/{family_id}", headers=bearer(token(client, "hv2"))).status_code == 200


def test_a_manager_is_refused_every_person_level_read(client: TestClient, world: World, today: date) -> None:
    created = client.post("/api/v1/families", json=family_body(today=today), headers=bearer(token(client, "hv1")))
    manager = bearer(token(client, "mgr1"))
    assert client.get(f"/api/v1/families/{created.json()['id']}", headers=manager).status_code == 403
    assert client.get("/api/v1/families", headers=manager).status_code == 403


def test_lists_show_only_what_the_caller_may_see_and_page_with_a_cursor(
    client: TestClient, world: World, today: date
) -> None:
    hv1, hv2 = bearer(token(client, "hv1")), bearer(token(client, "hv2"))
    for n in range(3):
        client.post("/api/v1/families", json=family_body(external_id=f"N-{n}", today=today), headers=hv1)
    client.post("/api/v1/families", json=family_body(external_id="S-1", area="centrum", today=today), headers=hv2)
    first = client.get("/api/v1/families?limit=2", headers=hv1).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = client.get(f"/api/v1/families?limit=2&cursor={first['next_cursor']}", headers=hv1).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    seen = {f["external_id"] for f in first["items"] + second["items"]}
    assert seen == {"N-0", "N-1", "N-2"}
    bad = client.get("/api/v1/families?cursor=garbage", headers=hv1)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def test_the_bulk_upsert_creates_then_changes_nothing_then_updates(
    client: TestClient, world: World, today: date
) -> None:
    headers = bearer(client_token(client))
    batch = [family_body(external_id=f"B-{n}", today=today) for n in range(5)]
    first = client.post("/api/v1/bulk/families", json=batch, headers=headers).json()
    assert (first["created"], first["failed"]) == (5, 0)
    before = counts(world)
    again = client.post("/api/v1/bulk/families", json=batch, headers=headers).json()
    assert (again["unchanged"], again["created"], again["updated"]) == (5, 0, 0)
    assert counts(world) == before
    batch[2]["address"] = "Motalavej 12"
    changed = client.post("/api/v1/bulk/families", json=batch, headers=headers).json()
    assert [item["status"] for item in changed["items"]] == [
        "unchanged",
        "unchanged",
        "updated",
        "unchanged",
        "unchanged",
    ]


def test_a_bad_bulk_item_is_reported_by_index_and_field_and_the_rest_are_stored(
    client: TestClient, world: World, today: date
) -> None:
    headers = bearer(client_token(client))
    born = date(2026, 5, 1)
    batch = [
        family_body(external_id="OK-1", today=today),
        family_body(external_id="BAD-1", area="atlantis", today=today),
        {"source_system": "esdh"},
        family_body(
            external_id="OK-2",
            children=[{"external_id": "B", "birth_date": born.isoformat(), "cpr": fictional_cpr(born, 3, female=True)}],
            today=today,
        ),
    ]
    result = client.post("/api/v1/bulk/families", json=batch, headers=headers).json()
    statuses = [(item["index"], item["status"]) for item in result["items"]]
    assert statuses == [(0, "created"), (1, "error"), (2, "error"), (3, "created")]
    assert result["items"][1]["errors"][0]["field"] == "area"
    assert any(e["field"] == "external_id" for e in result["items"][2]["errors"])
    assert counts(world)[0] == 2


def test_registering_the_birth_validates_the_cpr_against_the_birth_date(
    client: TestClient, world: World, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    child = client.post("/api/v1/families", json=family_body(today=today), headers=headers).json()["children"][0]
    born = today - timedelta(days=1)
    wrong = client.post(
        f"/api/v1/children/{child['id']}/birth",
        json={"birth_date": born.isoformat(), "cpr": fictional_cpr(born - timedelta(days=3), 1, female=True)},
        headers=headers,
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "cpr"
    ok = client.post(
        f"/api/v1/children/{child['id']}/birth",
        json={"birth_date": born.isoformat(), "cpr": fictional_cpr(born, 1, female=True)},
        headers=headers,
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["birth_date"] == born.isoformat()


def test_a_repeated_post_with_an_idempotency_key_creates_once(client: TestClient, world: World, today: date) -> None:
    headers = {**bearer(token(client, "hv1")), "Idempotency-Key": "create-fam-1"}
    first = client.post("/api/v1/families", json=family_body(today=today), headers=headers)
    second = client.post("/api/v1/families", json=family_body(today=today), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert second.headers["idempotent-replayed"] == "true"
    assert counts(world)[0] == 1
    other_body = client.post("/api/v1/families", json=family_body(external_id="X", today=today), headers=headers)
    assert other_body.status_code == 422


def test_one_bulk_batch_mixes_created_updated_unchanged_and_errors_and_audits_each_written_family(
    client: TestClient, world: World, today: date
) -> None:
    headers = bearer(client_token(client))
    born = date(2026, 5, 1)
    cpr = fictional_cpr(born, 9, female=True)
    client.post(
        "/api/v1/bulk/families",
        json=[family_body("KEEP", today=today), family_body("CHANGE", today=today)],
        headers=headers,
    )
    before = counts(world)

    def with_cpr(external_id: str) -> dict[str, Any]:
        return family_body(
            external_id, children=[{"external_id": "B", "birth_date": born.isoformat(), "cpr": cpr}], today=today
        )

    batch = [
        family_body("KEEP", today=today),
        family_body("CHANGE", members=[{"role": "father", "name": "Ole Jensen"}], risk_factors=None, today=today),
        with_cpr("NEW-1"),
        with_cpr("NEW-2"),  # the same CPR as the item before: the later one fails
        family_body("BAD", children=[{"external_id": "B"}], today=today),
    ]
    result = client.post("/api/v1/bulk/families", json=batch, headers=headers).json()
    assert [item["status"] for item in result["items"]] == ["unchanged", "updated", "created", "error", "error"]
    assert (result["created"], result["updated"], result["unchanged"], result["failed"]) == (1, 1, 1, 2)
    assert result["items"][3]["errors"] == [
        {"field": "", "message": "Another child already has this CPR number (children.0.cpr)"}
    ]
    assert result["items"][4]["errors"][0]["field"] == "children.0.due_date"
    assert counts(world) == (before[0] + 1, before[1] + 1, before[2] + 1)
    changed = client.get(f"/api/v1/families/{result['items'][1]['id']}", headers=headers).json()
    assert [m["name"] for m in changed["members"]] == ["Ole Jensen"]
    assert changed["risk_factors"] == ["single_parent"]  # not sent: kept
    with world.database.session(write=False) as session:
        written = session.exec(select(AuditEvent.person_id, AuditEvent.details).where(AuditEvent.action == "write"))
        bulk_events = sorted((str(pid), d["bulk"]) for pid, d in written if "bulk" in d)
    ids = {item["external_id"]: item["id"] for item in result["items"]}
    # One event per written family: KEEP and CHANGE on their creation, CHANGE's update, NEW-1; none for errors.
    assert bulk_events == sorted(
        [(ids["KEEP"], "created"), (ids["CHANGE"], "created"), (ids["CHANGE"], "updated"), (ids["NEW-1"], "created")]
    )


def test_bulk_keeps_what_staff_recorded_when_the_source_system_leaves_it_out(
    client: TestClient, world: World, today: date
) -> None:
    headers = bearer(client_token(client))
    first = family_body(
        "KEPT",
        children=[{"external_id": "B-1", "due_date": "2027-01-10"}, {"external_id": "B-2", "due_date": "2027-01-10"}],
        today=today,
    )
    family_id = client.post("/api/v1/bulk/families", json=[first], headers=headers).json()["items"][0]["id"]
    child = client.get(f"/api/v1/families/{family_id}", headers=headers).json()["children"][0]
    named = client.patch(
        f"/api/v1/children/{child['id']}",
        json={"name": "Named by staff"},
        headers={**headers, "If-Match": client.get(f"/api/v1/children/{child['id']}", headers=headers).headers["etag"]},
    )
    assert named.status_code == 200, named.text
    # The case system now sends only B-1, without a name: B-2 stays, and the name staff gave stays.
    again = family_body("KEPT", children=[{"external_id": child["external_id"], "due_date": "2027-01-10"}], today=today)
    result = client.post("/api/v1/bulk/families", json=[again], headers=headers).json()
    assert result["items"][0]["status"] == "unchanged"
    family = client.get(f"/api/v1/families/{family_id}", headers=headers).json()
    assert len(family["children"]) == 2
    assert {c["name"] for c in family["children"]} == {"Named by staff", None}


def test_a_full_bulk_batch_sent_twice_changes_nothing_and_a_larger_one_is_refused(
    client: TestClient, world: World, today: date
) -> None:
    headers = bearer(client_token(client))
    born = date(2026, 3, 1)
    batch = [
        family_body(
            f"BIG-{n}",
            members=[
                {"role": "mother", "name": f"Mor {n}", "cpr": fictional_cpr(date(1995, 1, 1), n % 500, female=n < 500)}
            ],
            children=[
                {
                    "external_id": "B",
                    "birth_date": born.isoformat(),
                    "cpr": fictional_cpr(born, n % 500, female=n < 500),
                }
            ],
            today=today,
        )
        for n in range(1000)
    ]
    first = client.post("/api/v1/bulk/families", json=batch, headers=headers).json()
    assert (first["created"], first["failed"]) == (1000, 0)
    before = counts(world)
    again = client.post("/api/v1/bulk/families", json=batch, headers=headers).json()
    assert again["unchanged"] == 1000
    assert [item["id"] for item in again["items"]] == [item["id"] for item in first["items"]]
    assert counts(world) == before
    too_many = client.post(
        "/api/v1/bulk/families", json=[*batch, family_body("ONE-MORE", today=today)], headers=headers
    )
    assert too_many.status_code == 422
