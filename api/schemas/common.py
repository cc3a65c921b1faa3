"""Shapes shared by every list and resource."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

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


HEALTH_DATA_WITHHELD = (
    "True when health data in this answer is withheld from you: you are a family therapist, caseworker, "
    "pedagogue or other staff and no recorded consent or legal basis covers the child today, or your "
    "client lacks the screenings:read scope. The fields that carry health data (domain/rules/health_data.py) "
    "are then null (free-text reasons; an urgent visit's status_reason and reschedule_reason) or lists "
    "without their health-related entries (risk factors, criteria and reasons resting on screenings or "
    "health facts, screenings). It is true on every such answer to you, whether or not the child has health "
    "data, so it tells nothing by itself. An urgent visit stays `urgent: true`: an urgent contact is planned "
    "by the health visitor."
)


def health_data_withheld_field() -> Any:
    """The `health_data_withheld` field of an answer that may carry health data."""
    return Field(default=False, description=HEALTH_DATA_WITHHELD)


Limit = Annotated[int, Query(ge=1, le=500, description="Items per page")]
Cursor = Annotated[str | None, Query(max_length=500, description="The next_cursor of the previous page")]
UpdatedSince = Annotated[
    datetime | None, Query(description="Only items changed at or after this time (UTC), for delta sync")
]
