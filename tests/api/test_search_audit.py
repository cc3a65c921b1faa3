"""Every search is on record, hits or not, and a CPR number another child holds tells a caller who may not
see that child nothing about it, while the attempt is on record."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import select

from domain.rules.cpr import fictional_cpr
from domain.store.tables import Child
from tests.api.test_families import family_body
from tests.factories import World, bearer, make_family, token


def events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/audit", params={"limit": 200, **params}, headers=bearer(token(client, "aud1")))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_search_without_hits_is_on_record_with_its_criteria_masked(client: TestClient, world: World) -> None:
    cpr = fictional_cpr(date(2025, 3, 1), 7, female=True)
    found = client.get("/api/v1/children", params={"cpr": cpr}, headers=bearer(token(client, "hv2")))
    assert found.status_code == 200 and found.json()["items"] == []
    searches = events(client, action="search", actor=str(world.staff_id("hv2")))
    assert len(searches) == 1
    event = searches[0]
    assert event["person_id"] is None and event["details"]["hits"] == 0
    criteria = event["details"]["criteria"]
    assert criteria["cpr"] != cpr and cpr[:6] in criteria["cpr"], "masked: the birth date, never the whole number"


def test_an_empty_list_answer_is_on_record(client: TestClient, world: World, today: date) -> None:
    answer = client.get(
        "/api/v1/visits", params={"staff_id": str(world.staff_id("hv1"))}, headers=bearer(token(client, "hv1"))
    )
    assert answer.status_code == 200 and answer.json()["items"] == []
    assert [e["details"]["hits"] for e in events(client, action="search", actor=str(world.staff_id("hv1")))] == [0]


def test_a_search_with_hits_records_each_person_once_with_the_count(
    client: TestClient, world: World, today: date
) -> None:
    with world.database.session(write=True) as session:
        ids = [make_family(session, today=today, birth_date=today - timedelta(days=40))[1].id for _ in range(2)]
        session.commit()
    found = client.get("/api/v1/children", params={"area": "ringparken"}, headers=bearer(token(client, "hv1")))
    assert {c["id"] for c in found.json()["items"]} == {str(i) for i in ids}
    searches = events(client, action="search", actor=str(world.staff_id("hv1")))
    assert sorted(e["person_id"] for e in searches) == sorted(str(i) for i in ids)
    assert {e["details"]["hits"] for e in searches} == {2}


def _held_cpr(world: World, today: date) -> tuple[uuid.UUID, str]:
    """A Ringparken child (team Nord: hv1's, not hv2's) with a CPR number."""
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, birth_date=today - timedelta(days=40))
        session.commit()
        cpr = session.exec(select(Child.cpr).where(Child.id == child.id)).one()
        assert cpr
        return child.id, cpr


def test_a_cpr_clash_reveals_nothing_to_a_caller_who_may_not_see_the_holder(
    client: TestClient, world: World, today: date
) -> None:
    holder, cpr = _held_cpr(world, today)
    born = (today - timedelta(days=40)).isoformat()
    body = family_body("FAM-CLASH", area="centrum", today=today)
    body["children"] = [{"external_id": "B-1", "due_date": born, "birth_date": born, "cpr": cpr}]
    answer = client.post("/api/v1/families", json=body, headers=bearer(token(client, "hv2")))
    assert answer.status_code == 409
    problem = answer.json()
    assert str(holder) not in answer.text and "Another child" not in problem["detail"]
    assert "cannot be registered here" in problem["detail"]
    # On record, with the holder as the person, so the auditor sees who tried which number.
    clash = events(client, action="cpr_clash", person_id=str(holder))
    assert [(e["actor_id"], e["outcome"]) for e in clash] == [(str(world.staff_id("hv2")), "refused")]
    assert cpr not in str(clash)

    # The child's own health visitor is told which child holds it.
    seen = client.post(
        "/api/v1/families",
        json={**body, "external_id": "FAM-CLASH-2", "area": "ringparken"},
        headers=bearer(token(client, "hv1")),
    )
    assert seen.status_code == 409 and str(holder) in seen.json()["detail"]
