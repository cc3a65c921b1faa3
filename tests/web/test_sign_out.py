"""Signing out of the staff pages ends the session: the page's token is revoked, not just forgotten."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories import World, bearer, token
from tests.web.test_sign_in import sign_in


def _csrf(client: TestClient) -> str:
    match = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', client.get("/sign-in").text)
    assert match is not None
    return match.group(1)


def test_signing_out_revokes_the_pages_token_everywhere(client: TestClient, world: World) -> None:
    sign_in(client, "hv1")
    old_token = client.cookies.get("ti_session")
    assert old_token
    assert client.get("/api/v1/auth/me", headers=bearer(old_token)).status_code == 200
    assert client.get("/my-day", follow_redirects=False).status_code == 200

    out = client.post("/sign-out", data={"csrf_token": _csrf(client)}, follow_redirects=False)

    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    assert client.cookies.get("ti_session") is None
    api = client.get("/api/v1/auth/me", headers=bearer(old_token))
    assert api.status_code == 401
    assert api.headers["content-type"] == "application/problem+json"
    # A copy of the old cookie (another tab, a stolen cookie) no longer opens a page.
    client.cookies.set("ti_session", old_token)
    page = client.get("/my-day", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/sign-in")
    assert 'ti_session=""' in page.headers["set-cookie"] or "Max-Age=0" in page.headers["set-cookie"]
    htmx = client.get("/my-day", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.headers.get("hx-redirect", "").startswith("/sign-in")


def test_signing_out_with_a_token_that_no_longer_works_still_ends_the_session(client: TestClient, world: World) -> None:
    sign_in(client, "hv1")
    old_token = client.cookies.get("ti_session")
    assert old_token
    csrf = _csrf(client)
    assert client.post("/api/v1/auth/revoke", data={"token": old_token}, headers=bearer(old_token)).status_code == 200

    out = client.post("/sign-out", data={"csrf_token": csrf}, follow_redirects=False)

    assert out.status_code == 303
    assert client.cookies.get("ti_session") is None


def test_signing_out_of_the_pages_leaves_the_users_other_sessions_alone(client: TestClient, world: World) -> None:
    elsewhere = token(client, "hv1")
    sign_in(client, "hv1")
    client.post("/sign-out", data={"csrf_token": _csrf(client)}, follow_redirects=False)
    assert client.get("/api/v1/auth/me", headers=bearer(elsewhere)).status_code == 200
