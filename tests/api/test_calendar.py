"""The staff calendar feed: a valid iCalendar with one event per planned visit and nothing personal in it,
readable with a bearer token or a revocable feed token, and only by the staff member it belongs to."""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlmodel import select

from domain.rules.workdays import DEFAULT_CALENDAR
from domain.store.tables import AuditEvent, Child, FamilyMember, Staff
from tests.factories import World, bearer, client_token, make_family, token


def _infant(
    client: TestClient, world: World, days_old: int = 40, *, today: date
) -> tuple[uuid.UUID, dict[str, dict[str, Any]]]:
    """A child with a name and CPR on hv1's caseload in ringparken, enrolled in the universal programme."""
    born = today - timedelta(days=days_old)
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, birth_date=born, health_visitor=world.staff_id("hv1"))
        session.commit()
        child_id = child.id
    response = client.post(
        f"/api/v1/children/{child_id}/enrollments",
        json={"package_code": "universal", "start_date": born.isoformat()},
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 201, response.text
    return child_id, {v["kind"]: v for v in response.json()["visits"]}


def _feed(response: Any) -> Calendar:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> dict[str, Any]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _url(world: World, username: str = "hv1") -> str:
    return f"/api/v1/staff/{world.staff_id(username)}/calendar.ics"


def test_the_feed_is_a_valid_calendar_with_one_event_per_planned_visit(
    client: TestClient, world: World, today: date
) -> None:
    _, visits = _infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    done = visits["postnatal"]["id"]
    assert client.post(f"/api/v1/visits/{done}/complete", headers=headers).status_code == 200
    calendar = _feed(client.get(_url(world), headers=headers))
    assert str(calendar["VERSION"]) == "2.0"
    assert "Tidlig indsats" in str(calendar["PRODID"])
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Copenhagen"
    assert str(calendar["X-WR-CALNAME"])
    events = _events(calendar)
    expected = {
        f"visit-{v['id']}@tidlig-indsats"
        for v in visits.values()
        if v["id"] != done
        and today - timedelta(days=30) <= date.fromisoformat(v["target_date"]) <= today + timedelta(days=365)
    }
    assert set(events) == expected
    assert f"visit-{done}@tidlig-indsats" not in events
    months_4_5 = events[f"visit-{visits['months_4_5']['id']}@tidlig-indsats"]
    start = months_4_5.decoded("DTSTART")
    assert start == date.fromisoformat(visits["months_4_5"]["target_date"])
    assert months_4_5.decoded("DTEND") == start + timedelta(days=1)
    assert str(months_4_5["SUMMARY"]) == "Hjemmebesøg: Besøg ved 4-5 måneder – Ringparken"
    assert str(months_4_5["LOCATION"]) == "Ringparken"
    assert months_4_5.decoded("DTSTAMP").tzinfo is not None


def test_the_feed_holds_no_cpr_no_names_and_no_health_data(client: TestClient, world: World, today: date) -> None:
    child_id, visits = _infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    screened = client.post(
        f"/api/v1/visits/{visits['establishment']['id']}/complete",
        json={"screenings": [{"instrument": "EPDS", "respondent": "mother", "items": [0] * 10}]},
        headers=headers,
    )
    assert screened.status_code == 200, screened.text
    assert screened.json()["screenings"][0]["urgent_visit_id"]  # an urgent contact: on the calendar too
    text = client.get(_url(world), headers=headers).content.decode()
    with world.database.session(write=False) as session:
        child = session.get(Child, child_id)
        assert child is not None and child.cpr and child.name
        members = session.exec(select(FamilyMember).where(FamilyMember.family_id == child.family_id)).all()
        forbidden = [child.cpr, child.cpr[:6] + "-" + child.cpr[6:], child.name, *(m.name for m in members)]
    unfolded = text.replace("\r\n ", "")
    for secret in forbidden:
        assert secret not in unfolded
    for health_word in ("EPDS", "self_harm", "above_cutoff", "selvskade", "niveau", "level", "risk"):
        assert health_word.lower() not in unfolded.lower()
    assert "Opfølgningsbesøg" in unfolded


def test_a_feed_token_opens_the_feed_without_a_header_until_revoked(
    client: TestClient, world: World, today: date
) -> None:
    _infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    staff_id = world.staff_id("hv1")
    created = client.post(f"/api/v1/staff/{staff_id}/calendar-feed", headers=headers)
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    body = created.json()
    feed_token = body["feed_token"]
    assert body["feed_url"].endswith(f"/api/v1/staff/{staff_id}/calendar.ics?feed_token={feed_token}")
    assert created.headers["location"].endswith(f"/api/v1/staff/{staff_id}/calendar.ics")
    with world.database.session(write=False) as session:
        stored = session.get(Staff, staff_id)
        assert stored is not None and stored.calendar_feed_token_hash
        assert feed_token not in stored.calendar_feed_token_hash  # only a digest is kept
    by_token = client.get(_url(world), params={"feed_token": feed_token})
    assert len(_events(_feed(by_token))) > 0
    assert client.get(_url(world)).status_code == 401
    assert client.get(_url(world), params={"feed_token": "guessed"}).status_code == 401
    # Another staff member's path with this token opens nothing.
    assert client.get(_url(world, "hv2"), params={"feed_token": feed_token}).status_code == 401

    replaced = client.post(f"/api/v1/staff/{staff_id}/calendar-feed", headers=headers).json()["feed_token"]
    assert client.get(_url(world), params={"feed_token": feed_token}).status_code == 401
    assert client.get(_url(world), params={"feed_token": replaced}).status_code == 200

    revoked = client.delete(f"/api/v1/staff/{staff_id}/calendar-feed", headers=headers)
    assert revoked.status_code == 204
    refused = client.get(_url(world), params={"feed_token": replaced})
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.get(_url(world), headers=headers).status_code == 200  # the bearer token still works


def test_another_staff_members_calendar_is_forbidden(client: TestClient, world: World, today: date) -> None:
    _infant(client, world, today=today)
    hv2 = bearer(token(client, "hv2"))
    assert client.get(_url(world, "hv1"), headers=hv2).status_code == 403
    assert client.post(f"/api/v1/staff/{world.staff_id('hv1')}/calendar-feed", headers=hv2).status_code == 403
    assert client.delete(f"/api/v1/staff/{world.staff_id('hv1')}/calendar-feed", headers=hv2).status_code == 403
    assert client.get(_url(world, "hv2"), headers=hv2).status_code == 200
    manager = bearer(token(client, "mgr1"))
    assert client.get(_url(world, "mgr1"), headers=manager).status_code == 403


def test_a_scheduling_client_reads_a_staff_calendar_but_cannot_issue_tokens(
    client: TestClient, world: World, today: date
) -> None:
    _infant(client, world, today=today)
    headers = bearer(client_token(client, "calendar-only"))
    assert len(_events(_feed(client.get(_url(world), headers=headers)))) > 0
    assert client.post(f"/api/v1/staff/{world.staff_id('hv1')}/calendar-feed", headers=headers).status_code == 403
    assert client.get(f"/api/v1/staff/{uuid.uuid4()}/calendar.ics", headers=headers).status_code == 404


def test_reading_the_feed_is_audited_per_child_shown(client: TestClient, world: World, today: date) -> None:
    child_id, _ = _infant(client, world, today=today)
    other_id, _ = _infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    feed_token = client.post(f"/api/v1/staff/{world.staff_id('hv1')}/calendar-feed", headers=headers).json()[
        "feed_token"
    ]
    assert client.get(_url(world), params={"feed_token": feed_token}).status_code == 200
    with world.database.session(write=False) as session:
        rows = session.exec(
            select(AuditEvent.person_id, AuditEvent.actor_id, AuditEvent.details).where(
                AuditEvent.resource == "GET /staff/{staff_id}/calendar.ics"
            )
        ).all()
    assert {row[0] for row in rows} == {child_id, other_id}
    assert {row[1] for row in rows} == {str(world.staff_id("hv1"))}
    assert all(row[2]["export"] == "calendar_feed" for row in rows)


def test_a_moved_visit_keeps_its_uid_and_gets_a_higher_sequence(client: TestClient, world: World, today: date) -> None:
    _, visits = _infant(client, world, today=today)
    headers = bearer(token(client, "hv1"))
    visit = visits["months_2_3"]
    uid = f"visit-{visit['id']}@tidlig-indsats"
    before = _events(_feed(client.get(_url(world), headers=headers)))[uid]
    time.sleep(1.1)  # SEQUENCE counts seconds from creation to the last change
    url = f"/api/v1/visits/{visit['id']}"
    etag = client.get(url, headers=headers).headers["etag"]
    new_day = date.fromisoformat(visit["earliest"])
    while not DEFAULT_CALENDAR.is_working_day(new_day) or new_day.isoformat() == visit["target_date"]:
        new_day += timedelta(days=1)
    moved = client.patch(url, json={"target_date": new_day.isoformat()}, headers={**headers, "If-Match": etag})
    assert moved.status_code == 200, moved.text
    after = _events(_feed(client.get(_url(world), headers=headers)))[uid]
    assert after.decoded("DTSTART") == new_day
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after.decoded("DTSTAMP") > before.decoded("DTSTAMP")
    cancelled = client.post(f"{url}/cancel", json={"reason": "Familien flytter"}, headers=headers)
    assert cancelled.status_code == 200
    assert uid not in _events(_feed(client.get(_url(world), headers=headers)))
