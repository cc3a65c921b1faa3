"""Enrolment page: choose a package, see the schedule preview (the API's dry run) with Danish dates and
windows, swap it with htmx or show it without JS, and confirm for real."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from tests.factories import World, bearer, make_family, token
from tests.web.test_screening_forms import csrf, htmx_headers
from tests.web.test_sign_in import sign_in

DANISH_DATE = re.compile(r"\b\d{1,2}\. (jan\.|feb\.|mar\.|apr\.|maj|jun\.|jul\.|aug\.|sep\.|okt\.|nov\.|dec\.) \d{4}\b")


@pytest.fixture
def child_id(world: World, today: date) -> uuid.UUID:
    with world.database.session(write=True) as session:
        _, child = make_family(
            session, today=today, birth_date=today - timedelta(days=20), health_visitor=world.staff_id("hv1")
        )
        session.commit()
        return child.id


def test_the_form_offers_the_packages_but_not_group_courses(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    page = client.get(f"/children/{child_id}/enrol")
    assert page.status_code == 200
    html = page.text
    assert '<option value="universal">Universelt sundhedsplejeprogram' in html
    assert 'value="housing_area_extra"' in html
    assert 'value="mothers_group"' not in html  # joined through a group course
    assert f'value="{today.isoformat()}"' in html
    assert f'formaction="/children/{child_id}/enrol/preview"' in html and "Vis plan" in html
    assert f'hx-post="/children/{child_id}/enrol/preview"' in html


def test_the_preview_is_a_fragment_with_the_visits_in_danish(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/enrol").text)
    response = client.post(
        f"/children/{child_id}/enrol/preview",
        data={"package_code": "housing_area_extra", "start_date": today.isoformat()},
        headers=htmx_headers(form_token),
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html and "<table" in html
    assert "Ekstra behovsbesøg i boligområder" in html
    assert len(DANISH_DATE.findall(html)) >= 6  # each visit: target, earliest and latest
    assert not re.search(r"\d{4}-\d{2}-\d{2}", html.split("<table", 1)[1])
    assert "Sundhedsplejerske" in html
    assert "Bekræft tilmelding" in html
    listed = client.get(f"/api/v1/children/{child_id}/enrollments", headers=bearer(token(client, "hv1"))).json()
    assert listed["items"] == []  # a dry run stores nothing


def test_without_javascript_show_plan_renders_the_whole_page_with_the_choice_kept(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/enrol").text)
    start = (today + timedelta(days=3)).isoformat()
    response = client.post(
        f"/children/{child_id}/enrol/preview",
        data={"csrf_token": form_token, "package_code": "universal", "start_date": start},
    )
    assert response.status_code == 200
    assert "<html" in response.text
    assert '<option value="universal" selected>' in response.text
    assert f'value="{start}"' in response.text
    assert "Etableringsbesøg" in response.text


def test_confirming_enrols_for_real_and_goes_to_the_childs_page(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/enrol").text)
    response = client.post(
        f"/children/{child_id}/enrol",
        data={"csrf_token": form_token, "package_code": "universal", "start_date": today.isoformat()},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/children/{child_id}"
    listed = client.get(f"/api/v1/children/{child_id}/enrollments", headers=bearer(token(client, "hv1"))).json()
    assert [e["package_code"] for e in listed["items"]] == ["universal"]
    again = client.get(f"/children/{child_id}/enrol").text
    assert 'value="universal"' not in again and "Barnet er tilmeldt" in again


def test_enrolling_twice_is_refused_next_to_the_package(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/enrol").text)
    data = {"csrf_token": form_token, "package_code": "universal", "start_date": today.isoformat()}
    assert client.post(f"/children/{child_id}/enrol", data=data, follow_redirects=False).status_code == 303
    response = client.post(f"/children/{child_id}/enrol", data=data, follow_redirects=False)
    assert response.status_code == 400
    assert 'aria-describedby="package_code-error"' in response.text
    assert 'id="package_code-error">Barnet er allerede tilmeldt denne pakke.' in response.text


def test_confirming_without_a_package_asks_for_one(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/enrol").text)
    start = (today + timedelta(days=7)).isoformat()
    response = client.post(
        f"/children/{child_id}/enrol", data={"csrf_token": form_token, "package_code": "", "start_date": start}
    )
    assert response.status_code == 400
    assert 'id="package_code-error">Vælg en pakke.' in response.text
    assert f'value="{start}"' in response.text


def test_a_group_package_preview_explains_itself_in_the_fragment(
    client: TestClient, world: World, child_id: uuid.UUID, today: date
) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/children/{child_id}/enrol").text)
    response = client.post(
        f"/children/{child_id}/enrol/preview",
        data={"package_code": "mothers_group", "start_date": today.isoformat()},
        headers=htmx_headers(form_token),
    )
    assert response.status_code == 200
    assert 'role="alert">En gruppepakke tilmeldes gennem et gruppeforløb' in response.text
