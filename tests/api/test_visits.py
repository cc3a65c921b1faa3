"""Visits over HTTP: a child's schedule, the worklist with its filters and cursor, moving and assigning
under If-Match, done (with screenings), cancelled and missed, ad-hoc and open-cadence visits."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.rules.visit_state import visit_state
from domain.rules.workdays import DEFAULT_CALENDAR
from domain.store.tables import AuditEvent, Screening, Visit, VisitStaff
from tests.factories import World, bearer, client_token, make_family, token

SELF_HARM_EPDS = [0] * 10  # item 10's first printed answer scores 3: thoughts of self-harm
CALM_EPDS = [0, 0, 3, 0, 3, 3, 3, 3, 3, 3]  # every item scores 0


def _child(world: World, *, today: date, **kwargs: Any) -> uuid.UUID:
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, health_visitor=world.staff_id("hv1"), **kwargs)
        session.commit()
        return child.id


def _enrolled_infant(
    client: TestClient, world: World, days_old: int = 200, *, today: date
) -> tuple[uuid.UUID, dict[str, Any]]:
    """A child born `days_old` days ago on hv1's caseload, enrolled in the universal programme since birth."""
    born = today - timedelta(days=days_old)
    child_id = _child(world, birth_date=born, today=today)
    response = client.post(
        f"/api/v1/children/{child_id}/enrollments",
        json={"package_code": "universal", "start_date": born.isoformat()},
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 201, response.text
    return child_id, {v["kind"]: v for v in response.json()["visits"]}


def _schedule(client: TestClient, headers: dict[str, str], child_id: uuid.UUID) -> dict[str, dict[str, Any]]:
    response = client.get(f"/api/v1/children/{child_id}/schedule", headers=headers)
    assert response.status_code == 200, response.text
    return {v["kind"]: v for v in response.json()["items"]}


def _all_pages(client: TestClient, params: dict[str, str], headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        response = client.get(
            "/api/v1/visits", params={**params, **({"cursor": cursor} if cursor else {})}, headers=headers
        )
        assert response.status_code == 200, response.text
        items.extend(response.json()["items"])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return items


def _visit_count(world: World) -> tuple[int, int, int]:
    with world.database.session(write=False) as session:
        return (
            session.exec(select(func.count()).select_from(Visit)).one(),
            session.exec(select(func.count()).select_from(VisitStaff)).one(),
            session.exec(select(func.count()).select_from(Screening)).one(),
        )


def _next_working_day_in(earliest: date, latest: date, avoid: date) -> date:
    day = earliest
    while day <= latest:
        if DEFAULT_CALENDAR.is_working_day(day) and day != avoid:
            return day
        day += timedelta(days=1)
    raise AssertionError("no working day in the window")


# --- the schedule --------------------------------------------------------------------------------


def test_the_schedule_shows_every_visit_with_the_key_fields_and_its_state_today(
    client: TestClient, world: World, today: date
) -> None:
    child_id, visits = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    added = client.post(
        f"/api/v1/children/{child_id}/visits",
        json={"target_date": (today + timedelta(days=3)).isoformat()},
        headers=headers,
    )
    assert added.status_code == 201, added.text
    response = client.get(f"/api/v1/children/{child_id}/schedule", headers=headers)
    items = response.json()["items"]
    assert len(items) == len(visits) + 1
    assert [v["target_date"] for v in items] == sorted(v["target_date"] for v in items)
    key_fields = {"id", "child_id", "package_code", "kind", "target_date", "earliest", "latest", "roles", "status"}
    for item in items:
        assert set(item) >= key_fields | {"done_on", "staff_ids", "state", "urgent"}
        assert item["child_id"] == str(child_id)
        expected = visit_state(
            status=item["status"],
            earliest=date.fromisoformat(item["earliest"]),
            latest=date.fromisoformat(item["latest"]),
            today=today,
        )
        assert item["state"] == expected.value
    ad_hoc = next(v for v in items if v["kind"] == "ad_hoc")
    assert ad_hoc["package_code"] is None and ad_hoc["staff_ids"] == [str(world.staff_id("hv1"))]
    assert visits["postnatal"]["id"] in {v["id"] for v in items}
    states = {v["kind"]: v["state"] for v in items}
    assert states["postnatal"] == "overdue" and states["months_15_18"] == "upcoming"


def test_a_pedagogue_and_other_teams_see_no_schedule_of_a_child_not_theirs(
    client: TestClient, world: World, today: date
) -> None:
    child_id, _ = _enrolled_infant(client, world, today=today)
    for username in ("hv2", "ped1", "mgr1", "ft1"):
        response = client.get(f"/api/v1/children/{child_id}/schedule", headers=bearer(token(client, username)))
        assert response.status_code == 403, username


# --- the worklist --------------------------------------------------------------------------------


def test_the_overdue_filter_keeps_planned_visits_whose_window_has_closed(
    client: TestClient, world: World, today: date
) -> None:
    child_id, visits = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    assert client.post(f"/api/v1/visits/{visits['postnatal']['id']}/complete", headers=headers).status_code == 200
    cancelled = client.post(
        f"/api/v1/visits/{visits['establishment']['id']}/cancel",
        json={"reason": "Familien ønskede det ikke"},
        headers=headers,
    )
    assert cancelled.status_code == 200
    overdue = client.get("/api/v1/visits", params={"overdue": "true", "child_id": str(child_id)}, headers=headers)
    assert overdue.status_code == 200, overdue.text
    kinds = [v["kind"] for v in overdue.json()["items"]]
    assert sorted(kinds) == ["months_2_3", "months_4_5"]
    assert {v["state"] for v in overdue.json()["items"]} == {"overdue"}
    schedule = _schedule(client, headers, child_id)
    assert sorted(k for k, v in schedule.items() if v["state"] == "overdue") == sorted(kinds)
    rest = client.get("/api/v1/visits", params={"overdue": "false", "child_id": str(child_id)}, headers=headers)
    assert sorted(v["kind"] for v in rest.json()["items"]) == sorted(set(schedule) - set(kinds))
    planned = client.get(
        "/api/v1/visits", params={"status": ["done", "cancelled"], "child_id": str(child_id)}, headers=headers
    )
    assert sorted(v["kind"] for v in planned.json()["items"]) == ["establishment", "postnatal"]


def test_the_worklist_pages_with_a_cursor_urgent_visits_first(client: TestClient, world: World, today: date) -> None:
    child_id, visits = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    done = client.post(
        f"/api/v1/visits/{visits['months_4_5']['id']}/complete",
        json={"screenings": [{"instrument": "EPDS", "respondent": "mother", "items": SELF_HARM_EPDS}]},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    urgent_id = done.json()["screenings"][0]["urgent_visit_id"]
    assert urgent_id
    items = _all_pages(client, {"limit": "2", "child_id": str(child_id)}, headers)
    assert items[0]["id"] == urgent_id and items[0]["urgent"] is True
    ids = [v["id"] for v in items]
    assert len(ids) == len(set(ids)) == len(visits) + 1
    rest = items[1:]
    assert [(v["target_date"], v["id"]) for v in rest] == sorted((v["target_date"], v["id"]) for v in rest)
    with world.database.session(write=False) as session:
        searched = session.exec(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.person_id == child_id, AuditEvent.action == "search")
        ).one()
    assert searched >= 4  # one per page that showed the child


def test_the_worklist_filters_by_staff_team_area_and_dates(client: TestClient, world: World, today: date) -> None:
    child_id, visits = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    hv1, ft1 = str(world.staff_id("hv1")), str(world.staff_id("ft1"))
    mine = client.get("/api/v1/visits", params={"staff_id": hv1, "child_id": str(child_id)}, headers=headers).json()
    assert len(mine["items"]) == len(visits)
    nobody = client.get("/api/v1/visits", params={"staff_id": ft1, "child_id": str(child_id)}, headers=headers)
    assert nobody.json()["items"] == []
    nord, syd = str(world.team_ids["nord"]), str(world.team_ids["syd"])
    team = client.get("/api/v1/visits", params={"team_id": nord, "child_id": str(child_id)}, headers=headers)
    assert len(team.json()["items"]) == len(visits)
    other_team = client.get("/api/v1/visits", params={"team_id": syd, "child_id": str(child_id)}, headers=headers)
    assert other_team.json()["items"] == []
    area = client.get("/api/v1/visits", params={"area": "ringparken", "child_id": str(child_id)}, headers=headers)
    assert len(area.json()["items"]) == len(visits)
    assert client.get("/api/v1/visits", params={"area": "centrum"}, headers=headers).json()["items"] == []
    window = {"from": today.isoformat(), "to": (today + timedelta(days=400)).isoformat(), "child_id": str(child_id)}
    ahead = client.get("/api/v1/visits", params=window, headers=headers).json()["items"]
    assert sorted(v["kind"] for v in ahead) == ["months_15_18", "months_8_10"]


def test_from_after_to_and_an_unknown_status_are_refused_by_name(client: TestClient, world: World, today: date) -> None:
    headers = bearer(token(client, "hv1"))
    reversed_range = client.get(
        "/api/v1/visits",
        params={"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()},
        headers=headers,
    )
    assert reversed_range.status_code == 422
    assert reversed_range.json()["errors"][0]["field"] == "from"
    unknown = client.get("/api/v1/visits", params={"status": "lost"}, headers=headers)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"].startswith("status")
    bad_cursor = client.get("/api/v1/visits", params={"cursor": "nonsense"}, headers=headers)
    assert bad_cursor.status_code == 422
    assert bad_cursor.json()["errors"][0]["field"] == "cursor"


def test_the_worklist_shows_only_children_the_caller_may_see(client: TestClient, world: World, today: date) -> None:
    child_id, _ = _enrolled_infant(client, world, today=today)
    other = client.get("/api/v1/visits", params={"child_id": str(child_id)}, headers=bearer(token(client, "hv2")))
    assert other.status_code == 200
    assert other.json()["items"] == []
    assert client.get("/api/v1/visits", headers=bearer(token(client, "mgr1"))).status_code == 403
    assert client.get("/api/v1/visits", headers=bearer(token(client, "admin1"))).status_code == 403
    case_system = client.get("/api/v1/visits", params={"child_id": str(child_id)}, headers=bearer(client_token(client)))
    assert len(case_system.json()["items"]) > 0


# --- one visit -----------------------------------------------------------------------------------


def test_moving_a_visit_needs_if_match_and_a_reason_outside_its_window(
    client: TestClient, world: World, today: date
) -> None:
    _, visits = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    visit = visits["months_8_10"]
    url = f"/api/v1/visits/{visit['id']}"
    read = client.get(url, headers=headers)
    assert read.status_code == 200
    etag = read.headers["etag"]
    earliest, latest = date.fromisoformat(visit["earliest"]), date.fromisoformat(visit["latest"])
    inside = _next_working_day_in(earliest, latest, avoid=date.fromisoformat(visit["target_date"]))
    assert client.patch(url, json={"target_date": inside.isoformat()}, headers=headers).status_code == 428
    stale = client.patch(url, json={"target_date": inside.isoformat()}, headers={**headers, "If-Match": '"old"'})
    assert stale.status_code == 412
    moved = client.patch(url, json={"target_date": inside.isoformat()}, headers={**headers, "If-Match": etag})
    assert moved.status_code == 200, moved.text
    assert moved.json()["target_date"] == inside.isoformat()
    etag = moved.headers["etag"]
    outside = latest + timedelta(days=7)
    while not DEFAULT_CALENDAR.is_working_day(outside):
        outside += timedelta(days=1)
    no_reason = client.patch(url, json={"target_date": outside.isoformat()}, headers={**headers, "If-Match": etag})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "reason"
    saturday = earliest + timedelta(days=(5 - earliest.weekday()) % 7)
    weekend = client.patch(url, json={"target_date": saturday.isoformat()}, headers={**headers, "If-Match": etag})
    assert weekend.status_code == 422
    assert weekend.json()["errors"][0]["field"] == "target_date"
    empty = client.patch(url, json={}, headers={**headers, "If-Match": etag})
    assert empty.status_code == 422
    assert client.get(url, headers=headers).json()["target_date"] == inside.isoformat()
    with_reason = client.patch(
        url,
        json={"target_date": outside.isoformat(), "reason": "Familien er bortrejst"},
        headers={**headers, "If-Match": etag},
    )
    assert with_reason.status_code == 200
    assert with_reason.json()["reschedule_reason"] == "Familien er bortrejst"


def test_assigning_staff_replaces_who_is_on_the_visit(client: TestClient, world: World, today: date) -> None:
    _, visits = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    url = f"/api/v1/visits/{visits['months_15_18']['id']}"
    etag = client.get(url, headers=headers).headers["etag"]
    ft1, hv1 = str(world.staff_id("ft1")), str(world.staff_id("hv1"))
    assigned = client.patch(url, json={"staff_ids": [ft1, hv1]}, headers={**headers, "If-Match": etag})
    assert assigned.status_code == 200, assigned.text
    assert sorted(assigned.json()["staff_ids"]) == sorted([ft1, hv1])
    etag = assigned.headers["etag"]
    twice = client.patch(url, json={"staff_ids": [ft1, ft1]}, headers={**headers, "If-Match": etag})
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "staff_ids"
    manager = client.patch(
        url, json={"staff_ids": [str(world.staff_id("mgr1"))]}, headers={**headers, "If-Match": etag}
    )
    assert manager.status_code == 422 and manager.json()["errors"][0]["field"] == "staff_ids.0"
    unknown = client.patch(url, json={"staff_ids": [str(uuid.uuid4())]}, headers={**headers, "If-Match": etag})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "staff_ids.0"
    only_ft = client.patch(url, json={"staff_ids": [ft1]}, headers={**headers, "If-Match": etag})
    assert only_ft.json()["staff_ids"] == [ft1]


def test_a_visit_is_done_once_and_then_cannot_be_cancelled(client: TestClient, world: World, today: date) -> None:
    _, visits = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    url = f"/api/v1/visits/{visits['months_4_5']['id']}"
    future = (today + timedelta(days=1)).isoformat()
    assert client.post(f"{url}/complete", json={"done_on": future}, headers=headers).json()["errors"][0]["field"] == (
        "done_on"
    )
    done = client.post(f"{url}/complete", headers=headers)
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "done" and body["state"] == "done"
    assert body["done_on"] == today.isoformat()
    assert body["staff"] == [{"staff_id": str(world.staff_id("hv1")), "role": "health_visitor", "performed": True}]
    assert client.post(f"{url}/complete", headers=headers).status_code == 409
    assert client.post(f"{url}/cancel", json={"reason": "for sent"}, headers=headers).status_code == 409
    assert client.post(f"{url}/missed", json={"reason": "for sent"}, headers=headers).status_code == 409


def test_cancel_and_missed_need_a_reason(client: TestClient, world: World, today: date) -> None:
    _, visits = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    url = f"/api/v1/visits/{visits['months_2_3']['id']}"
    for action in ("cancel", "missed"):
        response = client.post(f"{url}/{action}", json={}, headers=headers)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "reason"
    missed = client.post(f"{url}/missed", json={"reason": "Ingen hjemme"}, headers=headers)
    assert missed.status_code == 200
    assert missed.json()["status"] == "missed" and missed.json()["status_reason"] == "Ingen hjemme"
    assert client.post(f"{url}/cancel", json={"reason": "x"}, headers=headers).status_code == 409


def test_screenings_given_at_a_visit_are_recorded_with_it_or_nothing_is(
    client: TestClient, world: World, today: date
) -> None:
    child_id, visits = _enrolled_infant(client, world, days_old=40, today=today)
    headers = bearer(token(client, "hv1"))
    url = f"/api/v1/visits/{visits['establishment']['id']}"
    before = _visit_count(world)
    bad = client.post(
        f"{url}/complete",
        json={"screenings": [{"instrument": "EPDS", "respondent": "mother", "items": [0, 1, 2]}]},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].startswith("screenings.0.items")
    assert _visit_count(world) == before
    assert client.get(url, headers=headers).json()["status"] == "planned"
    done = client.post(
        f"{url}/complete",
        json={"screenings": [{"instrument": "EPDS", "respondent": "mother", "items": CALM_EPDS}]},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    recorded = done.json()["screenings"]
    assert [(s["instrument"], s["total"], s["urgent_visit_id"]) for s in recorded] == [("EPDS", 0, None)]
    listed = client.get(f"/api/v1/children/{child_id}/screenings", headers=headers).json()["items"]
    assert [s["visit_id"] for s in listed] == [visits["establishment"]["id"]]


def test_only_those_who_may_record_screenings_can_send_them_with_a_visit(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _child(world, due_date=today + timedelta(days=60), today=today)
    enrolled = client.post(
        f"/api/v1/children/{child_id}/enrollments",
        json={"package_code": "minding_the_baby", "staff": {"family_therapist": str(world.staff_id("ft1"))}},
        headers=bearer(token(client, "hv1")),
    )
    visit_id = enrolled.json()["visits"][0]["id"]
    ft = bearer(token(client, "ft1"))
    refused = client.post(
        f"/api/v1/visits/{visit_id}/complete",
        json={"screenings": [{"instrument": "EPDS", "respondent": "mother", "items": CALM_EPDS}]},
        headers=ft,
    )
    assert refused.status_code == 403
    done = client.post(f"/api/v1/visits/{visit_id}/complete", headers=ft)
    assert done.status_code == 200
    performed = {s["staff_id"]: s["performed"] for s in done.json()["staff"]}
    assert performed[str(world.staff_id("ft1"))] is True


def test_other_teams_and_managers_cannot_touch_a_visit(client: TestClient, world: World, today: date) -> None:
    _, visits = _enrolled_infant(client, world, today=today)
    url = f"/api/v1/visits/{visits['months_8_10']['id']}"
    for username in ("hv2", "mgr1"):
        headers = bearer(token(client, username))
        assert client.get(url, headers=headers).status_code == 403
        assert client.patch(url, json={"staff_ids": []}, headers={**headers, "If-Match": "*"}).status_code == 403
        assert client.post(f"{url}/complete", headers=headers).status_code == 403
        assert client.post(f"{url}/cancel", json={"reason": "x"}, headers=headers).status_code == 403
    assert client.get(url, headers=bearer(token(client, "hv1"))).json()["status"] == "planned"


# --- ad-hoc and open-cadence visits --------------------------------------------------------------


def test_an_ad_hoc_visit_is_created_with_a_location_and_the_caller_assigned(
    client: TestClient, world: World, today: date
) -> None:
    child_id, _ = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    target = today + timedelta(days=5)
    created = client.post(
        f"/api/v1/children/{child_id}/visits",
        json={
            "target_date": target.isoformat(),
            "earliest": (target - timedelta(days=2)).isoformat(),
            "latest": (target + timedelta(days=2)).isoformat(),
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/api/v1/visits/{body['id']}"
    assert body["kind"] == "ad_hoc" and body["enrollment_id"] is None and body["status"] == "planned"
    assert body["staff_ids"] == [str(world.staff_id("hv1"))]
    read = client.get(created.headers["location"], headers=headers)
    assert read.headers["etag"] == created.headers["etag"]


def test_a_bad_ad_hoc_visit_is_named_and_not_stored(client: TestClient, world: World, today: date) -> None:
    child_id, _ = _enrolled_infant(client, world, today=today)
    other_child, _ = _enrolled_infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    other_enrollment = client.get(f"/api/v1/children/{other_child}/enrollments", headers=headers).json()["items"][0]
    own_enrollment = client.get(f"/api/v1/children/{child_id}/enrollments", headers=headers).json()["items"][0]
    target = today + timedelta(days=5)
    before = _visit_count(world)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"target_date": target.isoformat(), "latest": (target - timedelta(days=1)).isoformat()}, "target_date"),
        ({"target_date": target.isoformat(), "enrollment_id": other_enrollment["id"]}, "enrollment_id"),
        ({"target_date": target.isoformat(), "enrollment_id": own_enrollment["id"], "kind": "postnatal"}, "kind"),
        ({"target_date": target.isoformat(), "kind": "Not A Code"}, "kind"),
        ({"target_date": target.isoformat(), "staff_ids": [str(uuid.uuid4())]}, "staff_ids.0"),
        ({"kind": "ad_hoc"}, "target_date"),
    ]
    for body, field in cases:
        response = client.post(f"/api/v1/children/{child_id}/visits", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["errors"][0]["field"] == field, body
    assert _visit_count(world) == before


def test_an_open_cadence_gro_visit_keeps_its_date_when_the_birth_is_registered(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _child(world, due_date=today + timedelta(days=20), today=today)
    headers = bearer(token(client, "hv1"))
    gro = client.post(f"/api/v1/children/{child_id}/enrollments", json={"package_code": "gro"}, headers=headers)
    assert gro.status_code == 201, gro.text
    assert gro.json()["visits"] == []
    target = today + timedelta(days=30)
    first = client.post(
        f"/api/v1/children/{child_id}/visits",
        json={"target_date": target.isoformat(), "kind": "gro_visit", "enrollment_id": gro.json()["id"]},
        headers=headers,
    )
    assert first.status_code == 201, first.text
    assert first.json()["package_code"] == "gro" and first.json()["sequence"] == 1
    second = client.post(
        f"/api/v1/children/{child_id}/visits",
        json={
            "target_date": (target + timedelta(days=14)).isoformat(),
            "kind": "gro_visit",
            "enrollment_id": gro.json()["id"],
        },
        headers=headers,
    )
    assert second.json()["sequence"] == 2
    born = client.post(
        f"/api/v1/children/{child_id}/birth",
        json={"birth_date": (today - timedelta(days=1)).isoformat()},
        headers=headers,
    )
    assert born.status_code == 200, born.text
    after = client.get(f"/api/v1/visits/{first.json()['id']}", headers=headers).json()
    assert (after["status"], after["target_date"]) == ("planned", target.isoformat())
