"""Administration: the package catalog and criteria, read; a new version edited as JSON, the API's errors
shown next to the text area with their field paths, and what the admin typed kept."""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import date

from fastapi.testclient import TestClient

from tests.factories import World
from tests.web.test_screening_forms import csrf
from tests.web.test_sign_in import sign_in


def _textarea(page: str) -> str:
    match = re.search(r'<textarea id="definition"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "no definition text area"
    return html_lib.unescape(match.group(1))


def test_the_admin_page_shows_every_package_with_its_versions_and_the_criteria(
    client: TestClient, world: World
) -> None:
    sign_in(client, "admin1")
    page = client.get("/admin")
    assert page.status_code == 200
    html = page.text
    assert "Universelt sundhedsplejeprogram" in html and '<code class="block">universal</code>' in html
    assert "Boligsocial mødregruppe" in html and "Gruppeforløb" in html
    assert "version 1 gældende fra" in html
    assert 'href="/admin/packages/universal/new-version"' in html
    assert "Kriterieversion i kraft:" in html
    assert "Mindst 2 af: oplevet omsorgssvigt, enlig, socialt isoleret" in html
    assert 'href="/admin/criteria/new-version"' in html


def test_other_roles_are_refused_the_admin_pages(client: TestClient, world: World) -> None:
    sign_in(client, "hv1")
    assert client.get("/admin").status_code == 403
    assert client.get("/admin/packages/universal/new-version").status_code == 403


def test_the_edit_starts_from_the_latest_version_without_its_number(
    client: TestClient, world: World, today: date
) -> None:
    sign_in(client, "admin1")
    page = client.get("/admin/packages/housing_area_extra/new-version")
    assert page.status_code == 200
    draft = json.loads(_textarea(page.text))
    assert "version" not in draft
    assert draft["code"] == "housing_area_extra" and draft["visits"]
    assert draft["valid_from"] >= today.isoformat()
    assert '<label for="definition">' in page.text


def test_invalid_json_is_shown_next_to_the_text_area_and_the_text_kept(client: TestClient, world: World) -> None:
    sign_in(client, "admin1")
    form_token = csrf(client.get("/admin/packages/universal/new-version").text)
    typed = '{"code": "universal",\n  "name_da": "Ny <udgave>" oops}'
    response = client.post(
        "/admin/packages/universal/new-version", data={"csrf_token": form_token, "definition": typed}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true" aria-describedby="definition-errors"' in response.text
    assert "Ugyldig JSON i linje 2" in response.text
    assert _textarea(response.text) == typed


def test_the_apis_field_errors_are_listed_with_their_paths(client: TestClient, world: World) -> None:
    sign_in(client, "admin1")
    page = client.get("/admin/packages/housing_area_extra/new-version").text
    draft = json.loads(_textarea(page))
    draft["visits"][0]["window"] = ["5m"]
    draft["unknown_field"] = True
    typed = json.dumps(draft, ensure_ascii=False, indent=2)
    response = client.post(
        "/admin/packages/housing_area_extra/new-version", data={"csrf_token": csrf(page), "definition": typed}
    )
    assert response.status_code == 400
    errors = re.search(r'<ul class="error field-errors" id="definition-errors">(.*?)</ul>', response.text, re.S)
    assert errors and "<code>unknown_field</code>" in errors.group(1)
    assert _textarea(response.text) == typed


def test_a_valid_package_version_is_saved_as_the_next_version(client: TestClient, world: World) -> None:
    sign_in(client, "admin1")
    page = client.get("/admin/packages/housing_area_extra/new-version").text
    draft = json.loads(_textarea(page))
    draft["name_da"] = "Ekstra behovsbesøg i boligområder (revideret)"
    response = client.post(
        "/admin/packages/housing_area_extra/new-version",
        data={"csrf_token": csrf(page), "definition": json.dumps(draft, ensure_ascii=False)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin?package=housing_area_extra&version=2"
    after = client.get(response.headers["location"]).text
    assert 'role="status">Version 2 af' in after
    assert "version 2 gældende fra" in after


def test_a_new_criteria_version_is_saved(client: TestClient, world: World) -> None:
    sign_in(client, "admin1")
    page = client.get("/admin/criteria/new-version").text
    draft = json.loads(_textarea(page))
    assert "version" not in draft and draft["criteria"]
    response = client.post(
        "/admin/criteria/new-version",
        data={"csrf_token": csrf(page), "definition": json.dumps(draft, ensure_ascii=False)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/admin?criteria=2"
    assert "Version 2 af kriterierne er gemt." in client.get("/admin?criteria=2").text
