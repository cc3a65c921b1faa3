"""A staff member's visits as an iCalendar feed, and the revocable token a calendar program subscribes with.

A calendar program cannot send an Authorization header, so the feed also opens with `?feed_token=`:
a long random token of which only a hash is kept, replaced by POSTing again and revoked by DELETE.
The feed carries no CPR number, no names and no health data.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from api.deps import UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.visits import CalendarFeedOut
from domain.clock import copenhagen_today
from domain.services import calendar

router = APIRouter(tags=["calendars"], responses=PROBLEM_RESPONSES)

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
CALENDAR_ROUTE = "staff_calendar"


@router.get(
    "/staff/{staff_id}/calendar.ics",
    name=CALENDAR_ROUTE,
    response_class=Response,
    response_model=None,
    responses={200: {"content": {"text/calendar": {}}, "description": "An iCalendar (RFC 5545) feed"}},
)
def staff_calendar(staff_id: uuid.UUID, uow: UnitOfWorkDep) -> Response:
    """Your planned visits from 30 days back to a year ahead, one all-day event each (subscribe to it).

    Authenticate with your bearer token, or with `?feed_token=` from POST /staff/{staff_id}/calendar-feed.
    """
    feed = calendar.staff_calendar(uow.session, staff_id=staff_id, today=copenhagen_today())
    uow.audit.record_each("read", feed.child_ids, details={"export": "calendar_feed", "staff_id": str(staff_id)})
    return Response(
        content=feed.ics,
        media_type=ICS_MEDIA_TYPE,
        headers={"Cache-Control": "private, no-cache", "Content-Disposition": 'inline; filename="besoeg.ics"'},
    )


@router.post("/staff/{staff_id}/calendar-feed", status_code=status.HTTP_201_CREATED, response_model=CalendarFeedOut)
def create_calendar_feed(
    staff_id: uuid.UUID, request: Request, uow: UnitOfWorkDep, response: Response
) -> CalendarFeedOut:
    """Create (or replace) your calendar-feed token; the answer is the only time it is shown."""
    token = calendar.issue_feed_token(uow.session, staff_id=staff_id)
    feed = request.url_for(CALENDAR_ROUTE, staff_id=str(staff_id))
    response.headers["Location"] = str(feed)
    response.headers["Cache-Control"] = "no-store"
    return CalendarFeedOut(
        staff_id=staff_id, feed_url=str(feed.include_query_params(feed_token=token)), feed_token=token
    )


@router.delete("/staff/{staff_id}/calendar-feed", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
def revoke_calendar_feed(staff_id: uuid.UUID, uow: UnitOfWorkDep) -> None:
    """Revoke your calendar-feed token: a calendar program using it gets 401 from now on."""
    calendar.revoke_feed_token(uow.session, staff_id=staff_id)
