"""OAuth2 token endpoint (password grant for staff, client_credentials for integrations) and `me`."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel, Field

from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from domain.clock import utc_now
from domain.errors import NotAuthenticated, ValidationFailed
from domain.services import sign_in

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
