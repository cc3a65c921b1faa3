"""A child's page: family and members with CPR masked, level and its history, enrolments, the timeline
picture with a table of the same visits, screenings with flags (or a note without consent), referrals."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from domain.rules.cpr import fictional_cpr
from tests.factories import World, bearer, token
from tests.web.test_sign_in import sign_in

SVG = "{http://www.w3.org/2000/svg}"


def _parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own server-rendered markup, not untrusted input


SELF_HARM_EPDS = [0] * 10  # item 10's first printed answer scores 3: thoughts of self-harm


@dataclass
class Story:
    child_id: uuid.UUID
    child_cpr: str
    mother_cpr: str
    done_visit: str
    missed_visit: str
    epds_total: int


@pytest.fixture
def story(client: TestClient, world: World, today: date) -> Story:
    """A 200-day-old on hv1's caseload: enrolled from birth, one visit done and one missed, a level raised
    by judgement, an EPDS with thoughts of self-harm, and a referral to social services for cw1."""
    hv1 = bearer(token(client, "hv1"))
    born = today - timedelta(days=200)
    child_cpr = fictional_cpr(born, 3, female=True)
    mother_cpr = fictional_cpr(date(1995, 6, 12), 5, female=True)
    family = client.post(
        "/api/v1/families",
        json={
            "source_system": "tests",
            "external_id": "F-story",
            "area": "ringparken",
            "address": "Ringparken 1, 4200 Slagelse",
            "risk_factors": ["single_parent"],
            "members": [{"role": "mother", "name": "Nora Holm", "cpr": mother_cpr}],
            "children": [{"name": "Alma Holm", "birth_date": born.isoformat(), "cpr": child_cpr}],
        },
        headers=hv1,
    )
    assert family.status_code == 201, family.text
    child_id = uuid.UUID(family.json()["children"][0]["id"])
    enrolled = client.post(
        f"/api/v1/children/{child_id}/enrollments",
        json={"package_code": "universal", "start_date": born.isoformat()},
        headers=hv1,
    )
    assert enrolled.status_code == 201, enrolled.text
    visits = {v["kind"]: v["id"] for v in enrolled.json()["visits"]}
    done = client.post(
        f"/api/v1/visits/{visits['establishment']}/complete",
        json={"done_on": (born + timedelta(days=21)).isoformat()},
        headers=hv1,
    )
    assert done.status_code == 200, done.text
    missed = client.post(f"/api/v1/visits/{visits['months_2_3']}/missed", json={"reason": "Ingen hjemme"}, headers=hv1)
    assert missed.status_code == 200, missed.text
    decided = client.post(
        f"/api/v1/children/{child_id}/level-decisions",
        json={"level": 2, "basis": "professional_judgement", "reason": "Mor er meget alene med barnet"},
        headers=hv1,
    )
    assert decided.status_code == 201, decided.text
    screened = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json={
            "instrument": "EPDS",
            "respondent": "mother",
            "items": SELF_HARM_EPDS,
            "administered_on": today.isoformat(),
        },
        headers=hv1,
    )
    assert screened.status_code == 201, screened.text
    referred = client.post(
        f"/api/v1/children/{child_id}/referrals",
        json={
            "target": "social_services",
            "reason": "Bekymring for omsorgen",
            "assigned_staff_id": str(world.staff_id("cw1")),
        },
        headers=hv1,
    )
    assert referred.status_code == 201, referred.text
    return Story(
        child_id, child_cpr, mother_cpr, visits["establishment"], visits["months_2_3"], screened.json()["total"]
    )


def _svg(html: str) -> ET.Element:
    match = re.search(r"<svg .*?</svg>", html, re.S)
    assert match, "no inline SVG"
    return _parse(match.group(0))


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end > 0 else len(html)]


def test_a_health_visitor_sees_the_family_level_enrolments_screenings_and_referrals(
    client: TestClient, story: Story
) -> None:
    sign_in(client, "hv1")
    page = client.get(f"/children/{story.child_id}")

    assert page.status_code == 200
    html = page.text
    assert "<h1>Alma Holm</h1>" in html
    assert f"{story.child_cpr[:6]}-XXXX" in html and f"{story.mother_cpr[:6]}-XXXX" in html
    assert story.child_cpr not in html and story.mother_cpr not in html, "CPR numbers only masked"
    family = _section(html, "family-heading")
    assert "Nora Holm" in family and "Mor" in family and "Ringparken 1, 4200 Slagelse" in family
    assert "Enlig forælder" in family, "risk factors in words, not codes"
    level = _section(html, "level-heading")
    assert "Niveau 2: forebyggende indsats" in level
    assert "Mor er meget alene med barnet" in level and "Op ▲" in level and "Faglig vurdering" in level
    enrolments = _section(html, "enrolments-heading")
    assert "Universelt sundhedsplejeprogram" in enrolments and "I gang" in enrolments
    alert = re.search(r'<div class="alert alert--self-harm" role="alert">.*?</div>', html, re.S)
    assert alert and "Selvskade" in alert.group(0)
    screenings = _section(html, "screenings-heading")
    assert "EPDS" in screenings and f'<td class="number">{story.epds_total}</td>' in screenings
    assert "Over grænsen" in screenings and "Selvskade" in screenings
    referrals = _section(html, "referrals-heading")
    assert "Socialforvaltningen" in referrals and "Sendt" in referrals and "Bekymring for omsorgen" in referrals
    for action in ("screenings/new", "eligibility", "enrol"):
        assert f'href="/children/{story.child_id}/{action}"' in html


def test_the_timeline_is_an_accessible_svg_with_a_table_of_the_same_visits(client: TestClient, story: Story) -> None:
    sign_in(client, "hv1")
    html = client.get(f"/children/{story.child_id}").text

    svg = _svg(html)
    assert svg.get("role") == "img"
    title_id, desc_id = (svg.get("aria-labelledby") or "").split()
    assert svg.find(f"{SVG}title").get("id") == title_id  # type: ignore[union-attr]
    desc = svg.find(f"{SVG}desc")
    assert desc is not None and desc.get("id") == desc_id
    assert "1 udført" in (desc.text or "") and "1 ikke gennemført" in (desc.text or "")
    markers = [e for e in svg.iter() if "tl-marker" in (e.get("class") or "") and e.get("class") != "tl-legend"]
    legend = svg.find(f".//{SVG}g[@class='tl-legend']")
    assert legend is not None
    legend_markers = [e for e in legend.iter() if "tl-marker" in (e.get("class") or "")]
    plotted = [m for m in markers if m not in legend_markers]
    done = [m for m in plotted if "tl-marker--done" in (m.get("class") or "")]
    missed = [m for m in plotted if "tl-marker--missed" in (m.get("class") or "")]
    assert len(done) == 1 and done[0].tag == f"{SVG}circle"
    assert len(missed) == 1 and missed[0].tag == f"{SVG}path", "a missed visit is a cross, not only red"
    windows = [e for e in svg.iter() if "tl-window" in (e.get("class") or "")]
    assert len(windows) == len(plotted) + 1  # one bar per visit, and the legend's
    assert any(e.get("class") == "tl-today" for e in svg.iter())

    table = re.search(r'<table class="timeline-table">.*?</table>', html, re.S)
    assert table and "Besøgene i tabelform" in table.group(0)
    assert table.group(0).count("<tr>") - 1 == len(plotted)
    assert "Ikke gennemført" in table.group(0) and "Ingen hjemme" in table.group(0)


def test_a_caseworker_without_consent_sees_a_note_instead_of_the_screenings(client: TestClient, story: Story) -> None:
    sign_in(client, "cw1")
    page = client.get(f"/children/{story.child_id}")

    assert page.status_code == 200
    screenings = _section(page.text, "screenings-heading")
    assert "kræver samtykke" in screenings
    assert "alert--self-harm" not in page.text, "health data stays withheld"
    assert "Socialforvaltningen" in page.text


@pytest.mark.parametrize("username", ["mgr1", "hv2"])
def test_staff_without_a_relation_to_the_child_are_refused(client: TestClient, story: Story, username: str) -> None:
    sign_in(client, username)
    page = client.get(f"/children/{story.child_id}")
    assert page.status_code == 403
    assert "Ingen adgang" in page.text and "Alma Holm" not in page.text


def test_an_unknown_child_looks_like_one_the_user_may_not_see(client: TestClient, world: World) -> None:
    sign_in(client, "hv1")
    page = client.get(f"/children/{uuid.uuid4()}")
    assert page.status_code == 403 and "Ingen adgang" in page.text
