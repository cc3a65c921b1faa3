"""Screening forms (EPDS, Gotland, ADBB): the items as printed, a live total from the API's scorer as
items are answered, and the self-harm flag shown prominently; saving posts the screening to the API."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from domain.clock import copenhagen_today as today_in_copenhagen
from web.client import Api, ApiError
from web.i18n import translate
from web.rendering import is_htmx, render, see_other
from web.session import CsrfChecked, CurrentUser, SignedInApi

router = APIRouter()

INSTRUMENTS = ("EPDS", "GOTLAND", "ADBB")
InstrumentQuery = Annotated[str, Query(max_length=20)]


async def _instrument(api: Api, code: str) -> dict[str, Any]:
    """The instrument's texts as printed; an unknown code is a page that does not exist."""
    instruments: list[dict[str, Any]] = await api.get("/screenings/instruments")
    found = next((i for i in instruments if i["code"] == code), None)
    if found is None:
        raise ApiError(status=404, detail="No such instrument")
    return found


def _answers(form: FormData, count: int) -> list[int | None]:
    """The chosen printed positions, None where nothing is chosen (or the value is not a number)."""
    answers: list[int | None] = []
    for index in range(count):
        value = form.get(f"item_{index}")
        answers.append(int(value) if isinstance(value, str) and value.isdigit() and len(value) < 3 else None)
    return answers


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _form_errors(error: ApiError, count: int) -> tuple[dict[int, str], dict[str, str], str | None]:
    """The API's problem as Danish messages: per item, per other field, and one for the whole form."""
    items: dict[int, str] = {}
    fields: dict[str, str] = {}
    general: str | None = None
    for name in error.field_errors():
        parts = name.split(".")
        if parts[0] == "items" and len(parts) == 2 and parts[1].isdigit() and int(parts[1]) < count:
            items[int(parts[1])] = translate("screening.error.item")
        elif name == "administered_on":
            fields["administered_on"] = translate("screening.error.date")
        elif name == "respondent":
            fields["respondent"] = translate("screening.error.respondent")
        else:
            general = translate("screening.error.general")
    if not items and not fields and general is None:
        general = translate("screening.error.general")
    return items, fields, general


async def _score(
    api: Api, instrument: str, respondent: str, answers: list[int | None]
) -> tuple[dict[str, Any] | None, bool]:
    """The API's running total (None when nothing is answered yet) and whether scoring was refused."""
    if all(a is None for a in answers):
        return None, False
    try:
        result: dict[str, Any] = await api.post(
            "/screenings/score", {"instrument": instrument, "respondent": respondent, "items": answers}
        )
    except ApiError as exc:
        if exc.status == 422:
            return None, True
        raise
    return result, False


async def _form_page(
    request: Request,
    api: Api,
    me: dict[str, object],
    *,
    child_id: uuid.UUID,
    instrument_code: str,
    respondent: str | None,
    administered_on: str,
    answers: list[int | None] | None,
    score: dict[str, Any] | None = None,
    item_errors: dict[int, str] | None = None,
    field_errors: dict[str, str] | None = None,
    general_error: str | None = None,
    status_code: int = 200,
) -> Response:
    child = await api.get(f"/children/{child_id}")
    instrument = await _instrument(api, instrument_code)
    chosen = respondent if respondent in instrument["respondents"] else instrument["respondents"][0]
    return render(
        request,
        "forms/screening.html",
        {
            "me": me,
            "child": child,
            "instrument": instrument,
            "instruments": INSTRUMENTS,
            "respondent": chosen,
            "administered_on": administered_on,
            "today": today_in_copenhagen().isoformat(),
            "answers": answers or [None] * len(instrument["items"]),
            "score": score,
            "item_errors": item_errors or {},
            "field_errors": field_errors or {},
            "general_error": general_error,
        },
        status_code=status_code,
    )


@router.get("/children/{child_id}/screenings/new")
async def new_screening(
    request: Request, child_id: uuid.UUID, api: SignedInApi, me: CurrentUser, instrument: InstrumentQuery = "EPDS"
) -> Response:
    return await _form_page(
        request,
        api,
        me,
        child_id=child_id,
        instrument_code=instrument,
        respondent=None,
        administered_on=today_in_copenhagen().isoformat(),
        answers=None,
    )


@router.post("/children/{child_id}/screenings/score")
async def live_total(
    request: Request,
    child_id: uuid.UUID,
    api: SignedInApi,
    _csrf: CsrfChecked,
    instrument: InstrumentQuery = "EPDS",
) -> Response:
    """The running total as items are answered: only the total block for htmx, the whole form without JS."""
    form = await request.form()
    definition = await _instrument(api, instrument)
    answers = _answers(form, len(definition["items"]))
    respondent = _text(form, "respondent")
    if respondent not in definition["respondents"]:
        respondent = definition["respondents"][0]
    score, refused = await _score(api, instrument, respondent, answers)
    if is_htmx(request):
        return render(
            request,
            "forms/screening.html",
            {"instrument": definition, "score": score, "score_refused": refused},
            block="live_total",
        )
    me = await api.get("/auth/me")
    return await _form_page(
        request,
        api,
        me,
        child_id=child_id,
        instrument_code=instrument,
        respondent=respondent,
        administered_on=_text(form, "administered_on"),
        answers=answers,
        score=score,
    )


@router.post("/children/{child_id}/screenings/new")
async def save_screening(
    request: Request,
    child_id: uuid.UUID,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    instrument: InstrumentQuery = "EPDS",
) -> Response:
    form = await request.form()
    definition = await _instrument(api, instrument)
    count = len(definition["items"])
    answers = _answers(form, count)
    respondent = _text(form, "respondent")
    administered_on = _text(form, "administered_on")
    missing = {i: translate("screening.error.item") for i, a in enumerate(answers) if a is None}
    local_fields: dict[str, str] = {}
    if not administered_on:
        local_fields["administered_on"] = translate("screening.error.date")
    if respondent not in definition["respondents"]:
        local_fields["respondent"] = translate("screening.error.respondent")
    if missing or local_fields:
        score, _ = await _score(api, instrument, respondent or definition["respondents"][0], answers)
        return await _form_page(
            request,
            api,
            me,
            child_id=child_id,
            instrument_code=instrument,
            respondent=respondent,
            administered_on=administered_on,
            answers=answers,
            score=score,
            item_errors=missing,
            field_errors=local_fields,
            general_error=translate("screening.error.summary"),
            status_code=400,
        )
    body = {"instrument": instrument, "respondent": respondent, "items": answers, "administered_on": administered_on}
    try:
        saved = await api.post(f"/children/{child_id}/screenings", body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        item_errors, field_errors, general = _form_errors(exc, count)
        return await _form_page(
            request,
            api,
            me,
            child_id=child_id,
            instrument_code=instrument,
            respondent=respondent,
            administered_on=administered_on,
            answers=answers,
            item_errors=item_errors,
            field_errors=field_errors,
            general_error=general or translate("screening.error.summary"),
            status_code=400,
        )
    return see_other(request, f"/children/{child_id}/screenings/{saved['id']}")


@router.get("/children/{child_id}/screenings/{screening_id}")
async def saved_screening(
    request: Request, child_id: uuid.UUID, screening_id: uuid.UUID, api: SignedInApi, me: CurrentUser
) -> Response:
    """A saved screening: total, cut-off, flags (self-harm prominently) and each answer as printed."""
    child = await api.get(f"/children/{child_id}")
    screening = None
    cursor: str | None = None
    while screening is None:
        page = await api.get(f"/children/{child_id}/screenings", limit=100, cursor=cursor)
        screening = next((s for s in page["items"] if s["id"] == str(screening_id)), None)
        cursor = page.get("next_cursor")
        if screening is None and not cursor:
            raise ApiError(status=404, detail="No such screening")
    instrument = await _instrument(api, screening["instrument"])
    return render(
        request,
        "forms/screening_saved.html",
        {"me": me, "child": child, "screening": screening, "instrument": instrument},
    )
