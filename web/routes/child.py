"""A child's page: family and members, level now and its history, enrolments, the timeline picture of
visits from pregnancy to age 3, screenings with totals and flags, and referrals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from fastapi import APIRouter, Request
from starlette.responses import Response

from domain.clock import copenhagen_today
from web.client import Api, ApiError
from web.i18n import translate
from web.rendering import render
from web.routes.my_day import all_items, package_names
from web.routes.sharing_forms import sharing_section
from web.session import CurrentUser, SignedInApi
from web.timeline import (
    TimelineVisit,
    as_date,
    build_timeline,
    child_dates,
    child_label,
    danish_date,
    date_range,
    kind_label,
    mask_cpr,
    render_svg,
    state_label,
)

router = APIRouter()
JSON = dict[str, Any]
OTHER_LANE = "_other"


def _text(key: str, fallback: str) -> str:
    """A text by key, or the fallback (e.g. a code the messages do not know)."""
    text = translate(key)
    return fallback if text == key else text


@dataclass(frozen=True)
class Section:
    """One list on the page; `refused` when the API does not show it to this user (e.g. health data
    without consent, or a role that sees the schedule but not the decisions)."""

    items: list[JSON]
    refused: bool = False

    @property
    def self_harm(self) -> list[JSON]:
        return [s for s in self.items if "self_harm" in s.get("flags", [])]


async def _section(api: Api, path: str, *, cap: int = 200) -> Section:
    try:
        items, _ = await all_items(api, path, cap=cap)
    except ApiError as exc:
        if exc.status != 403:
            raise
        return Section(items=[], refused=True)
    return Section(items=items)


def _lane(visit: JSON, enrolment_names: dict[str, str], catalog: dict[str, str]) -> tuple[str, str]:
    code = visit.get("package_code")
    if not code:
        return OTHER_LANE, translate("day.other_visits")
    return str(code), enrolment_names.get(str(code)) or catalog.get(str(code)) or str(code)


async def _criteria_texts(api: Api) -> tuple[dict[str, str], dict[str, str]]:
    """Risk-factor and referral codes in Danish, from the shared criteria."""
    try:
        criteria = (await api.get("/criteria"))["criteria"]
    except ApiError as exc:
        if exc.status == 401:
            raise
        return {}, {}
    facts = {f["code"]: f.get("text_da") or f["code"] for f in criteria.get("facts", [])}
    referrals = {r["code"]: r.get("name_da") or r["code"] for r in criteria.get("referrals", [])}
    return facts, referrals


@router.get("/children/{child_id}")
async def child_page(request: Request, child_id: uuid.UUID, api: SignedInApi, me: CurrentUser) -> Response:
    child = await api.get(f"/children/{child_id}")  # 403/404 become the "Ingen adgang"/"findes ikke" pages
    family = await api.get(f"/families/{child['family_id']}")
    decision_section = await _section(api, f"/children/{child_id}/level-decisions")
    enrolment_section = await _section(api, f"/children/{child_id}/enrollments")
    schedule = (await _section(api, f"/children/{child_id}/schedule", cap=1000)).items
    screenings = await _section(api, f"/children/{child_id}/screenings")
    referral_section = await _section(api, f"/children/{child_id}/referrals")
    decisions, enrolments, referrals = decision_section.items, enrolment_section.items, referral_section.items
    roles = {str(role) for role in cast(list[Any], me.get("roles") or [])}
    catalog = await package_names(api)
    facts, referral_names = await _criteria_texts(api)
    sharing = await sharing_section(api, child_id, me, saved=request.query_params.get("shared"))
    today = copenhagen_today()

    enrolment_names = {str(e["package_code"]): str(e.get("package_name") or e["package_code"]) for e in enrolments}
    name = child_label(child)
    timeline = build_timeline(
        [
            TimelineVisit.from_api(v, kind_label=kind_label(str(v["kind"])), lane_key=lane[0], lane_label=lane[1])
            for v in schedule
            for lane in [_lane(v, enrolment_names, catalog)]
        ],
        due_date=as_date(child.get("due_date")),
        birth_date=as_date(child.get("birth_date")),
        today=today,
    )
    svg = render_svg(timeline, title=translate("child.timeline.title").format(child=name), svg_id="timeline")
    notes = {str(v["id"]): v.get("status_reason") or v.get("reschedule_reason") or "" for v in schedule}
    # An urgent visit whose reason is withheld (no access to the child's health data) gets a neutral note.
    withheld = {str(v["id"]) for v in schedule if v.get("urgent") and v.get("health_data_withheld")}
    timeline_rows = [
        {
            "kind": v.kind_label,
            "lane": v.lane_label,
            "window": date_range(v.earliest, v.latest),
            "date": danish_date(v.marker_date),
            "state": v.state,
            "state_text": state_label(v.state),
            "urgent": v.urgent,
            "urgent_withheld": v.id in withheld,
            "note": notes.get(v.id, ""),
        }
        for v in timeline.shown
    ]
    siblings = [c for c in family.get("children", []) if str(c["id"]) != str(child_id)]
    context = {
        "me": me,
        "child": child,
        "name": name,
        "dates": child_dates(child),
        "cpr": mask_cpr(child.get("cpr")),
        "family": family,
        "risk_factors": [facts.get(code, code) for code in family.get("risk_factors", [])],
        "health_withheld": bool(family.get("health_data_withheld")),
        "members": [
            {
                "role": _text(f"child.role.{m.get('role')}", str(m.get("role") or "")),
                "name": m.get("name") or "",
                "cpr": mask_cpr(m.get("cpr")),
            }
            for m in family.get("members", [])
        ],
        "siblings": [
            {"id": c["id"], "name": child_label(c), "dates": child_dates(c), "cpr": mask_cpr(c.get("cpr"))}
            for c in siblings
        ],
        "level": int(child.get("level") or 1),
        "refused": {
            "decisions": decision_section.refused,
            "enrolments": enrolment_section.refused,
            "referrals": referral_section.refused,
        },
        # Links only to what the role may do there (the API decides again when it is used).
        "may_screen": "health_visitor" in roles,
        "may_decide": bool(roles & {"health_visitor", "family_therapist", "caseworker"}),
        "decisions": [
            {
                "effective": danish_date(d["effective_on"]),
                "level": d["level"],
                "previous": d.get("previous_level"),
                "direction": d.get("direction") or "same",
                "direction_text": _text(f"child.direction.{d.get('direction')}", str(d.get("direction") or "")),
                "basis": _text(f"child.basis.{d.get('basis')}", str(d.get("basis") or "")),
                "reason": d.get("reason") or "",
                "reason_withheld": d.get("reason") is None and bool(d.get("health_data_withheld")),
            }
            for d in reversed(decisions)  # newest first
        ],
        "enrolments": [
            {
                "name": e.get("package_name") or e["package_code"],
                "version": e.get("package_version"),
                "started": danish_date(e.get("started_on")),
                "ended": danish_date(e.get("ended_on")),
                "end_reason": e.get("end_reason") or "",
                "active": bool(e.get("active")),
            }
            for e in enrolments
        ],
        "svg": svg,
        "timeline_rows": timeline_rows,
        "later": len(timeline.later),
        "screenings": screenings,
        "screening_rows": [
            {
                "instrument": _text(f"child.instrument.{s['instrument']}", str(s["instrument"])),
                "respondent": _text(f"child.respondent.{s['respondent']}", str(s["respondent"])),
                "date": danish_date(s["administered_on"]),
                "total": s["total"],
                "cutoff": s.get("cutoff"),
                "flags": [(f, _text(f"child.flag.{f}", f)) for f in s.get("flags", [])],
                "self_harm": "self_harm" in s.get("flags", []),
            }
            for s in sorted(screenings.items, key=lambda s: str(s["administered_on"]), reverse=True)
        ],
        "self_harm_dates": [danish_date(s["administered_on"]) for s in screenings.self_harm],
        "sharing": sharing,
        "referrals": [
            {
                "target": _text(f"child.target.{r['target']}", referral_names.get(r["target"], str(r["target"]))),
                "reason": r.get("reason") or "",
                "reason_withheld": r.get("reason") is None and bool(r.get("health_data_withheld")),
                "sent": danish_date(r.get("sent_on")),
                "status": r.get("status") or "",
                "status_text": _text(f"child.referral.{r.get('status')}", str(r.get("status") or "")),
                "note": r.get("status_note") or "",
            }
            for r in referrals
        ],
    }
    return render(request, "child.html", context)
