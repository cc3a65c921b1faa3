"""The forms in a real browser on the demo municipality: an EPDS with its live total and self-harm alert,
accepting an eligibility suggestion, previewing and confirming an enrolment, marking group attendance,
and the admin's catalog. Each page is screenshotted and checked with axe-core.

Children come from Motalavej (hv1's team), each test its own, so no other test's changes matter."""

from __future__ import annotations

from datetime import date, timedelta
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


def _children(api: httpx.Client) -> list[dict[str, Any]]:
    found = api.get("/children", params={"area": "motalavej", "limit": 200})
    found.raise_for_status()
    return sorted((c for c in found.json()["items"] if c["birth_date"] and c["name"]), key=lambda c: c["id"])


def _sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state("networkidle")


def _answer(page: Page, item: int, position: int) -> None:
    page.locator(f'input[name="item_{item}"][value="{position}"]').check()


def test_an_epds_shows_a_live_total_and_the_self_harm_alert(page: Page, live_server: str, today: date) -> None:
    newborn_age = timedelta(days=120)
    with _api(live_server, "hv1") as api:
        newborns = [c for c in _children(api) if date.fromisoformat(c["birth_date"]) >= today - newborn_age]
        child = newborns[-1]
    _sign_in(page, live_server, "hv1")
    page.goto(f"{live_server}/children/{child['id']}/screenings/new?instrument=EPDS")
    expect(page.get_by_role("heading", level=1)).to_contain_text("EPDS")
    live = page.locator("#live-total")
    expect(live).to_have_attribute("aria-live", "polite")

    _answer(page, 0, 1)  # "Ikke helt så meget nu": 1 point
    expect(page.locator("#total-number")).to_have_text("1")
    _answer(page, 2, 0)  # item 3 is reverse-scored: its first printed answer is 3 points
    expect(page.locator("#total-number")).to_have_text("4")
    expect(live).to_contain_text("Besvarede spørgsmål: 2 af 10")

    page.locator("#item-9").get_by_label("Næsten aldrig").check()  # item 10 above 0
    alert = live.get_by_role("alert")
    expect(alert).to_contain_text("Tanker om selvskade")
    expect(page.locator("#total-number")).to_have_text("5")
    screenshot(page, "screening")
    assert accessibility_violations(page) == []

    page.locator("#item-9").get_by_label("Aldrig", exact=True).check()
    expect(live.get_by_role("alert")).to_have_count(0)
    for item in (1, 3):
        _answer(page, item, 0)
    for item in (4, 5, 6, 7, 8):
        _answer(page, item, 3)
    expect(live).to_contain_text("Besvarede spørgsmål: 10 af 10")
    expect(page.locator("#total-number")).to_have_text("4")
    page.get_by_role("button", name="Gem screening").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Screening gemt")
    expect(page.locator(".total-number")).to_have_text("4")


def test_accepting_an_eligibility_suggestion(page: Page, live_server: str) -> None:
    with _api(live_server, "hv1") as api:
        child = _children(api)[-2]
        suggested = api.get(f"/children/{child['id']}/eligibility").json()["suggested_level"]
    _sign_in(page, live_server, "hv1")
    page.goto(f"{live_server}/children/{child['id']}/eligibility")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vurdering og niveau")
    expect(page.get_by_text("Kriterier, der er opfyldt")).to_be_visible()
    screenshot(page, "eligibility")
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Accepter forslag").click()
    expect(page.get_by_role("status")).to_contain_text(f"Beslutningen er gemt: Niveau {suggested}")
    with _api(live_server, "hv1") as api:
        latest = api.get(f"/children/{child['id']}/level-decisions").json()["items"][-1]
    assert latest["basis"] == "criteria" and latest["level"] == suggested


def test_previewing_and_confirming_an_enrolment(page: Page, live_server: str, today: date) -> None:
    with _api(live_server, "hv1") as api:
        child = next(
            c
            for c in reversed(_children(api)[:-3])
            if "cos_p" not in {e["package_code"] for e in api.get(f"/children/{c['id']}/enrollments").json()["items"]}
        )
    _sign_in(page, live_server, "hv1")
    page.goto(f"{live_server}/children/{child['id']}/enrol")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilmeld en pakke")
    page.get_by_label("Pakke").select_option("cos_p")
    preview = page.locator("#preview")
    expect(preview.locator("table caption")).to_contain_text("COS-P")
    first_start = preview.locator("table caption").inner_text()
    later = today + timedelta(days=21)
    page.get_by_label("Startdato").fill(later.isoformat())
    expect(preview.locator("table caption")).not_to_have_text(first_start)
    expect(preview.locator("tbody tr").first).to_be_visible()
    screenshot(page, "enrol")
    assert accessibility_violations(page) == []

    preview.get_by_role("button", name="Bekræft tilmelding").click()
    page.wait_for_url(f"{live_server}/children/{child['id']}")
    with _api(live_server, "hv1") as api:
        codes = {e["package_code"] for e in api.get(f"/children/{child['id']}/enrollments").json()["items"]}
    assert "cos_p" in codes


def test_marking_attendance_in_the_ringparken_mothers_group_saves_at_once(page: Page, live_server: str) -> None:
    _sign_in(page, live_server, "hv1")
    page.goto(f"{live_server}/groups")
    expect(page.get_by_role("heading", level=1)).to_have_text("Gruppeforløb")
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="Mødregruppe Ringparken efterår").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mødregruppe Ringparken efterår")

    box = page.locator('table.attendance input[type="checkbox"]').first
    was_checked = box.is_checked()
    box.click()
    status = page.locator("#attendance-status")
    expect(status).to_contain_text("Gemt")
    screenshot(page, "groups")
    assert accessibility_violations(page) == []

    page.reload()
    box = page.locator('table.attendance input[type="checkbox"]').first
    assert box.is_checked() is not was_checked, "the click was saved"
    box.click()  # and back again
    expect(page.locator("#attendance-status")).to_contain_text("Gemt")


def test_the_admin_sees_the_catalog_and_the_criteria(page: Page, live_server: str) -> None:
    _sign_in(page, live_server, "admin1")
    page.goto(f"{live_server}/admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    expect(page.get_by_role("heading", name="Pakkekatalog")).to_be_visible()
    expect(page.get_by_role("heading", name="Kriterier", exact=True)).to_be_visible()
    screenshot(page, "admin")
    assert accessibility_violations(page) == []
    page.get_by_role("link", name="Ny version af kriterierne").click()
    expect(page.get_by_label("Definition (JSON)")).to_contain_text('"criteria"')
    assert accessibility_violations(page) == []
