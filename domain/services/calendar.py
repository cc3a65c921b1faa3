"""A staff member's visits as an iCalendar feed a calendar program subscribes to, and its revocable token.

The feed leaves the municipality's systems (phones, shared calendars), so it carries as little as a
visit can be planned by: the kind of visit, the day, its window and the housing area. Never a CPR
number, a name, an address or health data (screening results, risk factors, level).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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


# --- the same events, written out directly ---------------------------------------------------------------
# icalendar builds and serialises a property at a time (about 0.5 ms an event): a health visitor's year of
# visits took a second. The events below are written out directly, in icalendar's own order, escaping
# and line folding, and a test holds them byte for byte equal to `_event(...).to_ical()`.

_END_CALENDAR = b"END:VCALENDAR\r\n"
_FOLD_AT = 75  # octets, RFC 5545 section 3.1


def _ical_text(value: str) -> str:
    """RFC 5545 TEXT escaping, as icalendar does it."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _fold(line: bytes) -> bytes:
    """Fold a content line into pieces of at most 74 octets (icalendar's rule), never splitting a UTF-8
    character and never ending a piece on a backslash or caret (an escape stays whole)."""
    if len(line) < _FOLD_AT:
        return line
    pieces: list[bytes] = []
    start = 0
    while len(line) - start >= _FOLD_AT:
        end = start + _FOLD_AT - 1
        while line[end] & 0xC0 == 0x80:  # a continuation octet: the character began before `end`
            end -= 1
        if line[end - 1] in b"\\^":
            end -= 1
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def _utc_stamp(moment: datetime) -> str | None:
    offset = moment.utcoffset()
    if offset is None or offset:
        return None  # not UTC: left to icalendar
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}Z"
    )


def _ical_date(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _event_ical(visit: CalendarVisit, label: str) -> bytes:
    """`_event(visit, label).to_ical()`, written out directly."""
    stamp, created = _utc_stamp(visit.updated_at), _utc_stamp(visit.created_at)
    if stamp is None or created is None:
        return bytes(_event(visit, label).to_ical())
    summary = f"{SUMMARY_PREFIX}: {label}"
    if visit.area_name:
        summary += f" – {visit.area_name}"
    window = f"{visit.earliest:%d.%m.%Y}–{visit.latest:%d.%m.%Y}"
    description = f"Besøgsvindue: {window}\nSe familien i Tidlig indsats (besøg {visit.visit_id})."
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + _ical_text(summary),
        "DTSTART;VALUE=DATE:" + _ical_date(visit.target_date),
        "DTEND;VALUE=DATE:" + _ical_date(visit.target_date + timedelta(days=1)),
        "DTSTAMP:" + stamp,
        "UID:" + _ical_text(visit_uid(visit.visit_id)),
        f"SEQUENCE:{max(0, int((visit.updated_at - visit.created_at).total_seconds()))}",
        "CREATED:" + created,
        "DESCRIPTION:" + _ical_text(description),
        "LAST-MODIFIED:" + stamp,
    ]
    if visit.area_name:
        lines.append("LOCATION:" + _ical_text(visit.area_name))
    lines += ["STATUS:CONFIRMED", "TRANSP:TRANSPARENT", "END:VEVENT"]
    return b"".join(_fold(line.encode()) + b"\r\n" for line in lines)


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
    events = b"".join(_event_ical(visit, _kind_label(session, visit, labels)) for visit in visits)
    # The calendar's own properties come from icalendar; the events go where it would put them.
    head = calendar.to_ical()
    if not head.endswith(_END_CALENDAR):
        raise RuntimeError("icalendar ended the calendar unexpectedly")
    ics = head[: -len(_END_CALENDAR)] + events + _END_CALENDAR
    return StaffCalendar(ics=ics, child_ids=list(dict.fromkeys(v.child_id for v in visits)))
