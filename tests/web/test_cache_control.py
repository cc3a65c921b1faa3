"""No personal data in caches: every page (over the web app's route table) is `Cache-Control: no-store`; only
the static files may be cached."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.api.test_access_matrix import _shared_child
from tests.factories import World
from tests.web.test_sign_in import sign_in
from web.routes import ROUTERS

VALUES = {"code": "universal", "report": "levels", "screening_id": str(uuid.uuid4())}
QUERIES = {"/reports/coverage/children": "?package_code=universal&visit_kind=establishment"}


def _page_paths() -> list[str]:
    """Every page: the web app's routers are included without a prefix (FastAPI keeps them opaque in the app)."""
    routes = [route for router in ROUTERS for route in router.routes]
    return ["/", *(route.path for route in routes if isinstance(route, APIRoute) and "GET" in route.methods)]


def test_every_page_a_signed_in_user_opens_is_no_store(client: TestClient, world: World, today: date) -> None:
    ids = {**_shared_child(world, today).values, **VALUES}
    paths = _page_paths()
    assert len(paths) >= 20, "the route table of the pages"
    answers: dict[str, tuple[int, str | None]] = {}
    for username in ("hv1", "admin1"):
        sign_in(client, username)
        for path in paths:
            if path.startswith("/admin") != (username == "admin1"):
                continue
            url = path
            for name, value in ids.items():
                url = url.replace("{" + name + "}", value)
            assert "{" not in url, url
            response = client.get(url + QUERIES.get(path, ""), follow_redirects=False)
            answers[path] = (response.status_code, response.headers.get("cache-control"))
    assert {path: answer for path, answer in answers.items() if answer[1] != "no-store"} == {}
    # The front page redirects; a made-up screening id is a page that does not exist (both no-store too).
    assert {path: status for path, (status, _) in answers.items() if status != 200} == {
        "/": 303,
        "/children/{child_id}/screenings/{screening_id}": 404,
    }


def test_signed_out_pages_and_redirects_are_no_store_and_static_files_are_not(client: TestClient) -> None:
    for url in ("/", "/sign-in", "/my-day", "/children/not-an-id"):
        assert client.get(url, follow_redirects=False).headers["cache-control"] == "no-store", url
    static = client.get("/static/app.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("cache-control", "")
