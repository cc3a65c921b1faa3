"""Recording a screening: the server scores it, stores the items, and acts on a self-harm flag."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert
from sqlmodel import Session, select

from domain.errors import NotFound, ValidationFailed
from domain.rules.screening import Flag, score_screening
from domain.services.visits import urgent_follow_up
from domain.store.tables import Child, Screening, ScreeningItem, Visit, utcnow

SELF_HARM_REASON = "EPDS item 10 (thoughts of self-harm) answered above 0: contact the family today"


@dataclass(frozen=True, slots=True)
class RecordedScreening:
    screening: Screening
    urgent_visit: Visit | None


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
    """Score and store a screening; EPDS item 10 above 0 creates an urgent contact due today."""
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
    now = utcnow()
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
    session.flush()
    return RecordedScreening(screening=screening, urgent_visit=urgent)


def screenings_of_child(session: Session, child_id: uuid.UUID) -> list[Screening]:
    statement = (
        select(Screening)
        .where(Screening.child_id == child_id)
        .order_by(Screening.administered_on.desc(), Screening.created_at.desc())  # type: ignore[attr-defined]
    )
    return list(session.exec(statement))


def items_of(session: Session, screening_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[ScreeningItem]]:
    result: dict[uuid.UUID, list[ScreeningItem]] = {sid: [] for sid in screening_ids}
    if screening_ids:
        statement = (
            select(ScreeningItem)
            .where(ScreeningItem.screening_id.in_(screening_ids))  # type: ignore[attr-defined]
            .order_by(ScreeningItem.position)
        )
        for item in session.exec(statement):
            result[item.screening_id].append(item)
    return result
