"""The front page in a real browser: htmx is served from our own origin, and the page is accessible."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import accessibility_violations, screenshot


def test_the_front_page_loads_htmx_from_our_own_origin(page: Page, live_server: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server + "/")
    assert page.evaluate("typeof htmx") == "object"
    assert all(url.startswith(live_server) for url in requests), requests
    screenshot(page, "front")


def test_the_front_page_has_no_serious_accessibility_violations(page: Page, live_server: str) -> None:
    page.goto(live_server + "/")
    assert accessibility_violations(page) == []


def test_the_api_documentation_renders_from_our_own_origin(page: Page, live_server: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server + "/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    assert "/auth/token" in page.inner_text("#swagger-ui")
    assert all(url.startswith(live_server) for url in requests), requests
    screenshot(page, "api_docs")
