"""Search for a child or family: by name, by full CPR number (with or without the dash; shown masked),
by housing area; only what the user may see; live (htmx) results and a plain GET form."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta

from fastapi.testclient import TestClient

from domain.rules.cpr import fictional_cpr
from tests.factories import World, bearer, token
from tests.web.test_sign_in import sign_in

HX = {"HX-Request": "true"}
_serials = itertools.count(1)


def _family(
    client: TestClient, *, child: str | None, mother: str, area: str = "ringparken", username: str = "hv1", today: date
) -> tuple[uuid.UUID, str, str]:
    """A family registered through the API; answers the child's id, the child's CPR and the mother's CPR."""
    born = today - timedelta(days=200)
    serial = next(_serials)
    child_cpr = fictional_cpr(born, serial, female=False)
    mother_cpr = fictional_cpr(date(1994, 3, 1), serial, female=True)
    children = (
        [{"name": child, "birth_date": born.isoformat(), "cpr": child_cpr}]
        if child
        else [{"due_date": (today + timedelta(days=50)).isoformat()}]
    )
    response = client.post(
        "/api/v1/families",
        json={
            "source_system": "tests",
            "external_id": f"F-{uuid.uuid4().hex[:8]}",
            "area": area,
            "members": [{"role": "mother", "name": mother, "cpr": mother_cpr}],
            "children": children,
        },
        headers=bearer(token(client, username)),
    )
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["children"][0]["id"]), child_cpr, mother_cpr


def test_a_name_finds_the_child_with_a_link_and_the_cpr_masked(client: TestClient, world: World, today: date) -> None:
    child_id, child_cpr, _ = _family(client, child="Aya Nielsen", mother="Sara Nielsen", today=today)
    _family(client, child="Bo Jensen", mother="Lise Jensen", today=today)
    sign_in(client, "hv1")

    page = client.get("/search", params={"q": "nielsen"})

    assert page.status_code == 200
    assert f'<a href="/children/{child_id}">Aya Nielsen</a>' in page.text
    assert "Sara Nielsen" in page.text, "the parents are shown to tell families apart"
    assert f"{child_cpr[:6]}-XXXX" in page.text and child_cpr not in page.text
    assert "Bo Jensen" not in page.text
    assert 'value="nielsen"' in page.text, "what was typed is kept"
    assert "1 barn fundet." in page.text


def test_a_parents_cpr_with_or_without_the_dash_finds_the_child(client: TestClient, world: World, today: date) -> None:
    child_id, _, mother_cpr = _family(client, child=None, mother="Mona Hansen", today=today)
    sign_in(client, "hv1")

    for typed in (mother_cpr, f"{mother_cpr[:6]}-{mother_cpr[6:]}"):
        page = client.get("/search", params={"q": typed})
        assert f'href="/children/{child_id}">Ufødt barn</a>' in page.text
        assert "Mona Hansen" in page.text


def test_an_area_lists_only_the_children_of_that_area(client: TestClient, world: World, today: date) -> None:
    ring, _, _ = _family(client, child="Ida Ring", mother="Mor Ring", area="ringparken", today=today)
    motala, _, _ = _family(client, child="Ida Motala", mother="Mor Motala", area="motalavej", today=today)
    sign_in(client, "hv1")

    page = client.get("/search", params={"area": "Motalavej"})

    assert str(motala) in page.text and str(ring) not in page.text


def test_search_finds_nothing_the_user_may_not_see(client: TestClient, world: World, today: date) -> None:
    _family(client, child="Hemmelig Hansen", mother="Mor Hansen", area="ringparken", username="hv1", today=today)
    sign_in(client, "hv2")

    page = client.get("/search", params={"q": "Hemmelig"})

    assert "Hemmelig Hansen" not in page.text
    assert "Ingen børn fundet blandt dem, du har adgang til." in page.text


def test_live_search_answers_only_the_results_block(client: TestClient, world: World, today: date) -> None:
    child_id, _, _ = _family(client, child="Live Larsen", mother="Mor Larsen", today=today)
    sign_in(client, "hv1")
    form = client.get("/search").text
    assert 'hx-trigger="keyup changed delay:300ms' in form and 'hx-target="#search-results"' in form
    assert '<form method="get" action="/search"' in form, "a plain GET form without JavaScript"

    fragment = client.get("/search", params={"q": "Larsen"}, headers=HX)

    assert fragment.status_code == 200 and fragment.headers["vary"] == "HX-Request"
    assert "<html" not in fragment.text and "<h1>" not in fragment.text
    assert f'href="/children/{child_id}"' in fragment.text


def test_too_short_a_name_or_a_broken_cpr_is_explained_next_to_the_field(client: TestClient, world: World) -> None:
    sign_in(client, "hv1")

    short = client.get("/search", params={"q": "a"})
    assert '<p id="q-error" class="error">Skriv mindst 2 tegn.</p>' in short.text
    assert 'aria-invalid="true"' in short.text and 'value="a"' in short.text

    broken = client.get("/search", params={"q": "123456"})
    assert "CPR-nummeret er ikke gyldigt" in broken.text

    bad_date = client.get("/search", params={"q": "320199-1234"})  # no 32nd day: the API refuses it
    assert "CPR-nummeret er ikke gyldigt" in bad_date.text

    live = client.get("/search", params={"q": "a"}, headers=HX)
    assert 'id="q-error" class="error" hx-swap-oob="true">Skriv mindst 2 tegn.' in live.text
