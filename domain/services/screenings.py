"""Recording a screening: the server scores it, stores the items, and acts on a self-harm flag.

Answers are health data: they are stored and shown to those allowed, never written to a log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert
from sqlmodel import Session

from domain.clock import utc_now
from domain.errors import NotFound, ValidationFailed
from domain.rules.screening import Flag, score_screening
from domain.services.visits import reschedule_visit, urgent_follow_up, visit_staff
from domain.store.repositories import health as health_repo
from domain.store.repositories.pagination import Page
from domain.store.tables import Child, Screening, ScreeningItem, Staff, Visit

SELF_HARM_REASON = "EPDS item 10 (thoughts of self-harm) answered above 0: contact the family today"


@dataclass(frozen=True, slots=True)
class RecordedScreening:
    screening: Screening
    urgent_visit: Visit | None


@dataclass(frozen=True, slots=True)
class ScreeningWithItems:
    screening: Screening
    items: list[ScreeningItem]


def record_screening(
    session: Session,
    *,
    child_id: uuid.UUID,
    instrument: str,
    respondent: str,
    items: list[int],
    administered_on: date,
    administered_by: uuid.UUID | None,
    visit_id: uuid.UUID | None,
    today: date,
) -> RecordedScreening:
    """Score and store a screening; EPDS item 10 above 0 creates an urgent contact due today.

    The urgent contact goes to the family's named health visitor; when the family has none, to the
    health visitor who administered the screening, so it is never left without anyone to act.
    """
    child = session.get(Child, child_id)
    if child is None:
        raise NotFound("No such child")
    if administered_on > today:
        raise ValidationFailed.for_field("administered_on", "A screening cannot be dated in the future")
    if visit_id is not None:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.child_id != child_id:
            raise ValidationFailed.for_field("visit_id", "No such visit for this child")
    score = score_screening(instrument=instrument, respondent=respondent, items=items)
    screening = Screening(
        child_id=child_id,
        visit_id=visit_id,
        instrument=score.instrument.value,
        respondent=score.respondent.value,
        administered_on=administered_on,
        administered_by=administered_by,
        total=score.total,
        cutoff=score.cutoff,
        flags=list(score.flags),
    )
    session.add(screening)
    session.flush()
    now = utc_now()
    session.execute(
        insert(ScreeningItem),
        [
            {
                "id": uuid.uuid4(),
                "created_at": now,
                "updated_at": now,
                "screening_id": screening.id,
                "position": position,
                "answer": answer,
                "score": item_score,
            }
            for position, (answer, item_score) in enumerate(zip(items, score.item_scores, strict=True))
        ],
    )
    urgent = None
    if Flag.SELF_HARM.value in score.flags:
        urgent = urgent_follow_up(session, child_id=child_id, today=today, reason=SELF_HARM_REASON)
        nobody_named = not visit_staff(session, [urgent.id])[urgent.id]
        if nobody_named and administered_by is not None and _is_health_visitor(session, administered_by):
            reschedule_visit(session, visit_id=urgent.id, target_date=None, reason=None, staff_ids=[administered_by])
    session.flush()
    return RecordedScreening(screening=screening, urgent_visit=urgent)


def _is_health_visitor(session: Session, staff_id: uuid.UUID) -> bool:
    staff = session.get(Staff, staff_id)
    return staff is not None and staff.active and "health_visitor" in staff.roles


def with_items(session: Session, rows: list[Screening]) -> list[ScreeningWithItems]:
    """Screenings with their items (answers and scores), in one query for any number."""
    items = health_repo.items_of_screenings(session, [s.id for s in rows])
    return [ScreeningWithItems(screening=s, items=items[s.id]) for s in rows]


def screenings_of_child(
    session: Session,
    *,
    child_id: uuid.UUID,
    updated_since: datetime | None,
    cursor: str | None,
    limit: int,
) -> Page[ScreeningWithItems]:
    """One page of a child's screenings, newest first, each with its items."""
    if session.get(Child, child_id) is None:
        raise NotFound("No such child")
    page = health_repo.screenings_of_child_newest_first(
        session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    return Page(items=with_items(session, page.items), next_cursor=page.next_cursor)


def get_screening(session: Session, *, child_id: uuid.UUID, screening_id: uuid.UUID) -> ScreeningWithItems:
    screening = health_repo.screening_of_child(session, child_id=child_id, screening_id=screening_id)
    if screening is None:
        raise NotFound("No such screening for this child")
    return with_items(session, [screening])[0]
