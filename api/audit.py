"""The audit trail of one request: every read, search, export and write of a person's data, and every
refused attempt, with actor, client, purpose, request id and outcome.

Events of a change are written in the same transaction as the change; events of a read are written in
a short write transaction of their own before the response leaves, so no read goes unrecorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session
from uuid_utils.compat import uuid7

from domain.clock import utc_now
from domain.services.actors import Actor
from domain.store import bulk
from domain.store.tables import AuditEvent

DEFAULT_PURPOSE = {
    "staff": "care: health visiting and early intervention",
    "client": "integration: data exchange with the municipality's case system",
}


@dataclass
class AuditTrail:
    request_id: str | None
    resource: str
    actor: Actor | None = None
    purpose: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)

    def _row(
        self,
        *,
        action: str,
        person_id: uuid.UUID | None,
        outcome: str,
        details: dict[str, Any] | None,
    ) -> dict[str, Any]:
        actor = self.actor
        return {
            "id": uuid7(),  # time-ordered: appended to the key index, not scattered over it
            "occurred_at": utc_now(),
            "actor_id": str(actor.id) if actor else None,
            "actor_type": actor.kind if actor else "anonymous",
            "client_id": actor.username if actor and actor.is_client else None,
            "action": action,
            "resource": self.resource,
            "person_id": person_id,
            "purpose": self.purpose or (DEFAULT_PURPOSE.get(actor.kind) if actor else None),
            "request_id": self.request_id,
            "outcome": outcome,
            "details": details or {},
        }

    def record(
        self,
        action: str,
        *,
        person_id: uuid.UUID | None = None,
        outcome: str = "ok",
        details: dict[str, Any] | None = None,
    ) -> None:
        self.events.append(self._row(action=action, person_id=person_id, outcome=outcome, details=details))

    def record_each(self, action: str, person_ids: list[uuid.UUID], *, details: dict[str, Any] | None = None) -> None:
        """One event per distinct person (e.g. each child a list answer showed)."""
        for person_id in dict.fromkeys(person_ids):
            self.record(action, person_id=person_id, details=details)

    def record_search(self, person_ids: list[uuid.UUID], *, details: dict[str, Any] | None = None) -> None:
        """A search or list answer: one event per person it showed, and one without a person when it showed
        nobody, so every search is on record, hits or not (criteria masked by the caller: no CPR in full)."""
        shown = list(dict.fromkeys(person_ids))
        details = {**(details or {}), "hits": len(shown)}
        if not shown:
            self.record("search", details=details)
        for person_id in shown:
            self.record("search", person_id=person_id, details=details)

    def write(self, session: Session) -> None:
        if self.events:
            # Driver executemany: a bulk upsert or a list answer records up to 1,000 events at once.
            table = AuditEvent.__table__  # type: ignore[attr-defined]
            bulk.execute(session, bulk.insert_rows(table, self.events, session.get_bind().dialect))
            self.events = []

    def mark_failed(self, outcome: str) -> None:
        """The request failed: its events did not happen as recorded (an event already marked refused stays so)."""
        for event in self.events:
            if event["outcome"] == "ok":
                event["outcome"] = outcome
