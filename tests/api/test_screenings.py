"""Screenings over HTTP: the server scores answer positions (reverse items included), flags self-harm
with an urgent contact due today, refuses bad items by name, and shows the list only to those allowed."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.rules.workdays import next_working_day
from domain.store.tables import AuditEvent, Screening, ScreeningItem, Visit, VisitStaff
from tests.factories import World, bearer, client_token, make_family, token

# EPDS worked out by hand. The form prints items 1, 2 and 4 with the answer scoring 0 first (score =
# position) and items 3 and 5-10 with the answer scoring 3 first (score = 3 - position):
#
#   item       1  2  3  4  5  6  7  8  9  10
#   position   1  2  0  1  2  2  2  3  2  3
#   reverse?   -  -  R  -  R  R  R  R  R  R
#   score      1  2  3  1  1  1  1  0  1  0     total = 11
#
# 11 is the default cut-off for mothers (>= 11), so `above_cutoff`; item 10 scores 0, so no `self_harm`.
# (Adding up the positions without the key would give 18.)
HAND_CHECKED_POSITIONS = [1, 2, 0, 1, 2, 2, 2, 3, 2, 3]
HAND_CHECKED_SCORES = [1, 2, 3, 1, 1, 1, 1, 0, 1, 0]
HAND_CHECKED_TOTAL = 11

# Every answer the best one (score 0), except item 10 at position 2: "hardly ever" = score 1.
SELF_HARM_POSITIONS = [0, 0, 3, 0, 3, 3, 3, 3, 3, 2]


def born_child(world: World, *, area: str = "ringparken", named_health_visitor: bool = True, today: date) -> uuid.UUID:
    with world.database.session(write=True) as session:
        _, child = make_family(
            session,
            today=today,
            area=area,
            birth_date=today - timedelta(days=60),
            health_visitor=world.staff_id("hv1") if named_health_visitor else None,
        )
        session.commit()
        return child.id


def epds(items: list[Any], *, today: date, **extra: Any) -> dict[str, Any]:
    return {
        "instrument": "EPDS",
        "respondent": "mother",
        "items": items,
        "administered_on": today.isoformat(),
        **extra,
    }


def stored_screenings(world: World) -> tuple[int, int]:
    with world.database.session(write=False) as session:
        return (
            session.exec(select(func.count()).select_from(Screening)).one(),
            session.exec(select(func.count()).select_from(ScreeningItem)).one(),
        )


def test_the_server_scores_an_epds_with_its_reverse_items_as_checked_by_hand(
    client: TestClient, world: World, today: date
) -> None:
    child_id = born_child(world, today=today)
    response = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json=epds(HAND_CHECKED_POSITIONS, today=today),
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["total"] == HAND_CHECKED_TOTAL
    assert body["item_scores"] == HAND_CHECKED_SCORES
    assert body["cutoff"] == 11
    assert body["flags"] == ["above_cutoff"]
    assert body["urgent_visit_id"] is None
    assert body["administered_by"] == str(world.staff_id("hv1"))
    assert [i["answer"] for i in body["items"]] == HAND_CHECKED_POSITIONS
    assert response.headers["location"] == f"/api/v1/children/{child_id}/screenings"
    assert response.headers["etag"]


def test_a_father_is_screened_against_the_fathers_cutoff(client: TestClient, world: World, today: date) -> None:
    child_id = born_child(world, today=today)
    hv1 = bearer(token(client, "hv1"))
    # The same answers total 11 for a father too, but his EPDS cut-off is 10.
    father = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json=epds(HAND_CHECKED_POSITIONS, respondent="father", today=today),
        headers=hv1,
    )
    assert father.status_code == 201
    assert (father.json()["cutoff"], father.json()["flags"]) == (10, ["above_cutoff"])
    gotland = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json={**epds([1] * 13, respondent="father", today=today), "instrument": "GOTLAND"},
        headers=hv1,
    )
    assert gotland.status_code == 201
    assert (gotland.json()["total"], gotland.json()["cutoff"], gotland.json()["flags"]) == (13, 13, ["above_cutoff"])


def test_thoughts_of_self_harm_create_an_urgent_visit_today_for_the_familys_health_visitor(
    client: TestClient, world: World, today: date
) -> None:
    child_id = born_child(world, today=today)
    # hv2 is not the family's health visitor, so the visit cannot be hers by accident: hv1 is named.
    response = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json=epds(SELF_HARM_POSITIONS, today=today),
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["total"] == 1
    assert body["flags"] == ["self_harm"]  # whatever the total
    visit_id = uuid.UUID(body["urgent_visit_id"])
    with world.database.session(write=False) as session:
        visit = session.get(Visit, visit_id)
        assert visit is not None
        assert visit.child_id == child_id
        assert visit.urgent is True
        assert visit.status == "planned"
        # Due today, or on a weekend or holiday on the next working day (and open from today).
        assert visit.earliest == today
        assert visit.target_date == visit.latest == next_working_day(today)
        staff = [row.staff_id for row in session.exec(select(VisitStaff).where(VisitStaff.visit_id == visit_id))]
    assert staff == [world.staff_id("hv1")]


def test_without_a_named_health_visitor_the_urgent_visit_goes_to_the_one_who_screened(
    client: TestClient, world: World, today: date
) -> None:
    child_id = born_child(world, named_health_visitor=False, today=today)
    response = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json=epds(SELF_HARM_POSITIONS, today=today),
        headers=bearer(token(client, "hv1")),
    )
    visit_id = uuid.UUID(response.json()["urgent_visit_id"])
    with world.database.session(write=False) as session:
        staff = [row.staff_id for row in session.exec(select(VisitStaff).where(VisitStaff.visit_id == visit_id))]
    assert staff == [world.staff_id("hv1")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lambda today: epds([0] * 9, today=today), "items"),
        (lambda today: epds([0] * 11, today=today), "items"),
        (lambda today: epds([0, 0, 0, 4, 0, 0, 0, 0, 0, 0], today=today), "items.3"),
        (lambda today: epds([0, 0, 0, 0, 0, 0, 0, 0, 0, -1], today=today), "items.9"),
        (lambda today: epds([True, 0, 0, 0, 0, 0, 0, 0, 0, 0], today=today), "items.0"),
        (lambda today: epds(["1", 0, 0, 0, 0, 0, 0, 0, 0, 0], today=today), "items.0"),
        (lambda today: {**epds([0] * 13, today=today), "instrument": "GOTLAND"}, "respondent"),
        (lambda today: {**epds([0] * 10, today=today), "instrument": "PHQ9"}, "instrument"),
        (
            lambda today: epds([0] * 10, administered_on=(today + timedelta(days=1)).isoformat(), today=today),
            "administered_on",
        ),
        (lambda today: epds([0] * 10, visit_id=str(uuid.uuid4()), today=today), "visit_id"),
        (lambda today: epds([0] * 10, total=0, today=today), "total"),
    ],
)
def test_a_bad_screening_is_refused_naming_the_field_and_nothing_is_stored(
    client: TestClient, world: World, body: Callable[[date], dict[str, Any]], field: str, today: date
) -> None:
    child_id = born_child(world, today=today)
    before = stored_screenings(world)
    response = client.post(
        f"/api/v1/children/{child_id}/screenings", json=body(today), headers=bearer(token(client, "hv1"))
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]]
    assert stored_screenings(world) == before


def test_the_list_is_newest_first_with_answers_and_scores_and_pages_with_a_cursor(
    client: TestClient, world: World, today: date
) -> None:
    child_id = born_child(world, today=today)
    hv1 = bearer(token(client, "hv1"))
    url = f"/api/v1/children/{child_id}/screenings"
    for days_ago in (30, 2, 10):
        day = (today - timedelta(days=days_ago)).isoformat()
        assert (
            client.post(
                url, json=epds(HAND_CHECKED_POSITIONS, administered_on=day, today=today), headers=hv1
            ).status_code
            == 201
        )
    first = client.get(f"{url}?limit=2", headers=hv1)
    assert first.status_code == 200
    page = first.json()
    dates = [s["administered_on"] for s in page["items"]]
    assert dates == [(today - timedelta(days=2)).isoformat(), (today - timedelta(days=10)).isoformat()]
    assert page["items"][0]["items"][2] == {"position": 2, "answer": 0, "score": 3}
    assert page["next_cursor"]
    rest = client.get(f"{url}?limit=2&cursor={page['next_cursor']}", headers=hv1).json()
    assert [s["administered_on"] for s in rest["items"]] == [(today - timedelta(days=30)).isoformat()]
    assert rest["next_cursor"] is None


def test_a_health_visitor_of_another_team_and_a_manager_are_refused(
    client: TestClient, world: World, today: date
) -> None:
    child_id = born_child(world, today=today)
    url = f"/api/v1/children/{child_id}/screenings"
    for username in ("hv2", "mgr1"):
        headers = bearer(token(client, username))
        assert client.post(url, json=epds(HAND_CHECKED_POSITIONS, today=today), headers=headers).status_code == 403
        assert client.get(url, headers=headers).status_code == 403
    assert stored_screenings(world) == (0, 0)


def test_only_health_visitors_record_screenings(client: TestClient, world: World, today: date) -> None:
    child_id = born_child(world, today=today)
    refused = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json=epds(HAND_CHECKED_POSITIONS, today=today),
        headers=bearer(token(client, "ft1")),
    )
    assert refused.status_code == 403


def test_a_case_system_records_a_screening_without_a_staff_member(
    client: TestClient, world: World, today: date
) -> None:
    child_id = born_child(world, today=today)
    response = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json=epds(HAND_CHECKED_POSITIONS, today=today),
        headers=bearer(client_token(client)),
    )
    assert response.status_code == 201
    assert response.json()["administered_by"] is None


def test_answers_are_neither_logged_nor_put_in_the_audit_trail(
    client: TestClient, world: World, caplog: pytest.LogCaptureFixture, today: date
) -> None:
    child_id = born_child(world, today=today)
    caplog.set_level(logging.DEBUG)
    response = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json=epds(SELF_HARM_POSITIONS, today=today),
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 201
    assert str(SELF_HARM_POSITIONS) not in caplog.text
    assert "0, 0, 3, 0, 3" not in caplog.text
    with world.database.session(write=False) as session:
        events = [
            (e.action, e.details) for e in session.exec(select(AuditEvent).where(AuditEvent.person_id == child_id))
        ]
    assert {action for action, _ in events} >= {"write", "create"}
    assert all("items" not in details and "answers" not in details for _, details in events)
