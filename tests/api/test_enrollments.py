"""Enrolments over HTTP: dry runs that store nothing, real enrolments with their visits, re-anchoring at
birth, ending with a reason under If-Match, and who may do what."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.store.tables import AuditEvent, Enrollment, EnrollmentStaff, Visit, VisitStaff
from tests.factories import World, bearer, client_token, make_family, token


def _child(world: World, *, today: date, **kwargs: Any) -> uuid.UUID:
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, health_visitor=world.staff_id("hv1"), **kwargs)
        session.commit()
        return child.id


def _counts(world: World) -> tuple[int, int, int, int]:
    with world.database.session(write=False) as session:
        return (
            session.exec(select(func.count()).select_from(Enrollment)).one(),
            session.exec(select(func.count()).select_from(EnrollmentStaff)).one(),
            session.exec(select(func.count()).select_from(Visit)).one(),
            session.exec(select(func.count()).select_from(VisitStaff)).one(),
        )


def _enroll(client: TestClient, headers: dict[str, str], child_id: uuid.UUID, **body: Any) -> Any:
    return client.post(f"/api/v1/children/{child_id}/enrollments", json=body, headers=headers)


def _schedule(client: TestClient, headers: dict[str, str], child_id: uuid.UUID) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/children/{child_id}/schedule", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_a_dry_run_of_minding_the_baby_answers_the_schedule_and_stores_nothing(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _child(world, due_date=today + timedelta(days=70), today=today)
    headers = bearer(token(client, "hv1"))
    before = _counts(world)
    response = _enroll(
        client,
        headers,
        child_id,
        package_code="minding_the_baby",
        dry_run=True,
        staff={"family_therapist": str(world.staff_id("ft1"))},
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["id"] is None
    assert answer["dry_run"] is True
    assert answer["package_code"] == "minding_the_baby"
    assert answer["package_version"] == 1
    assert "location" not in response.headers
    kinds = {v["kind"] for v in answer["visits"]}
    assert kinds == {"mtb_weekly", "mtb_fortnightly"}
    assert len(answer["visits"]) > 70  # weekly for a year and fortnightly for the next
    first = answer["visits"][0]
    assert set(first) >= {"kind", "sequence", "target_date", "earliest", "latest", "roles"}
    assert first["id"] is None and first["status"] is None
    assert first["earliest"] <= first["target_date"] <= first["latest"]
    assert sorted(first["roles"]) == ["family_therapist", "health_visitor"]
    assert sorted(first["staff_ids"]) == sorted([str(world.staff_id("ft1")), str(world.staff_id("hv1"))])
    assert _counts(world) == before
    assert _schedule(client, headers, child_id) == []
    listed = client.get(f"/api/v1/children/{child_id}/enrollments", headers=headers).json()
    assert listed["items"] == []


def test_enrolling_stores_the_visits_with_ids_staff_and_a_location(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _child(world, due_date=today + timedelta(days=70), today=today)
    headers = bearer(token(client, "hv1"))
    response = _enroll(client, headers, child_id, package_code="universal")
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["id"] is not None and answer["dry_run"] is False
    assert response.headers["location"] == f"/api/v1/enrollments/{answer['id']}"
    assert [v["kind"] for v in answer["visits"]][:2] == ["pregnancy", "postnatal"]
    for visit in answer["visits"]:
        assert uuid.UUID(visit["id"])
        assert visit["status"] == "planned"
        assert visit["staff_ids"] == [str(world.staff_id("hv1"))]  # the family's own health visitor
    schedule = _schedule(client, headers, child_id)
    assert sorted(v["id"] for v in schedule) == sorted(v["id"] for v in answer["visits"])
    read = client.get(response.headers["location"], headers=headers)
    assert read.status_code == 200
    assert read.headers["etag"]
    with world.database.session(write=False) as session:
        created = session.exec(
            select(AuditEvent.details).where(AuditEvent.person_id == child_id, AuditEvent.action == "create")
        ).all()
    assert [details["package_code"] for details in created] == ["universal"]


def test_the_childs_enrolments_list_package_name_version_dates_and_staff(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _child(world, due_date=today + timedelta(days=70), today=today)
    headers = bearer(token(client, "hv1"))
    ft1 = str(world.staff_id("ft1"))
    assert _enroll(client, headers, child_id, package_code="universal").status_code == 201
    mtb = _enroll(client, headers, child_id, package_code="minding_the_baby", staff={"family_therapist": ft1})
    assert mtb.status_code == 201, mtb.text
    listed = client.get(f"/api/v1/children/{child_id}/enrollments", headers=headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert sorted(e["package_code"] for e in items) == ["minding_the_baby", "universal"]
    by_code = {e["package_code"]: e for e in items}
    assert by_code["universal"]["package_name"] == "Universelt sundhedsplejeprogram"
    assert by_code["minding_the_baby"]["package_version"] == 1
    assert by_code["minding_the_baby"]["started_on"] == today.isoformat()
    assert by_code["minding_the_baby"]["ended_on"] is None and by_code["minding_the_baby"]["active"] is True
    assert {(s["role"], s["staff_id"]) for s in by_code["minding_the_baby"]["staff"]} == {
        ("family_therapist", ft1),
        ("health_visitor", str(world.staff_id("hv1"))),
    }
    # The family therapist now sees the child, through the enrolment.
    ft_headers = bearer(token(client, "ft1"))
    assert client.get(f"/api/v1/children/{child_id}/enrollments", headers=ft_headers).status_code == 200


def test_registering_an_early_birth_moves_planned_visits_but_not_a_done_one(
    client: TestClient, world: World, today: date
) -> None:
    due = today + timedelta(days=10)
    child_id = _child(world, due_date=due, today=today)
    headers = bearer(token(client, "hv1"))
    enrolled = _enroll(
        client, headers, child_id, package_code="universal", start_date=(today - timedelta(days=70)).isoformat()
    )
    assert enrolled.status_code == 201, enrolled.text
    visits = {v["kind"]: v for v in enrolled.json()["visits"]}
    pregnancy, postnatal = visits["pregnancy"], visits["postnatal"]
    assert date.fromisoformat(postnatal["target_date"]) >= due
    done = client.post(
        f"/api/v1/visits/{pregnancy['id']}/complete", json={"done_on": pregnancy["target_date"]}, headers=headers
    )
    assert done.status_code == 200, done.text

    birth = today - timedelta(days=5)  # two weeks before the due date
    born = client.post(f"/api/v1/children/{child_id}/birth", json={"birth_date": birth.isoformat()}, headers=headers)
    assert born.status_code == 200, born.text

    after = {v["kind"]: v for v in _schedule(client, headers, child_id)}
    moved = after["postnatal"]
    assert moved["id"] == postnatal["id"]
    assert date.fromisoformat(moved["target_date"]) < date.fromisoformat(postnatal["target_date"])
    assert birth <= date.fromisoformat(moved["earliest"]) <= birth + timedelta(days=1)
    assert after["establishment"]["target_date"] != visits["establishment"]["target_date"]
    kept = after["pregnancy"]
    assert kept["status"] == "done" and kept["state"] == "done"
    assert (kept["target_date"], kept["earliest"], kept["latest"], kept["done_on"]) == (
        pregnancy["target_date"],
        pregnancy["earliest"],
        pregnancy["latest"],
        pregnancy["target_date"],
    )


def test_a_group_package_is_refused_by_naming_package_code(client: TestClient, world: World, today: date) -> None:
    child_id = _child(world, birth_date=today - timedelta(days=60), today=today)
    before = _counts(world)
    response = _enroll(client, bearer(token(client, "hv1")), child_id, package_code="mothers_group")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["package_code"]
    assert _counts(world) == before


def test_an_unknown_package_or_bad_body_is_named_and_nothing_is_stored(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _child(world, today=today)
    headers = bearer(token(client, "hv1"))
    before = _counts(world)
    unknown = _enroll(client, headers, child_id, package_code="no_such_package")
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "package_code"
    extra = _enroll(client, headers, child_id, package_code="universal", colour="blue")
    assert extra.status_code == 422
    assert extra.json()["errors"][0]["field"] == "colour"
    bad_date = _enroll(client, headers, child_id, package_code="universal", start_date="2026-02-30")
    assert bad_date.json()["errors"][0]["field"] == "start_date"
    assert _counts(world) == before


def test_staff_for_a_role_the_package_lacks_or_without_the_role_is_refused(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _child(world, today=today)
    headers = bearer(token(client, "hv1"))
    before = _counts(world)
    no_such_role = _enroll(
        client, headers, child_id, package_code="universal", staff={"caseworker": str(world.staff_id("cw1"))}
    )
    assert no_such_role.status_code == 422
    assert no_such_role.json()["errors"][0]["field"] == "staff.caseworker"
    wrong_person = _enroll(
        client,
        headers,
        child_id,
        package_code="minding_the_baby",
        dry_run=True,
        staff={"family_therapist": str(world.staff_id("cw1"))},
    )
    assert wrong_person.status_code == 422
    assert wrong_person.json()["errors"][0]["field"] == "staff.family_therapist"
    assert _counts(world) == before


def test_enrolling_twice_in_the_same_active_package_is_a_conflict(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _child(world, today=today)
    headers = bearer(token(client, "hv1"))
    assert _enroll(client, headers, child_id, package_code="universal").status_code == 201
    before = _counts(world)
    again = _enroll(client, headers, child_id, package_code="universal")
    assert again.status_code == 409
    assert _counts(world) == before


def _ended_story(
    client: TestClient, world: World, *, today: date
) -> tuple[dict[str, str], str, dict[str, dict[str, Any]]]:
    child_id = _child(world, birth_date=today - timedelta(days=100), today=today)
    headers = bearer(token(client, "hv1"))
    enrolled = _enroll(
        client, headers, child_id, package_code="universal", start_date=(today - timedelta(days=100)).isoformat()
    )
    assert enrolled.status_code == 201, enrolled.text
    return headers, enrolled.json()["id"], {v["kind"]: v for v in enrolled.json()["visits"]}


def test_ending_an_enrolment_cancels_future_planned_visits_and_nothing_else(
    client: TestClient, world: World, today: date
) -> None:
    headers, enrollment_id, visits = _ended_story(client, world, today=today)
    establishment = visits["establishment"]
    assert client.post(f"/api/v1/visits/{establishment['id']}/complete", json={}, headers=headers).status_code == 200
    url = f"/api/v1/enrollments/{enrollment_id}"
    etag = client.get(url, headers=headers).headers["etag"]
    ended = client.patch(
        url,
        json={"ended_on": today.isoformat(), "end_reason": "Familien er flyttet"},
        headers={**headers, "If-Match": etag},
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["ended_on"] == today.isoformat()
    assert ended.json()["end_reason"] == "Familien er flyttet"
    assert ended.headers["etag"] != etag
    child_id = ended.json()["child_id"]
    after = {v["kind"]: v for v in _schedule(client, headers, child_id)}
    assert after["establishment"]["status"] == "done"
    assert after["postnatal"]["status"] == "planned"  # in the past: left for the health visitor to close
    assert after["postnatal"]["state"] == "overdue"
    for kind in ("months_8_10", "months_15_18"):
        assert after[kind]["status"] == "cancelled"
        assert after[kind]["status_reason"] == "the enrolment ended"
    again = client.patch(
        url,
        json={"ended_on": today.isoformat(), "end_reason": "igen"},
        headers={**headers, "If-Match": ended.headers["etag"]},
    )
    assert again.status_code == 409


def test_ending_needs_if_match_a_reason_and_a_date_after_the_start(
    client: TestClient, world: World, today: date
) -> None:
    headers, enrollment_id, _ = _ended_story(client, world, today=today)
    url = f"/api/v1/enrollments/{enrollment_id}"
    etag = client.get(url, headers=headers).headers["etag"]
    ended_on = today.isoformat()
    missing = client.patch(url, json={"ended_on": ended_on, "end_reason": "x"}, headers=headers)
    assert missing.status_code == 428
    stale = client.patch(
        url, json={"ended_on": ended_on, "end_reason": "x"}, headers={**headers, "If-Match": '"stale"'}
    )
    assert stale.status_code == 412
    no_reason = client.patch(url, json={"ended_on": ended_on}, headers={**headers, "If-Match": etag})
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"][0]["field"] == "end_reason"
    blank = client.patch(url, json={"ended_on": ended_on, "end_reason": "  "}, headers={**headers, "If-Match": etag})
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "end_reason"
    early = (today - timedelta(days=400)).isoformat()
    too_early = client.patch(url, json={"ended_on": early, "end_reason": "x"}, headers={**headers, "If-Match": etag})
    assert too_early.status_code == 422
    assert too_early.json()["errors"][0]["field"] == "ended_on"
    read = client.get(url, headers=headers)
    assert read.json()["ended_on"] is None
    assert read.headers["etag"] == etag


def test_another_teams_health_visitor_and_a_manager_are_refused(client: TestClient, world: World, today: date) -> None:
    child_id = _child(world, today=today)
    headers = bearer(token(client, "hv1"))
    enrollment_id = _enroll(client, headers, child_id, package_code="universal").json()["id"]
    before = _counts(world)
    for username in ("hv2", "mgr1"):
        other = bearer(token(client, username))
        assert _enroll(client, other, child_id, package_code="three_year_visit").status_code == 403
        assert client.get(f"/api/v1/children/{child_id}/enrollments", headers=other).status_code == 403
        assert client.get(f"/api/v1/enrollments/{enrollment_id}", headers=other).status_code == 403
        refused = client.patch(
            f"/api/v1/enrollments/{enrollment_id}",
            json={"ended_on": today.isoformat(), "end_reason": "x"},
            headers={**other, "If-Match": "*"},
        )
        assert refused.status_code == 403
    assert _counts(world) == before


def test_a_case_system_enrols_with_its_scope_and_is_recorded_as_nobody(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _child(world, today=today)
    headers = bearer(client_token(client))
    response = _enroll(client, headers, child_id, package_code="universal")
    assert response.status_code == 201, response.text
    read = client.get(response.headers["location"], headers=headers)
    assert read.json()["enrolled_by"] is None
    read_only = bearer(client_token(client, "calendar-only"))
    assert _enroll(client, read_only, child_id, package_code="three_year_visit").status_code == 403


def test_unknown_child_or_enrolment_is_not_found(client: TestClient, world: World) -> None:
    headers = bearer(client_token(client))
    missing = uuid.uuid4()
    assert _enroll(client, headers, missing, package_code="universal").status_code in (403, 404)
    assert client.get(f"/api/v1/enrollments/{missing}", headers=headers).status_code == 404
