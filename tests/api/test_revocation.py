"""Revoking tokens (RFC 7009, `POST /api/v1/auth/revoke`): a revoked token is refused at once, by every app on
the same database; only the caller's own tokens are revoked; an unknown token is answered 200."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, func
from sqlmodel import select

from api.app import create_app
from api.tokens import LocalTokenSigner, TokenPolicy
from domain.settings import Settings
from domain.store.database import Database
from domain.store.tables import AuditEvent, RevokedToken
from tests.conftest import TEST_SIGNING_KEY
from tests.factories import CLIENT_SECRET, World, bearer, client_token, token

REVOKE = "/api/v1/auth/revoke"
ME = "/api/v1/auth/me"


def revoke(client: TestClient, access_token: str, **kwargs: Any) -> Any:
    return client.post(REVOKE, data={"token": access_token, "token_type_hint": "access_token"}, **kwargs)


def revoked_rows(database: Database) -> list[RevokedToken]:
    with database.session(write=False) as session:
        rows = list(session.exec(select(RevokedToken)))
        session.expunge_all()  # usable after the session closes
        return rows


def assert_refused(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/not-authenticated")


def test_a_revoked_token_is_refused_with_a_problem_on_every_call(client: TestClient, world: World) -> None:
    access = token(client, "hv1")
    assert client.get(ME, headers=bearer(access)).status_code == 200
    assert client.get("/api/v1/visits", headers=bearer(access)).status_code == 200

    answer = revoke(client, access, headers=bearer(access))

    assert answer.status_code == 200 and answer.content == b""
    me = client.get(ME, headers=bearer(access))
    assert_refused(me)
    assert "revoked" in me.json()["detail"]
    assert_refused(client.get("/api/v1/visits", headers=bearer(access)))
    assert client.get(ME, headers=bearer(token(client, "hv1"))).status_code == 200, "a new sign-in works"
    (row,) = revoked_rows(world.database)
    assert len(row.jti) == 32 and row.expires_at > row.revoked_at
    assert revoke(client, access, headers=bearer(token(client, "hv1"))).status_code == 200, "revoking twice is fine"


@pytest.fixture
def second_client(settings: Settings, database: Database) -> Iterator[TestClient]:
    """Another app instance (another worker or machine): its own engines and pools on the same database."""
    other = Database(database.url)
    try:
        with TestClient(create_app(settings=settings, database=other), raise_server_exceptions=False) as client:
            yield client
    finally:
        other.dispose()


def test_a_revocation_is_seen_at_once_by_another_app_on_the_same_database(
    client: TestClient, second_client: TestClient, world: World
) -> None:
    first, second = token(client, "hv1"), token(second_client, "cw1")
    assert second_client.get(ME, headers=bearer(first)).status_code == 200
    assert client.get(ME, headers=bearer(second)).status_code == 200

    assert revoke(client, first, headers=bearer(first)).status_code == 200
    assert revoke(second_client, second, headers=bearer(second)).status_code == 200

    assert_refused(second_client.get(ME, headers=bearer(first)))
    assert_refused(client.get(ME, headers=bearer(second)))


def _hs256(payload: dict[str, Any]) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b64(json.dumps(payload).encode())
    signature = hmac.new(TEST_SIGNING_KEY.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(signature)


def test_unknown_invalid_and_expired_tokens_are_answered_200_and_nothing_is_revoked(
    client: TestClient, world: World, settings: Settings, now: datetime
) -> None:
    mine = token(client, "hv1")
    signer = LocalTokenSigner(
        key=TEST_SIGNING_KEY, policy=TokenPolicy(issuer=settings.token_issuer, audience=settings.token_audience)
    )
    expired = signer.issue(
        subject=f"staff:{world.staff_id('hv1')}", claims={}, lifetime_seconds=600, now=now - timedelta(hours=1)
    ).access_token
    for unknown in ("not-a-token", "a.b.c", mine[:-4] + "AAAA", expired):
        assert revoke(client, unknown, headers=bearer(mine)).status_code == 200
    assert revoked_rows(world.database) == []
    assert client.get(ME, headers=bearer(mine)).status_code == 200


def test_a_token_without_an_id_is_refused(client: TestClient, world: World, settings: Settings, now: datetime) -> None:
    issued_at = int(now.timestamp())
    claims = {"iss": settings.token_issuer, "aud": settings.token_audience, "iat": issued_at, "exp": issued_at + 600}
    without_jti = _hs256({**claims, "sub": f"staff:{world.staff_id('hv1')}"})
    response = client.get(ME, headers=bearer(without_jti))
    assert_refused(response)
    assert response.json()["detail"] == "token has no id"


def test_a_client_revokes_its_own_token_with_its_credentials_but_not_another_clients(
    client: TestClient, world: World
) -> None:
    case_system, calendar = client_token(client, "case-system"), client_token(client, "calendar-only")

    other = revoke(client, case_system, auth=("calendar-only", CLIENT_SECRET))
    assert other.status_code == 200, "RFC 7009: not the caller's token is answered like an unknown one"
    assert client.get(ME, headers=bearer(case_system)).status_code == 200, "and nothing happened"
    with world.database.session(write=False) as session:
        refused = session.exec(select(AuditEvent).where(AuditEvent.action == "revoke_token")).one()
        assert refused.outcome == "refused" and refused.client_id == "calendar-only"

    wrong = revoke(client, calendar, auth=("calendar-only", "wrong secret"))
    assert_refused(wrong)
    assert client.get(ME, headers=bearer(calendar)).status_code == 200

    form = {"token": calendar, "client_id": "calendar-only", "client_secret": CLIENT_SECRET}
    assert client.post(REVOKE, data=form).status_code == 200
    assert_refused(client.get(ME, headers=bearer(calendar)))


def test_staff_revoke_only_their_own_tokens(client: TestClient, world: World) -> None:
    hv1, hv2 = token(client, "hv1"), token(client, "hv2")
    assert revoke(client, hv1, headers=bearer(hv2)).status_code == 200
    assert client.get(ME, headers=bearer(hv1)).status_code == 200
    other_session = token(client, "hv1")
    assert revoke(client, hv1, headers=bearer(other_session)).status_code == 200, "one of her sessions ends another"
    assert_refused(client.get(ME, headers=bearer(hv1)))
    assert client.get(ME, headers=bearer(other_session)).status_code == 200


def test_revoking_needs_an_authenticated_caller(client: TestClient, world: World) -> None:
    access = token(client, "hv1")
    assert_refused(revoke(client, access))
    assert_refused(revoke(client, access, headers=bearer("not-a-token")))
    assert client.post(REVOKE, data={}, headers=bearer(access)).status_code == 422
    assert client.get(ME, headers=bearer(access)).status_code == 200


def test_expired_revocations_are_deleted_when_another_token_is_revoked(
    client: TestClient, world: World, now: datetime
) -> None:
    with world.database.session(write=True) as session:
        session.add(RevokedToken(jti="long-gone", expires_at=now - timedelta(hours=1), revoked_at=now))
        session.add(RevokedToken(jti="still-running", expires_at=now + timedelta(minutes=1), revoked_at=now))
        session.commit()
    access = token(client, "hv1")
    assert revoke(client, access, headers=bearer(access)).status_code == 200
    kept = {row.jti for row in revoked_rows(world.database)}
    assert "long-gone" not in kept
    assert "still-running" in kept and len(kept) == 2


def test_the_revocation_check_is_folded_into_the_callers_look_up(client: TestClient, world: World) -> None:
    """Every authenticated request reads its caller and probes revoked_token in one statement."""
    access = token(client, "hv1")
    statements: list[str] = []

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engines = {world.database.read_engine, world.database.write_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", remember)
    try:
        assert client.get(ME, headers=bearer(access)).status_code == 200
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", remember)
    touching = [s for s in statements if "revoked_token" in s]
    assert len(touching) == 1
    assert "FROM staff" in touching[0]
    with world.database.session(write=False) as session:
        assert session.exec(select(func.count()).select_from(RevokedToken)).one() == 0


def test_the_revocation_endpoint_is_documented_with_its_problems(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/auth/revoke"]["post"]
    form = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
    schema = document["components"]["schemas"][form["schema"]["$ref"].rsplit("/", 1)[-1]]
    assert schema["required"] == ["token"] and "token_type_hint" in schema["properties"]
    for status in ("401", "422", "429"):
        assert "application/problem+json" in operation["responses"][status]["content"], status
    assert "200" in operation["responses"]
