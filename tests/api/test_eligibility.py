"""Eligibility and level decisions over HTTP: suggestions with the criteria that fired and their texts,
the stateless evaluation, and decisions up and down the staircase with who decided and why."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.store.tables import AuditEvent, LevelDecision
from tests.factories import World, bearer, client_token, make_family, token

ABOVE_CUTOFF_EPDS = [1, 2, 0, 1, 2, 2, 2, 3, 2, 3]  # total 11 for a mother: above_cutoff
CALM_EPDS = [0, 0, 3, 0, 3, 3, 3, 3, 3, 3]  # total 0
SELF_HARM_EPDS = [0, 0, 3, 0, 3, 3, 3, 3, 3, 2]  # item 10 scores 1


def child_in(
    world: World,
    *,
    area: str = "ringparken",
    risk_factors: tuple[str, ...] = (),
    age_days: int | None = 100,
    due_in_days: int | None = None,
    today: date,
) -> uuid.UUID:
    with world.database.session(write=True) as session:
        _, child = make_family(
            session,
            today=today,
            area=area,
            risk_factors=risk_factors,
            birth_date=today - timedelta(days=age_days) if age_days is not None else None,
            due_date=today + timedelta(days=due_in_days) if due_in_days is not None else None,
            health_visitor=world.staff_id("hv1") if area != "centrum" else world.staff_id("hv2"),
        )
        session.commit()
        return child.id


def by_code(suggestions: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {s["code"]: [r["criterion"] for r in s["reasons"]] for s in suggestions}


def screen(client: TestClient, child_id: uuid.UUID, items: list[int], days_ago: int = 0, *, today: date) -> None:
    day = (today - timedelta(days=days_ago)).isoformat()
    response = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json={"instrument": "EPDS", "respondent": "mother", "items": items, "administered_on": day},
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 201, response.text


# --- eligibility ---------------------------------------------------------------------------------


def test_a_single_isolated_mother_in_ringparken_is_suggested_level_3_with_the_reasons(
    client: TestClient, world: World, today: date
) -> None:
    child_id = child_in(world, risk_factors=("single_parent", "socially_isolated"), age_days=100, today=today)
    response = client.get(f"/api/v1/children/{child_id}/eligibility", headers=bearer(token(client, "hv1")))
    assert response.status_code == 200, response.text
    assert response.headers["etag"]
    body = response.json()
    assert body["suggested_level"] == 3
    assert body["current_level"] == 1
    assert body["criteria_version"] == 1
    assert body["fired"] == [
        "all_families",
        "vulnerable_parents",
        "designated_housing_area",
        "designated_housing_area_infant",
    ]
    packages = by_code(body["packages"])
    assert packages == {
        "universal": ["all_families"],
        "depression_screening": ["all_families"],
        "adbb_observation": ["all_families"],
        "three_year_visit": ["all_families"],
        "joint_visits": ["vulnerable_parents"],
        "housing_area_extra": ["designated_housing_area"],
        "mothers_group": ["designated_housing_area_infant"],
    }
    housing = next(p for p in body["packages"] if p["code"] == "housing_area_extra")["reasons"][0]
    assert housing["text"].startswith("Familie i et udpeget boligområde")
    assert housing["text_en"].startswith("Family in a designated housing area")
    assert body["referrals"] == []
    assert body["urgent"] == []
    facts = body["facts"]
    assert (facts["housing_area"], facts["designated_area"], facts["age_days"]) == ("ringparken", True, 100)
    assert facts["risk_factors"] == ["single_parent", "socially_isolated"]


def test_a_pregnancy_in_the_third_trimester_is_suggested_minding_the_baby(
    client: TestClient, world: World, today: date
) -> None:
    child_id = child_in(
        world, risk_factors=("low_education", "parent_experienced_neglect"), age_days=None, due_in_days=60, today=today
    )
    body = client.get(f"/api/v1/children/{child_id}/eligibility", headers=bearer(token(client, "hv1"))).json()
    assert body["facts"]["gestational_week"] == 31
    assert body["facts"]["age_days"] is None
    assert by_code(body["packages"])["minding_the_baby"] == ["vulnerable_parents_in_pregnancy"]


def test_only_the_latest_screening_of_a_kind_counts(client: TestClient, world: World, today: date) -> None:
    child_id = child_in(world, area="motalavej", age_days=400, today=today)
    hv1 = bearer(token(client, "hv1"))
    url = f"/api/v1/children/{child_id}/eligibility"
    screen(client, child_id, ABOVE_CUTOFF_EPDS, days_ago=20, today=today)
    assert "depression_symptoms" in client.get(url, headers=hv1).json()["fired"]
    screen(client, child_id, CALM_EPDS, days_ago=5, today=today)
    body = client.get(url, headers=hv1).json()
    assert "depression_symptoms" not in body["fired"]
    assert body["facts"]["screenings"] == [{"instrument": "EPDS", "respondent": "mother", "total": 0, "flags": []}]


def test_thoughts_of_self_harm_are_urgent_with_a_referral_the_same_day(
    client: TestClient, world: World, today: date
) -> None:
    child_id = child_in(world, area="centrum", today=today)
    screen_headers = bearer(token(client, "hv2"))
    day = today.isoformat()
    client.post(
        f"/api/v1/children/{child_id}/screenings",
        json={"instrument": "EPDS", "respondent": "mother", "items": SELF_HARM_EPDS, "administered_on": day},
        headers=screen_headers,
    )
    body = client.get(f"/api/v1/children/{child_id}/eligibility", headers=screen_headers).json()
    assert [u["criterion"] for u in body["urgent"]] == ["self_harm_thoughts"]
    assert by_code(body["referrals"]) == {"general_practitioner": ["self_harm_thoughts"]}
    assert body["suggested_level"] == 3


def test_eligibility_is_refused_to_another_team_and_to_a_manager(client: TestClient, world: World, today: date) -> None:
    child_id = child_in(world, today=today)
    for username in ("hv2", "mgr1"):
        response = client.get(f"/api/v1/children/{child_id}/eligibility", headers=bearer(token(client, username)))
        assert response.status_code == 403


# --- stateless evaluation ------------------------------------------------------------------------


def evaluate_count(world: World) -> int:
    with world.database.session(write=False) as session:
        return session.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.resource.like("%/eligibility/evaluate"))  # type: ignore[attr-defined]
        ).one()


def test_posted_facts_are_evaluated_without_storing_anything(client: TestClient, world: World) -> None:
    facts = {
        "risk_factors": ["single_parent", "socially_isolated"],
        "screenings": [{"instrument": "ADBB", "respondent": "child", "total": 6, "flags": ["above_cutoff"]}],
        "housing_area": "ringparken",
        "age_days": 100,
    }
    response = client.post("/api/v1/eligibility/evaluate", json=facts, headers=bearer(token(client, "hv1")))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["suggested_level"] == 3
    assert body["child_id"] is None and body["current_level"] is None
    assert body["facts"]["designated_area"] is True  # taken from the stored area, since not given
    assert by_code(body["packages"])["cos_p"] == ["adbb_withdrawal"]
    assert "designated_housing_area_infant" in body["fired"]
    assert evaluate_count(world) == 0


def test_a_manager_may_evaluate_facts_but_an_admin_may_not(client: TestClient, world: World) -> None:
    facts = {"risk_factors": ["placed_outside_home"]}
    manager = client.post("/api/v1/eligibility/evaluate", json=facts, headers=bearer(token(client, "mgr1")))
    assert manager.status_code == 200
    assert manager.json()["suggested_level"] == 4
    admin = client.post("/api/v1/eligibility/evaluate", json=facts, headers=bearer(token(client, "admin1")))
    assert admin.status_code == 403


def test_evaluate_refuses_an_unknown_fact_code_by_its_field(client: TestClient, world: World) -> None:
    response = client.post(
        "/api/v1/eligibility/evaluate",
        json={"risk_factors": ["single_parent", "likes_football"]},
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["risk_factors.1"]


def test_evaluate_refuses_an_unknown_field_and_a_bad_screening(client: TestClient, world: World) -> None:
    hv1 = bearer(token(client, "hv1"))
    unknown = client.post("/api/v1/eligibility/evaluate", json={"income": 3}, headers=hv1)
    assert unknown.status_code == 422
    assert [e["field"] for e in unknown.json()["errors"]] == ["income"]
    bad = client.post(
        "/api/v1/eligibility/evaluate",
        json={"screenings": [{"instrument": "EPDS", "respondent": "mother", "total": -1}]},
        headers=hv1,
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["screenings.0.total"]


# --- level decisions -----------------------------------------------------------------------------


def decisions_stored(world: World) -> int:
    with world.database.session(write=False) as session:
        return session.exec(select(func.count()).select_from(LevelDecision)).one()


def test_a_judgement_without_a_reason_is_refused_naming_reason(client: TestClient, world: World, today: date) -> None:
    child_id = child_in(world, today=today)
    hv1 = bearer(token(client, "hv1"))
    url = f"/api/v1/children/{child_id}/level-decisions"
    for body in (
        {"level": 2, "basis": "professional_judgement"},
        {"level": 2, "basis": "professional_judgement", "reason": "  "},
    ):
        response = client.post(url, json=body, headers=hv1)
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    assert decisions_stored(world) == 0


def test_stepping_up_then_down_shows_each_direction_and_the_childs_level_follows(
    client: TestClient, world: World, today: date
) -> None:
    child_id = child_in(world, today=today)
    hv1 = bearer(token(client, "hv1"))
    url = f"/api/v1/children/{child_id}/level-decisions"
    up = client.post(
        url,
        json={
            "level": 3,
            "basis": "professional_judgement",
            "reason": "Mor er isoleret og har svært ved at knytte sig til barnet",
            "effective_on": (today - timedelta(days=30)).isoformat(),
        },
        headers=hv1,
    )
    assert up.status_code == 201, up.text
    assert up.headers["location"] == url
    assert (up.json()["direction"], up.json()["previous_level"], up.json()["level"]) == ("up", 1, 3)
    assert up.json()["decided_by"] == str(world.staff_id("hv1"))
    assert up.json()["criteria_version"] is None and up.json()["fired"] == []
    down = client.post(
        url,
        json={"level": 2, "basis": "professional_judgement", "reason": "Bedre trivsel; tæt opfølgning"},
        headers=hv1,
    )
    assert down.status_code == 201
    assert (down.json()["direction"], down.json()["previous_level"], down.json()["effective_on"]) == (
        "down",
        3,
        today.isoformat(),
    )
    history = client.get(url, headers=hv1)
    assert history.status_code == 200
    assert [(d["level"], d["direction"]) for d in history.json()["items"]] == [(3, "up"), (2, "down")]
    assert client.get(f"/api/v1/children/{child_id}", headers=hv1).json()["level"] == 2
    second_page = client.get(f"{url}?limit=1", headers=hv1).json()
    rest = client.get(f"{url}?limit=1&cursor={second_page['next_cursor']}", headers=hv1).json()
    assert [(d["level"], d["direction"], d["previous_level"]) for d in rest["items"]] == [(2, "down", 3)]


def test_a_decision_by_the_criteria_keeps_their_version_and_the_criteria_that_fired(
    client: TestClient, world: World, today: date
) -> None:
    child_id = child_in(world, risk_factors=("single_parent", "socially_isolated"), today=today)
    response = client.post(
        f"/api/v1/children/{child_id}/level-decisions",
        json={"level": 3, "basis": "criteria"},
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["basis"] == "criteria"
    assert body["criteria_version"] == 1
    assert "vulnerable_parents" in body["fired"]


def test_a_decision_by_the_criteria_must_take_the_level_they_suggest(
    client: TestClient, world: World, today: date
) -> None:
    child_id = child_in(world, area="centrum", today=today)  # no risk factors, ordinary area: level 1
    response = client.post(
        f"/api/v1/children/{child_id}/level-decisions",
        json={"level": 3, "basis": "criteria"},
        headers=bearer(token(client, "hv2")),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["level"]
    assert "professional_judgement" in response.json()["detail"]
    assert decisions_stored(world) == 0


def test_bad_level_decisions_are_refused_by_field(client: TestClient, world: World, today: date) -> None:
    child_id = child_in(world, today=today)
    hv1 = bearer(token(client, "hv1"))
    url = f"/api/v1/children/{child_id}/level-decisions"
    judgement = {"basis": "professional_judgement", "reason": "Vurdering"}
    cases = [
        ({**judgement, "level": 5}, "level"),
        ({**judgement, "level": 2, "effective_on": (today + timedelta(days=1)).isoformat()}, "effective_on"),
        ({**judgement, "level": 2, "basis": "gut_feeling"}, "basis"),
        ({**judgement, "level": 2, "decided_by": str(uuid.uuid4())}, "decided_by"),
    ]
    for body, field in cases:
        response = client.post(url, json=body, headers=hv1)
        assert response.status_code == 422, body
        assert field in [e["field"] for e in response.json()["errors"]]
    assert decisions_stored(world) == 0
    assert client.post(url, json={**judgement, "level": 2}, headers=hv1).status_code == 201
    backdated = {**judgement, "level": 3, "effective_on": (today - timedelta(days=3)).isoformat()}
    behind = client.post(url, json=backdated, headers=hv1)
    assert behind.status_code == 422
    assert [e["field"] for e in behind.json()["errors"]] == ["effective_on"]


def test_a_case_system_decision_names_the_client_not_a_staff_member(
    client: TestClient, world: World, today: date
) -> None:
    child_id = child_in(world, today=today)
    response = client.post(
        f"/api/v1/children/{child_id}/level-decisions",
        json={"level": 2, "basis": "professional_judgement", "reason": "Vurderet i sagssystemet"},
        headers=bearer(client_token(client)),
    )
    assert response.status_code == 201
    assert (response.json()["decided_by"], response.json()["decided_by_client"]) == (None, "case-system")


def test_level_decisions_are_refused_to_another_team_and_to_a_manager(
    client: TestClient, world: World, today: date
) -> None:
    child_id = child_in(world, today=today)
    url = f"/api/v1/children/{child_id}/level-decisions"
    body = {"level": 2, "basis": "professional_judgement", "reason": "Vurdering"}
    for username in ("hv2", "mgr1"):
        headers = bearer(token(client, username))
        assert client.post(url, json=body, headers=headers).status_code == 403
        assert client.get(url, headers=headers).status_code == 403
    assert decisions_stored(world) == 0
