"""Screenings (EPDS, Gotland, ADBB): posted as answer positions, scored by the server.

Answers are health data: they are stored and returned to those allowed to see them, and never
logged; the audit trail records that a screening was made, not what was answered.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from api import presenters
from api.concurrency import ETAG_HEADER, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from api.schemas.health import (
    InstrumentCutoffOut,
    InstrumentItemOut,
    InstrumentOptionOut,
    InstrumentOut,
    ScreeningIn,
    ScreeningItemOut,
    ScreeningOut,
    ScreeningRecorded,
    ScreeningScoreIn,
    ScreeningScoreOut,
)
from domain.clock import copenhagen_today
from domain.rules.screening import (
    DEFAULT_CUTOFFS,
    InstrumentDefinition,
    Respondent,
    all_instruments,
    instrument_definition,
    score_screening,
)
from domain.services import screenings
from domain.services.screenings import ScreeningWithItems

router = APIRouter(tags=["screening"], responses=PROBLEM_RESPONSES)


def screening_out(found: ScreeningWithItems) -> ScreeningOut:
    s = found.screening
    return ScreeningOut(
        id=s.id,
        child_id=s.child_id,
        visit_id=s.visit_id,
        instrument=s.instrument,
        respondent=s.respondent,
        administered_on=s.administered_on,
        administered_by=s.administered_by,
        total=s.total,
        cutoff=s.cutoff,
        flags=list(s.flags),
        item_scores=[i.score for i in found.items],
        items=[ScreeningItemOut(position=i.position, answer=i.answer, score=i.score) for i in found.items],
        created_at=s.created_at,
        updated_at=s.updated_at,
    )


@router.post(
    "/children/{child_id}/screenings",
    status_code=status.HTTP_201_CREATED,
    response_model=ScreeningRecorded,
    responses={201: {"headers": ETAG_HEADER}},
)
def record_screening(
    child_id: uuid.UUID, body: ScreeningIn, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> ScreeningRecorded:
    """Record a screening; the server scores it. EPDS item 10 above 0 creates an urgent contact due today."""
    recorded = screenings.record_screening(
        uow.session,
        child_id=child_id,
        instrument=body.instrument,
        respondent=body.respondent,
        items=body.items,
        administered_on=body.administered_on,
        administered_by=actor.id if actor.is_staff else None,
        visit_id=body.visit_id,
        today=copenhagen_today(),
    )
    screening = recorded.screening
    uow.audit.record(
        "create", person_id=child_id, details={"screening_id": str(screening.id), "instrument": screening.instrument}
    )
    shown = screening_out(screenings.with_items(uow.session, [screening])[0])
    result = ScreeningRecorded(
        **shown.model_dump(), urgent_visit_id=recorded.urgent_visit.id if recorded.urgent_visit else None
    )
    result = presenters.shown(uow.session, actor, result)  # refused without access to health data
    # No single-screening operation exists: the new screening heads its child's list (newest first).
    response.headers["Location"] = f"/api/v1/children/{child_id}/screenings"
    with_etag(response, result)
    return result


@router.get("/children/{child_id}/screenings", response_model=Page[ScreeningOut])
def list_screenings(
    child_id: uuid.UUID,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    limit: Limit = 50,
    cursor: Cursor = None,
    updated_since: UpdatedSince = None,
) -> Page[ScreeningOut]:
    """The child's screenings, newest first, with each item's answer and score."""
    page = screenings.screenings_of_child(
        uow.session, child_id=child_id, updated_since=updated_since, cursor=cursor, limit=limit
    )
    answer = Page[ScreeningOut](items=[screening_out(s) for s in page.items], next_cursor=page.next_cursor)
    return presenters.shown(uow.session, actor, answer)


# The answers as printed on the forms, in printed order (Danish and English). EPDS prints items 3 and 5-10
# with the answer scoring 3 first; the scorer in domain/rules/screening.py applies that key.
_Options = tuple[tuple[str, str], ...]
_GOTLAND_OPTIONS: _Options = (
    ("Passer ikke", "Not true"),
    ("Passer delvis", "Partly true"),
    ("Passer ret godt", "Quite true"),
    ("Passer helt", "Completely true"),
)
_ADBB_OPTIONS: _Options = (
    ("0 – Ingen usædvanlig adfærd", "0 – No unusual behaviour"),
    ("1 – Tvivlsom usædvanlig adfærd", "1 – Doubtful unusual behaviour"),
    ("2 – Let usædvanlig adfærd", "2 – Mild unusual behaviour"),
    ("3 – Tydelig usædvanlig adfærd", "3 – Clear unusual behaviour"),
    ("4 – Massiv usædvanlig adfærd", "4 – Massive unusual behaviour"),
)
_EPDS_OPTIONS: tuple[_Options, ...] = (
    (
        ("Lige så meget som jeg altid har kunnet", "As much as I always could"),
        ("Ikke helt så meget nu", "Not quite so much now"),
        ("Afgjort ikke så meget nu", "Definitely not so much now"),
        ("Slet ikke", "Not at all"),
    ),
    (
        ("Lige så meget som jeg plejer", "As much as I ever did"),
        ("Noget mindre end jeg plejer", "Rather less than I used to"),
        ("Afgjort mindre end jeg plejer", "Definitely less than I used to"),
        ("Næsten ikke", "Hardly at all"),
    ),
    (
        ("Ja, det meste af tiden", "Yes, most of the time"),
        ("Ja, nogle gange", "Yes, some of the time"),
        ("Ikke særlig ofte", "Not very often"),
        ("Nej, aldrig", "No, never"),
    ),
    (
        ("Nej, slet ikke", "No, not at all"),
        ("Næsten aldrig", "Hardly ever"),
        ("Ja, nogle gange", "Yes, sometimes"),
        ("Ja, meget ofte", "Yes, very often"),
    ),
    (
        ("Ja, ganske meget", "Yes, quite a lot"),
        ("Ja, nogle gange", "Yes, sometimes"),
        ("Nej, ikke meget", "No, not much"),
        ("Nej, slet ikke", "No, not at all"),
    ),
    (
        (
            "Ja, det meste af tiden har jeg slet ikke kunnet klare det",
            "Yes, most of the time I haven't been able to cope at all",
        ),
        (
            "Ja, nogle gange har jeg ikke klaret det så godt som jeg plejer",
            "Yes, sometimes I haven't been coping as well as usual",
        ),
        ("Nej, det meste af tiden har jeg klaret det ret godt", "No, most of the time I have coped quite well"),
        ("Nej, jeg har klaret det lige så godt som altid", "No, I have been coping as well as ever"),
    ),
    (
        ("Ja, det meste af tiden", "Yes, most of the time"),
        ("Ja, nogle gange", "Yes, sometimes"),
        ("Ikke særlig ofte", "Not very often"),
        ("Nej, slet ikke", "No, not at all"),
    ),
    (
        ("Ja, det meste af tiden", "Yes, most of the time"),
        ("Ja, ret ofte", "Yes, quite often"),
        ("Ikke særlig ofte", "Not very often"),
        ("Nej, slet ikke", "No, not at all"),
    ),
    (
        ("Ja, det meste af tiden", "Yes, most of the time"),
        ("Ja, ret ofte", "Yes, quite often"),
        ("Kun en gang imellem", "Only occasionally"),
        ("Nej, aldrig", "No, never"),
    ),
    (
        ("Ja, ret ofte", "Yes, quite often"),
        ("Nogle gange", "Sometimes"),
        ("Næsten aldrig", "Hardly ever"),
        ("Aldrig", "Never"),
    ),
)
_INSTRUCTIONS: dict[str, tuple[str, str]] = {
    "EPDS": (
        "Vælg det svar, der kommer tættest på, hvordan du har haft det i de sidste 7 dage – ikke kun i dag. "
        "I de sidste 7 dage har jeg:",
        "Choose the answer that comes closest to how you have felt in the past 7 days, not just today. "
        "In the past 7 days I have:",
    ),
    "GOTLAND": (
        "Har du i den seneste tid (den sidste måned) oplevet, at du er:",
        "During the past month, have you noticed in yourself:",
    ),
    "ADBB": (
        "Vurder barnets adfærd under hele undersøgelsen. 0 er ingen usædvanlig adfærd, 4 massiv.",
        "Rate the infant's behaviour during the whole examination. 0 is no unusual behaviour, 4 massive.",
    ),
}


def _printed_options(definition: InstrumentDefinition, position: int) -> _Options:
    code = definition.instrument.value
    if code == "EPDS":
        return _EPDS_OPTIONS[position]
    return _GOTLAND_OPTIONS if code == "GOTLAND" else _ADBB_OPTIONS


def _instrument_out(definition: InstrumentDefinition) -> InstrumentOut:
    code = definition.instrument.value
    respondents = [r for r in Respondent if r in definition.respondents]
    instructions_da, instructions_en = _INSTRUCTIONS[code]
    return InstrumentOut(
        code=code,
        title_da=definition.title_da,
        title_en=definition.title_en,
        instructions_da=instructions_da,
        instructions_en=instructions_en,
        observer_rated=definition.observer_rated,
        respondents=[r.value for r in respondents],
        max_total=definition.item_count * definition.max_score,
        cutoffs=[
            InstrumentCutoffOut(respondent=r.value, cutoff=DEFAULT_CUTOFFS.for_screening(definition.instrument, r))
            for r in respondents
        ],
        items=[
            InstrumentItemOut(
                position=index,
                text_da=text_da,
                text_en=text_en,
                options=[
                    InstrumentOptionOut(position=p, text_da=da, text_en=en)
                    for p, (da, en) in enumerate(_printed_options(definition, index))
                ],
            )
            for index, (text_da, text_en) in enumerate(
                zip(definition.item_labels_da, definition.item_labels_en, strict=True)
            )
        ],
    )


@router.get("/screenings/instruments", response_model=list[InstrumentOut])
def list_instruments() -> list[InstrumentOut]:
    """EPDS, Gotland and ADBB as a form prints them: items, answers in printed order, respondents, cut-offs."""
    return [_instrument_out(d) for d in all_instruments()]


@router.post("/screenings/score", response_model=ScreeningScoreOut)
def score(body: ScreeningScoreIn) -> ScreeningScoreOut:
    """Score answer positions without storing anything or naming a person, e.g. for a running total on a form.

    Items not answered yet (null) count 0; flags are those the answered items already make certain."""
    definition = instrument_definition(body.instrument)
    # An unanswered item is scored at the printed position that scores 0, so it adds nothing.
    zero = [
        definition.max_score if number in definition.reverse_items else 0 for number in range(1, len(body.items) + 1)
    ]
    scored = score_screening(
        instrument=body.instrument,
        respondent=body.respondent,
        items=[zero[i] if answer is None else answer for i, answer in enumerate(body.items)],
    )
    answered = sum(1 for answer in body.items if answer is not None)
    return ScreeningScoreOut(
        instrument=scored.instrument.value,
        respondent=scored.respondent.value,
        total=scored.total,
        cutoff=scored.cutoff,
        flags=list(scored.flags),
        item_scores=[None if answer is None else s for answer, s in zip(body.items, scored.item_scores, strict=True)],
        answered=answered,
        complete=answered == definition.item_count,
    )
