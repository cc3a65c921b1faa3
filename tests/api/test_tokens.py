"""The JWT wrapper: every refusal is asserted by its message, so removing the check that produces it fails a test.

Test tokens are built by hand (json + base64url + hmac/cryptography), never with python-jose: api/tokens.py is the
only module that imports jose, and an independent encoder is a better witness than the library under suspicion.
jose reads the real clock for `exp` and `nbf`, so tokens here are dated around the real time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from api import tokens
from api.tokens import (
    ExternalIdentityVerifier,
    IssuedToken,
    LocalTokenSigner,
    TokenError,
    TokenPolicy,
    verify_with,
)
from domain.clock import utc_now

ISSUER = "https://tidlig-indsats.example/api"
AUDIENCE = "tidlig-indsats"
LOCAL_KEY = "local-signing-key-for-tests-0123456789abcdef"
IDP_ISSUER = "https://login.idp.example"
POLICY = TokenPolicy(issuer=ISSUER, audience=AUDIENCE)
IDP_POLICY = TokenPolicy(issuer=IDP_ISSUER, audience=AUDIENCE)
JWKS_URL = "https://login.idp.example/.well-known/jwks.json"

KNOWN_MESSAGES = frozenset(
    [value for name, value in vars(tokens).items() if name.startswith("MSG_")]
    + [f"token is missing claim {name}" for name in ("exp", "iat", "aud", "iss", "sub")]
)

# --- hand-made tokens -------------------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def segment(value: object) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def hs256(header: Mapping[str, object], payload: Mapping[str, object], key: str | bytes = LOCAL_KEY) -> str:
    return hs256_raw(header, json.dumps(payload, separators=(",", ":")), key)


def hs256_raw(header: Mapping[str, object], payload_json: str, key: str | bytes = LOCAL_KEY) -> str:
    signing_input = f"{segment(header)}.{b64url(payload_json.encode('utf-8'))}"
    secret = key.encode("utf-8") if isinstance(key, str) else key
    signature = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def rs256(header: Mapping[str, object], payload: Mapping[str, object], key: rsa.RSAPrivateKey) -> str:
    signing_input = f"{segment(header)}.{segment(payload)}"
    signature = key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


def claims(*, drop: tuple[str, ...] = (), issuer: str = ISSUER, **overrides: object) -> dict[str, object]:
    issued_at = int(utc_now().timestamp())
    result: dict[str, object] = {
        "iss": issuer,
        "aud": AUDIENCE,
        "sub": "nurse-17",
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + 600,
        "jti": "0123456789abcdef0123456789abcdef",
    }
    result.update(overrides)
    for name in drop:
        del result[name]
    return result


HS_HEADER = {"alg": "HS256", "typ": "JWT"}


@cache
def rsa_key(name: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def public_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def jwk_of(key: rsa.RSAPrivateKey, kid: str, **extra: object) -> dict[str, object]:
    numbers = key.public_key().public_numbers()
    n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
    e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
    return {"kty": "RSA", "kid": kid, "use": "sig", "n": b64url(n), "e": b64url(e), **extra}


def jwks_of(*entries: dict[str, object]) -> dict[str, object]:
    return {"keys": list(entries)}


def idp_token(key: rsa.RSAPrivateKey, kid: str | None = "idp-1", **overrides: object) -> str:
    header: dict[str, object] = {"alg": "RS256", "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    return rs256(header, claims(issuer=IDP_ISSUER, **overrides), key)


@pytest.fixture
def signer() -> LocalTokenSigner:
    return LocalTokenSigner(key=LOCAL_KEY, policy=POLICY)


@pytest.fixture
def idp() -> ExternalIdentityVerifier:
    return ExternalIdentityVerifier(jwks=jwks_of(jwk_of(rsa_key("idp"), "idp-1", alg="RS256")), policy=IDP_POLICY)


def refused(verify: Callable[[], object], message: str) -> None:
    with pytest.raises(TokenError) as caught:
        verify()
    assert str(caught.value) == message


# --- our own tokens ---------------------------------------------------------------------------------------------


def test_a_good_local_token_verifies_and_carries_its_claims(signer: LocalTokenSigner) -> None:
    issued = signer.issue(subject="nurse-17", claims={"role": "nurse", "teams": ["nord"]}, lifetime_seconds=900)

    verified = signer.verify(issued.access_token)

    assert verified["sub"] == "nurse-17"
    assert verified["role"] == "nurse"
    assert verified["teams"] == ["nord"]
    assert verified["iss"] == ISSUER
    assert verified["aud"] == AUDIENCE
    assert verified["exp"] - verified["iat"] == 900
    assert verified["nbf"] == verified["iat"]
    assert re.fullmatch(r"[0-9a-f]{32}", verified["jti"])
    assert issued.expires_in == 900
    assert issued.expires_at == datetime.fromtimestamp(verified["exp"], UTC)
    assert issued.access_token not in repr(issued)


def test_every_issued_token_has_its_own_jti(signer: LocalTokenSigner) -> None:
    first = signer.verify(signer.issue(subject="a", claims={}, lifetime_seconds=60).access_token)
    second = signer.verify(signer.issue(subject="a", claims={}, lifetime_seconds=60).access_token)
    assert first["jti"] != second["jti"]


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_a_token_with_alg_none_is_refused(signer: LocalTokenSigner, alg: str) -> None:
    unsigned = f"{segment({'alg': alg, 'typ': 'JWT'})}.{segment(claims())}."
    refused(lambda: signer.verify(unsigned), tokens.MSG_ALGORITHM)


def test_a_token_signed_with_another_key_is_refused(signer: LocalTokenSigner) -> None:
    other = LocalTokenSigner(key="another-signing-key-0123456789abcdefghij", policy=POLICY)
    token = other.issue(subject="nurse-17", claims={}, lifetime_seconds=60).access_token
    refused(lambda: signer.verify(token), tokens.MSG_SIGNATURE)


def test_a_tampered_payload_is_refused(signer: LocalTokenSigner) -> None:
    token = signer.issue(subject="nurse-17", claims={"role": "nurse"}, lifetime_seconds=60).access_token
    header, payload, signature = token.split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged["role"] = "admin"
    refused(lambda: signer.verify(f"{header}.{segment(forged)}.{signature}"), tokens.MSG_SIGNATURE)


def test_a_signature_spelled_non_canonically_is_refused(signer: LocalTokenSigner) -> None:
    # jose's base64 decoding drops characters outside the alphabet, so these would all verify there.
    token = signer.issue(subject="nurse-17", claims={}, lifetime_seconds=60).access_token
    for variant in (token + "=", token + "!", token[:-1] + chr(ord(token[-1]) ^ 1)):
        refused(lambda variant=variant: signer.verify(variant), tokens.MSG_MALFORMED)  # type: ignore[misc]


def test_an_expired_token_is_refused(signer: LocalTokenSigner, now: datetime) -> None:
    token = signer.issue(subject="a", claims={}, lifetime_seconds=600, now=now - timedelta(hours=1)).access_token
    refused(lambda: signer.verify(token), tokens.MSG_EXPIRED)


def test_a_token_expired_at_the_given_now_is_refused_after_the_leeway(signer: LocalTokenSigner) -> None:
    issued = signer.issue(subject="a", claims={}, lifetime_seconds=600)
    assert signer.verify(issued.access_token, now=issued.expires_at + timedelta(seconds=29))["sub"] == "a"
    refused(
        lambda: signer.verify(issued.access_token, now=issued.expires_at + timedelta(seconds=30)),
        tokens.MSG_EXPIRED,
    )


@pytest.mark.parametrize("claim", ["exp", "iat", "aud", "iss", "sub"])
def test_a_token_missing_a_required_claim_is_refused(signer: LocalTokenSigner, claim: str) -> None:
    token = hs256(HS_HEADER, claims(drop=(claim,)))
    refused(lambda: signer.verify(token), f"token is missing claim {claim}")


def test_a_token_for_another_audience_is_refused(signer: LocalTokenSigner) -> None:
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(aud="another-service"))), tokens.MSG_AUDIENCE)
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(aud=["another-service"]))), tokens.MSG_AUDIENCE)
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(aud=[]))), tokens.MSG_AUDIENCE)
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(aud=f"{AUDIENCE}-extra"))), tokens.MSG_AUDIENCE)


def test_a_token_whose_audience_list_contains_ours_verifies(signer: LocalTokenSigner) -> None:
    assert signer.verify(hs256(HS_HEADER, claims(aud=["other", AUDIENCE])))["aud"] == ["other", AUDIENCE]


def test_a_token_from_another_issuer_is_refused(signer: LocalTokenSigner) -> None:
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(issuer="https://evil.example"))), tokens.MSG_ISSUER)


def test_a_token_with_an_empty_or_non_string_subject_is_refused(signer: LocalTokenSigner) -> None:
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(sub=""))), tokens.MSG_SUBJECT)
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(sub="   "))), tokens.MSG_SUBJECT)
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(sub=17))), tokens.MSG_SUBJECT)


def test_a_token_whose_lifetime_is_above_the_cap_is_refused(signer: LocalTokenSigner, now: datetime) -> None:
    issued_at = int(now.timestamp())
    token = hs256(HS_HEADER, claims(iat=issued_at, nbf=issued_at, exp=issued_at + 3601))
    refused(lambda: signer.verify(token), tokens.MSG_LIFETIME)
    assert signer.verify(hs256(HS_HEADER, claims(iat=issued_at, exp=issued_at + 3600)))["sub"] == "nurse-17"


def test_issuing_a_lifetime_above_the_cap_is_refused(signer: LocalTokenSigner) -> None:
    with pytest.raises(ValueError, match="maximum lifetime"):
        signer.issue(subject="a", claims={}, lifetime_seconds=3601)


def test_an_oversized_token_is_refused(signer: LocalTokenSigner) -> None:
    token = hs256(HS_HEADER, claims(padding="x" * 9000))
    assert len(token) > POLICY.max_token_bytes
    refused(lambda: signer.verify(token), tokens.MSG_TOO_LARGE)


@pytest.mark.parametrize("field", ["jku", "x5u", "jwk", "x5c", "crit", "cty", "b64"])
def test_a_header_with_an_extra_field_is_refused(signer: LocalTokenSigner, field: str) -> None:
    token = hs256({**HS_HEADER, field: "https://evil.example/keys"}, claims())
    refused(lambda: signer.verify(token), tokens.MSG_HEADER)


def test_a_header_with_another_type_is_refused_and_at_jwt_is_accepted(signer: LocalTokenSigner) -> None:
    refused(lambda: signer.verify(hs256({"alg": "HS256", "typ": "JOSE"}, claims())), tokens.MSG_TYPE)
    assert signer.verify(hs256({"alg": "HS256", "typ": "at+jwt"}, claims()))["sub"] == "nurse-17"
    assert signer.verify(hs256({"alg": "HS256", "typ": "jwt"}, claims()))["sub"] == "nurse-17"


def test_a_jwe_shaped_five_segment_token_is_refused(signer: LocalTokenSigner) -> None:
    jwe = ".".join([segment({"alg": "RSA-OAEP", "enc": "A256GCM"}), b64url(b"k" * 32), "aXY", "Y2lwaGVy", "dGFn"])
    refused(lambda: signer.verify(jwe), tokens.MSG_ENCRYPTED)


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "a.b.c.d.e.f", "..", "eyJ9..sig"])
def test_a_token_without_three_segments_is_refused(signer: LocalTokenSigner, token: str) -> None:
    refused(lambda: signer.verify(token), tokens.MSG_MALFORMED)


def test_a_token_issued_in_the_future_is_refused(signer: LocalTokenSigner, now: datetime) -> None:
    issued_at = int(now.timestamp()) + 3600  # no nbf, so only the iat check can catch it
    token = hs256(HS_HEADER, claims(drop=("nbf",), iat=issued_at, exp=issued_at + 600))
    refused(lambda: signer.verify(token), tokens.MSG_ISSUED_IN_FUTURE)
    issued = signer.issue(subject="a", claims={}, lifetime_seconds=600)
    refused(lambda: signer.verify(issued.access_token, now=now - timedelta(minutes=5)), tokens.MSG_ISSUED_IN_FUTURE)


def test_a_token_not_yet_valid_is_refused(signer: LocalTokenSigner, now: datetime) -> None:
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(nbf=int(now.timestamp()) + 600))), tokens.MSG_NOT_YET_VALID)


@pytest.mark.parametrize(
    ("exp", "message"),
    [
        ('"9999999999"', tokens.MSG_CLAIMS),  # jose calls int() on it and accepts it
        ("[9999999999]", tokens.MSG_CLAIMS),  # jose lets TypeError escape
        ("1e400", tokens.MSG_CLAIMS),  # a float infinity: jose lets OverflowError escape
        ("null", tokens.MSG_CLAIMS),
        ("true", tokens.MSG_EXPIRED),  # jose: int(True) == 1
        (str(2**64), tokens.MSG_CLAIMS),
        ("Infinity", tokens.MSG_MALFORMED),  # not JSON, though Python's json accepts it
    ],
)
def test_a_token_whose_exp_is_not_a_number_is_refused(signer: LocalTokenSigner, exp: str, message: str) -> None:
    payload = json.dumps(claims(exp="EXP"), separators=(",", ":")).replace('"EXP"', exp)
    refused(lambda: signer.verify(hs256_raw(HS_HEADER, payload)), message)


def test_a_token_with_a_duplicated_claim_is_refused(signer: LocalTokenSigner) -> None:
    payload = json.dumps(claims())[:-1] + ', "sub": "admin"}'
    refused(lambda: signer.verify(hs256_raw(HS_HEADER, payload)), tokens.MSG_MALFORMED)


def test_a_signing_key_that_is_json_is_used_as_it_is() -> None:
    # jose json-parses string keys: handed this one raw, it would verify with the object's value "kkk…" instead.
    inner = "k" * 30
    signer = LocalTokenSigner(key=json.dumps({"kid": inner}), policy=POLICY)
    assert signer.verify(signer.issue(subject="a", claims={}, lifetime_seconds=60).access_token)["sub"] == "a"
    refused(lambda: signer.verify(hs256(HS_HEADER, claims(), key=inner)), tokens.MSG_SIGNATURE)


def test_a_short_or_asymmetric_signing_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        LocalTokenSigner(key="too-short", policy=POLICY)
    with pytest.raises(ValueError, match="HMAC"):
        LocalTokenSigner(key=public_pem(rsa_key("idp")).decode(), policy=POLICY)


@pytest.mark.parametrize("claim", ["iss", "aud", "sub", "exp", "iat", "nbf", "jti"])
def test_issuing_refuses_claims_that_set_registered_ones(signer: LocalTokenSigner, claim: str) -> None:
    with pytest.raises(ValueError, match="registered claims"):
        signer.issue(subject="a", claims={claim: "x"}, lifetime_seconds=60)


def test_issuing_refuses_a_naive_now_and_unserialisable_claims(signer: LocalTokenSigner, now: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        signer.issue(subject="a", claims={}, lifetime_seconds=60, now=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="JSON"):
        signer.issue(subject="a", claims={"when": now}, lifetime_seconds=60)
    with pytest.raises(ValueError, match="JSON"):
        signer.issue(subject="a", claims={"score": float("nan")}, lifetime_seconds=60)


def test_issue_at_a_given_now_dates_the_token_from_it(signer: LocalTokenSigner) -> None:
    moment = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
    issued = signer.issue(subject="a", claims={}, lifetime_seconds=300, now=moment)
    assert issued == IssuedToken(issued.access_token, 300, moment + timedelta(seconds=300))


# --- the external identity provider -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("algorithms", "message"),
    [
        ("RS256", "not a single string"),
        (["HS256", "RS256"], "must not mix"),
        ([], "must not be empty"),
        (["none"], "none"),
        (["RS256", "None"], "none"),
        (["HS256"], "only RSA"),
        (["ES256"], "only RSA"),
    ],
)
def test_constructing_a_verifier_with_unsafe_algorithms_raises(algorithms: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ExternalIdentityVerifier(jwks=jwks_of(), policy=IDP_POLICY, algorithms=algorithms)


def test_a_good_rs256_token_verifies_through_the_jwks(idp: ExternalIdentityVerifier) -> None:
    verified = idp.verify(idp_token(rsa_key("idp"), role="nurse"))
    assert verified["sub"] == "nurse-17"
    assert verified["iss"] == IDP_ISSUER
    assert verified["role"] == "nurse"


def test_the_key_confusion_attack_is_refused(idp: ExternalIdentityVerifier) -> None:
    # The provider's public key is public; HMAC-signing with its PEM must not pass as "the key".
    pem = public_pem(rsa_key("idp"))
    for header in ({"alg": "HS256", "typ": "JWT", "kid": "idp-1"}, {"alg": "HS256", "kid": "idp-1"}):
        forged = hs256(header, claims(issuer=IDP_ISSUER), key=pem)
        refused(lambda forged=forged: idp.verify(forged), tokens.MSG_ALGORITHM)  # type: ignore[misc]


def test_an_external_token_signed_by_another_key_with_a_known_kid_is_refused(idp: ExternalIdentityVerifier) -> None:
    refused(lambda: idp.verify(idp_token(rsa_key("attacker"), kid="idp-1")), tokens.MSG_SIGNATURE)


def test_an_external_token_from_another_issuer_or_audience_is_refused(idp: ExternalIdentityVerifier) -> None:
    key = rsa_key("idp")
    refused(lambda: idp.verify(rs256({"alg": "RS256", "kid": "idp-1"}, claims(), key)), tokens.MSG_ISSUER)
    refused(lambda: idp.verify(idp_token(key, aud="another-service")), tokens.MSG_AUDIENCE)


def test_an_external_token_without_kid_is_refused(idp: ExternalIdentityVerifier) -> None:
    refused(lambda: idp.verify(idp_token(rsa_key("idp"), kid=None)), tokens.MSG_NO_KEY_ID)


def test_a_jwks_key_whose_alg_is_not_allowed_is_refused() -> None:
    verifier = ExternalIdentityVerifier(
        jwks=jwks_of(jwk_of(rsa_key("idp"), "idp-1", alg="RS512")), policy=IDP_POLICY, algorithms=["RS256", "RS512"]
    )
    refused(lambda: verifier.verify(idp_token(rsa_key("idp"))), tokens.MSG_KEY_REFUSED)
    only_rs256 = ExternalIdentityVerifier(jwks=jwks_of(jwk_of(rsa_key("idp"), "idp-1", alg="HS256")), policy=IDP_POLICY)
    refused(lambda: only_rs256.verify(idp_token(rsa_key("idp"))), tokens.MSG_KEY_REFUSED)


@pytest.mark.parametrize(
    "entry",
    [
        {"kty": "oct", "kid": "idp-1", "k": b64url(b"secret" * 8)},
        {"kty": "EC", "kid": "idp-1", "crv": "P-256", "x": "AA", "y": "AA"},
        {**jwk_of(rsa_key("idp"), "idp-1"), "kty": "oct"},
        {**jwk_of(rsa_key("idp"), "idp-1"), "kty": "rsa"},
        {**jwk_of(rsa_key("idp"), "idp-1"), "use": "enc"},
        jwk_of(rsa_key("small", bits=1024), "idp-1"),
    ],
    ids=["oct", "ec", "rsa-numbers-as-oct", "rsa-lowercase", "use-enc", "rsa-1024"],
)
def test_a_jwks_key_that_is_not_an_rsa_signing_key_is_refused(entry: dict[str, object]) -> None:
    verifier = ExternalIdentityVerifier(jwks=jwks_of(entry), policy=IDP_POLICY)
    refused(lambda: verifier.verify(idp_token(rsa_key("idp"))), tokens.MSG_KEY_REFUSED)


def test_a_kid_listed_twice_in_the_jwks_is_refused() -> None:
    jwks = jwks_of(jwk_of(rsa_key("idp"), "idp-1"), jwk_of(rsa_key("attacker"), "idp-1"))
    verifier = ExternalIdentityVerifier(jwks=jwks, policy=IDP_POLICY)
    refused(lambda: verifier.verify(idp_token(rsa_key("idp"))), tokens.MSG_KEY_REFUSED)


class CountingFetch:
    def __init__(self, *responses: Mapping[str, Any]) -> None:
        self.responses = list(responses)
        self.urls: list[str] = []

    def __call__(self, url: str) -> Mapping[str, Any]:
        self.urls.append(url)
        return self.responses[min(len(self.urls), len(self.responses)) - 1]


class Clock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


def test_an_unknown_kid_triggers_exactly_one_refetch_and_then_refusal() -> None:
    fetch = CountingFetch(jwks_of(jwk_of(rsa_key("idp"), "idp-1")))
    clock = Clock()
    verifier = ExternalIdentityVerifier.from_url(JWKS_URL, policy=IDP_POLICY, fetch=fetch, clock=clock)
    assert fetch.urls == [JWKS_URL]
    stranger = idp_token(rsa_key("attacker"), kid="idp-unknown")

    refused(lambda: verifier.verify(stranger), tokens.MSG_KEY_UNKNOWN)
    assert len(fetch.urls) == 2
    refused(lambda: verifier.verify(stranger), tokens.MSG_KEY_UNKNOWN)
    clock.seconds += 59
    refused(lambda: verifier.verify(stranger), tokens.MSG_KEY_UNKNOWN)
    assert len(fetch.urls) == 2  # at most once a minute

    clock.seconds += 2
    refused(lambda: verifier.verify(stranger), tokens.MSG_KEY_UNKNOWN)
    assert len(fetch.urls) == 3
    assert verifier.verify(idp_token(rsa_key("idp")))["sub"] == "nurse-17"
    assert len(fetch.urls) == 3  # a known kid never fetches


def test_a_rotated_key_is_picked_up_by_the_refetch() -> None:
    fetch = CountingFetch(
        jwks_of(jwk_of(rsa_key("idp"), "idp-1")),
        jwks_of(jwk_of(rsa_key("idp"), "idp-1"), jwk_of(rsa_key("idp-next"), "idp-2")),
    )
    verifier = ExternalIdentityVerifier.from_url(JWKS_URL, policy=IDP_POLICY, fetch=fetch)
    assert verifier.verify(idp_token(rsa_key("idp-next"), kid="idp-2"))["sub"] == "nurse-17"
    assert len(fetch.urls) == 2


def test_a_failing_refetch_keeps_the_keys_and_refuses_the_token() -> None:
    calls: list[str] = []

    def fetch(url: str) -> Mapping[str, Any]:
        calls.append(url)
        if len(calls) > 1:
            raise OSError("provider down")
        return jwks_of(jwk_of(rsa_key("idp"), "idp-1"))

    verifier = ExternalIdentityVerifier.from_url(JWKS_URL, policy=IDP_POLICY, fetch=fetch)
    refused(lambda: verifier.verify(idp_token(rsa_key("idp"), kid="idp-9")), tokens.MSG_KEY_UNKNOWN)
    assert verifier.verify(idp_token(rsa_key("idp")))["sub"] == "nurse-17"


def test_a_jwks_url_without_https_is_refused() -> None:
    fetch = CountingFetch(jwks_of())
    with pytest.raises(ValueError, match="https"):
        ExternalIdentityVerifier.from_url("http://login.idp.example/jwks", policy=IDP_POLICY, fetch=fetch)
    assert fetch.urls == []


def test_from_file_works(tmp_path: Path) -> None:
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks_of(jwk_of(rsa_key("idp"), "idp-1", alg="RS256"))), encoding="utf-8")
    verifier = ExternalIdentityVerifier.from_file(path, policy=IDP_POLICY)
    assert verifier.verify(idp_token(rsa_key("idp")))["sub"] == "nurse-17"


# --- both -------------------------------------------------------------------------------------------------------


def test_verify_with_returns_the_first_acceptance_and_the_relevant_refusal(
    signer: LocalTokenSigner, idp: ExternalIdentityVerifier, now: datetime
) -> None:
    local = signer.issue(subject="nurse-17", claims={}, lifetime_seconds=60).access_token
    assert verify_with([idp, signer], local)["iss"] == ISSUER
    assert verify_with([idp, signer], idp_token(rsa_key("idp")))["iss"] == IDP_ISSUER
    expired = signer.issue(subject="a", claims={}, lifetime_seconds=60, now=now - timedelta(hours=1)).access_token
    refused(lambda: verify_with([idp, signer], expired), tokens.MSG_EXPIRED)


def test_a_local_token_is_refused_by_the_external_verifier_and_vice_versa(
    signer: LocalTokenSigner, idp: ExternalIdentityVerifier
) -> None:
    local = signer.issue(subject="nurse-17", claims={}, lifetime_seconds=60).access_token
    refused(lambda: idp.verify(local), tokens.MSG_ALGORITHM)
    refused(lambda: signer.verify(idp_token(rsa_key("idp"))), tokens.MSG_ALGORITHM)


def test_no_other_module_imports_jose() -> None:
    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"^\s*(from\s+jose[\s.]|import\s+jose\b)", re.MULTILINE)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not {".venv", "node_modules", "site-packages"} & set(path.parts)
        and path != root / "api" / "tokens.py"
        and pattern.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert offenders == []


LOCAL = LocalTokenSigner(key=LOCAL_KEY, policy=POLICY)
EXTERNAL = ExternalIdentityVerifier(jwks=jwks_of(jwk_of(rsa_key("idp"), "idp-1")), policy=IDP_POLICY)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
headers = st.dictionaries(
    st.sampled_from(["alg", "typ", "kid", "jku", "crit"]),
    st.sampled_from(["HS256", "RS256", "none", "JWT", "idp-1", "at+jwt"]) | json_values,
    max_size=4,
)
structured_tokens = st.builds(
    lambda header, payload, signature: f"{segment(header)}.{segment(payload)}.{b64url(signature)}",
    headers,
    st.dictionaries(st.sampled_from(["iss", "aud", "sub", "iat", "exp", "nbf", "x"]), json_values, max_size=7),
    st.binary(max_size=64),
)


@settings(deadline=None, max_examples=300)
@given(st.text() | st.binary() | st.text(alphabet="abcXYZ019-_.=", max_size=60) | structured_tokens)
def test_any_random_token_is_refused_with_a_token_error_and_a_fixed_message(token: Any) -> None:
    for verifier in (LOCAL, EXTERNAL):
        with pytest.raises(TokenError) as caught:
            verifier.verify(token)
        assert str(caught.value) in KNOWN_MESSAGES
