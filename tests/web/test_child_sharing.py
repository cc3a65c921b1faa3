"""Sharing health data on the child's page: consents and legal bases with who recorded and withdrew them
and when, requests for sharing, and the forms (without JavaScript, with CSRF) — the health visitor
records, withdraws and declines; family therapists and caseworkers only ask."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from domain.services import referrals
from tests.factories import World, bearer, make_family, token
from tests.web.test_screening_forms import csrf
from tests.web.test_sign_in import sign_in

JOURNAL = "J.nr. 27.24.12-G01-3-26"


@pytest.fixture
def child_id(client: TestClient, world: World, today: date) -> uuid.UUID:
    """A child on hv1's caseload with an EPDS, referred to social services with ft1 and cw1 assigned."""
    with world.database.session(write=True) as session:
        _, child = make_family(
            session, today=today, birth_date=today - timedelta(days=60), health_visitor=world.staff_id("hv1")
        )
        for username in ("ft1", "cw1"):
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
    screened = client.post(
        f"/api/v1/children/{child.id}/screenings",
        json={"instrument": "EPDS", "respondent": "mother", "items": [0] * 10, "administered_on": today.isoformat()},
        headers=bearer(token(client, "hv1")),
    )
    assert screened.status_code == 201, screened.text
    return child.id


def _section(html: str, heading_id: str = "sharing-heading") -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else len(html)]


def _post(client: TestClient, url: str, page_url: str, data: dict[str, str]) -> httpx.Response:
    form_token = csrf(client.get(page_url).text)
    response: httpx.Response = client.post(url, data={"csrf_token": form_token, **data}, follow_redirects=False)
    return response


def test_social_staff_ask_the_health_visitor_sees_the_request_and_answers_with_a_legal_basis(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    page_url = f"/children/{child_id}"
    sign_in(client, "ft1")
    before = client.get(page_url).text
    sharing = _section(before)
    assert "Anmod om deling af sundhedsdata" in sharing and 'action="/children/' in sharing
    assert "Registrér samtykke eller lovhjemmel" not in sharing, "social staff get no form to grant"
    assert "kræver samtykke" in _section(before, "screenings-heading")

    asked = _post(client, f"/children/{child_id}/sharing/requests", page_url, {"reason": "Skal kende mors screening"})
    assert asked.status_code == 303
    assert asked.headers["location"] == f"/children/{child_id}?shared=requested#sharing-heading"
    after = client.get(f"/children/{child_id}?shared=requested").text
    assert "Anmodningen er sendt til sundhedsplejersken." in after
    assert "kræver samtykke" in _section(after, "screenings-heading"), "a request grants nothing"
    assert "Din anmodning venter på sundhedsplejerskens svar." in _section(after)
    assert 'id="request-form"' not in after, "one request at a time"
    # Social staff cannot record one themselves, whatever they post.
    refused = _post(
        client,
        f"/children/{child_id}/sharing/consents",
        page_url,
        {
            "kind": "legal_basis",
            "legal_basis_kind": "child_protection_investigation",
            "legal_reference": "x",
            "given_on": today.isoformat(),
        },
    )
    assert refused.status_code == 403 and "Ingen adgang" in refused.text

    sign_in(client, "hv1")
    hv_page = _section(client.get(page_url).text)
    assert "1 anmodning(er) venter på dit svar." in hv_page
    assert "FT1" in hv_page and "Skal kende mors screening" in hv_page and "Venter på svar" in hv_page
    assert '<option value="child_protection_investigation">Børnefaglig undersøgelse (Barnets lov § 20)' in hv_page
    request_id = re.search(r"/sharing/requests/([0-9a-f-]{36})/decline", hv_page)
    assert request_id
    answer_url = f"/children/{child_id}/sharing?answer={request_id.group(1)}"
    answer_page = client.get(answer_url).text
    assert f'<option value="{request_id.group(1)}" selected>' in answer_page

    recorded = _post(
        client,
        f"/children/{child_id}/sharing/consents",
        answer_url,
        {
            "kind": "legal_basis",
            "legal_basis_kind": "child_protection_investigation",
            "legal_reference": JOURNAL,
            "given_on": today.isoformat(),
            "sharing_request_id": request_id.group(1),
        },
    )
    assert recorded.status_code == 303, recorded.text
    shared = _section(client.get(f"/children/{child_id}?shared=recorded").text)
    assert "Registreret." in shared and "Sundhedsdata deles nu" in shared
    assert "Lovhjemmel: Børnefaglig undersøgelse" in shared and "Barnets lov § 20" in shared and JOURNAL in shared
    assert "af HV1" in shared and "Gælder" in shared and "Besvaret: deling registreret" in shared

    sign_in(client, "ft1")
    ft_page = client.get(page_url).text
    assert "kræver samtykke" not in _section(ft_page, "screenings-heading")
    assert "EPDS" in _section(ft_page, "screenings-heading")
    assert "Anmod om deling af sundhedsdata" not in _section(ft_page), "nothing left to ask for"


def test_the_health_visitor_records_a_consent_and_withdraws_it_which_shows_who_and_when(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    page_url = f"/children/{child_id}"
    sign_in(client, "hv1")
    recorded = _post(
        client, f"/children/{child_id}/sharing/consents", page_url, {"kind": "consent", "given_on": today.isoformat()}
    )
    assert recorded.status_code == 303, recorded.text
    sign_in(client, "cw1")
    assert "EPDS" in _section(client.get(page_url).text, "screenings-heading")

    sign_in(client, "hv1")
    page = client.get(page_url).text
    withdraw = re.search(r'action="(/children/[^"]+/sharing/consents/[0-9a-f-]{36}/withdraw)"', page)
    assert withdraw
    assert client.post(withdraw.group(1), data={}, follow_redirects=False).status_code == 403, "CSRF required"
    withdrawn = _post(client, withdraw.group(1), page_url, {})
    assert withdrawn.status_code == 303
    after = _section(client.get(page_url).text)
    assert "Forældrenes samtykke" in after and "Tilbagekaldt" in after
    assert after.count("af HV1") == 2, "who recorded and who withdrew"
    assert "Sundhedsdata deles ikke" in after

    sign_in(client, "cw1")
    assert "kræver samtykke" in _section(client.get(page_url).text, "screenings-heading"), "withdrawn at once"


def test_a_legal_basis_without_its_kind_comes_back_with_the_field_marked_and_the_values_kept(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    response = _post(
        client,
        f"/children/{child_id}/sharing/consents",
        f"/children/{child_id}",
        {"kind": "legal_basis", "legal_basis_kind": "", "legal_reference": JOURNAL, "given_on": today.isoformat()},
    )
    assert response.status_code == 400
    html = response.text
    assert "Vælg en lovhjemmel fra listen" in html and 'id="legal-basis-kind-error"' in html
    assert f'value="{JOURNAL}"' in html and 'value="legal_basis" checked' in html


def test_the_health_visitor_declines_a_request_and_the_caseworker_sees_why(
    client: TestClient, world: World, child_id: uuid.UUID
) -> None:
    page_url = f"/children/{child_id}"
    sign_in(client, "cw1")
    assert _post(client, f"/children/{child_id}/sharing/requests", page_url, {"reason": "   "}).status_code == 400
    _post(client, f"/children/{child_id}/sharing/requests", page_url, {"reason": "Til undersøgelsen"})

    sign_in(client, "hv1")
    page = client.get(page_url).text
    decline = re.search(r'action="(/children/[^"]+/sharing/requests/[0-9a-f-]{36}/decline)"', page)
    assert decline
    empty = _post(client, decline.group(1), page_url, {"reason": ""})
    assert empty.status_code == 400 and "Skriv en begrundelse." in empty.text
    declined = _post(client, decline.group(1), page_url, {"reason": "Forældrene siger nej"})
    assert declined.status_code == 303

    sign_in(client, "cw1")
    seen = _section(client.get(page_url).text)
    assert "Afvist" in seen and "Forældrene siger nej" in seen and "af HV1" in seen
    assert "kræver samtykke" in _section(client.get(page_url).text, "screenings-heading")


def test_the_section_is_in_english_too(client: TestClient, world: World, child_id: uuid.UUID) -> None:
    sign_in(client, "hv1")
    html = client.get(f"/children/{child_id}?lang=en").text
    section = _section(html)
    assert "Sharing health data" in section and "Record consent or legal basis" in section
    assert "Child-protection investigation (Barnets lov § 20)" in section
