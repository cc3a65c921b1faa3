"""Password and secret hashing (argon2), and revocable calendar-feed tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps the timing of "no such user" and
# "wrong password" alike, so usernames cannot be probed.
_DUMMY_HASH = _hasher.hash("dummy-password-for-timing")


def hash_secret(plain: str) -> str:
    """An argon2id hash of a password or client secret."""
    return _hasher.hash(plain)


def verify_secret(stored_hash: str | None, plain: str) -> bool:
    """True when `plain` matches; spends the same time when there is no stored hash."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, plain) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def new_feed_token() -> tuple[str, str]:
    """A fresh calendar-feed token and the digest to store (the token itself is never stored)."""
    token = secrets.token_urlsafe(32)
    return token, feed_token_digest(token)


def feed_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def digests_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
