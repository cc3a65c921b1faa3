"""The audit log as auditors read it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, PlainValidator, WithJsonSchema

from domain.store.tables import AuditEvent


def _moment(value: object) -> date | datetime:
    """A date (YYYY-MM-DD) or a time (ISO 8601), as one query value with one error message."""
    if isinstance(value, date):  # datetime is a date too
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError("Use a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM:SSZ)")


Moment = Annotated[
    date | datetime,
    PlainValidator(_moment),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}),
]


class AuditEventOut(BaseModel):
    id: uuid.UUID
    occurred_at: datetime = Field(description="UTC")
    actor_id: str | None = Field(description="The staff member's or client's id (null: not signed in)")
    actor_type: str = Field(examples=["staff"], description="staff, client or anonymous")
    client_id: str | None = Field(description="The integration client's client_id", examples=["case-system"])
    action: str = Field(examples=["read"], description="read, search, create, write, access, ...")
    resource: str = Field(examples=["GET /children/{child_id}"])
    person_id: uuid.UUID | None = Field(description="The child or family whose data it was")
    purpose: str | None = Field(examples=["care: health visiting and early intervention"])
    request_id: str | None = Field(description="The X-Request-ID of the request")
    outcome: str = Field(examples=["ok"], description="ok, refused or failed")
    details: dict[str, Any]

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEventOut:
        return cls.model_validate(event, from_attributes=True)
