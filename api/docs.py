"""The interactive API documentation, served from a vendored Swagger UI (no CDN, no inline script)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import HTMLResponse

STATIC = Path(__file__).resolve().parent / "static"
SWAGGER_UI_VERSION = "5.35.0"  # npm swagger-ui-dist, Apache-2.0

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tidlig indsats API</title>
  <link rel="stylesheet" href="/api/v1/static/swagger/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/v1/static/swagger/swagger-ui-bundle.js"></script>
  <script src="/api/v1/static/swagger/init.js"></script>
</body>
</html>
"""

# Swagger UI renders with style attributes; only this page allows them.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


async def _docs_page(_request: Request) -> HTMLResponse:
    return HTMLResponse(_PAGE, headers={"Content-Security-Policy": DOCS_CSP})


def install_docs(api: FastAPI) -> None:
    """`/docs` and its static files, as plain routes outside the access rules (they hold no data)."""
    api.add_route("/docs", _docs_page, include_in_schema=False)
    api.mount("/static", StaticFiles(directory=STATIC), name="api-static")
