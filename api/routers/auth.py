"""OAuth2 token endpoint (password grant for staff, client_credentials for integrations), token revocation
(RFC 7009) and `me`."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from api.authentication import actor_from_token, token_id
from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.tokens import TokenError
from domain.clock import utc_now
from domain.errors import NotAuthenticated, ValidationFailed
from domain.services import sign_in
from domain.services.actors import Actor

router = APIRouter(prefix="/auth", tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = Field(examples=["bearer"])
    expires_in: int = Field(examples=[1800], description="Seconds until the token expires")
    scope: str = Field(examples=["families:write schedules:read"])


class Me(BaseModel):
    id: str = Field(description="The staff id for staff, the client id for integration clients")
    kind: str = Field(examples=["staff"])
    username: str
    roles: list[str]
    team_id: str | None
    scopes: list[str]


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:], validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


@router.post(
    "/token",
    response_model=TokenResponse,
    summary="Get an access token",
    responses={k: v for k, v in PROBLEM_RESPONSES.items() if k in (401, 422)} | {429: PROBLEM_RESPONSES[401]},
)
def issue_token(
    request: Request,
    uow: UnitOfWorkDep,
    grant_type: Annotated[str, Form(pattern="^(password|client_credentials)$")],
    username: Annotated[str | None, Form(max_length=100)] = None,
    password: Annotated[str | None, Form(max_length=1024)] = None,
    client_id: Annotated[str | None, Form(max_length=100)] = None,
    client_secret: Annotated[str | None, Form(max_length=1024)] = None,
    scope: Annotated[str | None, Form(max_length=2000)] = None,
) -> TokenResponse:
    """OAuth2 (RFC 6749) `password` grant for staff and `client_credentials` for integration clients
    (credentials in the form or with HTTP Basic). Repeated failures for one user or client are slowed
    down with 429 and `Retry-After`."""
    uow.commit_on_domain_error = True  # keep the failure counter
    now = utc_now()
    if grant_type == "password":
        if not username or password is None:
            raise ValidationFailed.for_field("username", "username and password are required for the password grant")
        actor = sign_in.sign_in_staff(uow.session, username=username, password=password, now=now)
    else:
        basic = _basic_credentials(request)
        cid, secret = basic if basic else (client_id, client_secret)
        if not cid or secret is None:
            raise NotAuthenticated("client_id and client_secret are required for client_credentials")
        requested = frozenset((scope or "").split())
        actor = sign_in.sign_in_client(uow.session, client_id=cid, secret=secret, requested_scopes=requested, now=now)
    uow.audit.actor = actor
    uow.audit.record("sign_in")
    settings = request.app.state.settings
    issued = request.app.state.token_verifiers.issue_for(actor, lifetime_seconds=settings.access_token_minutes * 60)
    return TokenResponse(
        access_token=issued.access_token,
        token_type="bearer",  # noqa: S106  (the OAuth2 token type, not a secret)
        expires_in=issued.expires_in,
        scope=" ".join(sorted(actor.scopes)),
    )


@router.post(
    "/revoke",
    response_class=Response,
    summary="Revoke a token (sign out)",
    responses={
        200: {"description": "Revoked; also the answer for a token that is unknown, invalid, expired or not yours"},
        401: PROBLEM_RESPONSES[401],
        422: PROBLEM_RESPONSES[422],
        429: {**PROBLEM_RESPONSES[401], "description": "Too many failed client authentications"},
    },
)
def revoke_token(
    request: Request,
    uow: UnitOfWorkDep,
    token: Annotated[str, Form(min_length=1, max_length=8192, description="The access token to revoke")],
    token_type_hint: Annotated[
        str | None, Form(max_length=100, description="`access_token` (the only kind there is); ignored")
    ] = None,
    client_id: Annotated[str | None, Form(max_length=100)] = None,
    client_secret: Annotated[str | None, Form(max_length=1024)] = None,
) -> Response:
    """OAuth2 token revocation (RFC 7009). The caller authenticates as for the token endpoint: an integration
    client with its client credentials (in the form or with HTTP Basic), a staff member with her own valid
    bearer token. Only the caller's own tokens are revoked; a token that is unknown, invalid, expired or not
    the caller's is answered 200 like any other and nothing happens. A revoked token is refused (401) at once
    by every worker. Wrong client credentials answer 401 and count as failed sign-ins."""
    actor = _revoking_caller(request, uow, client_id, client_secret)
    uow.audit.actor = actor
    verifiers = request.app.state.token_verifiers
    try:
        claims = verifiers.local.verify(token)
    except TokenError:
        return Response(status_code=200)  # RFC 7009 2.2: an invalid token needs no revoking
    jti = token_id(claims)
    if jti is None:
        return Response(status_code=200)
    if claims["sub"] != f"{actor.kind}:{actor.id}":
        uow.audit.record("revoke_token", outcome="refused", details={"reason": "the token is not the caller's"})
        return Response(status_code=200)
    now = utc_now()
    sign_in.revoke_token(uow.session, jti=jti, expires_at=datetime.fromtimestamp(claims["exp"], UTC), now=now)
    uow.audit.record("revoke_token")
    return Response(status_code=200)


def _revoking_caller(request: Request, uow: UnitOfWorkDep, client_id: str | None, client_secret: str | None) -> Actor:
    basic = _basic_credentials(request)
    if basic is not None or client_id is not None:
        uow.commit_on_domain_error = True  # keep the failure counter
        cid, secret = basic if basic else (client_id, client_secret)
        if not cid or secret is None:
            raise NotAuthenticated("client_id and client_secret are required")
        return sign_in.sign_in_client(
            uow.session, client_id=cid, secret=secret, requested_scopes=frozenset(), now=utc_now()
        )
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        return actor_from_token(uow.session, request.app.state.token_verifiers, header[7:].strip())
    raise NotAuthenticated("Authenticate with client credentials or with your own bearer token")


@router.get("/me", response_model=Me, summary="Who the token belongs to", responses=PROBLEM_RESPONSES)
def me(actor: CurrentActor) -> Me:
    return Me(
        id=str(actor.id),
        kind=actor.kind,
        username=actor.username,
        roles=sorted(actor.roles),
        team_id=str(actor.team_id) if actor.team_id else None,
        scopes=sorted(actor.scopes),
    )
