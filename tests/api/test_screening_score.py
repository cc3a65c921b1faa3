"""The stateless scoring endpoint and the instrument texts: a running total for a form, nothing stored,
no person named; and each instrument's items with their answers in printed order."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import col, func, select

from domain.store.tables import AuditEvent, Screening
from tests.factories import World, bearer, client_token, token

# The hand-checked EPDS of tests/api/test_screenings.py: positions → scores 1 2 3 1 1 1 1 0 1 0 = 11.
HAND_CHECKED_POSITIONS = [1, 2, 0, 1, 2, 2, 2, 3, 2, 3]
HAND_CHECKED_SCORES = [1, 2, 3, 1, 1, 1, 1, 0, 1, 0]


def _score(client: TestClient, items: list[int | None], *, who: str = "hv1", **extra: object) -> dict[str, object]:
    body = {"instrument": "EPDS", "respondent": "mother", "items": items, **extra}
    response = client.post("/api/v1/screenings/score", json=body, headers=bearer(token(client, who)))
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()
    return result


def test_a_complete_epds_is_scored_with_the_reverse_key_like_a_stored_one(client: TestClient, world: World) -> None:
    result = _score(client, HAND_CHECKED_POSITIONS)
    assert result["total"] == 11
    assert result["item_scores"] == HAND_CHECKED_SCORES
    assert result["cutoff"] == 11
    assert result["flags"] == ["above_cutoff"]
    assert result["answered"] == 10 and result["complete"] is True


def test_unanswered_items_count_nothing_so_a_form_can_show_a_running_total(client: TestClient, world: World) -> None:
    # Item 3 at position 0 scores 3 (reverse-scored); the unanswered reverse items must not count 3 each.
    result = _score(client, [1, None, 0, None, None, None, None, None, None, None])
    assert result["total"] == 4
    assert result["item_scores"] == [1, None, 3, None, None, None, None, None, None, None]
    assert result["flags"] == []
    assert result["answered"] == 2 and result["complete"] is False


def test_item_ten_above_zero_flags_self_harm_before_the_form_is_complete(client: TestClient, world: World) -> None:
    result = _score(client, [None] * 9 + [2])  # "Næsten aldrig" = score 1
    assert result["total"] == 1
    assert result["flags"] == ["self_harm"]


def test_scoring_stores_nothing_and_audits_no_person(client: TestClient, world: World) -> None:
    about_a_person = select(func.count()).select_from(AuditEvent).where(col(AuditEvent.person_id).is_not(None))
    with world.database.session(write=False) as session:
        before = session.exec(about_a_person).one()
    _score(client, HAND_CHECKED_POSITIONS)
    with world.database.session(write=False) as session:
        assert session.exec(select(func.count()).select_from(Screening)).one() == 0
        assert session.exec(about_a_person).one() == before


def test_a_bad_answer_is_named_by_its_item(client: TestClient, world: World) -> None:
    body = {"instrument": "EPDS", "respondent": "mother", "items": [0, 0, 0, 7, None, None, None, None, None, None]}
    response = client.post("/api/v1/screenings/score", json=body, headers=bearer(token(client, "hv1")))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["items.3"]


def test_the_wrong_number_of_items_or_respondent_is_refused(client: TestClient, world: World) -> None:
    headers = bearer(token(client, "hv1"))
    short = client.post(
        "/api/v1/screenings/score", json={"instrument": "EPDS", "respondent": "mother", "items": [0]}, headers=headers
    )
    assert short.status_code == 422 and short.json()["errors"][0]["field"] == "items"
    gotland_for_mother = client.post(
        "/api/v1/screenings/score",
        json={"instrument": "GOTLAND", "respondent": "mother", "items": [0] * 13},
        headers=headers,
    )
    assert gotland_for_mother.status_code == 422
    assert gotland_for_mother.json()["errors"][0]["field"] == "respondent"


def test_the_administered_date_is_not_part_of_a_score_request(client: TestClient, world: World) -> None:
    body = {"instrument": "EPDS", "respondent": "mother", "items": [0] * 10, "administered_on": "2026-01-01"}
    response = client.post("/api/v1/screenings/score", json=body, headers=bearer(token(client, "hv1")))
    assert response.status_code == 422


def test_care_staff_and_screening_clients_may_score_but_not_managers(client: TestClient, world: World) -> None:
    body = {"instrument": "ADBB", "respondent": "child", "items": [1, 1, 1, 1, 1, 0, 0, 0]}
    for who in ("ft1", "cw1"):
        answer = client.post("/api/v1/screenings/score", json=body, headers=bearer(token(client, who)))
        assert answer.status_code == 200 and answer.json()["total"] == 5
        assert answer.json()["flags"] == ["above_cutoff"]
    refused = client.post("/api/v1/screenings/score", json=body, headers=bearer(token(client, "mgr1")))
    assert refused.status_code == 403
    calendar_only = client.post(
        "/api/v1/screenings/score", json=body, headers=bearer(client_token(client, "calendar-only"))
    )
    assert calendar_only.status_code == 403


def test_the_instruments_answer_items_with_their_printed_options_and_cutoffs(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/screenings/instruments", headers=bearer(token(client, "admin1")))
    assert response.status_code == 200
    instruments = {i["code"]: i for i in response.json()}
    assert list(instruments) == ["EPDS", "GOTLAND", "ADBB"]
    epds = instruments["EPDS"]
    assert len(epds["items"]) == 10 and epds["max_total"] == 30
    assert epds["respondents"] == ["mother", "father"]
    assert {c["respondent"]: c["cutoff"] for c in epds["cutoffs"]} == {"mother": 11, "father": 10}
    item_10 = epds["items"][9]
    assert item_10["text_da"].startswith("Tanken om at gøre skade")
    assert [o["text_da"] for o in item_10["options"]] == ["Ja, ret ofte", "Nogle gange", "Næsten aldrig", "Aldrig"]
    assert all(len(item["options"]) == 4 for item in epds["items"])
    assert len(instruments["GOTLAND"]["items"]) == 13 and instruments["GOTLAND"]["respondents"] == ["father"]
    adbb = instruments["ADBB"]
    assert adbb["observer_rated"] is True and all(len(item["options"]) == 5 for item in adbb["items"])
    assert adbb["cutoffs"] == [{"respondent": "child", "cutoff": 5}]
