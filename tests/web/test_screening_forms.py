"""Screening forms: the items as printed, a live total from the API's scorer, the self-harm flag shown
prominently, errors next to the item with the answers kept, and the saved result."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.factories import World, make_family
from tests.web.test_sign_in import sign_in

# Item 1 at position 1 (score 1), item 3 at position 0 (reverse-scored: score 3); see tests/api/test_screenings.py.
HAND_CHECKED_POSITIONS = [1, 2, 0, 1, 2, 2, 2, 3, 2, 3]  # total 11, above the mothers' cut-off
SELF_HARM_POSITIONS = [0, 0, 3, 0, 3, 3, 3, 3, 3, 2]  # every answer scoring 0 but item 10: total 1


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def htmx_headers(token: str) -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRF-Token": token}


@pytest.fixture
def child_id(world: World, today: date) -> uuid.UUID:
    with world.database.session(write=True) as session:
        _, child = make_family(
            session, today=today, birth_date=today - timedelta(days=50), health_visitor=world.staff_id("hv1")
        )
        session.commit()
        return child.id


def _answers(positions: list[int | None]) -> dict[str, str]:
    return {f"item_{i}": str(p) for i, p in enumerate(positions) if p is not None}


def test_the_epds_form_shows_every_item_with_its_printed_answers(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    page = client.get(f"/children/{child_id}/screenings/new?instrument=EPDS")
    assert page.status_code == 200
    html = page.text
    assert html.count('type="radio" name="item_') == 40  # 10 items, 4 printed answers each
    assert "Tanken om at gøre skade på mig selv har strejfet mig" in html
    assert "Lige så meget som jeg altid har kunnet" in html
    assert 'id="live-total" aria-live="polite"' in html
    assert 'hx-post="/children/' in html and 'hx-trigger="change"' in html
    assert f'action="/children/{child_id}/screenings/new?instrument=EPDS"' in html  # works without JS
    assert 'name="respondent" value="mother" checked' in html
    assert f'value="{today.isoformat()}"' in html


def test_gotland_and_adbb_have_their_own_items_and_respondent(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    gotland = client.get(f"/children/{child_id}/screenings/new?instrument=GOTLAND").text
    assert gotland.count('type="radio" name="item_') == 13 * 4
    assert 'name="respondent" value="father"' in gotland and "Passer ret godt" in gotland
    adbb = client.get(f"/children/{child_id}/screenings/new?instrument=ADBB").text
    assert adbb.count('type="radio" name="item_') == 8 * 5
    assert "observeret af sundhedsplejersken" in adbb


def test_the_live_total_is_a_fragment_from_the_apis_scorer(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    token = csrf(client.get(f"/children/{child_id}/screenings/new").text)
    # Item 1 position 1 (1 point) and item 3 position 0 (reverse-scored: 3 points): 4, not 1.
    response = client.post(
        f"/children/{child_id}/screenings/score?instrument=EPDS",
        data={"respondent": "mother", "item_0": "1", "item_2": "0"},
        headers=htmx_headers(token),
    )
    assert response.status_code == 200
    assert "<html" not in response.text and response.headers["vary"] == "HX-Request"
    assert 'id="total-number">4<' in response.text
    assert "Besvarede spørgsmål: 2 af 10" in response.text
    assert 'role="alert"' not in response.text


def test_item_ten_above_zero_shows_the_self_harm_alert_at_once(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    token = csrf(client.get(f"/children/{child_id}/screenings/new").text)
    response = client.post(
        f"/children/{child_id}/screenings/score?instrument=EPDS",
        data={"respondent": "mother", "item_9": "2"},
        headers=htmx_headers(token),
    )
    assert 'class="alert self-harm" role="alert"' in response.text
    assert "Tanker om selvskade" in response.text


def test_without_javascript_calculate_shows_the_whole_form_with_the_answers_kept(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    token = csrf(client.get(f"/children/{child_id}/screenings/new").text)
    response = client.post(
        f"/children/{child_id}/screenings/score?instrument=EPDS",
        data={"csrf_token": token, "respondent": "father", **_answers(HAND_CHECKED_POSITIONS)},
    )
    assert response.status_code == 200
    assert "<html" in response.text
    assert 'id="total-number">11<' in response.text
    assert "Grænseværdi: 10" in response.text  # the fathers' cut-off
    assert 'name="respondent" value="father" checked' in response.text
    assert 'name="item_7" value="3" checked' in response.text


def test_unanswered_items_are_named_next_to_the_item_and_the_answers_kept(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    token = csrf(client.get(f"/children/{child_id}/screenings/new").text)
    positions: list[int | None] = [*HAND_CHECKED_POSITIONS[:3], None, *HAND_CHECKED_POSITIONS[4:]]
    response = client.post(
        f"/children/{child_id}/screenings/new?instrument=EPDS",
        data={"csrf_token": token, "respondent": "mother", "administered_on": "2026-01-05", **_answers(positions)},
    )
    assert response.status_code == 400
    html = response.text
    assert 'id="item-3-error">Vælg et svar til dette spørgsmål.' in html
    assert 'aria-invalid="true" aria-describedby="item-3-error"' in html
    assert 'id="item-2-error"' not in html
    assert 'name="item_2" value="0" checked' in html and 'name="item_9" value="3" checked' in html
    assert 'value="2026-01-05"' in html
    assert "Screeningen er ikke gemt" in html


def test_a_date_in_the_future_is_refused_by_the_api_and_shown_next_to_the_date(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    token = csrf(client.get(f"/children/{child_id}/screenings/new").text)
    tomorrow = (today + timedelta(days=1)).isoformat()
    response = client.post(
        f"/children/{child_id}/screenings/new?instrument=EPDS",
        data={"csrf_token": token, "respondent": "mother", "administered_on": tomorrow, **_answers([0] * 10)},
    )
    assert response.status_code == 400
    assert 'id="administered_on-error">Angiv en gyldig dato' in response.text
    assert f'value="{tomorrow}"' in response.text
    assert 'name="item_4" value="0" checked' in response.text


def test_saving_scores_on_the_server_and_shows_the_self_harm_flag_after_saving(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    token = csrf(client.get(f"/children/{child_id}/screenings/new").text)
    response = client.post(
        f"/children/{child_id}/screenings/new?instrument=EPDS",
        data={
            "csrf_token": token,
            "respondent": "mother",
            "administered_on": today.isoformat(),
            **_answers(SELF_HARM_POSITIONS),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(f"/children/{child_id}/screenings/")
    saved = client.get(location)
    assert saved.status_code == 200
    assert 'class="alert self-harm" role="alert"' in saved.text
    assert "akut kontakt" in saved.text
    assert 'class="total-number">1<' in saved.text
    assert "Næsten aldrig" in saved.text  # item 10's answer as printed


def test_a_score_post_without_the_csrf_token_is_refused(client: TestClient, world: World, child_id: uuid.UUID) -> None:
    sign_in(client, "hv1")
    response = client.post(
        f"/children/{child_id}/screenings/score", data={"item_0": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 403


def test_a_manager_is_refused_the_form(client: TestClient, world: World, child_id: uuid.UUID) -> None:
    sign_in(client, "mgr1")
    response = client.get(f"/children/{child_id}/screenings/new")
    assert response.status_code == 403
    assert "Ingen adgang" in response.text


def test_an_unknown_instrument_is_a_page_that_does_not_exist(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    sign_in(client, "hv1")
    response = client.get(f"/children/{child_id}/screenings/new?instrument=PHQ9")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.text
