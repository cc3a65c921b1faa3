"""From a bearer token (ours or an external identity provider's) or a calendar-feed token to an Actor."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from api.tokens import ExternalIdentityVerifier, IssuedToken, LocalTokenSigner, TokenError, TokenPolicy
from domain.errors import NotAuthenticated
from domain.services import sign_in
from domain.services.actors import Actor
from domain.settings import Settings

__all__ = [
    "NotAuthenticated",
    "TokenVerifiers",
    "actor_from_feed_token",
    "actor_from_token",
    "build_verifiers",
    "token_id",
]

MAX_TOKEN_ID_CHARS = 64  # the width of revoked_token.jti; ours are 32 hex digits


@dataclass(frozen=True)
class TokenVerifiers:
    local: LocalTokenSigner
    external: ExternalIdentityVerifier | None = None
    external_role_claim: str = "roles"
    external_role_map: tuple[tuple[str, str], ...] = ()

    def issue_for(self, actor: Actor, *, lifetime_seconds: int) -> IssuedToken:
        claims: dict[str, Any] = {"username": actor.username, "kind": actor.kind}
        if actor.is_client:
            claims["scope"] = " ".join(sorted(actor.scopes))
        else:
            claims["roles"] = sorted(actor.roles)
            claims["team_id"] = str(actor.team_id) if actor.team_id else None
        return self.local.issue(subject=f"{actor.kind}:{actor.id}", claims=claims, lifetime_seconds=lifetime_seconds)


def build_verifiers(settings: Settings) -> TokenVerifiers:
    policy = TokenPolicy(
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        max_lifetime_seconds=settings.access_token_minutes * 60,
    )
    local = LocalTokenSigner(key=settings.load_signing_key(), policy=policy)
    external = None
    if settings.external_jwks_url or settings.external_jwks_file:
        external_policy = TokenPolicy(
            issuer=settings.external_issuer,
            audience=settings.external_audience,
            max_lifetime_seconds=settings.external_max_token_minutes * 60,
        )
        if settings.external_jwks_file:
            external = ExternalIdentityVerifier.from_file(Path(settings.external_jwks_file), policy=external_policy)
        else:
            external = ExternalIdentityVerifier.from_url(settings.external_jwks_url, policy=external_policy)
    role_map = tuple(json.loads(settings.external_role_map or "{}").items())
    return TokenVerifiers(
        local=local, external=external, external_role_claim=settings.external_role_claim, external_role_map=role_map
    )


def token_id(claims: dict[str, Any]) -> str | None:
    """The `jti` of one of our own tokens (every token we issue has one: revocation is by it); None if absent."""
    jti = claims.get("jti")
    return jti if isinstance(jti, str) and 0 < len(jti) <= MAX_TOKEN_ID_CHARS else None


def _external_roles(verifiers: TokenVerifiers, claims: dict[str, Any]) -> frozenset[str]:
    raw = claims.get(verifiers.external_role_claim) or []
    values = raw.split() if isinstance(raw, str) else [str(v) for v in raw] if isinstance(raw, list) else []
    mapping = dict(verifiers.external_role_map)
    return frozenset(mapping[v] for v in values if v in mapping)


def actor_from_token(session: Session, verifiers: TokenVerifiers, token: str) -> Actor:
    """The actor a verified token names; every refusal is a 401 with a short reason."""
    try:
        claims = verifiers.local.verify(token)
    except TokenError as local_error:
        if verifiers.external is None:
            raise NotAuthenticated(str(local_error)) from None
        try:
            external_claims = verifiers.external.verify(token)
        except TokenError as external_error:
            raise NotAuthenticated(str(external_error)) from None
        actor = sign_in.actor_by_external_subject(
            session, str(external_claims["sub"]), _external_roles(verifiers, external_claims)
        )
        if actor is None:
            raise NotAuthenticated("The identity provider's user is not known here") from None
        return actor
    jti = token_id(claims)
    if jti is None:
        raise NotAuthenticated("token has no id")
    scopes = frozenset(str(claims.get("scope") or "").split())
    # One statement: the caller, and whether this token was revoked (signed out).
    actor = sign_in.actor_by_subject(session, str(claims["sub"]), scopes, jti=jti)
    if actor is None:
        raise NotAuthenticated("The account is unknown or no longer active")
    return actor


def actor_from_feed_token(session: Session, staff_id: object, token: str) -> Actor:
    actor = sign_in.actor_by_feed_token(session, str(staff_id) if staff_id is not None else None, token)
    if actor is None:
        raise NotAuthenticated("The calendar feed token is not valid or was revoked")
    return actor
