"""Min dag / min uge: the signed-in staff member's visits today (or this week), the worklist of overdue
visits and windows closing soon, one-click recording (done, missed, moved) and the calendar feed link."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from domain.clock import copenhagen_today
from domain.rules.workdays import next_working_day
from web.client import Api, ApiError
from web.i18n import translate
from web.rendering import is_htmx, render, see_other
from web.session import CsrfChecked, CurrentUser, SignedInApi
from web.timeline import (
    CLOSING_SOON_DAYS,
    as_date,
    by_urgency,
    child_dates,
    child_label,
    closes_soon,
    danish_date,
    date_range,
    kind_label,
    state_label,
    weekday_date,
    window_note,
)

router = APIRouter()

Section = Literal["today", "week", "work"]
Action = Literal["done", "missed", "moved"]
WORKLIST_CAP = 200
JSON = dict[str, Any]


# --- reading lists from the API ------------------------------------------------------------------------


async def all_items(
    api: Api, path: str, params: dict[str, str] | None = None, *, cap: int = 500
) -> tuple[list[JSON], bool]:
    """Every item of a cursor-paginated list (up to `cap`); the flag says whether more were left."""
    items: list[JSON] = []
    cursor: str | None = None
    while True:
        page = await api.get(path, **(params or {}), limit=min(cap - len(items), 500), cursor=cursor)
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if cursor is None:
            return items, False
        if len(items) >= cap:
            return items, True


async def children_by_id(api: Api, child_ids: list[str]) -> dict[str, JSON]:
    """The children the rows show (each read once)."""
    found: dict[str, JSON] = {}
    for child_id in dict.fromkeys(child_ids):
        try:
            found[child_id] = await api.get(f"/children/{child_id}")
        except ApiError as exc:
            if exc.status in (401,):
                raise
            found[child_id] = {"id": child_id}
    return found


async def package_names(api: Api) -> dict[str, str]:
    """Package code → Danish name, from the catalog."""
    try:
        packages = await api.get("/packages")
    except ApiError as exc:
        if exc.status == 401:
            raise
        return {}
    items = packages["items"] if isinstance(packages, dict) else packages
    return {p["code"]: p.get("name_da") or p["code"] for p in items}


# --- what a row shows -------------------------------------------------------------------------------


@dataclass
class RowForm:
    """What the user typed into one row's form, with the errors to show next to the fields."""

    action: str
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""


@dataclass
class VisitRow:
    visit: JSON
    child: JSON
    section: str
    package: str
    today: date
    parents: list[str] = field(default_factory=list)
    form: RowForm | None = None
    notice: str = ""

    @property
    def id(self) -> str:
        return str(self.visit["id"])

    @property
    def dom_id(self) -> str:
        return f"{self.section}-visit-{self.id}"

    @property
    def child_id(self) -> str:
        return str(self.visit["child_id"])

    @property
    def child_text(self) -> str:
        return child_label(self.child) if self.child.get("family_id") else "—"

    @property
    def child_dates(self) -> str:
        return child_dates(self.child)

    @property
    def kind(self) -> str:
        return kind_label(str(self.visit["kind"]))

    @property
    def date_text(self) -> str:
        return danish_date(self.visit["target_date"])

    @property
    def window_text(self) -> str:
        return date_range(self.visit["earliest"], self.visit["latest"])

    @property
    def note(self) -> str:
        return window_note(self.visit, self.today)

    @property
    def state(self) -> str:
        return str(self.visit.get("state") or self.visit["status"])

    @property
    def state_text(self) -> str:
        return state_label(self.state)

    @property
    def open(self) -> bool:
        return str(self.visit["status"]) == "planned"

    def value(self, name: str, default: str = "") -> str:
        return self.form.values.get(name, default) if self.form else default

    def error(self, action: str, name: str) -> str:
        if self.form and self.form.action == action:
            return self.form.errors.get(name, "")
        return ""

    def expanded(self, action: str) -> bool:
        return self.form is not None and self.form.action == action


@dataclass(frozen=True)
class Period:
    week: bool
    first: date
    last: date

    @classmethod
    def of(cls, today: date, *, week: bool) -> Period:
        if not week:
            # On a weekend or a holiday the day runs to the next working day: Monday's visits are what a
            # health visitor looks at on Sunday, and a weekend visit (where a package allows one) stays shown.
            return cls(week=False, first=today, last=next_working_day(today))
        monday = today - timedelta(days=today.weekday())
        return cls(week=True, first=monday, last=monday + timedelta(days=6))

    @property
    def section(self) -> Section:
        return "week" if self.week else "today"

    @property
    def query(self) -> str:
        return "?week=1" if self.week else ""


def _belongs(section: str, visit: JSON, period: Period, today: date) -> bool:
    """Whether a visit (after a change) still belongs in the list it was shown in."""
    if visit["status"] != "planned":
        return False
    if section == "work":
        return bool(visit.get("state") == "overdue" or closes_soon(visit, today))
    target = as_date(visit["target_date"])
    return target is not None and period.first <= target <= period.last


async def _parents(api: Api, children: list[JSON]) -> dict[str, list[str]]:
    """The parents' names of children with no name yet (unborn), so the rows tell them apart."""
    found: dict[str, list[str]] = {}
    for family_id in dict.fromkeys(str(c["family_id"]) for c in children if c.get("family_id") and not c.get("name")):
        try:
            family = await api.get(f"/families/{family_id}")
        except ApiError as exc:
            if exc.status == 401:
                raise
            continue
        found[family_id] = [str(m["name"]) for m in family.get("members", []) if m.get("name")]
    return found


async def _rows(api: Api, visits: list[JSON], section: str, today: date, names: dict[str, str]) -> list[VisitRow]:
    children = await children_by_id(api, [str(v["child_id"]) for v in visits])
    parents = await _parents(api, list(children.values()))
    rows = []
    for v in visits:
        child = children.get(str(v["child_id"]), {})
        rows.append(
            VisitRow(
                visit=v,
                child=child,
                section=section,
                package=names.get(str(v.get("package_code") or ""), ""),
                today=today,
                parents=parents.get(str(child.get("family_id")), []),
            )
        )
    return rows


async def _page(
    request: Request,
    api: Api,
    me: JSON,
    *,
    period: Period,
    form_row: tuple[str, str, RowForm] | None = None,
    calendar: JSON | None = None,
    status_message: str = "",
    status_code: int = 200,
) -> Response:
    today = copenhagen_today()
    staff_id = str(me["id"])
    mine = {"staff_id": staff_id, "status": "planned"}
    period_range = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    planned, _ = await all_items(api, "/visits", {**mine, **period_range})
    planned.sort(key=lambda v: (0 if v.get("urgent") else 1, v["target_date"], str(v["id"])))
    shown = {str(v["id"]) for v in planned}
    overdue, more_overdue = await all_items(api, "/visits", {**mine, "overdue": "true"}, cap=WORKLIST_CAP)
    week_ahead = (today + timedelta(days=CLOSING_SOON_DAYS)).isoformat()
    # A window closing within the week has its target date within it too (target <= latest).
    closing, more_closing = await all_items(
        api, "/visits", {**mine, "overdue": "false", "to": week_ahead}, cap=WORKLIST_CAP
    )
    candidates = {str(v["id"]): v for v in overdue + [v for v in closing if closes_soon(v, today)]}
    worklist = by_urgency([v for k, v in candidates.items() if k not in shown], today)
    names = await package_names(api)
    period_rows = await _rows(api, planned, period.section, today, names)
    work_rows = await _rows(api, worklist, "work", today, names)
    if form_row is not None:
        section, visit_id, form = form_row
        for row in period_rows + work_rows:
            if row.section == section and row.id == visit_id:
                row.form = form
    context = {
        "me": me,
        "period": period,
        "today": today,
        "heading_date": _heading_date(period, today),
        "period_rows": period_rows,
        "work_rows": work_rows,
        "work_more": more_overdue or more_closing,
        "work_cap": WORKLIST_CAP,
        "calendar": calendar,
        "status_message": status_message,
    }
    response = render(request, "my_day.html", context, status_code=status_code)
    if calendar is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _heading_date(period: Period, today: date) -> str:
    if period.week:
        return f"{translate('day.week_number')} {today.isocalendar().week}: {date_range(period.first, period.last)}"
    if period.last != today:
        return translate("day.until_next_working_day").format(today=weekday_date(today), next=weekday_date(period.last))
    return weekday_date(today)


@router.get("/my-day")
async def my_day(
    request: Request, api: SignedInApi, me: CurrentUser, week: str | None = None, recorded: str | None = None
) -> Response:
    period = Period.of(copenhagen_today(), week=week not in (None, "", "0"))
    message = ""
    if recorded in ("done", "missed"):
        message = translate(f"day.recorded.{recorded}")
    elif recorded == "moved":
        message = translate("day.recorded.moved_plain")
    return await _page(request, api, me, period=period, status_message=message)


# --- recording a visit ----------------------------------------------------------------------------


def _api_errors(action: str, exc: ApiError) -> RowForm:
    """The API's refusal as Danish messages next to the fields."""
    form = RowForm(action=action)
    if exc.status == 412:
        form.message = translate("day.error.changed")
    elif exc.status == 409:
        form.message = translate("day.error.closed")
    elif exc.status == 422 and exc.errors:
        for name in exc.field_errors():
            leaf = name.rsplit(".", 1)[-1]
            if leaf == "reason":
                form.errors["reason"] = translate(
                    "day.error.reason_outside" if action == "moved" else "day.error.reason"
                )
            elif leaf == "target_date":
                form.errors["target_date"] = translate("day.error.date_invalid")
            else:
                form.message = translate("day.error.other").format(detail=exc.detail)
    else:
        form.message = translate("day.error.other").format(detail=exc.detail)
    return form


async def _record(api: Api, visit_id: uuid.UUID, action: str, reason: str, target: str, seen: str) -> RowForm | None:
    """Call the API for one action; answers the form with errors, or None when it was recorded."""
    form = RowForm(action=action, values={"reason": reason, "target_date": target})
    if action == "missed" and not reason.strip():
        form.errors["reason"] = translate("day.error.reason")
        return form
    new_date: date | None = None
    if action == "moved":
        try:
            new_date = date.fromisoformat(target) if target else None
        except ValueError:
            new_date = None
        if new_date is None:
            form.errors["target_date"] = translate("day.error.date" if not target else "day.error.date_invalid")
            return form
    try:
        visit, etag = await api.get_with_etag(f"/visits/{visit_id}")
        if seen and visit.get("updated_at") != seen:
            form.message = translate("day.error.changed")
            return form
        if action == "done":
            await api.post(f"/visits/{visit_id}/complete")
        elif action == "missed":
            await api.post(f"/visits/{visit_id}/missed", {"reason": reason.strip()})
        else:
            assert new_date is not None
            body: JSON = {"target_date": new_date.isoformat()}
            if reason.strip():
                body["reason"] = reason.strip()
            await api.patch(f"/visits/{visit_id}", body, etag=etag)
    except ApiError as exc:
        if exc.status in (401, 403, 404):
            raise
        errors = _api_errors(action, exc)
        errors.values = form.values
        return errors
    return None


def _status_fragment(request: Request, message: str) -> Response:
    return render(request, "partials/day_status.html", {"status_message": message, "is_oob": True})


@router.post("/my-day/visits/{visit_id}/{action}")
async def record_visit(
    request: Request,
    visit_id: uuid.UUID,
    action: Action,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    section: Annotated[Literal["today", "week", "work"], Form()] = "today",
    week: Annotated[str, Form(max_length=1)] = "",
    updated_at: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    target_date: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Done, missed (with a reason) or moved (new date; a reason outside the window); htmx swaps the row."""
    today = copenhagen_today()
    period = Period.of(today, week=week == "1")
    form = await _record(api, visit_id, action, reason, target_date, updated_at)
    if form is None:
        if not is_htmx(request):
            query = {"week": "1"} if period.week else {}
            return see_other(request, f"/my-day?{urlencode({**query, 'recorded': action})}")
        visit = await api.get(f"/visits/{visit_id}")
        if action == "moved":
            message = translate("day.recorded.moved").format(date=danish_date(visit["target_date"]))
        else:
            message = translate(f"day.recorded.{action}")
        if not _belongs(section, visit, period, today):
            return _status_fragment(request, message)  # the row leaves the list; the live region says why
        row = (await _rows(api, [visit], section, today, await package_names(api)))[0]
        row.notice = message
        return render(request, "partials/day_row.html", {"row": row, "period": period})
    if not is_htmx(request):
        return await _page(request, api, me, period=period, form_row=(section, str(visit_id), form), status_code=400)
    visit = await api.get(f"/visits/{visit_id}")
    row = (await _rows(api, [visit], section, today, await package_names(api)))[0]
    row.form = form
    # 200 so htmx swaps the row with the errors in place (htmx leaves 4xx answers unswapped).
    return render(request, "partials/day_row.html", {"row": row, "period": period})


# --- the calendar feed ---------------------------------------------------------------------------------


def _public_feed_url(request: Request, answer: JSON, staff_id: str) -> str:
    """The URL a calendar program can reach: the API answers with its own (in-process) address."""
    url = str(answer.get("feed_url") or "")
    if urlsplit(url).hostname == "api.internal" or not url:
        query = urlencode({"feed_token": answer["feed_token"]})
        return f"{str(request.base_url).rstrip('/')}/api/v1/staff/{staff_id}/calendar.ics?{query}"
    return url


async def _calendar_answer(request: Request, api: Api, me: JSON, calendar: JSON, week: str) -> Response:
    if is_htmx(request):
        response = render(request, "my_day.html", {"me": me, "calendar": calendar}, block="calendar")
        response.headers["Cache-Control"] = "no-store"
        return response
    return await _page(request, api, me, period=Period.of(copenhagen_today(), week=week == "1"), calendar=calendar)


@router.post("/my-day/calendar-feed")
async def create_calendar_feed(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    week: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    """A new subscription link (replacing any earlier one), shown once."""
    staff_id = str(me["id"])
    answer = await api.post(f"/staff/{staff_id}/calendar-feed")
    calendar = {"url": _public_feed_url(request, answer, staff_id)}
    return await _calendar_answer(request, api, me, calendar, week)


@router.post("/my-day/calendar-feed/revoke")
async def revoke_calendar_feed(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    _csrf: CsrfChecked,
    week: Annotated[str, Form(max_length=1)] = "",
) -> Response:
    """Revoke the subscription link: calendars using it get nothing from now on."""
    # The client has no delete() yet; DELETE goes through its one request method (raises ApiError).
    await api._call("DELETE", f"/staff/{me['id']}/calendar-feed")
    return await _calendar_answer(request, api, me, {"revoked": True}, week)
