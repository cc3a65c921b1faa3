"""A health visitor's day in a real browser: sign in, today's list, a visit recorded done inline (htmx),
live search, a child's page with its timeline picture, and a manager refused from a child's page."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import accessibility_violations, screenshot

PASSWORD = "demo"


def _api(base: str, username: str) -> httpx.Client:
    answer = httpx.post(
        f"{base}/api/v1/auth/token", data={"grant_type": "password", "username": username, "password": PASSWORD}
    )
    answer.raise_for_status()
    return httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {answer.json()['access_token']}"})


def _born_children(api: httpx.Client, area: str = "ringparken") -> list[dict[str, Any]]:
    found = api.get("/children", params={"area": area, "limit": 200})
    found.raise_for_status()
    return [c for c in found.json()["items"] if c["birth_date"] and c["name"]]


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state("networkidle")


def test_a_health_visitor_records_a_visit_done_and_it_leaves_todays_list(
    page: Page, live_server: str, today: date
) -> None:
    # Our own visit today, on a child of hv1's caseload, so no other test's changes matter.
    with _api(live_server, "hv1") as api:
        child = _born_children(api)[0]
        created = api.post(f"/children/{child['id']}/visits", json={"target_date": today.isoformat()})
        assert created.status_code == 201, created.text
        visit_id = created.json()["id"]

    _sign_in(page, live_server, "hv1")
    assert page.url.endswith("/my-day")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Min dag")
    row = page.locator(f"#today-visit-{visit_id}")
    expect(row).to_be_visible()
    expect(row).to_contain_text(child["name"])
    screenshot(page, "my_day")
    assert accessibility_violations(page) == []

    row.get_by_role("button", name=re.compile("^Udført")).click()
    expect(page.locator(f"#today-visit-{visit_id}")).to_have_count(0)
    expect(page.locator("#day-status")).to_contain_text("registreret som udført")
    assert page.url.endswith("/my-day"), "recorded inline, without leaving the page"

    page.reload()
    expect(page.locator(f"#today-visit-{visit_id}")).to_have_count(0)
    with _api(live_server, "hv1") as api:
        assert api.get(f"/visits/{visit_id}").json()["status"] == "done"


def test_live_search_finds_a_child_and_links_to_the_childs_page(page: Page, live_server: str) -> None:
    with _api(live_server, "hv1") as api:
        child = _born_children(api)[1]
    _sign_in(page, live_server, "hv1")
    page.goto(f"{live_server}/search")
    page.get_by_label("Navn eller CPR-nummer").press_sequentially(child["name"], delay=20)
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name=child["name"]).first).to_be_visible()
    expect(results).to_contain_text("-XXXX")  # CPR numbers only masked
    screenshot(page, "search")
    assert accessibility_violations(page) == []
    results.get_by_role("link", name=child["name"]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(child["name"])


def test_a_childs_page_shows_the_timeline_picture_and_is_accessible(page: Page, live_server: str) -> None:
    with _api(live_server, "hv1") as api:
        children = _born_children(api)
        child = max(children, key=lambda c: len(api.get(f"/children/{c['id']}/schedule").json()["items"]))
    _sign_in(page, live_server, "hv1")
    page.goto(f"{live_server}/children/{child['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(child["name"])
    picture = page.locator("svg.timeline[role=img]")
    expect(picture).to_be_visible()
    screenshot(page, "child")
    assert accessibility_violations(page) == []
    table = page.get_by_role("table", name="Besøgene i tabelform")
    if not table.is_visible():  # a long schedule folds its table away under a summary
        page.locator(".timeline-details > summary").click()
    expect(table).to_be_visible()
    assert accessibility_violations(page) == []


def test_a_manager_is_refused_a_childs_page(page: Page, live_server: str) -> None:
    with _api(live_server, "hv1") as api:
        child = _born_children(api)[0]
    _sign_in(page, live_server, "mgr1")
    response = page.goto(f"{live_server}/children/{child['id']}")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    expect(page.locator("main")).not_to_contain_text(child["name"])
