"""Pure ASGI middleware (no BaseHTTPMiddleware: it costs a task per request): request ids, access
logs and security headers on every response."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import request_id_var

access_log = logging.getLogger("tidlig_indsats.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


NO_STORE: tuple[bytes, bytes] = (b"cache-control", b"no-store")
# What may be cached: files that are the same for everyone and hold no personal data. Everything else (every API
# answer, every page, every redirect and error) is `no-store`, so no browser or proxy keeps a copy.
_CACHEABLE_PREFIXES = ("/static/", "/api/v1/static/")
_CACHEABLE_PATHS = frozenset({"/api/v1/openapi.json"})


def may_be_cached(path: str) -> bool:
    return path in _CACHEABLE_PATHS or path.startswith(_CACHEABLE_PREFIXES)


class RequestContextMiddleware:
    """Gives each request an id (a caller's well-formed X-Request-ID is kept), echoes it, logs one
    access line, and adds the security headers and, to anything that may carry personal data,
    `Cache-Control: no-store` (replacing what a route set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status_holder = [500]
        no_store = not may_be_cached(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.append((b"x-request-id", request_id.encode()))
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if no_store:
                    headers = [h for h in headers if h[0].lower() != b"cache-control"]
                    headers.append(NO_STORE)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            access_log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),  # never the query string
                    "status": status_holder[0],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )
            request_id_var.reset(token)
