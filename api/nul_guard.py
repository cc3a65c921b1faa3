"""Refuse text with NUL (0x00) characters before anything parses or stores it.

PostgreSQL text cannot hold NUL, so such a value would fail deep in a statement as a server error (found by
Schemathesis on POST /group-courses); no field of ours has a use for it. The guard looks at the query
string and the body as sent: a raw NUL, a JSON escape `\\u0000` or a form/URL escape `%00`.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response

_ENCODED_NUL = re.compile(rb"\x00|%00|(?<!\\)\\u0000", re.IGNORECASE)
DETAIL = "Text may not contain NUL (0x00) characters"


def carries_nul(data: bytes) -> bool:
    """Whether raw, URL-encoded or JSON-escaped NUL is in `data` (an escaped backslash before u0000 is not)."""
    return _ENCODED_NUL.search(data) is not None


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if carries_nul(scope.get("query_string", b"")):
            await self._refuse(scope, receive, send, "query")
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if carries_nul(body):
            await self._refuse(scope, receive, send, "body")
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, where: str) -> None:
        request = Request(scope, receive)
        response = problem_response(
            request,
            status=422,
            code="validation-failed",
            detail=DETAIL,
            field_errors=[{"field": where, "message": DETAIL}],
        )
        await response(scope, receive, send)
