"""The whole path through the API, as the systems and people of a municipality walk it: a case system
upserts a pregnant family with risk factors; after the birth the health visitor records an EPDS, asks for
eligibility, decides the level, enrols the child in Minding the Baby after a dry run, pulls her calendar
and completes visits."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from icalendar import Calendar

from domain.rules.cpr import fictional_cpr
from tests.factories import World, bearer, client_token, token


def test_a_family_goes_from_the_case_system_to_minding_the_baby_visits(
    client: TestClient, world: World, today: date
) -> None:
    born = today - timedelta(days=50)
    case_system = bearer(client_token(client))
    batch = [
        {
            "source_system": "esdh",
            "external_id": "FAM-STORY",
            "area": "ringparken",
            "risk_factors": ["single_parent", "socially_isolated", "parent_experienced_neglect"],
            "members": [{"role": "mother", "name": "Ida Holm"}],
            "children": [{"external_id": "CH-STORY", "due_date": (born + timedelta(days=4)).isoformat()}],
        }
    ]
    upserted = client.post("/api/v1/bulk/families", json=batch, headers=case_system).json()
    assert upserted["created"] == 1, upserted
    family = client.get(f"/api/v1/families/{upserted['items'][0]['id']}", headers=case_system).json()
    child_id = family["children"][0]["id"]

    hv1 = bearer(token(client, "hv1"))
    birth = client.post(
        f"/api/v1/children/{child_id}/birth",
        json={"birth_date": born.isoformat(), "cpr": fictional_cpr(born, 7, female=True)},
        headers=hv1,
    )
    assert birth.status_code == 200, birth.text

    # EPDS positions as printed: items 1, 2 and 4 print 0→3; items 3 and 5-10 print 3→0.
    # Scores 2,2,2,1,2,2,2,1,1,0 = 15 ≥ 11 (the mothers' cut-off); item 10 scores 0 (position 3).
    positions = [2, 2, 1, 1, 1, 1, 1, 2, 2, 3]
    screening = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json={"instrument": "EPDS", "respondent": "mother", "items": positions, "administered_on": today.isoformat()},
        headers=hv1,
    )
    assert screening.status_code == 201, screening.text
    assert screening.json()["total"] == 15
    assert "above_cutoff" in screening.json()["flags"] and "self_harm" not in screening.json()["flags"]

    eligibility = client.get(f"/api/v1/children/{child_id}/eligibility", headers=hv1).json()
    assert eligibility["suggested_level"] >= 3
    assert "vulnerable_parents" in eligibility["fired"]
    assert (
        any(
            reason["criterion"] == "depression_symptoms"
            for p in eligibility["packages"] + eligibility["referrals"]
            for reason in p["reasons"]
        )
        or "depression_symptoms" in eligibility["fired"]
    )
    decision = client.post(
        f"/api/v1/children/{child_id}/level-decisions",
        json={"level": eligibility["suggested_level"], "basis": "criteria", "reason": "Kriterierne er opfyldt"},
        headers=hv1,
    )
    assert decision.status_code == 201, decision.text

    ft1 = str(world.staff_id("ft1"))
    enrolment = {"package_code": "minding_the_baby", "staff": {"family_therapist": ft1}}
    preview = client.post(f"/api/v1/children/{child_id}/enrollments", json={**enrolment, "dry_run": True}, headers=hv1)
    assert preview.status_code == 200, preview.text
    planned = preview.json()["visits"]
    assert planned and all(v["id"] is None for v in planned)
    assert client.get(f"/api/v1/children/{child_id}/enrollments", headers=hv1).json()["items"] == []

    enrolled = client.post(f"/api/v1/children/{child_id}/enrollments", json=enrolment, headers=hv1)
    assert enrolled.status_code == 201, enrolled.text
    visits = enrolled.json()["visits"]
    assert [v["target_date"] for v in visits] == [v["target_date"] for v in planned], "the preview was the plan"
    assert all(set(v["roles"]) == {"health_visitor", "family_therapist"} for v in visits)
    assert all(ft1 in [str(s) for s in v["staff_ids"]] for v in visits)

    feed = client.get(f"/api/v1/staff/{world.staff_id('hv1')}/calendar.ics", headers=hv1)
    assert feed.status_code == 200
    calendar = Calendar.from_ical(feed.content)
    uids = {str(event["UID"]) for event in calendar.walk("VEVENT")}
    assert any(visits[0]["id"] in uid for uid in uids)
    assert "Ida Holm" not in feed.text and fictional_cpr(born, 7, female=True) not in feed.text

    first = visits[0]
    done = client.post(
        f"/api/v1/visits/{first['id']}/complete",
        json={"done_on": today.isoformat(), "performed_by": [str(world.staff_id("hv1")), ft1]},
        headers=hv1,
    )
    assert done.status_code == 200, done.text
    schedule = client.get(f"/api/v1/children/{child_id}/schedule?limit=500", headers=hv1).json()["items"]
    statuses = {v["id"]: v["status"] for v in schedule}
    assert statuses[first["id"]] == "done"
    assert sum(1 for status in statuses.values() if status == "planned") >= len(visits) - 1
