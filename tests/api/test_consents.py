"""Consents and legal bases over HTTP: only the health-visiting side records them, they open a child's
health data to the social staff assigned to the child, and withdrawing one closes it again at once. Social
staff may only ask for sharing; a request grants nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.errors import Forbidden
from domain.services import consents, referrals
from domain.services.actors import Actor, Role
from domain.store.tables import AuditEvent, Consent, SharingRequest
from tests.factories import World, bearer, client_token, make_family, token

LEGAL_KIND = "child_protection_investigation"
JOURNAL = "J.nr. 27.24.12-G01-3-26"


@dataclass
class Referred:
    child_id: uuid.UUID
    other_child_id: uuid.UUID


@pytest.fixture
def referred(world: World, today: date) -> Referred:
    """A child on hv1's caseload, referred to social services with cw1 and ft1 assigned, plus a child
    neither of them has a relation to."""
    with world.database.session(write=True) as session:
        _, child = make_family(
            session, today=today, birth_date=today - timedelta(days=90), health_visitor=world.staff_id("hv1")
        )
        _, other = make_family(
            session, today=today, birth_date=today - timedelta(days=90), health_visitor=world.staff_id("hv1")
        )
        for username in ("cw1", "ft1"):
            referrals.create_referral(
                session,
                child_id=child.id,
                target="social_services",
                reason="Bekymring for omsorgen",
                sent_on=today,
                referred_by=world.staff_id("hv1"),
                assigned_staff_id=world.staff_id(username),
            )
        session.commit()
        return Referred(child_id=child.id, other_child_id=other.id)


def consent_body(*, today: date, **extra: Any) -> dict[str, Any]:
    return {"kind": "consent", "given_on": today.isoformat(), **extra}


def legal_basis_body(*, today: date, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "legal_basis",
        "legal_basis_kind": LEGAL_KIND,
        "legal_reference": JOURNAL,
        "given_on": today.isoformat(),
        **extra,
    }


def consents_stored(world: World) -> int:
    with world.database.session(write=False) as session:
        return session.exec(select(func.count()).select_from(Consent)).one()


def audit_events(world: World, child_id: uuid.UUID, action: str) -> list[AuditEvent]:
    with world.database.session(write=False) as session:
        statement = select(AuditEvent).where(AuditEvent.person_id == child_id, AuditEvent.action == action)
        events = list(session.exec(statement.order_by(AuditEvent.occurred_at)))  # type: ignore[arg-type]
        session.expunge_all()  # keep the rows readable after the session closes
        return events


def screen(client: TestClient, child_id: uuid.UUID, *, today: date) -> None:
    response = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json={
            "instrument": "EPDS",
            "respondent": "mother",
            "items": [0, 0, 3, 0, 3, 3, 3, 3, 3, 3],
            "administered_on": today.isoformat(),
        },
        headers=bearer(token(client, "hv1")),
    )
    assert response.status_code == 201


def test_a_caseworker_reads_screenings_only_while_a_consent_is_in_force(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    screen(client, referred.child_id, today=today)
    hv1, cw1 = bearer(token(client, "hv1")), bearer(token(client, "cw1"))
    screenings_url = f"/api/v1/children/{referred.child_id}/screenings"
    before = client.get(screenings_url, headers=cw1)
    assert before.status_code == 403
    assert "consent" in before.json()["detail"]
    # The caseworker sees the child itself (the referral), only not its health data.
    assert client.get(f"/api/v1/children/{referred.child_id}", headers=cw1).status_code == 200

    recorded = client.post(
        f"/api/v1/children/{referred.child_id}/consents", json=consent_body(today=today), headers=hv1
    )
    assert recorded.status_code == 201, recorded.text
    consent = recorded.json()
    assert recorded.headers["location"] == f"/api/v1/consents/{consent['id']}"
    assert (consent["scope"], consent["active"], consent["recorded_by"], consent["recorded_by_name"]) == (
        "health_data_to_social",
        True,
        str(world.staff_id("hv1")),
        "HV1",
    )
    assert consent["legal_basis_kind"] is None
    during = client.get(screenings_url, headers=cw1)
    assert during.status_code == 200
    assert len(during.json()["items"]) == 1

    withdrawn = client.post(f"/api/v1/consents/{consent['id']}/withdraw", headers=hv1)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    assert withdrawn.json()["active"] is False
    assert (withdrawn.json()["withdrawn_by"], withdrawn.json()["withdrawn_by_name"]) == (
        str(world.staff_id("hv1")),
        "HV1",
    )
    assert client.get(screenings_url, headers=cw1).status_code == 403


@pytest.mark.parametrize("username", ["ft1", "cw1"])
def test_social_staff_cannot_grant_themselves_the_health_data(
    client: TestClient, world: World, referred: Referred, today: date, username: str
) -> None:
    """The reported leak: refused the screenings, the family therapist recorded a legal basis himself
    ({"kind":"legal_basis","legal_reference":"anything"}) and then read the mother's EPDS answers."""
    screen(client, referred.child_id, today=today)
    social = bearer(token(client, username))
    screenings_url = f"/api/v1/children/{referred.child_id}/screenings"
    assert client.get(screenings_url, headers=social).status_code == 403

    for body in (
        {"kind": "legal_basis", "legal_reference": "anything", "given_on": today.isoformat()},
        legal_basis_body(today=today),
        consent_body(today=today),
    ):
        response = client.post(f"/api/v1/children/{referred.child_id}/consents", json=body, headers=social)
        assert response.status_code == 403, response.text
        problem = response.json()
        assert response.headers["content-type"].startswith("application/problem+json")
        assert problem["status"] == 403 and problem["type"].endswith("/forbidden")
        assert "health visitor" in problem["detail"] and "sharing-requests" in problem["detail"]

    assert client.get(screenings_url, headers=social).status_code == 403
    assert consents_stored(world) == 0
    refused = [e for e in audit_events(world, referred.child_id, "access") if e.outcome == "refused"]
    assert {e.actor_id for e in refused} == {str(world.staff_id(username))}
    assert any("health visitor" in str(e.details.get("reason")) for e in refused)


def test_the_health_visitor_records_a_legal_basis_with_its_kind_and_the_family_therapist_reads_the_screenings(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    screen(client, referred.child_id, today=today)
    hv1, ft1 = bearer(token(client, "hv1")), bearer(token(client, "ft1"))
    screenings_url = f"/api/v1/children/{referred.child_id}/screenings"
    assert client.get(screenings_url, headers=ft1).status_code == 403

    response = client.post(
        f"/api/v1/children/{referred.child_id}/consents", json=legal_basis_body(today=today), headers=hv1
    )
    assert response.status_code == 201, response.text
    legal = response.json()
    assert (legal["kind"], legal["legal_basis_kind"], legal["legal_reference"]) == ("legal_basis", LEGAL_KIND, JOURNAL)
    assert legal["recorded_by"] == str(world.staff_id("hv1"))
    read = client.get(screenings_url, headers=ft1)
    assert read.status_code == 200 and len(read.json()["items"]) == 1

    # The family therapist may see that it exists, but not end it.
    assert client.get(f"/api/v1/consents/{legal['id']}", headers=ft1).status_code == 200
    assert client.post(f"/api/v1/consents/{legal['id']}/withdraw", headers=ft1).status_code == 403
    # Withdrawal takes effect at once: the very next request is refused.
    assert client.post(f"/api/v1/consents/{legal['id']}/withdraw", headers=hv1).status_code == 200
    assert client.get(screenings_url, headers=ft1).status_code == 403


def test_a_health_visitor_of_the_team_records_a_consent_for_a_child_not_assigned_to_her_by_name(
    client: TestClient, world: World, today: date
) -> None:
    """The team's caseload counts: a child of the team's area without a named health visitor."""
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, birth_date=today - timedelta(days=30))
        session.commit()
    response = client.post(
        f"/api/v1/children/{child.id}/consents", json=consent_body(today=today), headers=bearer(token(client, "hv1"))
    )
    assert response.status_code == 201, response.text


def test_an_admin_records_and_withdraws_a_legal_basis_without_seeing_the_child(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    screen(client, referred.child_id, today=today)
    admin1, cw1 = bearer(token(client, "admin1")), bearer(token(client, "cw1"))
    recorded = client.post(
        f"/api/v1/children/{referred.child_id}/consents", json=legal_basis_body(today=today), headers=admin1
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["recorded_by"] == str(world.staff_id("admin1"))
    assert client.get(f"/api/v1/children/{referred.child_id}/screenings", headers=cw1).status_code == 200
    listed = client.get(f"/api/v1/children/{referred.child_id}/consents", headers=admin1)
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1
    # Least privilege: the rule lets the admin reach the consents, nothing else of the child's.
    for path in ("", "/screenings", "/referrals", "/sharing-requests"):
        assert client.get(f"/api/v1/children/{referred.child_id}{path}", headers=admin1).status_code == 403
    withdrawn = client.post(f"/api/v1/consents/{recorded.json()['id']}/withdraw", headers=admin1)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_by"] == str(world.staff_id("admin1"))
    assert client.get(f"/api/v1/children/{referred.child_id}/screenings", headers=cw1).status_code == 403


def test_a_consent_for_one_child_opens_nothing_for_a_child_the_caseworker_is_not_assigned_to(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    hv1, cw1 = bearer(token(client, "hv1")), bearer(token(client, "cw1"))
    assert (
        client.post(
            f"/api/v1/children/{referred.other_child_id}/consents", json=consent_body(today=today), headers=hv1
        ).status_code
        == 201
    )
    assert client.get(f"/api/v1/children/{referred.other_child_id}/screenings", headers=cw1).status_code == 403
    assert (
        client.post(
            f"/api/v1/children/{referred.other_child_id}/consents", json=consent_body(today=today), headers=cw1
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (lambda today: legal_basis_body(today=today, legal_reference=None), "legal_reference"),
        (lambda today: legal_basis_body(today=today, legal_reference="   "), "legal_reference"),
        (lambda today: legal_basis_body(today=today, legal_basis_kind=None), "legal_basis_kind"),
        (lambda today: legal_basis_body(today=today, legal_basis_kind="anything"), "legal_basis_kind"),
        # Barnets lov came into force on 1 January 2024: its provisions are no basis for earlier days.
        (lambda today: legal_basis_body(today=today, given_on="2023-06-01"), "legal_basis_kind"),
        (lambda today: consent_body(today=today, legal_basis_kind=LEGAL_KIND), "legal_basis_kind"),
        (lambda today: consent_body(given_on=(today + timedelta(days=1)).isoformat(), today=today), "given_on"),
        (lambda today: consent_body(scope="everything", today=today), "scope"),
        (lambda today: consent_body(kind="rumour", today=today), "kind"),
        (lambda today: consent_body(withdrawn_at="2026-01-01T00:00:00Z", today=today), "withdrawn_at"),
        (lambda today: consent_body(sharing_request_id=str(uuid.uuid4()), today=today), "sharing_request_id"),
        (lambda today: {"kind": "consent"}, "given_on"),
    ],
)
def test_a_bad_consent_is_refused_naming_the_field_and_nothing_is_stored(
    client: TestClient,
    world: World,
    referred: Referred,
    body: Callable[[date], dict[str, Any]],
    field: str,
    today: date,
) -> None:
    response = client.post(
        f"/api/v1/children/{referred.child_id}/consents", json=body(today), headers=bearer(token(client, "hv1"))
    )
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert consents_stored(world) == 0


def test_the_kinds_of_legal_basis_are_listed_from_the_catalog(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/legal-basis-kinds", headers=bearer(token(client, "ft1")))
    assert response.status_code == 200
    kinds = {k["code"]: k for k in response.json()["items"]}
    assert kinds[LEGAL_KIND]["provision"] == "Barnets lov § 20"
    assert kinds[LEGAL_KIND]["label_da"] == "Børnefaglig undersøgelse"
    assert {"notification_of_concern", "health_act_disclosure"} <= kinds.keys()


def test_consents_are_listed_read_with_an_etag_and_withdrawn_only_once(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    hv1 = bearer(token(client, "hv1"))
    url = f"/api/v1/children/{referred.child_id}/consents"
    earlier = (today - timedelta(days=10)).isoformat()
    first = client.post(url, json=consent_body(given_on=earlier, today=today), headers=hv1).json()
    client.post(url, json=legal_basis_body(today=today), headers=hv1)
    listed = client.get(url, headers=hv1)
    assert listed.status_code == 200
    assert [c["kind"] for c in listed.json()["items"]] == ["consent", "legal_basis"]
    one = client.get(f"/api/v1/consents/{first['id']}", headers=hv1)
    assert one.status_code == 200
    assert one.headers["etag"]
    assert client.post(f"/api/v1/consents/{first['id']}/withdraw", headers=hv1).status_code == 200
    again = client.post(f"/api/v1/consents/{first['id']}/withdraw", headers=hv1)
    assert again.status_code == 409
    after = client.get(f"/api/v1/consents/{first['id']}", headers=hv1)
    assert after.headers["etag"] != one.headers["etag"]
    assert client.post(f"/api/v1/consents/{uuid.uuid4()}/withdraw", headers=hv1).status_code == 404


def test_consents_are_refused_to_another_team_a_manager_a_pedagogue_and_integration_clients(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    hv1 = bearer(token(client, "hv1"))
    consent = client.post(
        f"/api/v1/children/{referred.child_id}/consents", json=consent_body(today=today), headers=hv1
    ).json()
    for headers in (
        bearer(token(client, "hv2")),
        bearer(token(client, "mgr1")),
        bearer(token(client, "ped1")),
        bearer(client_token(client)),
    ):
        assert client.get(f"/api/v1/children/{referred.child_id}/consents", headers=headers).status_code == 403
        assert (
            client.post(
                f"/api/v1/children/{referred.child_id}/consents", json=consent_body(today=today), headers=headers
            ).status_code
            == 403
        )
        assert client.get(f"/api/v1/consents/{consent['id']}", headers=headers).status_code == 403
        assert client.post(f"/api/v1/consents/{consent['id']}/withdraw", headers=headers).status_code == 403
    assert consents_stored(world) == 1
    assert client.get(f"/api/v1/consents/{consent['id']}", headers=hv1).json()["active"] is True


# --- sharing requests ------------------------------------------------------------------------------


def test_a_request_by_the_family_therapist_is_visible_to_the_health_visitor_and_grants_nothing(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    screen(client, referred.child_id, today=today)
    hv1, ft1 = bearer(token(client, "hv1")), bearer(token(client, "ft1"))
    requests_url = f"/api/v1/children/{referred.child_id}/sharing-requests"
    asked = client.post(requests_url, json={"reason": "Skal kende mors screening før første besøg"}, headers=ft1)
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert asked.headers["location"] == f"/api/v1/sharing-requests/{request['id']}"
    assert (request["status"], request["requested_by"], request["requested_by_name"]) == (
        "pending",
        str(world.staff_id("ft1")),
        "FT1",
    )
    # A request grants nothing.
    assert client.get(f"/api/v1/children/{referred.child_id}/screenings", headers=ft1).status_code == 403
    assert consents_stored(world) == 0
    # A second one while the first waits is a conflict; a health visitor does not request.
    assert client.post(requests_url, json={"reason": "Igen"}, headers=ft1).status_code == 409
    assert client.post(requests_url, json={"reason": "Mig"}, headers=hv1).status_code == 403
    assert client.post(requests_url, json={"reason": "   "}, headers=bearer(token(client, "cw1"))).status_code == 422

    listed = client.get(requests_url, headers=hv1, params={"status": "pending"})
    assert listed.status_code == 200
    assert [(r["id"], r["reason"]) for r in listed.json()["items"]] == [
        (request["id"], "Skal kende mors screening før første besøg")
    ]
    assert client.get(requests_url, headers=bearer(token(client, "hv2"))).status_code == 403

    # The health visitor answers it by recording a legal basis that names the request.
    answered = client.post(
        f"/api/v1/children/{referred.child_id}/consents",
        json=legal_basis_body(today=today, sharing_request_id=request["id"]),
        headers=hv1,
    )
    assert answered.status_code == 201, answered.text
    after = client.get(f"/api/v1/sharing-requests/{request['id']}", headers=ft1).json()
    assert (after["status"], after["consent_id"], after["answered_by_name"]) == (
        "answered",
        answered.json()["id"],
        "HV1",
    )
    assert client.get(f"/api/v1/children/{referred.child_id}/screenings", headers=ft1).status_code == 200
    # Once shared, asking again is pointless; answering the same request twice is a conflict.
    assert client.post(requests_url, json={"reason": "Igen"}, headers=ft1).status_code == 409
    twice = client.post(
        f"/api/v1/children/{referred.child_id}/consents",
        json=consent_body(today=today, sharing_request_id=request["id"]),
        headers=hv1,
    )
    assert twice.status_code == 409


def test_the_health_visitor_declines_a_request_with_a_reason_the_requester_sees(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    hv1, cw1 = bearer(token(client, "hv1")), bearer(token(client, "cw1"))
    request = client.post(
        f"/api/v1/children/{referred.child_id}/sharing-requests", json={"reason": "Til undersøgelsen"}, headers=cw1
    ).json()
    decline_url = f"/api/v1/sharing-requests/{request['id']}/decline"
    assert client.post(decline_url, json={"reason": "Nej"}, headers=cw1).status_code == 403
    assert client.post(decline_url, json={"reason": "Nej"}, headers=bearer(token(client, "ft1"))).status_code == 403
    assert client.post(decline_url, json={"reason": "Nej"}, headers=bearer(token(client, "hv2"))).status_code == 403
    assert client.post(decline_url, json={}, headers=hv1).status_code == 422
    declined = client.post(decline_url, json={"reason": "Forældrene siger nej"}, headers=hv1)
    assert declined.status_code == 200, declined.text
    seen = client.get(f"/api/v1/sharing-requests/{request['id']}", headers=cw1).json()
    assert (seen["status"], seen["decline_reason"], seen["answered_by"]) == (
        "declined",
        "Forældrene siger nej",
        str(world.staff_id("hv1")),
    )
    assert client.post(decline_url, json={"reason": "Igen"}, headers=hv1).status_code == 409
    assert client.get(f"/api/v1/children/{referred.child_id}/screenings", headers=cw1).status_code == 403


def test_every_write_is_audited_with_its_actor(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    hv1, ft1, cw1 = (bearer(token(client, u)) for u in ("hv1", "ft1", "cw1"))
    child = referred.child_id
    asked = client.post(f"/api/v1/children/{child}/sharing-requests", json={"reason": "Behov"}, headers=ft1).json()
    other = client.post(f"/api/v1/children/{child}/sharing-requests", json={"reason": "Behov"}, headers=cw1).json()
    assert client.post(f"/api/v1/sharing-requests/{other['id']}/decline", json={"reason": "Nej"}, headers=hv1)
    consent = client.post(
        f"/api/v1/children/{child}/consents",
        json=legal_basis_body(today=today, sharing_request_id=asked["id"]),
        headers=hv1,
    ).json()
    client.post(f"/api/v1/consents/{consent['id']}/withdraw", headers=hv1)

    created = audit_events(world, child, "create")
    assert [(e.actor_id, e.details) for e in created] == [
        (str(world.staff_id("ft1")), {"sharing_request_id": asked["id"]}),
        (str(world.staff_id("cw1")), {"sharing_request_id": other["id"]}),
        (
            str(world.staff_id("hv1")),
            {
                "consent_id": consent["id"],
                "kind": "legal_basis",
                "legal_basis_kind": LEGAL_KIND,
                "sharing_request_id": asked["id"],
            },
        ),
    ]
    assert all(e.outcome == "ok" and e.actor_type == "staff" for e in created)
    declined = audit_events(world, child, "decline")
    assert [(e.actor_id, e.details) for e in declined] == [
        (str(world.staff_id("hv1")), {"sharing_request_id": other["id"]})
    ]
    withdrawn = audit_events(world, child, "withdraw")
    assert [(e.actor_id, e.details["consent_id"]) for e in withdrawn] == [(str(world.staff_id("hv1")), consent["id"])]


def test_the_recorder_is_never_a_beneficiary_whatever_the_access_matrix_says(world: World, today: date) -> None:
    """The service's own invariant: someone who is also social staff cannot record, withdraw or answer."""
    both = Actor(
        kind="staff",
        id=world.staff_id("hv1"),
        username="hv1",
        roles=frozenset({Role.HEALTH_VISITOR, Role.FAMILY_THERAPIST}),
    )
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, birth_date=today - timedelta(days=30))
        with pytest.raises(Forbidden, match="never recorded by one it benefits"):
            consents.record_consent(
                session,
                child_id=child.id,
                kind="legal_basis",
                scope="health_data_to_social",
                given_on=today,
                legal_basis_kind_code=LEGAL_KIND,
                legal_reference=JOURNAL,
                sharing_request_id=None,
                recorder=both,
                today=today,
            )
        assert session.exec(select(func.count()).select_from(SharingRequest)).one() == 0
        session.rollback()
