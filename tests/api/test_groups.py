"""Group courses over HTTP: sessions on the package's cadence, participants within capacity, attendance,
and who may see which course and participant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.rules.workdays import DEFAULT_CALENDAR
from domain.services import schedules
from domain.store.tables import AuditEvent, GroupAttendance, GroupCourse, GroupParticipant, GroupSession
from tests.factories import World, bearer, client_token, make_family, token

COURSES = "/api/v1/group-courses"


@dataclass
class Families:
    mothers: list[uuid.UUID]  # children in ringparken, on hv1's team's caseload
    therapist_child: uuid.UUID  # in ringparken too, and in Minding the Baby with ft1
    other_team: uuid.UUID  # in centrum, on hv2's team's caseload


@pytest.fixture
def families(world: World, today: date) -> Families:
    with world.database.session(write=True) as session:
        mothers = [make_family(session, today=today, birth_date=today - timedelta(days=40 + i))[1].id for i in range(3)]
        _, with_ft = make_family(session, today=today, birth_date=today - timedelta(days=60))
        schedules.enroll(
            session,
            child_id=with_ft.id,
            package_code="minding_the_baby",
            start_date=today - timedelta(days=30),
            dry_run=False,
            staff_ids={"family_therapist": world.staff_id("ft1")},
        )
        _, other = make_family(session, today=today, area="centrum", birth_date=today - timedelta(days=50))
        session.commit()
        return Families(mothers=mothers, therapist_child=with_ft.id, other_team=other.id)


def course_body(world: World, *, today: date, **extra: Any) -> dict[str, Any]:
    return {
        "package_code": "mothers_group",
        "title": "Mødregruppe Ringparken",
        "area": "ringparken",
        "starts_on": (today - timedelta(days=42)).isoformat(),
        "facilitator_id": str(world.staff_id("hv1")),
        "location": "Fælleshuset",
        **extra,
    }


def create(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    response = client.post(COURSES, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response


def join(client: TestClient, headers: dict[str, str], course_id: str, child_id: uuid.UUID, **extra: Any) -> Any:
    return client.post(
        f"{COURSES}/{course_id}/participants", json={"child_id": str(child_id), **extra}, headers=headers
    )


def counts(world: World) -> tuple[int, int, int, int]:
    with world.database.session(write=False) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (GroupCourse, GroupSession, GroupParticipant, GroupAttendance)
        )


def test_a_mothers_group_gets_eight_sessions_every_fourteen_days_on_working_days(
    client: TestClient, world: World, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    start = date(2027, 1, 4)  # a Monday; the seventh session falls on Easter Monday 2027
    created = create(client, headers, course_body(world, starts_on=start.isoformat(), today=today))
    course = created.json()
    assert created.headers["location"] == f"{COURSES}/{course['id']}"
    assert created.headers["etag"]
    assert (course["capacity"], course["session_count"], course["participant_count"]) == (6, 8, 0)
    held = [date.fromisoformat(s["held_on"]) for s in course["sessions"]]
    expected = []
    for number in range(8):
        day = start + timedelta(days=14 * number)
        while not DEFAULT_CALENDAR.is_working_day(day):
            day += timedelta(days=1)
        expected.append(day)
    assert held == expected
    assert date(2027, 3, 30) in held and date(2027, 3, 29) not in held
    assert all(DEFAULT_CALENDAR.is_working_day(day) for day in held)
    assert [s["number"] for s in course["sessions"]] == list(range(1, 9))
    assert course["ends_on"] == held[-1].isoformat()


def test_bad_course_fields_are_named_and_nothing_is_stored(client: TestClient, world: World, today: date) -> None:
    headers = bearer(token(client, "hv1"))
    before = counts(world)
    cases = {
        "capacity": course_body(world, capacity=7, today=today),
        "package_code": course_body(world, package_code="universal", today=today),
        "area": course_body(world, area="atlantis", today=today),
        "facilitator_id": course_body(world, facilitator_id=str(world.staff_id("ft1")), today=today),
        "title": course_body(world, title="", today=today),
        "colour": course_body(world, colour="blue", today=today),
    }
    for field, body in cases.items():
        response = client.post(COURSES, json=body, headers=headers)
        assert response.status_code == 422, (field, response.text)
        assert [e["field"] for e in response.json()["errors"]] == [field]
    assert counts(world) == before


def test_a_health_visitor_may_not_create_a_course_for_another_teams_area(
    client: TestClient, world: World, today: date
) -> None:
    response = client.post(COURSES, json=course_body(world, today=today), headers=bearer(token(client, "hv2")))
    assert response.status_code == 403
    own = create(
        client,
        bearer(token(client, "hv2")),
        course_body(world, area="centrum", facilitator_id=str(world.staff_id("hv2")), today=today),
    )
    assert own.json()["area"] == "centrum"


def test_participants_join_within_capacity_and_a_full_course_answers_409(
    client: TestClient, world: World, families: Families, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    course = create(client, headers, course_body(world, capacity=2, today=today)).json()
    first = join(client, headers, course["id"], families.mothers[0])
    assert first.status_code == 201, first.text
    assert first.json()["parent_name"] == "Mor Testesen"
    assert first.json()["child_id"] == str(families.mothers[0])
    assert join(client, headers, course["id"], families.mothers[0]).status_code == 409
    assert join(client, headers, course["id"], families.mothers[1]).status_code == 201
    full = join(client, headers, course["id"], families.mothers[2])
    assert full.status_code == 409 and "full" in full.json()["detail"]
    listed = client.get(COURSES, headers=headers).json()["items"]
    assert [(c["participant_count"], c["places_left"]) for c in listed] == [(2, 0)]


def test_a_participant_must_be_a_child_the_caller_may_see(
    client: TestClient, world: World, families: Families, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    course = create(client, headers, course_body(world, today=today)).json()
    before = counts(world)
    assert join(client, headers, course["id"], families.other_team).status_code == 403
    with world.database.session(write=False) as session:
        refusal = session.exec(select(AuditEvent).where(AuditEvent.person_id == families.other_team)).one()
        assert (refusal.outcome, refusal.actor_id) == ("refused", str(world.staff_id("hv1")))
    unknown = join(client, headers, course["id"], uuid.uuid4())
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "child_id"
    wrong_parent = join(client, headers, course["id"], families.mothers[0], member_id=str(uuid.uuid4()))
    assert wrong_parent.status_code == 422 and wrong_parent.json()["errors"][0]["field"] == "member_id"
    assert counts(world) == before


def test_the_course_team_reads_participants_sessions_and_the_attendance_matrix(
    client: TestClient, world: World, families: Families, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    course = create(client, headers, course_body(world, today=today)).json()
    ids = [join(client, headers, course["id"], child).json()["id"] for child in families.mothers[:2]]
    first_session = course["sessions"][0]["id"]
    marked = client.put(
        f"{COURSES}/{course['id']}/sessions/{first_session}/attendance",
        json=[{"participant_id": ids[0], "present": True}, {"participant_id": ids[1], "present": False}],
        headers=headers,
    )
    assert marked.status_code == 200, marked.text
    read = client.get(f"{COURSES}/{course['id']}", headers=headers)
    assert read.status_code == 200 and read.headers["etag"]
    detail = read.json()
    assert [p["child_id"] for p in detail["participants"]] == [str(c) for c in families.mothers[:2]]
    assert [p["attendance"] for p in detail["participants"]] == [[True] + [None] * 7, [False] + [None] * 7]
    assert detail["hidden_participants"] == 0
    with world.database.session(write=False) as session:
        reads = session.exec(
            select(AuditEvent.person_id).where(
                AuditEvent.request_id == read.headers["x-request-id"], AuditEvent.action == "read"
            )
        ).all()
    assert set(reads) == set(families.mothers[:2])


def test_recording_attendance_twice_changes_nothing_and_bad_marks_are_named(
    client: TestClient, world: World, families: Families, today: date
) -> None:
    headers = bearer(token(client, "hv1"))
    course = create(client, headers, course_body(world, today=today)).json()
    participant = join(client, headers, course["id"], families.mothers[0]).json()["id"]
    url = f"{COURSES}/{course['id']}/sessions/{course['sessions'][0]['id']}/attendance"
    marks = [{"participant_id": participant, "present": True}]
    first = client.put(url, json=marks, headers=headers)
    before = counts(world)
    again = client.put(url, json=marks, headers=headers)
    assert again.status_code == 200 and again.json() == first.json()
    assert again.json()["attendance"] == [
        {"participant_id": participant, "child_id": str(families.mothers[0]), "present": True}
    ]
    assert counts(world) == before
    unknown = client.put(url, json=[*marks, {"participant_id": str(uuid.uuid4()), "present": True}], headers=headers)
    assert unknown.status_code == 422 and [e["field"] for e in unknown.json()["errors"]] == ["1.participant_id"]
    twice = client.put(url, json=[*marks, {"participant_id": participant, "present": False}], headers=headers)
    assert twice.status_code == 422 and [e["field"] for e in twice.json()["errors"]] == ["1.participant_id"]
    future = f"{COURSES}/{course['id']}/sessions/{course['sessions'][-1]['id']}/attendance"
    assert client.put(future, json=marks, headers=headers).status_code == 409
    elsewhere = f"{COURSES}/{course['id']}/sessions/{uuid.uuid4()}/attendance"
    assert client.put(elsewhere, json=marks, headers=headers).status_code == 404
    assert counts(world) == before


def test_another_teams_health_visitor_and_a_manager_cannot_see_the_course(
    client: TestClient, world: World, families: Families, today: date
) -> None:
    hv1 = bearer(token(client, "hv1"))
    course = create(client, hv1, course_body(world, today=today)).json()
    participant = join(client, hv1, course["id"], families.mothers[0]).json()["id"]
    hv2 = bearer(token(client, "hv2"))
    assert client.get(f"{COURSES}/{course['id']}", headers=hv2).status_code == 403
    assert join(client, hv2, course["id"], families.other_team).status_code == 403
    url = f"{COURSES}/{course['id']}/sessions/{course['sessions'][0]['id']}/attendance"
    assert client.put(url, json=[{"participant_id": participant, "present": False}], headers=hv2).status_code == 403
    assert client.get(f"{COURSES}/{course['id']}", headers=bearer(token(client, "mgr1"))).status_code == 403
    with world.database.session(write=False) as session:
        refused = session.exec(
            select(AuditEvent).where(AuditEvent.outcome == "refused", AuditEvent.actor_id == str(world.staff_id("hv2")))
        ).all()
        assert len(refused) == 3
        assert all(e.details.get("course_id") == course["id"] for e in refused)
    assert client.get(f"{COURSES}/{uuid.uuid4()}", headers=hv1).status_code == 404


def test_a_family_therapist_sees_a_course_only_through_her_own_participant(
    client: TestClient, world: World, families: Families, today: date
) -> None:
    hv1 = bearer(token(client, "hv1"))
    course = create(client, hv1, course_body(world, today=today)).json()
    ft1 = bearer(token(client, "ft1"))
    assert client.get(f"{COURSES}/{course['id']}", headers=ft1).status_code == 403
    join(client, hv1, course["id"], families.mothers[0])
    join(client, hv1, course["id"], families.therapist_child)
    seen = client.get(f"{COURSES}/{course['id']}", headers=ft1)
    assert seen.status_code == 200
    assert [p["child_id"] for p in seen.json()["participants"]] == [str(families.therapist_child)]
    assert seen.json()["hidden_participants"] == 1
    assert seen.json()["participant_count"] == 2


def test_the_list_has_counts_but_no_person_data_so_a_manager_may_read_it(
    client: TestClient, world: World, families: Families, today: date
) -> None:
    hv1 = bearer(token(client, "hv1"))
    early = create(
        client, hv1, course_body(world, starts_on=(today - timedelta(days=100)).isoformat(), today=today)
    ).json()
    late = create(
        client, hv1, course_body(world, starts_on=(today + timedelta(days=10)).isoformat(), today=today)
    ).json()
    join(client, hv1, late["id"], families.mothers[0])
    create(
        client,
        bearer(token(client, "hv2")),
        course_body(world, area="centrum", facilitator_id=str(world.staff_id("hv2")), today=today),
    )
    manager = bearer(token(client, "mgr1"))
    everything = client.get(COURSES, headers=manager)
    assert everything.status_code == 200
    assert len(everything.json()["items"]) == 3
    item = next(c for c in everything.json()["items"] if c["id"] == late["id"])
    assert item["participant_count"] == 1
    assert not {"participants", "sessions"} & set(item)
    assert "child_id" not in everything.text and "Testesen" not in everything.text
    ringparken = client.get(COURSES, params={"area": "ringparken"}, headers=manager).json()["items"]
    assert [c["id"] for c in ringparken] == [early["id"], late["id"]]
    window = {"from": (today - timedelta(days=50)).isoformat(), "to": (today + timedelta(days=50)).isoformat()}
    assert late["id"] in [c["id"] for c in client.get(COURSES, params=window, headers=manager).json()["items"]]
    assert early["id"] not in [c["id"] for c in client.get(COURSES, params=window, headers=manager).json()["items"]]
    paged = client.get(COURSES, params={"limit": 2}, headers=manager).json()
    rest = client.get(COURSES, params={"limit": 2, "cursor": paged["next_cursor"]}, headers=manager).json()
    assert len({c["id"] for c in paged["items"] + rest["items"]}) == 3
    backwards = client.get(COURSES, params={"from": "2026-05-01", "to": "2026-04-01"}, headers=manager)
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "to"
    unknown = client.get(COURSES, params={"area": "atlantis"}, headers=manager)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "area"


def test_a_case_system_reads_any_course(client: TestClient, world: World, families: Families, today: date) -> None:
    course = create(client, bearer(token(client, "hv1")), course_body(world, today=today)).json()
    read = client.get(f"{COURSES}/{course['id']}", headers=bearer(client_token(client)))
    assert read.status_code == 200 and read.json()["id"] == course["id"]
