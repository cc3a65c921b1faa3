"""`GET /ping`: the smallest answer of the API app, through every middleware, the routing and the access
rule, without the database. Load balancers may use it; the HTTP benchmark (`bench/bench_http.py`) measures
every other endpoint as a share of its requests/s."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

router = APIRouter(tags=["operations"])


class Pong(BaseModel):
    status: str = "ok"


@router.get("/ping", response_model=Pong, summary="The API answers (says nothing about the database)")
async def ping() -> Pong:
    return Pong()
