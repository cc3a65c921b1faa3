"""The pages show health data only to those it is disclosed to: they call the API with the user's token,
so they get its filtered answers, and say neutrally what is withheld (issue "Privacy: health data reaches
only those who may see it")."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.factories import HealthStory, World, health_story
from tests.web.test_sign_in import sign_in

HEALTH_TEXTS = (
    "Akut: selvskade",
    "Urgent: self-harm",
    "EPDS item 10",
    "Tanker om selvskade",
    "ADBB over skæringspunktet",
    "Forælder med psykiske problemer",
    "Positiv depressionsscreening hos mor",
    "Mor har fødselsdepression",
)


@pytest.fixture
def story(world: World, today: date) -> HealthStory:
    return health_story(world, today, consent=False)


def _row(html: str, dom_id: str) -> str:
    match = re.search(rf'<tr id="{dom_id}".*?</tr>', html, re.S)
    assert match, f"no row {dom_id}"
    return match.group(0)


def test_my_day_shows_a_family_therapist_an_urgent_contact_without_saying_why(
    client: TestClient, story: HealthStory
) -> None:
    sign_in(client, "ft1")
    page = client.get("/my-day")

    assert page.status_code == 200
    row = _row(page.text, f"today-visit-{story.urgent_visit_ids[0]}")
    assert "Akut kontakt" in row and "Sundhedsplejersken har planlagt en akut kontakt." in row
    assert "selvskade" not in page.text.lower()
    english = client.get("/my-day?lang=en").text
    assert "An urgent contact is planned by the health visitor." in english and "self-harm" not in english


def test_with_consent_my_day_says_the_urgent_contact_is_about_self_harm(
    client: TestClient, world: World, today: date
) -> None:
    shared = health_story(world, today, consent=True)
    sign_in(client, "ft1")
    row = _row(client.get("/my-day").text, f"today-visit-{shared.urgent_visit_ids[0]}")
    assert "Akut: selvskade" in row and "akut kontakt." not in row


def test_the_child_page_withholds_health_data_and_the_sibling_from_a_family_therapist_without_consent(
    client: TestClient, story: HealthStory
) -> None:
    sign_in(client, "ft1")
    page = client.get(f"/children/{story.child_id}")

    assert page.status_code == 200
    html = page.text
    for text in HEALTH_TEXTS:
        assert text not in html, text
    assert "Storebror" not in html and story.sibling_cpr[:6] not in html, "the sibling is not his"
    assert story.mother_cpr[:6] not in html and story.father_cpr[:6] not in html, "no parents' CPR"
    assert "Nora Holm" in html and "Enlig forælder" in html
    assert "Helbredsoplysninger vises ikke" in html
    assert "Sundhedsplejersken har planlagt en akut kontakt." in html
    assert html.count("Ikke vist (helbredsoplysning)") == 2 + 1, "two decisions' reasons and the referral's"


def test_the_child_page_shows_the_health_visitor_everything(client: TestClient, story: HealthStory) -> None:
    sign_in(client, "hv1")
    html = client.get(f"/children/{story.child_id}").text
    for text in ("Akut: selvskade", "Forælder med psykiske problemer", "Positiv depressionsscreening hos mor"):
        assert text in html, text
    assert "Storebror Holm" in html and f"{story.mother_cpr[:6]}-XXXX" in html
    assert "Helbredsoplysninger vises ikke" not in html and "Ikke vist (helbredsoplysning)" not in html


def test_a_pedagogue_sees_her_child_but_not_its_sibling_nor_the_parents_cpr(
    client: TestClient, story: HealthStory
) -> None:
    sign_in(client, "ped1")
    html = client.get(f"/children/{story.child_id}").text
    assert "Alma Holm" in html and "Storebror" not in html
    assert story.mother_cpr[:6] not in html and "Forælder med psykiske problemer" not in html
    assert "Akut: selvskade" not in html


def test_the_eligibility_page_leaves_out_the_reasons_resting_on_screenings(
    client: TestClient, story: HealthStory
) -> None:
    sign_in(client, "ft1")
    page = client.get(f"/children/{story.child_id}/eligibility")

    assert page.status_code == 200
    for text in HEALTH_TEXTS:
        assert text not in page.text, text
    assert "Kræver handling i dag" not in page.text, "the urgent criterion is about self-harm"
    assert "Kriterier, der bygger på screeninger eller helbredsoplysninger, vises ikke" in page.text
    assert "Familie i et udpeget boligområde" in page.text
