"""Consents and legal bases over HTTP: they open a child's health data to the social staff assigned to
the child, and withdrawing one closes it again at once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.services import referrals
from domain.store.tables import Consent
from tests.factories import World, bearer, client_token, make_family, token

LEGAL_REFERENCE = "Barnets lov § 20 — børnefaglig undersøgelse"


@dataclass
class Referred:
    child_id: uuid.UUID
    other_child_id: uuid.UUID


@pytest.fixture
def referred(world: World, today: date) -> Referred:
    """A child on hv1's caseload, referred to social services with cw1 assigned, plus a child cw1 has no
    relation to."""
    with world.database.session(write=True) as session:
        _, child = make_family(
            session, today=today, birth_date=today - timedelta(days=90), health_visitor=world.staff_id("hv1")
        )
        _, other = make_family(
            session, today=today, birth_date=today - timedelta(days=90), health_visitor=world.staff_id("hv1")
        )
        referrals.create_referral(
            session,
            child_id=child.id,
            target="social_services",
            reason="Bekymring for omsorgen",
            sent_on=today,
            referred_by=world.staff_id("hv1"),
            assigned_staff_id=world.staff_id("cw1"),
        )
        session.commit()
        return Referred(child_id=child.id, other_child_id=other.id)


def consent_body(*, today: date, **extra: Any) -> dict[str, Any]:
    return {"kind": "consent", "given_on": today.isoformat(), **extra}


def consents_stored(world: World) -> int:
    with world.database.session(write=False) as session:
        return session.exec(select(func.count()).select_from(Consent)).one()


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
    assert (consent["scope"], consent["active"], consent["recorded_by"]) == (
        "health_data_to_social",
        True,
        str(world.staff_id("hv1")),
    )
    during = client.get(screenings_url, headers=cw1)
    assert during.status_code == 200
    assert len(during.json()["items"]) == 1

    withdrawn = client.post(f"/api/v1/consents/{consent['id']}/withdraw", headers=hv1)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    assert withdrawn.json()["active"] is False
    assert client.get(screenings_url, headers=cw1).status_code == 403


def test_a_caseworker_records_a_legal_basis_and_then_sees_the_health_data(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    cw1 = bearer(token(client, "cw1"))
    response = client.post(
        f"/api/v1/children/{referred.child_id}/consents",
        json=consent_body(kind="legal_basis", legal_reference=LEGAL_REFERENCE, today=today),
        headers=cw1,
    )
    assert response.status_code == 201, response.text
    assert response.json()["legal_reference"] == LEGAL_REFERENCE
    assert response.json()["recorded_by"] == str(world.staff_id("cw1"))
    assert client.get(f"/api/v1/children/{referred.child_id}/screenings", headers=cw1).status_code == 200


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
        (lambda today: consent_body(kind="legal_basis", today=today), "legal_reference"),
        (lambda today: consent_body(kind="legal_basis", legal_reference="   ", today=today), "legal_reference"),
        (lambda today: consent_body(given_on=(today + timedelta(days=1)).isoformat(), today=today), "given_on"),
        (lambda today: consent_body(scope="everything", today=today), "scope"),
        (lambda today: consent_body(kind="rumour", today=today), "kind"),
        (lambda today: consent_body(withdrawn_at="2026-01-01T00:00:00Z", today=today), "withdrawn_at"),
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


def test_consents_are_listed_read_with_an_etag_and_withdrawn_only_once(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    hv1 = bearer(token(client, "hv1"))
    url = f"/api/v1/children/{referred.child_id}/consents"
    earlier = (today - timedelta(days=10)).isoformat()
    first = client.post(url, json=consent_body(given_on=earlier, today=today), headers=hv1).json()
    client.post(url, json=consent_body(kind="legal_basis", legal_reference=LEGAL_REFERENCE, today=today), headers=hv1)
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


def test_consents_are_refused_to_another_team_a_manager_and_integration_clients(
    client: TestClient, world: World, referred: Referred, today: date
) -> None:
    hv1 = bearer(token(client, "hv1"))
    consent = client.post(
        f"/api/v1/children/{referred.child_id}/consents", json=consent_body(today=today), headers=hv1
    ).json()
    for headers in (bearer(token(client, "hv2")), bearer(token(client, "mgr1")), bearer(client_token(client))):
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
