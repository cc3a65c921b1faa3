"""Group courses: the list with fill, one course's participants, and attendance as check boxes saved at
once through htmx (one participant per click) or per session with a plain "Gem" button."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from domain.services import groups
from tests.factories import World, bearer, make_family, token
from tests.web.test_screening_forms import csrf, htmx_headers
from tests.web.test_sign_in import sign_in


@dataclass
class Course:
    id: uuid.UUID
    past_session: uuid.UUID
    future_session: uuid.UUID
    participants: list[uuid.UUID]


@pytest.fixture
def course(world: World, today: date) -> Course:
    """A mothers' group facilitated by hv1 that started four weeks ago, with two mothers in it."""
    with world.database.session(write=True) as session:
        created = groups.create_course(
            session,
            package_code="mothers_group",
            title="Mødregruppe Ringparken test",
            area_code="ringparken",
            starts_on=today - timedelta(days=28),
            facilitator_id=world.staff_id("hv1"),
            location="Fælleshuset",
        )
        participants = []
        for _ in range(2):
            _, child = make_family(
                session, today=today, birth_date=today - timedelta(days=60), health_visitor=world.staff_id("hv1")
            )
            participants.append(
                groups.add_participant(
                    session, course_id=created.id, child_id=child.id, member_id=None, joined_on=created.starts_on
                ).id
            )
        sessions = groups.sessions_of(session, created.id)
        session.commit()
        return Course(
            id=created.id,
            past_session=sessions[0].id,
            future_session=next(s.id for s in sessions if s.held_on > today),
            participants=participants,
        )


def _attendance(client: TestClient, course: Course) -> list[list[bool | None]]:
    detail = client.get(f"/api/v1/group-courses/{course.id}", headers=bearer(token(client, "hv1"))).json()
    return [p["attendance"] for p in detail["participants"]]


def test_the_list_shows_area_start_sessions_and_fill(
    client: TestClient, world: World, course: Course, today: date
) -> None:
    sign_in(client, "hv1")
    page = client.get("/groups")
    assert page.status_code == 200
    html = page.text
    assert f'href="/groups/{course.id}">Mødregruppe Ringparken test' in html
    assert "Ringparken" in html and "Boligsocial mødregruppe" in html
    assert "2 af 6" in html and "I gang" in html
    start = today - timedelta(days=28)
    assert f"{start.day}. " in html


def test_the_course_page_has_a_check_box_per_participant_and_held_session(
    client: TestClient, world: World, course: Course
) -> None:
    sign_in(client, "hv1")
    html = client.get(f"/groups/{course.id}").text
    assert "Mor Testesen" in html
    assert 'id="attendance-status" class="status-line" aria-live="polite"' in html
    first = course.participants[0]
    box = re.search(rf'<input type="checkbox"[^>]*value="{first}" form="attendance-{course.past_session}"[^>]*>', html)
    assert box, "a check box for the first participant at the first session"
    assert f'hx-post="/groups/{course.id}/sessions/{course.past_session}/attendance"' in box.group(0)
    assert f'"only": "{first}"' in box.group(0)
    assert f'form id="attendance-{course.past_session}" method="post"' in html  # "Gem" without JS
    assert f'form="attendance-{course.future_session}"' not in html  # not before the session's day
    assert html.count('<label for="att-') == html.count('<input type="checkbox"')


def test_a_click_saves_that_participant_at_once_and_says_gemt(client: TestClient, world: World, course: Course) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/groups/{course.id}").text)
    first, second = course.participants
    url = f"/groups/{course.id}/sessions/{course.past_session}/attendance"
    # htmx sends the box's whole column (its form) plus `only`: only the clicked participant is marked.
    response = client.post(
        url,
        data={"participants": [str(first), str(second)], "present": [str(first)], "only": str(first)},
        headers=htmx_headers(form_token),
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "Gemt" in response.text and "Møde 1" in response.text
    assert [row[0] for row in _attendance(client, course)] == [True, None]
    unticked = client.post(
        url, data={"participants": [str(first), str(second)], "only": str(first)}, headers=htmx_headers(form_token)
    )
    assert "Gemt" in unticked.text
    assert [row[0] for row in _attendance(client, course)] == [False, None]


def test_the_plain_save_button_saves_the_whole_session(client: TestClient, world: World, course: Course) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/groups/{course.id}").text)
    first, second = course.participants
    response = client.post(
        f"/groups/{course.id}/sessions/{course.past_session}/attendance",
        data={"csrf_token": form_token, "participants": [str(first), str(second)], "present": [str(second)]},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/groups/{course.id}?saved={course.past_session}"
    assert [row[0] for row in _attendance(client, course)] == [False, True]
    page = client.get(response.headers["location"]).text
    assert 'class="status">Gemt: Møde 1' in page
    assert re.search(rf'value="{second}" form="attendance-{course.past_session}" checked', page)


def test_a_session_not_yet_held_is_not_saved_and_says_so(client: TestClient, world: World, course: Course) -> None:
    sign_in(client, "hv1")
    form_token = csrf(client.get(f"/groups/{course.id}").text)
    first = course.participants[0]
    response = client.post(
        f"/groups/{course.id}/sessions/{course.future_session}/attendance",
        data={"present": [str(first)], "only": str(first)},
        headers=htmx_headers(form_token),
    )
    assert response.status_code == 200
    assert 'role="alert">Fremmødet er ikke gemt' in response.text


def test_attendance_posts_need_the_csrf_token(client: TestClient, world: World, course: Course) -> None:
    sign_in(client, "hv1")
    response = client.post(
        f"/groups/{course.id}/sessions/{course.past_session}/attendance",
        data={"only": str(course.participants[0])},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
