"""The API refuses every bad token with 401 and a problem; an external identity provider's RS256
tokens are accepted through its JWKS, with its role claim mapped to ours."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from fastapi.testclient import TestClient

from api.app import create_app
from domain.settings import Settings
from domain.store.database import Database
from domain.store.tables import Staff
from tests.conftest import TEST_SIGNING_KEY
from tests.factories import World, token

ISSUER, AUDIENCE = "tidlig-indsats", "tidlig-indsats-api"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segments(header: dict[str, Any], payload: dict[str, Any]) -> str:
    return _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())


def _hs256(payload: dict[str, Any], key: bytes = TEST_SIGNING_KEY.encode(), alg: str = "HS256") -> str:
    signing_input = _segments({"alg": alg, "typ": "JWT"}, payload)
    return signing_input + "." + _b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())


def _claims(subject: str, now: datetime, **changes: Any) -> dict[str, Any]:
    issued_at = int(now.timestamp())
    claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "sub": subject, "iat": issued_at, "exp": issued_at + 600}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _refused_tokens(subject: str, good: str, now: datetime) -> dict[str, str]:
    issued_at = int(now.timestamp())
    header, payload, signature = good.split(".")
    tampered_payload = json.loads(base64.urlsafe_b64decode(payload + "==")) | {"sub": "staff:" + "0" * 32}
    return {
        "alg none": _segments({"alg": "none", "typ": "JWT"}, _claims(subject, now)) + ".",
        "another key": _hs256(_claims(subject, now), key=b"another-key-that-is-long-enough-0123456789"),
        "tampered payload": f"{header}.{_b64(json.dumps(tampered_payload).encode())}.{signature}",
        "expired": _hs256(_claims(subject, now, iat=issued_at - 3600, exp=issued_at - 1800)),
        "no audience": _hs256(_claims(subject, now, aud=None)),
        "another audience": _hs256(_claims(subject, now, aud="another-api")),
        "no expiry": _hs256(_claims(subject, now, exp=None)),
        "wrong algorithm": _hs256(_claims(subject, now), alg="HS512"),
    }


def test_every_bad_token_is_refused_with_401_and_a_problem(client: TestClient, world: World, now: datetime) -> None:
    good = token(client, "hv1")
    subject = f"staff:{world.staff_id('hv1')}"
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {good}"}).status_code == 200
    for name, bad in _refused_tokens(subject, good, now).items():
        response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, name
        assert response.headers["content-type"] == "application/problem+json", name
        assert response.json()["type"].endswith("/not-authenticated"), name


def test_an_hs256_token_signed_with_the_identity_providers_public_key_is_refused(
    idp_client: tuple[TestClient, rsa.RSAPrivateKey], now: datetime
) -> None:
    client, key = idp_client
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    forged = _hs256(
        {
            "iss": "https://idp.example",
            "aud": "tidlig",
            "sub": "idp-user-1",
            "iat": int(now.timestamp()),
            "exp": int(now.timestamp()) + 300,
            "roles": ["SP"],
        },
        key=pem,
    )
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def _rs256(key: rsa.RSAPrivateKey, payload: dict[str, Any]) -> str:
    signing_input = _segments({"alg": "RS256", "typ": "JWT", "kid": "idp-1"}, payload)
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + _b64(signature)


@pytest.fixture
def idp_client(tmp_path: Path, database: Database, world: World) -> Iterator[tuple[TestClient, rsa.RSAPrivateKey]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    jwk = {
        "kty": "RSA",
        "kid": "idp-1",
        "alg": "RS256",
        "use": "sig",
        "n": _b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
        "e": _b64(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
    }
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk]}))
    with database.session(write=True) as session:
        staff = session.get(Staff, world.staff_id("hv1"))
        assert staff is not None
        staff.external_subject = "idp-user-1"
        session.add(staff)
        session.commit()
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        signing_key=TEST_SIGNING_KEY,
        demo_data=False,
        external_jwks_file=str(jwks),
        external_issuer="https://idp.example",
        external_audience="tidlig",
        external_role_map=json.dumps({"SP": "health_visitor"}),
    )
    with TestClient(create_app(settings=settings, database=database)) as client:
        yield client, key


def test_an_identity_providers_rs256_token_maps_its_roles(
    idp_client: tuple[TestClient, rsa.RSAPrivateKey], now: datetime
) -> None:
    client, key = idp_client
    issued_at = int(now.timestamp())
    good = _rs256(
        key,
        {
            "iss": "https://idp.example",
            "aud": "tidlig",
            "sub": "idp-user-1",
            "iat": issued_at,
            "exp": issued_at + 300,
            "roles": ["SP", "unknown-role"],
        },
    )
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {good}"})
    assert me.status_code == 200, me.text
    assert me.json()["username"] == "hv1" and me.json()["roles"] == ["health_visitor"]
    stranger = _rs256(
        key,
        {
            "iss": "https://idp.example",
            "aud": "tidlig",
            "sub": "someone-else",
            "iat": issued_at,
            "exp": issued_at + 300,
            "roles": ["SP"],
        },
    )
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {stranger}"}).status_code == 401
    other_audience = _rs256(
        key,
        {
            "iss": "https://idp.example",
            "aud": "another",
            "sub": "idp-user-1",
            "iat": issued_at,
            "exp": issued_at + 300,
            "roles": ["SP"],
        },
    )
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {other_audience}"}).status_code == 401
