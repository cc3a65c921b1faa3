"""Text with NUL characters is refused as bad input (PostgreSQL cannot store it), never a server error."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from api.nul_guard import carries_nul
from domain.store.tables import GroupCourse
from tests.api.test_groups import COURSES, course_body
from tests.factories import World, bearer, token


def courses(world: World) -> int:
    with world.database.session(write=False) as session:
        return session.exec(select(func.count()).select_from(GroupCourse)).one()


@pytest.mark.parametrize("title", ["Mødre\x00gruppe", "\x00"])
def test_a_json_body_with_nul_is_refused_and_nothing_is_stored(
    client: TestClient, world: World, today: date, title: str
) -> None:
    before = courses(world)
    answer = client.post(
        COURSES, json=course_body(world, title=title, today=today), headers=bearer(token(client, "hv1"))
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"] == [{"field": "body", "message": "Text may not contain NUL (0x00) characters"}]
    assert courses(world) == before


def test_a_query_or_form_with_nul_is_refused(client: TestClient, world: World) -> None:
    assert client.get("/api/v1/children?name=ab%00cd", headers=bearer(token(client, "hv1"))).status_code == 422
    signed_in = client.post(
        "/api/v1/auth/token", data={"grant_type": "password", "username": "hv\x001", "password": "x"}
    )
    assert signed_in.status_code == 422


def test_the_guard_tells_nul_from_text_that_only_looks_like_it() -> None:
    assert carries_nul(json.dumps({"a": "x\x00"}).encode())
    assert carries_nul(b"name=a%00b") and carries_nul(b"a\x00")
    assert not carries_nul(json.dumps({"a": "C:\\u0000 is a path"}).encode()), "an escaped backslash, then u0000"
    assert not carries_nul(json.dumps({"a": "100 %"}).encode())
