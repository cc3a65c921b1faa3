"""Signing in and out of the staff pages: the session cookie, CSRF and what the user typed."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories import PASSWORD, World


def _form_token(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"no {name} in the form"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form like a browser; answers the page's CSRF token source (the redirect)."""
    form = client.get("/sign-in")
    token = _form_token(form.text, "sign_in_token")
    response = client.post(
        "/sign-in",
        data={"username": username, "password": password, "sign_in_token": token, "next": "/my-day"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_signing_in_sets_an_httponly_strict_session_cookie(client: TestClient, world: World) -> None:
    form = client.get("/sign-in")
    assert form.status_code == 200
    assert 'lang="da"' in form.text and "Log ind" in form.text
    response = client.post(
        "/sign-in",
        data={"username": "hv1", "password": PASSWORD, "sign_in_token": _form_token(form.text, "sign_in_token")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/my-day"
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("ti_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie, "plain http in tests; Secure is set when served over TLS"


def test_a_wrong_password_keeps_the_username_and_shows_the_error(client: TestClient, world: World) -> None:
    form = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"username": "hv1", "password": "wrong", "sign_in_token": _form_token(form.text, "sign_in_token")},
    )
    assert response.status_code == 400
    assert 'value="hv1"' in response.text
    assert "Forkert brugernavn eller adgangskode" in response.text


def test_a_sign_in_post_without_the_form_token_is_refused(client: TestClient, world: World) -> None:
    client.get("/sign-in")
    response = client.post("/sign-in", data={"username": "hv1", "password": PASSWORD, "sign_in_token": "forged"})
    assert response.status_code == 403


def test_the_next_parameter_cannot_send_the_user_to_another_site(client: TestClient, world: World) -> None:
    form = client.get("/sign-in?next=//evil.example/")
    assert 'name="next" value="/my-day"' in form.text


def test_signing_out_needs_the_csrf_token_and_ends_the_session(client: TestClient, world: World) -> None:
    sign_in(client, "hv1")
    refused = client.post("/sign-out", data={}, follow_redirects=False)
    assert refused.status_code == 403
    page = client.get("/sign-in")  # every page rendered with a session carries the CSRF token for htmx
    match = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', page.text)
    assert match is not None
    token = match.group(1)
    response = client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.cookies.get("ti_session") is None


def test_pages_without_a_session_redirect_to_sign_in(client: TestClient, world: World) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in"


def test_a_malformed_page_address_answers_a_page_not_json(client: TestClient, world: World) -> None:
    sign_in(client, "hv1")
    response = client.get("/children/not-an-id")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Siden findes ikke" in response.text


def test_the_pages_render_in_english_when_asked_and_remember_it(client: TestClient, world: World) -> None:
    english = client.get("/sign-in?lang=en")
    assert 'lang="en"' in english.text and "Username" in english.text and "Brugernavn" not in english.text
    again = client.get("/sign-in")
    assert 'lang="en"' in again.text, "the choice is remembered"
    danish = client.get("/sign-in?lang=da")
    assert 'lang="da"' in danish.text and "Brugernavn" in danish.text
