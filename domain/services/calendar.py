"""A staff member's visits as an iCalendar feed a calendar program subscribes to, and its revocable token.

The feed leaves the municipality's systems (phones, shared calendars), so it carries as little as a
visit can be planned by: the kind of visit, the day, its window and the housing area. Never a CPR
number, a name, an address or health data (screening results, risk factors, level).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from icalendar import Calendar, Event
from sqlmodel import Session

from domain.errors import NotFound
from domain.rules.visit_state import COPENHAGEN
from domain.services.catalog import package_version
from domain.services.credentials import new_feed_token
from domain.services.visits import AD_HOC_KIND, URGENT_FOLLOW_UP_KIND
from domain.store.repositories import worklists
from domain.store.repositories.worklists import CalendarVisit
from domain.store.tables import Staff

#: The feed shows planned visits from this many days back ...
FEED_DAYS_BACK = 30
#: ... to this many days ahead (by target date).
FEED_DAYS_AHEAD = 365
UID_DOMAIN = "tidlig-indsats"
PRODID = "-//Tidlig indsats//Besøgskalender 1.0//DA"
SUMMARY_PREFIX = "Hjemmebesøg"
# Visits planned by judgement have no label in a package.
_OWN_LABELS = {AD_HOC_KIND: "Ekstra besøg", URGENT_FOLLOW_UP_KIND: "Opfølgningsbesøg"}


@dataclass(frozen=True, slots=True)
class StaffCalendar:
    ics: bytes
    child_ids: list[uuid.UUID]  # whose visits the feed shows, for the audit trail


def _staff(session: Session, staff_id: uuid.UUID) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound("No such staff member")
    return staff


def issue_feed_token(session: Session, *, staff_id: uuid.UUID) -> str:
    """A new calendar-feed token for the staff member; an earlier one stops working. Only a digest is kept."""
    staff = _staff(session, staff_id)
    token, digest = new_feed_token()
    staff.calendar_feed_token_hash = digest
    session.add(staff)
    session.flush()
    return token


def revoke_feed_token(session: Session, *, staff_id: uuid.UUID) -> None:
    """The staff member's calendar feed token stops working (revoking twice is harmless)."""
    staff = _staff(session, staff_id)
    staff.calendar_feed_token_hash = None
    session.add(staff)
    session.flush()


def visit_uid(visit_id: uuid.UUID) -> str:
    """The event's UID: stable for the visit's life, so a moved visit updates the same event."""
    return f"visit-{visit_id}@{UID_DOMAIN}"


def _kind_label(session: Session, visit: CalendarVisit, cache: dict[tuple[str, int], dict[str, str]]) -> str:
    if visit.kind in _OWN_LABELS:
        return _OWN_LABELS[visit.kind]
    if visit.package_code is not None and visit.package_version is not None:
        key = (visit.package_code, visit.package_version)
        if key not in cache:
            package = package_version(session, visit.package_code, visit.package_version)
            cache[key] = {rule.kind: rule.label_da for rule in package.visits if rule.label_da}
            if package.group is not None:
                cache[key].setdefault(package.group.session_kind, package.name_da)
        label = cache[key].get(visit.kind)
        if label:
            return label
    return visit.kind.replace("_", " ").capitalize()


def _event(visit: CalendarVisit, label: str) -> Event:
    event = Event()
    event.add("uid", visit_uid(visit.visit_id))
    # DTSTAMP: when the visit last changed, so an unchanged feed is byte for byte the same.
    event.add("dtstamp", visit.updated_at)
    event.add("created", visit.created_at)
    event.add("last-modified", visit.updated_at)
    # SEQUENCE: seconds from creation to the last change; it grows with every change, a move included.
    event.add("sequence", max(0, int((visit.updated_at - visit.created_at).total_seconds())))
    event.add("dtstart", visit.target_date)
    event.add("dtend", visit.target_date + timedelta(days=1))
    summary = f"{SUMMARY_PREFIX}: {label}"
    if visit.area_name:
        summary += f" – {visit.area_name}"
        event.add("location", visit.area_name)
    event.add("summary", summary)
    window = f"{visit.earliest:%d.%m.%Y}–{visit.latest:%d.%m.%Y}"
    event.add("description", f"Besøgsvindue: {window}\nSe familien i Tidlig indsats (besøg {visit.visit_id}).")
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    return event


def staff_calendar(session: Session, *, staff_id: uuid.UUID, today: date) -> StaffCalendar:
    """The staff member's planned visits from 30 days back to a year ahead, as all-day events."""
    staff = _staff(session, staff_id)
    visits = worklists.planned_visits_for_calendar(
        session,
        staff_id=staff.id,
        first_day=today - timedelta(days=FEED_DAYS_BACK),
        last_day=today + timedelta(days=FEED_DAYS_AHEAD),
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Hjemmebesøg – {staff.full_name}")
    calendar.add("x-wr-timezone", str(COPENHAGEN))
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    labels: dict[tuple[str, int], dict[str, str]] = {}
    for visit in visits:
        calendar.add_component(_event(visit, _kind_label(session, visit, labels)))
    return StaffCalendar(ics=calendar.to_ical(), child_ids=list(dict.fromkeys(v.child_id for v in visits)))
