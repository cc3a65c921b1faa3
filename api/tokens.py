"""JSON Web Tokens: the only module in the project that imports python-jose.

python-jose's defaults are unsafe, so every token goes through one function, `_verify`, which checks what jose
does not (or does only loosely) before and after calling `jose.jwt.decode`:

- jose accepts a token with no `exp`, `aud`, `iss` or `sub` unless told to require them; `algorithms` given as a
  string becomes a substring test (`"S256" in "HS256"`); a string key that happens to be JSON is parsed, and an
  object's values or a list's items become the keys; base64url segments are decoded leniently (junk characters
  dropped); it never checks that `iat` is not in the future; it reads the real clock for `exp` and `nbf`; and some
  malformed claims (`"exp": [1]`, `"exp": 1e400`, deeply nested JSON) escape as TypeError, OverflowError or
  RecursionError instead of JWTError.
- So we: cap the size, insist on exactly three canonical base64url segments of duplicate-free JSON, allow only the
  header fields `alg`, `typ` and `kid`, pass jose an explicit list of algorithms and an already-constructed key
  object of the right type, require every registered claim ourselves, check them again against `now`, and turn
  every failure into a `TokenError` whose message is fixed text, never the token or its claims.

Our own tokens are HS256 (`LocalTokenSigner`); an external identity provider's are RSA only, with the key picked
by `kid` from its JWKS (`ExternalIdentityVerifier`).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, NoReturn
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt  # type: ignore[import-untyped]
from jose.exceptions import (  # type: ignore[import-untyped]
    ExpiredSignatureError,
    JOSEError,
    JWSError,
    JWTClaimsError,
    JWTError,
)

from domain.clock import utc_now

__all__ = [
    "ExternalIdentityVerifier",
    "IssuedToken",
    "LocalTokenSigner",
    "TokenError",
    "TokenPolicy",
    "verify_with",
]

# The messages a caller may see. Fixed text only: never a token, a claim value or a jose message.
MSG_MALFORMED: Final = "token is malformed"
MSG_TOO_LARGE: Final = "token is too large"
MSG_ENCRYPTED: Final = "encrypted tokens are not accepted"
MSG_HEADER: Final = "token header not accepted"
MSG_ALGORITHM: Final = "token algorithm not accepted"
MSG_TYPE: Final = "token type not accepted"
MSG_NO_KEY_ID: Final = "token has no key id"
MSG_KEY_UNKNOWN: Final = "token key unknown"
MSG_KEY_REFUSED: Final = "token key not accepted"
MSG_SIGNATURE: Final = "token signature invalid"
MSG_EXPIRED: Final = "token expired"
MSG_NOT_YET_VALID: Final = "token not yet valid"
MSG_ISSUED_IN_FUTURE: Final = "token issued in the future"
MSG_LIFETIME: Final = "token lifetime not accepted"
MSG_AUDIENCE: Final = "token audience not accepted"
MSG_ISSUER: Final = "token issuer not accepted"
MSG_SUBJECT: Final = "token subject invalid"
MSG_CLAIMS: Final = "token claims invalid"

_REQUIRED_CLAIMS: Final = ("exp", "iat", "aud", "iss", "sub")
_MISSING: Final = {name: f"token is missing claim {name}" for name in _REQUIRED_CLAIMS}
# Claims `issue` sets itself (plus at_hash, which jose would try to check against an access token).
_RESERVED_CLAIMS: Final = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "at_hash"})
_ALLOWED_HEADER_FIELDS: Final = frozenset({"alg", "typ", "kid"})
_ALLOWED_TYPES: Final = frozenset({"jwt", "at+jwt"})

_LOCAL_ALGORITHM: Final = "HS256"
_RSA_ALGORITHMS: Final = frozenset({"RS256", "RS384", "RS512"})
_MIN_RSA_BITS: Final = 2048
_MIN_LOCAL_KEY_CHARS: Final = 32
_REFETCH_INTERVAL_SECONDS: Final = 60.0
_LARGEST_NUMERIC_DATE: Final = 2**53

_SEGMENT = re.compile(r"[A-Za-z0-9_-]*")


class TokenError(Exception):
    """A token was refused. The message is fixed text, safe to show the caller: it never holds token contents."""


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    issuer: str
    audience: str
    max_lifetime_seconds: int = 3600  # cap on exp - iat
    max_token_bytes: int = 8192
    leeway_seconds: int = 30

    def __post_init__(self) -> None:
        if not isinstance(self.issuer, str) or not self.issuer:
            raise ValueError("issuer must be a non-empty string")
        if not isinstance(self.audience, str) or not self.audience:
            raise ValueError("audience must be a non-empty string")
        if not _is_int(self.max_lifetime_seconds) or self.max_lifetime_seconds <= 0:
            raise ValueError("max_lifetime_seconds must be a positive integer")
        if not _is_int(self.max_token_bytes) or self.max_token_bytes <= 0:
            raise ValueError("max_token_bytes must be a positive integer")
        if not _is_int(self.leeway_seconds) or self.leeway_seconds < 0:
            raise ValueError("leeway_seconds must be a non-negative integer")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int  # seconds
    expires_at: datetime

    def __repr__(self) -> str:  # keep the token itself out of logs and tracebacks
        return f"IssuedToken(access_token=<redacted>, expires_in={self.expires_in}, expires_at={self.expires_at!r})"


class LocalTokenSigner:
    """Our own tokens: HS256 with the configured signing key (>= 32 chars)."""

    __slots__ = ("_key", "_policy")

    def __init__(self, *, key: str, policy: TokenPolicy) -> None:
        if not isinstance(key, str) or len(key) < _MIN_LOCAL_KEY_CHARS:
            raise ValueError(f"the signing key must be a string of at least {_MIN_LOCAL_KEY_CHARS} characters")
        if not isinstance(policy, TokenPolicy):
            raise TypeError("policy must be a TokenPolicy")
        try:
            # A constructed key object, never the raw string: jose json-parses string keys, so a secret that is
            # JSON such as '{"kid": "abc"}' would become the key set ["abc"], accepting tokens signed with "abc".
            self._key: Any = jwk.construct(key, _LOCAL_ALGORITHM)
        except JOSEError:
            raise ValueError("the signing key cannot be used as an HMAC secret") from None
        self._policy = policy

    @property
    def algorithms(self) -> tuple[str, ...]:
        return (_LOCAL_ALGORITHM,)

    def issue(
        self,
        *,
        subject: str,
        claims: Mapping[str, object],
        lifetime_seconds: int,
        now: datetime | None = None,
    ) -> IssuedToken:
        policy = self._policy
        if not isinstance(subject, str) or not subject.strip():
            raise ValueError("subject must be a non-empty string")
        if not _is_int(lifetime_seconds) or lifetime_seconds <= 0:
            raise ValueError("lifetime_seconds must be a positive integer")
        if lifetime_seconds > policy.max_lifetime_seconds:
            raise ValueError("lifetime_seconds exceeds the policy's maximum lifetime")
        if not isinstance(claims, Mapping):
            raise TypeError("claims must be a mapping")
        if any(not isinstance(name, str) for name in claims):
            raise ValueError("claim names must be strings")
        reserved = sorted(name for name in claims if name in _RESERVED_CLAIMS)
        if reserved:
            raise ValueError(f"claims may not set the registered claims: {', '.join(reserved)}")

        issued_at = math.floor(_resolve_now(now).timestamp())
        expires = issued_at + lifetime_seconds
        payload: dict[str, object] = dict(claims)
        payload.update(
            iss=policy.issuer,
            aud=policy.audience,
            sub=subject,
            iat=issued_at,
            nbf=issued_at,
            exp=expires,
            jti=uuid.uuid4().hex,
        )
        try:
            json.dumps(payload, allow_nan=False)
        except (TypeError, ValueError):
            raise ValueError("claims must be JSON values (no NaN or infinity)") from None

        token: str = jwt.encode(payload, self._key, algorithm=_LOCAL_ALGORITHM)
        if len(token.encode("ascii")) > policy.max_token_bytes:
            raise ValueError("the token would exceed the policy's size cap")
        return IssuedToken(
            access_token=token,
            expires_in=lifetime_seconds,
            expires_at=datetime.fromtimestamp(expires, UTC),
        )

    def verify(self, token: str, *, now: datetime | None = None) -> dict[str, Any]:
        return _verify(token, self._resolve_key, [_LOCAL_ALGORITHM], self._policy, now)

    def _resolve_key(self, algorithm: str, kid: str | None) -> Any:
        return self._key


@dataclass(frozen=True, slots=True)
class _JwksKey:
    public_key: rsa.RSAPublicKey | None  # None: present in the set but refused (wrong kty, use, size, duplicate kid)
    algorithm: str | None  # the key's own `alg`, if it declares one


class ExternalIdentityVerifier:
    """Tokens of an external identity provider: RS256 only, verified against its JWKS."""

    __slots__ = ("_algorithms", "_clock", "_fetch", "_keys", "_last_refetch", "_lock", "_policy", "_url")

    def __init__(
        self,
        *,
        jwks: Mapping[str, Any],
        policy: TokenPolicy,
        algorithms: Sequence[str] = ("RS256",),
    ) -> None:
        if not isinstance(policy, TokenPolicy):
            raise TypeError("policy must be a TokenPolicy")
        self._algorithms = _check_external_algorithms(algorithms)
        self._policy = policy
        self._keys = _parse_jwks(jwks)
        self._url: str | None = None
        self._fetch: Callable[[str], Mapping[str, Any]] | None = None
        self._clock: Callable[[], float] = time.monotonic
        self._last_refetch: float | None = None
        self._lock = threading.Lock()

    @property
    def algorithms(self) -> tuple[str, ...]:
        return self._algorithms

    @classmethod
    def from_file(
        cls,
        path: Path,
        *,
        policy: TokenPolicy,
        algorithms: Sequence[str] = ("RS256",),
    ) -> ExternalIdentityVerifier:
        try:
            jwks = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError("could not read the JWKS file") from exc
        return cls(jwks=jwks, policy=policy, algorithms=algorithms)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        policy: TokenPolicy,
        fetch: Callable[[str], Mapping[str, Any]] | None = None,
        algorithms: Sequence[str] = ("RS256",),
        clock: Callable[[], float] = time.monotonic,
    ) -> ExternalIdentityVerifier:
        """Load the JWKS now; on a token with an unknown `kid`, fetch it again (at most once a minute)."""
        _check_jwks_url(url)
        fetcher = fetch if fetch is not None else _http_fetch
        try:
            jwks = fetcher(url)
        except Exception as exc:
            raise ValueError("could not fetch the identity provider's JWKS") from exc
        verifier = cls(jwks=jwks, policy=policy, algorithms=algorithms)
        verifier._url = url
        verifier._fetch = fetcher
        verifier._clock = clock
        return verifier

    def verify(self, token: str, *, now: datetime | None = None) -> dict[str, Any]:
        return _verify(token, self._resolve_key, list(self._algorithms), self._policy, now)

    def _resolve_key(self, algorithm: str, kid: str | None) -> Any:
        if kid is None:
            raise TokenError(MSG_NO_KEY_ID)
        entry = self._keys.get(kid)
        if entry is None:
            self._refetch()
            entry = self._keys.get(kid)
        if entry is None:
            raise TokenError(MSG_KEY_UNKNOWN)
        if entry.public_key is None:
            raise TokenError(MSG_KEY_REFUSED)
        if entry.algorithm is not None and (entry.algorithm not in self._algorithms or entry.algorithm != algorithm):
            raise TokenError(MSG_KEY_REFUSED)
        try:
            return jwk.construct(entry.public_key, algorithm)
        except JOSEError:
            raise TokenError(MSG_KEY_REFUSED) from None

    def _refetch(self) -> None:
        """Key rotation: fetch the JWKS again, unless that was already done within the last minute."""
        if self._url is None or self._fetch is None:
            return
        with self._lock:
            moment = self._clock()
            if self._last_refetch is not None and moment - self._last_refetch < _REFETCH_INTERVAL_SECONDS:
                return
            self._last_refetch = moment
            try:
                keys = _parse_jwks(self._fetch(self._url))
            except Exception:
                return  # keep the keys we have; the token is refused as signed by an unknown key
            self._keys = keys


def verify_with(
    verifiers: Sequence[LocalTokenSigner | ExternalIdentityVerifier],
    token: str,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The claims from the first verifier that accepts the token.

    If none does, the refusal raised is that of the first verifier that handles the token's algorithm (so an
    expired local token reports "token expired", not the external verifier's "algorithm not accepted").
    """
    if not verifiers:
        raise ValueError("no verifiers given")
    refusals: list[str] = []
    for verifier in verifiers:
        try:
            return verifier.verify(token, now=now)
        except TokenError as exc:
            refusals.append(str(exc))
    relevant = [message for message in refusals if message != MSG_ALGORITHM]
    raise TokenError((relevant or refusals)[0])


# --- the one verification path ---------------------------------------------------------------------------------

_KeyResolver = Callable[[str, str | None], Any]


def _verify(
    token: object,
    key: _KeyResolver,
    algorithms: list[str],
    policy: TokenPolicy,
    now: datetime | None,
) -> dict[str, Any]:
    """Verify `token` and return its claims, or raise TokenError. Every verification goes through here.

    `key` is called with the (already accepted) header `alg` and `kid` and returns a jose key object.
    """
    if isinstance(algorithms, str) or not algorithms:
        raise ValueError("algorithms must be a non-empty list")
    moment = _resolve_now(now)

    # 1. Size, before any parsing.
    if not isinstance(token, str):
        raise TokenError(MSG_MALFORMED)
    if len(token) > policy.max_token_bytes:
        raise TokenError(MSG_TOO_LARGE)
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError:
        raise TokenError(MSG_MALFORMED) from None
    if len(raw) > policy.max_token_bytes:
        raise TokenError(MSG_TOO_LARGE)

    # 2. Shape: exactly three canonical base64url segments; header and payload are duplicate-free JSON objects.
    segments = token.split(".")
    if len(segments) == 5:
        raise TokenError(MSG_ENCRYPTED)
    if len(segments) != 3:
        raise TokenError(MSG_MALFORMED)
    header_segment, payload_segment, signature_segment = segments
    if not header_segment or not payload_segment:
        raise TokenError(MSG_MALFORMED)
    _strict_json_object(_b64url_decode(header_segment))
    _strict_json_object(_b64url_decode(payload_segment))
    _b64url_decode(signature_segment)

    # 3. Header: read with jose only to check it.
    try:
        header = jwt.get_unverified_header(token)
    except Exception:
        raise TokenError(MSG_MALFORMED) from None
    if not isinstance(header, Mapping):
        raise TokenError(MSG_MALFORMED)
    if not set(header) <= _ALLOWED_HEADER_FIELDS:
        raise TokenError(MSG_HEADER)
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg or alg.lower() == "none" or alg not in algorithms:
        raise TokenError(MSG_ALGORITHM)
    if "typ" in header:
        typ = header["typ"]
        if not isinstance(typ, str) or typ.lower() not in _ALLOWED_TYPES:
            raise TokenError(MSG_TYPE)
    kid = header.get("kid")
    if "kid" in header and (not isinstance(kid, str) or not kid):
        raise TokenError(MSG_HEADER)
    if not signature_segment:
        raise TokenError(MSG_SIGNATURE)

    # 4. Signature and claims, by jose, with everything required.
    jose_key = key(alg, kid)
    options = {
        "require_exp": True,
        "require_iat": True,
        "require_aud": True,
        "require_iss": True,
        "require_sub": True,
        "verify_signature": True,
        "verify_exp": True,
        "verify_iat": True,
        "verify_nbf": True,
        "verify_aud": True,
        "verify_iss": True,
        "verify_sub": True,
        "leeway": policy.leeway_seconds,
    }
    try:
        claims = jwt.decode(
            token,
            jose_key,
            algorithms=list(algorithms),
            audience=policy.audience,
            issuer=policy.issuer,
            options=options,
        )
    except ExpiredSignatureError:
        raise TokenError(MSG_EXPIRED) from None
    except JWTClaimsError as exc:
        raise TokenError(_claims_error_message(exc)) from None
    except JWTError as exc:
        raise TokenError(_jwt_error_message(exc)) from None
    except Exception:
        raise TokenError(MSG_CLAIMS) from None

    # 5. The same again, ourselves, against `now`.
    return _check_claims(claims, policy, moment)


def _check_claims(claims: object, policy: TokenPolicy, now: datetime) -> dict[str, Any]:
    if not isinstance(claims, Mapping):
        raise TokenError(MSG_MALFORMED)
    for name in _REQUIRED_CLAIMS:
        if name not in claims:
            raise TokenError(_MISSING[name])

    expires = _numeric_date(claims["exp"])
    issued_at = _numeric_date(claims["iat"])
    not_before = _numeric_date(claims["nbf"]) if "nbf" in claims else None

    issuer = claims["iss"]
    if not isinstance(issuer, str) or issuer != policy.issuer:
        raise TokenError(MSG_ISSUER)

    audience = claims["aud"]
    if isinstance(audience, str):
        audience_ok = audience == policy.audience
    elif isinstance(audience, list):
        audience_ok = all(isinstance(item, str) for item in audience) and policy.audience in audience
    else:
        audience_ok = False
    if not audience_ok:
        raise TokenError(MSG_AUDIENCE)

    subject = claims["sub"]
    if not isinstance(subject, str) or not subject.strip():
        raise TokenError(MSG_SUBJECT)

    if "jti" in claims and not isinstance(claims["jti"], str):
        raise TokenError(MSG_CLAIMS)

    if expires <= issued_at or expires - issued_at > policy.max_lifetime_seconds:
        raise TokenError(MSG_LIFETIME)

    moment = now.timestamp()
    leeway = policy.leeway_seconds
    if moment >= expires + leeway:
        raise TokenError(MSG_EXPIRED)
    if issued_at > moment + leeway:
        raise TokenError(MSG_ISSUED_IN_FUTURE)
    if not_before is not None and not_before > moment + leeway:
        raise TokenError(MSG_NOT_YET_VALID)
    return dict(claims)


# --- helpers ---------------------------------------------------------------------------------------------------


def _claims_error_message(exc: JWTClaimsError) -> str:
    text = str(exc)
    if text in ("Invalid audience", "Invalid claim format in token"):
        return MSG_AUDIENCE
    if text == "Invalid issuer":
        return MSG_ISSUER
    if "(nbf)" in text and "not yet valid" in text:
        return MSG_NOT_YET_VALID
    if text.startswith("Subject"):
        return MSG_SUBJECT
    return MSG_CLAIMS


def _jwt_error_message(exc: JWTError) -> str:
    cause = exc.args[0] if exc.args else None
    if isinstance(cause, JWSError):  # jose wraps signature-stage errors: JWTError(JWSError(...))
        text = str(cause)
        if text == "Signature verification failed.":
            return MSG_SIGNATURE
        if "alg" in text:
            return MSG_ALGORITHM
        return MSG_MALFORMED
    text = str(exc)
    for name in _REQUIRED_CLAIMS:
        if text == f'missing required key "{name}" among claims':
            return _MISSING[name]
    return MSG_CLAIMS


def _b64url_decode(segment: str) -> bytes:
    """Strict base64url without padding; refuses the non-canonical spellings jose would quietly accept."""
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        raise TokenError(MSG_MALFORMED)
    try:
        data = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise TokenError(MSG_MALFORMED) from None
    if base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii") != segment:
        raise TokenError(MSG_MALFORMED)
    return data


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError("duplicate member")
        result[name] = value
    return result


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError("NaN and Infinity are not JSON")


def _strict_json_object(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_refuse_duplicates,
            parse_constant=_refuse_constant,
        )
    except (ValueError, RecursionError):
        raise TokenError(MSG_MALFORMED) from None
    if not isinstance(value, dict):
        raise TokenError(MSG_MALFORMED)
    return value


def _numeric_date(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TokenError(MSG_CLAIMS)
    if isinstance(value, float) and not math.isfinite(value):
        raise TokenError(MSG_CLAIMS)
    if not 0 <= value <= _LARGEST_NUMERIC_DATE:
        raise TokenError(MSG_CLAIMS)
    return float(value)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _resolve_now(now: datetime | None) -> datetime:
    if now is None:
        return utc_now()
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime")
    return now


def _check_external_algorithms(algorithms: Sequence[str]) -> tuple[str, ...]:
    if isinstance(algorithms, str | bytes):
        raise ValueError("algorithms must be a list of names, not a single string")
    names = tuple(algorithms)
    if not names:
        raise ValueError("algorithms must not be empty")
    if any(not isinstance(name, str) for name in names):
        raise ValueError("algorithms must be strings")
    if any(name.lower() == "none" for name in names):
        raise ValueError('the "none" algorithm is never accepted')
    hmac_names = [name for name in names if name.upper().startswith("HS")]
    if hmac_names and len(hmac_names) != len(names):
        raise ValueError("algorithms must not mix HMAC (HS*) with public-key algorithms")
    unsupported = sorted(set(names) - _RSA_ALGORITHMS)
    if unsupported:
        raise ValueError(f"only RSA signatures are accepted from an identity provider, not {', '.join(unsupported)}")
    return names


def _parse_jwks(jwks: Mapping[str, Any]) -> dict[str, _JwksKey]:
    if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list):
        raise ValueError('a JWKS must be an object with a "keys" list')
    keys: dict[str, _JwksKey] = {}
    seen: set[str] = set()
    for entry in jwks["keys"]:
        if not isinstance(entry, Mapping):
            raise ValueError("every JWKS entry must be an object")
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            continue  # cannot be selected
        parsed = _parse_jwk(entry)
        if kid in seen:
            parsed = _JwksKey(public_key=None, algorithm=None)  # ambiguous: refuse both
        seen.add(kid)
        keys[kid] = parsed
    return keys


def _parse_jwk(entry: Mapping[str, Any]) -> _JwksKey:
    refused = _JwksKey(public_key=None, algorithm=None)
    algorithm = entry.get("alg")
    if algorithm is not None and not isinstance(algorithm, str):
        return refused
    if entry.get("kty") != "RSA":
        return refused
    if entry.get("use", "sig") != "sig":
        return refused
    key_ops = entry.get("key_ops")
    if key_ops is not None and (not isinstance(key_ops, list) or "verify" not in key_ops):
        return refused
    try:
        modulus = _b64url_uint(entry.get("n"))
        exponent = _b64url_uint(entry.get("e"))
        public_key = rsa.RSAPublicNumbers(exponent, modulus).public_key()
    except (TypeError, ValueError):
        return refused
    if public_key.key_size < _MIN_RSA_BITS:
        return refused
    return _JwksKey(public_key=public_key, algorithm=algorithm)


def _b64url_uint(value: object) -> int:
    if not isinstance(value, str):
        raise ValueError("not a string")
    value = value.rstrip("=")
    if not value or not _SEGMENT.fullmatch(value) or len(value) % 4 == 1:
        raise ValueError("not base64url")
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


def _check_jwks_url(url: str) -> None:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or not parts.hostname:
        raise ValueError("the JWKS URL must be an absolute URL")
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ValueError("the JWKS URL must use https")


def _http_fetch(url: str) -> Mapping[str, Any]:
    response = httpx.get(url, timeout=5)
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, Mapping):
        raise ValueError("the JWKS response is not a JSON object")
    return data
