"""Health data reaches only those it is disclosed to, by every route; a family answer shows only the
children the caller may see. Each test reproduces a leak the issue names ("Privacy: health data reaches
only those who may see it", items 2 and 3)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from domain.services import organisation
from domain.store.tables import AuditEvent
from tests.factories import HealthStory, World, bearer, client_token, health_story, token

HEALTH_CRITERIA = {"self_harm_thoughts", "adbb_withdrawal", "depression_symptoms", "parent_mental_illness"}


@pytest.fixture
def story(world: World, today: date) -> HealthStory:
    return health_story(world, today, consent=False)


@pytest.fixture
def shared(world: World, today: date) -> HealthStory:
    return health_story(world, today, consent=True)


def _get(client: TestClient, who: str, url: str) -> Any:
    headers = bearer(client_token(client, who) if who == "case-system" else token(client, who))
    response = client.get(f"/api/v1{url}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _criteria(answer: dict[str, Any]) -> set[str]:
    """Every criterion an eligibility answer names: fired, urgent, and the reasons of its suggestions."""
    named = set(answer["fired"]) | {r["criterion"] for r in answer["urgent"]}
    for suggestion in answer["packages"] + answer["referrals"]:
        named |= {r["criterion"] for r in suggestion["reasons"]}
    return named


# --- item 2: one gate for all health data ---------------------------------------------------------------


def test_eligibility_reasons_from_screenings_are_withheld_from_a_family_therapist_without_consent(
    client: TestClient, story: HealthStory
) -> None:
    url = f"/children/{story.child_id}/eligibility"
    full, ft1 = _get(client, "hv1", url), _get(client, "ft1", url)

    assert _criteria(full) >= HEALTH_CRITERIA, "the story fires the health criteria"
    assert "Tanker om selvskade" in str(full) and "ADBB over skæringspunktet" in str(full)
    assert _criteria(ft1) & (HEALTH_CRITERIA | {"vulnerable_parents"}) == set()
    for text in ("Tanker om selvskade", "ADBB over skæringspunktet", "psykiske problemer", "fødselsdepression"):
        assert text not in str(ft1)
    assert ft1["urgent"] == [] and ft1["facts"]["screenings"] == []
    assert ft1["facts"]["risk_factors"] == ["single_parent"]
    assert {"all_families", "designated_housing_area"} <= set(ft1["fired"]), "the social reasons stay"
    assert "general_practitioner" not in {r["code"] for r in ft1["referrals"]}, "suggested for self-harm only"
    assert ft1["health_data_withheld"] is True and full["health_data_withheld"] is False
    assert ft1["suggested_level"] == full["suggested_level"]


def test_with_consent_the_family_therapist_sees_the_same_reasons_as_the_health_visitor(
    client: TestClient, shared: HealthStory
) -> None:
    url = f"/children/{shared.child_id}/eligibility"
    assert _get(client, "ft1", url) == _get(client, "hv1", url)


def test_an_urgent_visit_in_the_visit_list_stays_urgent_but_does_not_say_why(
    client: TestClient, story: HealthStory
) -> None:
    urgent = str(story.urgent_visit_ids[0])
    for who in ("ft1", "cw1", "ped1"):
        listed = {v["id"]: v for v in _get(client, who, f"/visits?child_id={story.child_id}")["items"]}
        one = _get(client, who, f"/visits/{urgent}")
        for visit in (listed[urgent], one):
            assert visit["urgent"] is True and visit["kind"] == "urgent_follow_up"
            assert visit["status_reason"] is None and visit["health_data_withheld"] is True, who
        schedule = _get(client, who, f"/children/{story.child_id}/schedule")
        assert "self-harm" not in str(schedule) and "EPDS" not in str(schedule)
    hv1 = _get(client, "hv1", f"/visits/{urgent}")
    assert "self-harm" in hv1["status_reason"] and hv1["health_data_withheld"] is False


def test_referral_reasons_are_withheld_without_consent_and_shown_with_it(
    client: TestClient, world: World, today: date
) -> None:
    for consent in (False, True):
        story = health_story(world, today, consent=consent)
        listed = _get(client, "cw1", f"/children/{story.child_id}/referrals")["items"]
        one = _get(client, "cw1", f"/referrals/{story.referral_id}")
        for referral in (listed[0], one):
            assert referral["target"] == "social_services" and referral["status"] == "sent"
            expected = "Positiv depressionsscreening hos mor" if consent else None
            assert referral["reason"] == expected and referral["health_data_withheld"] is not consent


def test_level_decision_reasons_and_health_criteria_are_withheld_without_consent(
    client: TestClient, story: HealthStory
) -> None:
    decisions = _get(client, "cw1", f"/children/{story.child_id}/level-decisions")["items"]
    assert [d["reason"] for d in decisions] == [None, None]
    assert all(d["health_data_withheld"] for d in decisions)
    assert set(decisions[1]["fired"]) & (HEALTH_CRITERIA | {"vulnerable_parents"}) == set()
    assert "designated_housing_area" in decisions[1]["fired"]
    full = _get(client, "hv1", f"/children/{story.child_id}/level-decisions")["items"]
    assert full[0]["reason"] == "Mor har fødselsdepression" and set(full[1]["fired"]) >= HEALTH_CRITERIA


def test_health_related_risk_factors_are_withheld_from_the_family_answer_without_consent(
    client: TestClient, story: HealthStory, world: World, today: date
) -> None:
    ft1 = _get(client, "ft1", f"/families/{story.family_id}")
    assert ft1["risk_factors"] == ["single_parent"] and ft1["health_data_withheld"] is True
    with_consent = health_story(world, today, consent=True)
    shared = _get(client, "ft1", f"/families/{with_consent.family_id}")
    assert shared["risk_factors"] == ["parent_mental_illness", "single_parent"]
    assert shared["health_data_withheld"] is False


def test_a_client_without_screenings_read_gets_no_health_data_and_may_not_record_a_screening(
    client: TestClient, world: World, story: HealthStory, today: date
) -> None:
    with world.database.session(write=True) as session:
        organisation.create_client(
            session,
            client_id="journal-feed",
            name="Journal feed",
            secret="client-secret-for-tests",
            scopes=["families:read", "schedules:read", "referrals:read", "screenings:write"],
        )
        session.commit()
    headers = bearer(client_token(client, "journal-feed"))
    visit = client.get(f"/api/v1/visits/{story.urgent_visit_ids[0]}", headers=headers).json()
    assert visit["status_reason"] is None and visit["health_data_withheld"] is True
    referral = client.get(f"/api/v1/referrals/{story.referral_id}", headers=headers).json()
    assert referral["reason"] is None
    family = client.get(f"/api/v1/families/{story.family_id}", headers=headers).json()
    assert family["risk_factors"] == ["placed_outside_home", "single_parent"], "clients see every child"
    recorded = client.post(
        f"/api/v1/children/{story.child_id}/screenings",
        json={"instrument": "ADBB", "respondent": "child", "items": [0] * 8, "administered_on": today.isoformat()},
        headers=headers,
    )
    assert recorded.status_code == 403, "the scored answer is health data"
    case_system = _get(client, "case-system", f"/visits/{story.urgent_visit_ids[0]}")
    assert "self-harm" in case_system["status_reason"]


# --- item 3: a family answer shows only the children the caller may see --------------------------------


@pytest.mark.parametrize("who", ["ft1", "ped1"])
def test_a_family_answer_shows_a_related_caller_only_her_child_and_not_the_parents_cpr(
    client: TestClient, story: HealthStory, who: str
) -> None:
    response = client.get(f"/api/v1/families/{story.family_id}", headers=bearer(token(client, who)))
    assert response.status_code == 200
    family = response.json()
    assert [c["id"] for c in family["children"]] == [str(story.child_id)]
    for secret in ("Storebror", story.sibling_cpr, str(story.sibling_id), story.mother_cpr, story.father_cpr):
        assert secret not in response.text, secret
    assert {(m["role"], m["name"], m["cpr"]) for m in family["members"]} == {
        ("mother", "Nora Holm", None),
        ("father", "Jonas Holm", None),
    }
    assert "placed_outside_home" not in family["risk_factors"], "recorded for the sibling only"
    if who == "ft1":  # a pedagogue has no family list
        listed = client.get("/api/v1/families", headers=bearer(token(client, who))).json()["items"]
        assert [f["id"] for f in listed] == [str(story.family_id)]
        assert listed[0]["children"] == family["children"] and listed[0]["members"] == family["members"]


def test_the_health_visitor_sees_every_child_member_cpr_and_risk_factor(client: TestClient, story: HealthStory) -> None:
    family = _get(client, "hv1", f"/families/{story.family_id}")
    assert {c["id"] for c in family["children"]} == {str(story.child_id), str(story.sibling_id)}
    assert {m["cpr"] for m in family["members"]} == {story.mother_cpr, story.father_cpr}
    assert family["risk_factors"] == ["parent_mental_illness", "placed_outside_home", "single_parent"]


def test_a_caseworker_sees_the_parents_cpr_but_not_the_sibling(client: TestClient, story: HealthStory) -> None:
    family = _get(client, "cw1", f"/families/{story.family_id}")
    assert [c["id"] for c in family["children"]] == [str(story.child_id)]
    assert {m["cpr"] for m in family["members"]} == {story.mother_cpr, story.father_cpr}


def _read_events(world: World, request_id: str) -> list[tuple[str, uuid.UUID | None]]:
    """(action, person) of the audit events of one request."""
    with world.database.session(write=False) as session:
        statement = select(AuditEvent.action, AuditEvent.person_id).where(AuditEvent.request_id == request_id)
        return [(action, person) for action, person in session.exec(statement)]


@pytest.mark.parametrize(("who", "sibling_shown"), [("ft1", False), ("hv1", True)])
def test_reading_a_family_records_one_read_event_per_person_shown(
    client: TestClient, world: World, story: HealthStory, who: str, sibling_shown: bool
) -> None:
    request_id = uuid.uuid4().hex
    response = client.get(
        f"/api/v1/families/{story.family_id}", headers={**bearer(token(client, who)), "X-Request-ID": request_id}
    )
    assert response.status_code == 200
    family = response.json()
    events = _read_events(world, response.headers.get("x-request-id", request_id))
    read = [str(person) for action, person in events if action == "read" and person != story.family_id]
    shown = [c["id"] for c in family["children"]] + [m["id"] for m in family["members"]]
    assert sorted(read) == sorted(shown) and len(read) == len(set(read))
    assert (str(story.sibling_id) in read) is sibling_shown
    assert str(story.mother_id) in read


def test_listing_families_records_a_search_event_per_person_shown(
    client: TestClient, world: World, story: HealthStory
) -> None:
    request_id = uuid.uuid4().hex
    response = client.get("/api/v1/families", headers={**bearer(token(client, "ft1")), "X-Request-ID": request_id})
    events = _read_events(world, response.headers.get("x-request-id", request_id))
    searched = {str(person) for action, person in events if action == "search"}
    assert {str(story.child_id), str(story.mother_id)} <= searched
    assert str(story.sibling_id) not in searched


# --- writing what one cannot see does not erase it --------------------------------------------------------


def test_replacing_risk_factors_without_consent_keeps_the_health_related_ones(
    client: TestClient, story: HealthStory
) -> None:
    ft1 = bearer(token(client, "ft1"))
    answer = client.put(
        f"/api/v1/families/{story.family_id}/risk-factors",
        json={"risk_factors": ["single_parent", "socially_isolated"]},
        headers=ft1,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["risk_factors"] == ["single_parent", "socially_isolated"]
    stored = _get(client, "hv1", f"/families/{story.family_id}")["risk_factors"]
    assert stored == ["parent_mental_illness", "placed_outside_home", "single_parent", "socially_isolated"]


def test_changing_members_without_seeing_their_cpr_keeps_the_cpr_numbers(
    client: TestClient, story: HealthStory
) -> None:
    ft1 = bearer(token(client, "ft1"))
    seen = client.get(f"/api/v1/families/{story.family_id}", headers=ft1)
    members = [{"role": m["role"], "name": m["name"]} for m in seen.json()["members"]]
    members.append({"role": "other", "name": "Mormor Holm"})
    changed = client.patch(
        f"/api/v1/families/{story.family_id}",
        json={"members": members},
        headers={**ft1, "If-Match": seen.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text
    stored = {m["name"]: m["cpr"] for m in _get(client, "hv1", f"/families/{story.family_id}")["members"]}
    assert stored == {"Nora Holm": story.mother_cpr, "Jonas Holm": story.father_cpr, "Mormor Holm": None}
