"""Optimistic concurrency: an ETag on each single resource, `If-Match` required on PATCH."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel

from domain.errors import PreconditionFailed, PreconditionRequired


def etag_of(representation: BaseModel) -> str:
    """A strong ETag over the resource's whole JSON representation (children and members included)."""
    canonical = json.dumps(jsonable_encoder(representation), sort_keys=True, separators=(",", ":"))
    return '"' + hashlib.sha256(canonical.encode()).hexdigest()[:32] + '"'


def with_etag(response: Response, representation: BaseModel) -> None:
    response.headers["ETag"] = etag_of(representation)


def require_if_match(request: Request, current: BaseModel) -> None:
    """Refuse a change made without `If-Match` (428) or against a stale representation (412)."""
    header = request.headers.get("if-match")
    if header is None:
        raise PreconditionRequired("Send If-Match with the ETag you read, so concurrent changes are not lost")
    wanted = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    if "*" in wanted:
        return
    if etag_of(current) not in wanted:
        raise PreconditionFailed("The resource changed since you read it; read it again and retry")


ETAG_HEADER: dict[str, Any] = {"ETag": {"description": "The representation's entity tag", "schema": {"type": "string"}}}
