"""Min dag / min uge: today's and this week's visits, the worklist by urgency, recording a visit done,
missed or moved (plain form posts and htmx), and the calendar feed link."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from domain.rules.workdays import DEFAULT_CALENDAR
from tests.factories import World, bearer, make_family, token
from tests.web.test_sign_in import sign_in

HX = {"HX-Request": "true"}
SELF_HARM_EPDS = [0] * 10  # item 10's first printed answer scores 3: thoughts of self-harm


def _child(world: World, *, username: str = "hv1", area: str = "ringparken", today: date, **kwargs: Any) -> uuid.UUID:
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, area=area, health_visitor=world.staff_id(username), **kwargs)
        session.commit()
        return child.id


def _named_child(world: World, *, today: date, **kwargs: Any) -> uuid.UUID:
    return _child(world, today=today, birth_date=today - timedelta(days=120), **kwargs)


def _visit(
    client: TestClient,
    child_id: uuid.UUID,
    target: date,
    *,
    username: str = "hv1",
    earliest: date | None = None,
    latest: date | None = None,
) -> dict[str, Any]:
    body = {"target_date": target.isoformat()}
    if earliest:
        body["earliest"] = earliest.isoformat()
    if latest:
        body["latest"] = latest.isoformat()
    response = client.post(f"/api/v1/children/{child_id}/visits", json=body, headers=bearer(token(client, username)))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def _read_visit(client: TestClient, visit_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/visits/{visit_id}", headers=bearer(token(client, "hv1")))
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _row(html: str, dom_id: str) -> str:
    match = re.search(rf'<tr id="{dom_id}".*?</tr>', html, re.S)
    assert match, f"no row {dom_id}"
    return match.group(0)


def _form(page: str, visit: dict[str, Any], section: str = "today", **values: str) -> dict[str, str]:
    return {
        "csrf_token": _csrf(page),
        "section": section,
        "updated_at": visit["updated_at"],
        **values,
    }


def _after_the_day_list(today: date) -> date:
    """The first day after what *Min dag* lists as today's (today, or on a closed day up to the next working day)."""
    return DEFAULT_CALENDAR.next_working_day(today) + timedelta(days=1)


def _working_day_after(day: date) -> date:
    day += timedelta(days=1)
    while not DEFAULT_CALENDAR.is_working_day(day):
        day += timedelta(days=1)
    return day


# --- the lists -------------------------------------------------------------------------------------


def test_todays_list_shows_my_visits_with_the_child_the_kind_and_danish_dates(
    client: TestClient, world: World, today: date
) -> None:
    mine = _visit(client, _named_child(world, today=today), today)
    unborn = _visit(client, _child(world, due_date=today + timedelta(days=60), today=today), today)
    others = _visit(client, _named_child(world, username="hv2", area="centrum", today=today), today, username="hv2")
    sign_in(client, "hv1")

    page = client.get("/my-day")

    assert page.status_code == 200
    assert page.headers["vary"] == "HX-Request"
    assert "<h1>Min dag" in page.text
    row = _row(page.text, f"today-visit-{mine['id']}")
    assert "Barn Testesen" in row and "Ekstra besøg" in row and "Aktuel" in row
    months = ["jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec."]
    assert f"{today.day}. {months[today.month - 1]} {today.year}" in row
    unborn_row = _row(page.text, f"today-visit-{unborn['id']}")
    assert "Ufødt barn" in unborn_row and "Termin" in unborn_row and "Mor Testesen" in unborn_row
    assert others["id"] not in page.text, "another health visitor's visit is not on my list"
    assert 'href="/children/' in row


def test_the_week_view_shows_the_visits_of_this_week_and_today_only_todays(
    client: TestClient, world: World, today: date
) -> None:
    monday = today - timedelta(days=today.weekday())
    # A day of this week that the day view does not show (it runs from today to the next working day).
    shown_today = {today + timedelta(days=n) for n in range((_after_the_day_list(today) - today).days)}
    other_day = next(d for d in (monday + timedelta(days=n) for n in range(7)) if d not in shown_today)
    child_id = _named_child(world, today=today)
    this_week = _visit(
        client, child_id, other_day, earliest=other_day - timedelta(days=3), latest=other_day + timedelta(days=30)
    )
    next_week = _visit(client, child_id, monday + timedelta(days=8), latest=monday + timedelta(days=40))
    sign_in(client, "hv1")

    day = client.get("/my-day")
    week = client.get("/my-day?week=1")

    assert f"today-visit-{this_week['id']}" not in day.text
    assert "<h1>Min uge" in week.text and f"Uge {today.isocalendar().week}" in week.text
    assert f"week-visit-{this_week['id']}" in week.text
    assert next_week["id"] not in week.text
    assert 'aria-current="page">Denne uge' in week.text


def test_the_worklist_puts_the_most_overdue_first_then_the_window_closing_soonest(
    client: TestClient, world: World, today: date
) -> None:
    child_id = _named_child(world, today=today)
    # Targets before today in an open window: not on the day's list above (today to the next working day),
    # so on the worklist by when the window closes.
    earlier = today - timedelta(days=1)
    closing_in_5 = _visit(
        client, child_id, earlier, earliest=today - timedelta(days=3), latest=today + timedelta(days=5)
    )
    closing_in_2 = _visit(
        client, child_id, earlier, earliest=today - timedelta(days=3), latest=today + timedelta(days=2)
    )
    later = _after_the_day_list(today)
    closing_later = _visit(client, child_id, later, earliest=today, latest=today + timedelta(days=20))
    overdue_2 = _visit(client, child_id, today - timedelta(days=2))
    overdue_9 = _visit(client, child_id, today - timedelta(days=9))
    sign_in(client, "hv1")

    page = client.get("/my-day").text
    worklist = page[page.index('id="worklist-heading"') :]

    order = [worklist.index(f"work-visit-{v['id']}") for v in (overdue_9, overdue_2, closing_in_2, closing_in_5)]
    assert order == sorted(order)
    assert closing_later["id"] not in worklist
    assert "Overskredet med 9 dage" in _row(worklist, f"work-visit-{overdue_9['id']}")
    assert "Vinduet lukker om 5 dage" in _row(worklist, f"work-visit-{closing_in_5['id']}")


def test_an_urgent_self_harm_contact_comes_first_and_is_marked(client: TestClient, world: World, today: date) -> None:
    ordinary = _visit(client, _named_child(world, today=today), today)
    child_id = _named_child(world, today=today)
    screened = client.post(
        f"/api/v1/children/{child_id}/screenings",
        json={
            "instrument": "EPDS",
            "respondent": "mother",
            "items": SELF_HARM_EPDS,
            "administered_on": today.isoformat(),
        },
        headers=bearer(token(client, "hv1")),
    )
    assert screened.status_code == 201, screened.text
    urgent_id = screened.json()["urgent_visit_id"]
    assert urgent_id
    sign_in(client, "hv1")

    page = client.get("/my-day").text

    assert page.index(f"today-visit-{urgent_id}") < page.index(f"today-visit-{ordinary['id']}")
    assert "Akut: selvskade" in _row(page, f"today-visit-{urgent_id}")


def test_a_manager_has_no_day_list(client: TestClient, world: World) -> None:
    sign_in(client, "mgr1")
    page = client.get("/my-day")
    assert page.status_code == 403
    assert "Ingen adgang" in page.text


# --- recording a visit ---------------------------------------------------------------------------


def test_recording_a_visit_done_with_a_plain_form_post_redirects_back_and_the_row_is_gone(
    client: TestClient, world: World, today: date
) -> None:
    visit = _visit(client, _named_child(world, today=today), today)
    sign_in(client, "hv1")
    page = client.get("/my-day").text

    response = client.post(f"/my-day/visits/{visit['id']}/done", data=_form(page, visit), follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/my-day?recorded=done"
    assert _read_visit(client, visit["id"])["status"] == "done"
    after = client.get(response.headers["location"]).text
    assert f"today-visit-{visit['id']}" not in after
    assert "Besøget er registreret som udført." in after


def test_recording_a_visit_done_with_htmx_answers_only_the_status_message(
    client: TestClient, world: World, today: date
) -> None:
    visit = _visit(client, _named_child(world, today=today), today)
    sign_in(client, "hv1")
    page = client.get("/my-day").text

    response = client.post(f"/my-day/visits/{visit['id']}/done", data=_form(page, visit), headers=HX)

    assert response.status_code == 200
    assert "<tr" not in response.text and "<html" not in response.text, "an empty swap removes the row"
    assert 'id="day-status"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "registreret som udført" in response.text
    assert response.headers["vary"] == "HX-Request"


def test_a_missed_visit_needs_a_reason_shown_next_to_the_field(client: TestClient, world: World, today: date) -> None:
    visit = _visit(client, _named_child(world, today=today), today)
    sign_in(client, "hv1")
    page = client.get("/my-day").text

    refused = client.post(f"/my-day/visits/{visit['id']}/missed", data=_form(page, visit, reason="  "))

    assert refused.status_code == 400
    row = _row(refused.text, f"today-visit-{visit['id']}")
    field_id = f"today-visit-{visit['id']}-missed-reason"
    assert f'aria-describedby="{field_id}-error"' in row and 'aria-invalid="true"' in row
    assert f'<p class="error" id="{field_id}-error">Skriv en begrundelse.</p>' in row
    assert "<details open>" in row
    assert _read_visit(client, visit["id"])["status"] == "planned"

    recorded = client.post(
        f"/my-day/visits/{visit['id']}/missed",
        data=_form(page, visit, reason="Ingen hjemme"),
        headers=HX,
    )
    assert recorded.status_code == 200 and "ikke gennemført" in recorded.text
    stored = _read_visit(client, visit["id"])
    assert (stored["status"], stored["status_reason"]) == ("missed", "Ingen hjemme")


def test_moving_a_visit_outside_its_window_without_a_reason_keeps_the_date_and_asks_for_one(
    client: TestClient, world: World, today: date
) -> None:
    visit = _visit(client, _named_child(world, today=today), today)
    outside = _working_day_after(today + timedelta(days=3))
    sign_in(client, "hv1")
    page = client.get("/my-day").text

    refused = client.post(
        f"/my-day/visits/{visit['id']}/moved", data=_form(page, visit, target_date=outside.isoformat()), headers=HX
    )

    assert refused.status_code == 200, "htmx swaps the row with its errors"
    assert refused.text.lstrip().startswith(f'<tr id="today-visit-{visit["id"]}"')
    assert f'value="{outside.isoformat()}"' in refused.text, "the typed date is kept"
    assert "Skriv en begrundelse, når besøget flyttes uden for vinduet." in refused.text
    assert f'aria-describedby="today-visit-{visit["id"]}-moved-reason-error"' in refused.text

    moved = client.post(
        f"/my-day/visits/{visit['id']}/moved",
        data=_form(page, visit, target_date=outside.isoformat(), reason="Familien er syg"),
        follow_redirects=False,
    )
    assert moved.status_code == 303 and moved.headers["location"] == "/my-day?recorded=moved"
    stored = _read_visit(client, visit["id"])
    assert (stored["target_date"], stored["reschedule_reason"]) == (outside.isoformat(), "Familien er syg")


def test_moving_a_worklist_visit_within_its_window_rerenders_the_row_with_the_new_date(
    client: TestClient, world: World, today: date
) -> None:
    new_date = _working_day_after(today)
    visit = _visit(
        client,
        _named_child(world, today=today),
        today - timedelta(days=1),  # in its window but not on the day's list, so on the worklist
        earliest=today - timedelta(days=2),
        latest=today + timedelta(days=6),
    )
    sign_in(client, "hv1")
    page = client.get("/my-day").text
    assert f"work-visit-{visit['id']}" in page

    response = client.post(
        f"/my-day/visits/{visit['id']}/moved",
        data=_form(page, visit, section="work", target_date=new_date.isoformat()),
        headers=HX,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="work-visit-{visit["id"]}"')
    assert "Besøget er flyttet til" in response.text
    assert _read_visit(client, visit["id"])["target_date"] == new_date.isoformat()


def test_a_visit_changed_by_someone_else_since_the_page_was_loaded_is_not_overwritten(
    client: TestClient, world: World, today: date
) -> None:
    visit = _visit(client, _named_child(world, today=today), today)
    sign_in(client, "hv1")
    page = client.get("/my-day").text
    missed_elsewhere = client.post(
        f"/api/v1/visits/{visit['id']}/missed",
        json={"reason": "Aflyst i telefonen"},
        headers=bearer(token(client, "hv1")),
    )
    assert missed_elsewhere.status_code == 200

    response = client.post(f"/my-day/visits/{visit['id']}/done", data=_form(page, visit), headers=HX)

    assert "ændret af en anden" in response.text
    assert _read_visit(client, visit["id"])["status"] == "missed"


def test_recording_needs_the_csrf_token(client: TestClient, world: World, today: date) -> None:
    visit = _visit(client, _named_child(world, today=today), today)
    sign_in(client, "hv1")
    response = client.post(f"/my-day/visits/{visit['id']}/done", data={"section": "today"})
    assert response.status_code == 403
    assert _read_visit(client, visit["id"])["status"] == "planned"


# --- the calendar feed -------------------------------------------------------------------------------


def test_the_calendar_link_is_shown_once_works_and_can_be_revoked(
    client: TestClient, world: World, today: date
) -> None:
    _visit(client, _named_child(world, today=today), today)
    sign_in(client, "hv1")
    page = client.get("/my-day").text
    assert "kan til enhver tid tilbagekalde" in page

    created = client.post("/my-day/calendar-feed", data={"csrf_token": _csrf(page)}, headers=HX)

    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    assert created.text.lstrip().startswith('<section id="calendar-feed"')
    match = re.search(r'id="calendar-url" type="text" readonly value="([^"]+)"', created.text)
    assert match, created.text
    url = match.group(1).replace("&amp;", "&")
    staff_id = world.staff_id("hv1")
    assert url.startswith(f"http://testserver/api/v1/staff/{staff_id}/calendar.ics?feed_token=")
    feed = client.get(url.removeprefix("http://testserver"))
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")

    revoked = client.post("/my-day/calendar-feed/revoke", data={"csrf_token": _csrf(page)})
    assert revoked.status_code == 200
    assert "Linket er tilbagekaldt" in revoked.text
    client.cookies.clear()
    assert client.get(url.removeprefix("http://testserver")).status_code == 401


def test_on_a_closed_day_the_day_runs_to_the_next_working_day() -> None:
    from web.routes.my_day import Period, _heading_date

    sunday, christmas_eve, monday = date(2026, 12, 6), date(2026, 12, 24), date(2026, 12, 7)
    assert (Period.of(sunday, week=False).first, Period.of(sunday, week=False).last) == (sunday, monday)
    assert Period.of(christmas_eve, week=False).last == date(2026, 12, 28), "past Christmas and the weekend"
    assert Period.of(monday, week=False).last == monday
    assert _heading_date(Period.of(sunday, week=False), sunday) == (
        "søndag 6. dec. 2026 og næste arbejdsdag, mandag 7. dec. 2026"
    )
    assert _heading_date(Period.of(monday, week=False), monday) == "mandag 7. dec. 2026"
