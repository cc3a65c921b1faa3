"""The report pages in a real browser as the demo's manager: the coverage and cost pages render their charts
and tables, the forms work through htmx, and axe-core finds no serious or critical violations."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import accessibility_violations, screenshot


def sign_in_as(page: Page, live_server: str, username: str, next_path: str) -> None:
    page.goto(f"{live_server}/sign-in?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", "demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}{next_path}*")


def test_a_manager_reads_coverage_against_the_target(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "mgr1", "/reports/coverage")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dækning af besøg")
    chart = page.locator("svg[role=img]#coverage-chart, svg[role=img]").first
    expect(chart).to_be_visible()
    assert page.locator("svg .target-line").count() == 1
    assert page.locator("svg rect.bar").count() >= 1
    expect(page.locator(".report-facts")).to_contain_text("Data opgjort")
    expect(page.locator("#by-area-caption")).to_have_text("Pr. boligområde")
    assert page.locator("a[href^='/reports/coverage/children']").count() == 0, "no drill-down for a manager"
    screenshot(page, "reports_coverage")
    assert accessibility_violations(page) == []


def test_the_coverage_form_changes_the_figures_through_htmx(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "mgr1", "/reports/coverage")
    page.select_option("#package_code", "minding_the_baby")
    expect(page.locator("#visit_kind option[value=mtb_weekly]")).to_be_attached()  # htmx swapped the visits in
    page.select_option("#package_code", "housing_area_extra")
    expect(page.locator("#visit_kind option[value=extra_18_months]")).to_be_attached()
    page.select_option("#visit_kind", "extra_18_months")
    page.click("form.report-form button[type=submit]")
    expect(page.locator("#result-heading")).to_contain_text("1½ år")
    assert "visit_kind=extra_18_months" in page.url
    page.fill("#birth_year", "1066")
    page.click("form.report-form button[type=submit]")
    expect(page.locator("#birth_year-error")).to_be_visible()
    expect(page.locator("#birth_year")).to_have_value("1066")
    assert accessibility_violations(page) == []


def test_a_manager_estimates_what_minding_the_baby_would_cost(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "mgr1", "/reports/cost")
    expect(page.get_by_role("heading", level=1)).to_have_text("Prisberegning")
    expect(page.locator("#hourly_cost_health_visitor")).to_have_value("365")
    page.fill("#placements", "12")
    page.fill("#placement_cost", "1.200.000")
    page.click("form.report-form button[type=submit]")
    expect(page.locator("#result-heading")).to_contain_text("Minding the Baby for 20 familier")
    expect(page.locator(".key-figures")).to_contain_text("3.063.295 kr.")
    expect(page.locator("main")).to_contain_text("2,55 anbringelser")
    assert page.locator("svg rect.bar").count() == 2
    screenshot(page, "reports_cost")
    assert accessibility_violations(page) == []


def test_every_report_page_is_accessible_to_a_manager(page: Page, live_server: str) -> None:
    sign_in_as(page, live_server, "mgr1", "/reports")
    assert accessibility_violations(page) == []
    for path in ("/reports/levels", "/reports/groups", "/reports/fidelity", "/reports/capacity"):
        page.goto(live_server + path)
        expect(page.locator("#result-heading")).to_be_visible()
        assert accessibility_violations(page) == [], path
