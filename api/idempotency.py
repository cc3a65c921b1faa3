"""`Idempotency-Key` on POST (IETF draft "The Idempotency-Key HTTP Header Field"): a repeat returns the
first answer and creates nothing twice; a repeat while the first is running gets 409; the same key with
another body gets 422. Keys are scoped to the authenticated caller and kept 24 hours.

A repeat is not answered from here: it goes through the app with the stored answer attached to the request
(`REPLAY_SCOPE_KEY`), so the operation's access rule runs again (`api/deps.py::authorize`: the token must still
be valid and not revoked, the caller active, and still allowed to see the person) and the look is audited as a
read marked as a replay. Only then does `authorize` raise the `StoredAnswer`, which this middleware sends; the
handler itself never runs twice."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.tokens import TokenError
from domain.store.database import Database
from domain.store.repositories import idempotency as repo

_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_KEPT_HEADERS = ("content-type", "location", "etag")
# Answers holding a secret are never stored: the token endpoint and the calendar-feed token; nor is revocation,
# which is idempotent by itself.
_SKIP_PATHS = ("/auth/token", "/auth/revoke", "/calendar-feed")
PROBLEM_BASE = "https://tidlig-indsats.example/problems/"
REPLAY_SCOPE_KEY = "tidlig_indsats.stored_answer"
REPLAY_DETAILS: dict[str, Any] = {"idempotent_replay": True}
_PERSON_LOCATION = re.compile(r"^/api/v1/(families|children)/([0-9a-fA-F-]{36})$")


class StoredAnswer(Exception):  # not an error: the answer to send
    """The first answer to a repeated POST; raised by `authorize` once the access rule allowed the repeat."""

    def __init__(self, status: int, body: str, headers: dict[str, str]) -> None:
        super().__init__("stored answer")
        self.status = status
        self.body = body
        self.headers = headers

    @property
    def shows_data(self) -> bool:
        """A success carries the resource; a stored problem carries no one's data."""
        return 200 <= self.status < 300

    def persons(self, route_path: str) -> list[tuple[str, uuid.UUID]]:
        """The persons whose data the answer shows but the path does not name: the family or child a create
        made (its Location), the families of a bulk upsert, the child added to a course."""
        if not self.shows_data:
            return []
        found: list[tuple[str, uuid.UUID]] = []
        location = _PERSON_LOCATION.match(self.headers.get("location", ""))
        if location:
            found.append(("family" if location.group(1) == "families" else "child", uuid.UUID(location.group(2))))
        try:
            body = json.loads(self.body) if route_path in _BODY_PERSONS else None
        except ValueError:
            body = None
        if route_path == "/bulk/families" and isinstance(body, dict):
            found += [("family", uuid.UUID(item["id"])) for item in body.get("items", []) if item.get("id")]
        if route_path == "/group-courses/{course_id}/participants" and isinstance(body, dict) and body.get("child_id"):
            found.append(("child", uuid.UUID(str(body["child_id"]))))
        return list(dict.fromkeys(found))


_BODY_PERSONS = frozenset({"/bulk/families", "/group-courses/{course_id}/participants"})


def _problem(status: int, code: str, title: str, detail: str) -> bytes:
    return json.dumps(
        {"type": PROBLEM_BASE + code, "title": title, "status": status, "detail": detail, "errors": []}
    ).encode()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        key = headers.get(b"idempotency-key", b"").decode("latin-1")
        if not key or scope["path"].endswith(_SKIP_PATHS):
            await self.app(scope, receive, send)
            return
        if not _VALID_KEY.match(key):
            await _send(
                send,
                400,
                _problem(
                    400, "bad-idempotency-key", "Bad request", "Idempotency-Key must be 1-255 visible ASCII characters"
                ),
            )
            return
        principal = self._principal(scope, headers)
        if principal is None:  # no valid token: authorisation answers 401 as usual
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        body_hash = hashlib.sha256(body).hexdigest()
        database: Database = scope["app"].state.database
        outcome = await to_thread.run_sync(self._claim, database, principal, key, scope, body_hash)
        if outcome == "busy":
            await _send(
                send,
                409,
                _problem(
                    409,
                    "idempotency-conflict",
                    "Conflict",
                    "A request with this Idempotency-Key is still being processed",
                ),
            )
            return
        if outcome == "mismatch":
            await _send(
                send,
                422,
                _problem(
                    422,
                    "idempotency-key-reused",
                    "Invalid input",
                    "This Idempotency-Key was used with a different request body",
                ),
            )
            return

        async def replay_receive() -> Message:
            nonlocal body
            chunk, body = body, b""
            return {"type": "http.request", "body": chunk, "more_body": False}

        if isinstance(outcome, tuple):
            status, stored_body, stored_headers = outcome
            stored = StoredAnswer(status, stored_body, {k.lower(): str(v) for k, v in stored_headers.items()})
            try:
                # The access rule runs again; it raises the stored answer if the caller may still have it.
                await self.app({**scope, REPLAY_SCOPE_KEY: stored}, replay_receive, send)
            except StoredAnswer as allowed:
                extra = [(k.encode(), v.encode()) for k, v in allowed.headers.items()]
                await _send(send, allowed.status, allowed.body.encode(), [*extra, (b"idempotent-replayed", b"true")])
            return
        captured: dict[str, Any] = {"status": 500, "headers": {}, "body": b""}

        async def capture_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = {
                    name.decode("latin-1"): value.decode("latin-1")
                    for name, value in message.get("headers", [])
                    if name.decode("latin-1").lower() in _KEPT_HEADERS
                }
            elif message["type"] == "http.response.body":
                captured["body"] += message.get("body", b"")
            await send(message)

        try:
            await self.app(scope, replay_receive, capture_send)
        finally:
            await to_thread.run_sync(self._finish, database, principal, key, captured)

    @staticmethod
    def _principal(scope: Scope, headers: dict[bytes, bytes]) -> str | None:
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        if not authorization.lower().startswith("bearer "):
            return None
        verifiers = scope["app"].state.token_verifiers
        try:
            claims = verifiers.local.verify(authorization[7:].strip())
        except TokenError:
            if verifiers.external is None:
                return None
            try:
                claims = verifiers.external.verify(authorization[7:].strip())
            except TokenError:
                return None
        return str(claims["sub"])

    @staticmethod
    def _claim(database: Database, principal: str, key: str, scope: Scope, body_hash: str) -> Any:
        with database.session(write=True) as session:
            record = repo.find(session, principal, key)
            if record is None:
                if not repo.claim(
                    session, principal=principal, key=key, method="POST", path=scope["path"], body_hash=body_hash
                ):
                    return "busy"
                session.commit()
                return "claimed"
            session.commit()
            if record.body_hash != body_hash or record.path != scope["path"]:
                return "mismatch"
            if record.state != "done":
                return "busy"
            return (record.status_code or 200, record.response_body or "", dict(record.response_headers))

    @staticmethod
    def _finish(database: Database, principal: str, key: str, captured: dict[str, Any]) -> None:
        with database.session(write=True) as session:
            if captured["status"] >= 500 or captured["status"] == 401:
                # A failure is not an answer worth repeating, nor is a token refused (revoked, or its account
                # deactivated): the caller may retry with the same key, e.g. after signing in again.
                repo.release(session, principal=principal, key=key)
            else:
                repo.complete(
                    session,
                    principal=principal,
                    key=key,
                    status=captured["status"],
                    body=captured["body"].decode("utf-8", "replace"),
                    headers=captured["headers"],
                )
            session.commit()


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _send(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    content_type = b"application/json" if headers else b"application/problem+json"
    base = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if headers and any(name == b"content-type" for name, _ in headers):
        base = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": base + (headers or [])})
    await send({"type": "http.response.body", "body": body})
