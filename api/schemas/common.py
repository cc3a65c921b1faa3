"""Shapes shared by every list and resource."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` back as `cursor` for the next (null: no more)."""

    items: list[T]
    next_cursor: str | None = Field(default=None, description="Opaque cursor of the next page; null on the last")


class Strict(BaseModel):
    """Request bodies refuse unknown fields, so a typo is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
Cursor = Annotated[str | None, Query(max_length=500, description="The next_cursor of the previous page")]
UpdatedSince = Annotated[
    datetime | None, Query(description="Only items changed at or after this time (UTC), for delta sync")
]
