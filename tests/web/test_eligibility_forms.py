"""Eligibility page: the suggestion with the criteria that fired (Danish texts) and the criteria version,
and the level decision: accept the suggestion, or override it with a reason (errors next to the field)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.factories import World, bearer, make_family, token
from tests.web.test_screening_forms import csrf
from tests.web.test_sign_in import sign_in


@pytest.fixture
def child_id(world: World, today: date) -> uuid.UUID:
    """A baby in a designated area with two vulnerability factors: the criteria suggest level 3."""
    with world.database.session(write=True) as session:
        _, child = make_family(
            session,
            today=today,
            area="ringparken",
            risk_factors=("single_parent", "socially_isolated"),
            birth_date=today - timedelta(days=80),
            health_visitor=world.staff_id("hv1"),
        )
        session.commit()
        return child.id


def test_the_page_shows_the_suggestion_with_the_criteria_that_fired(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    page = client.get(f"/children/{child_id}/eligibility")
    assert page.status_code == 200
    html = page.text
    assert "Foreslået niveau" in html and "Niveau 3" in html
    assert "Mindst 2 af: oplevet omsorgssvigt, enlig, socialt isoleret" in html  # the criterion's Danish text
    assert "Kriterieversion" in html
    assert "Nuværende niveau" in html and "Niveau 1" in html
    assert "Accepter forslag" in html
    assert 'name="decision" value="override"' in html and 'for="override-reason"' in html


def test_accepting_the_suggestion_decides_the_suggested_level_by_the_criteria(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/eligibility").text)
    response = client.post(
        f"/children/{child_id}/eligibility",
        data={"csrf_token": form_token, "decision": "accept", "level": "3"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/children/{child_id}/eligibility?saved=3"
    after = client.get(response.headers["location"]).text
    assert 'role="status">Beslutningen er gemt: Niveau 3' in after
    assert "efter kriterierne" in after
    history = client.get(f"/api/v1/children/{child_id}/level-decisions", headers=bearer(token(client, "hv1"))).json()
    assert history["items"][-1]["basis"] == "criteria" and history["items"][-1]["level"] == 3


def test_an_override_without_a_reason_is_refused_next_to_the_reason(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/eligibility").text)
    response = client.post(
        f"/children/{child_id}/eligibility",
        data={"csrf_token": form_token, "decision": "override", "level": "2", "reason": "   "},
    )
    assert response.status_code == 400
    html = response.text
    assert 'aria-invalid="true" aria-describedby="reason-error"' in html
    assert 'id="reason-error">Skriv en begrundelse for det faglige skøn.' in html
    assert '<option value="2" selected>' in html  # the chosen level kept


def test_a_refused_override_keeps_the_typed_reason(client: TestClient, world: World, child_id: uuid.UUID) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/eligibility").text)
    response = client.post(
        f"/children/{child_id}/eligibility",
        data={"csrf_token": form_token, "decision": "override", "level": "7", "reason": "Mor ønsker tæt opfølgning"},
    )
    assert response.status_code == 400
    assert 'id="level-error">Vælg et niveau fra 1 til 4.' in response.text
    assert ">Mor ønsker tæt opfølgning</textarea>" in response.text


def test_an_override_with_a_reason_is_saved_as_professional_judgement(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/eligibility").text)
    response = client.post(
        f"/children/{child_id}/eligibility",
        data={"csrf_token": form_token, "decision": "override", "level": "2", "reason": "Netværket er stærkt"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    api = bearer(token(client, "hv1"))
    decision = client.get(f"/api/v1/children/{child_id}/level-decisions", headers=api).json()["items"][-1]
    assert decision["basis"] == "professional_judgement" and decision["reason"] == "Netværket er stærkt"
    assert "fagligt skøn" in client.get(response.headers["location"]).text


def test_accepting_a_suggestion_that_changed_meanwhile_says_so(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/eligibility").text)
    response = client.post(
        f"/children/{child_id}/eligibility", data={"csrf_token": form_token, "decision": "accept", "level": "2"}
    )
    assert response.status_code == 400
    assert "Forslaget er ændret" in response.text


def test_a_caseworker_without_a_relation_is_refused(client: TestClient, world: World, child_id: uuid.UUID) -> None:
    sign_in(client, "cw1")
    assert client.get(f"/children/{child_id}/eligibility").status_code == 403
