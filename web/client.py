"""A small typed client of the JSON API, so pages never build URLs or parse problems by hand.

In-process through httpx's ASGI transport by default; a remote API when `API_BASE_URL` is set. Every call
carries the signed-in user's token, so the API's access rules and audit apply to the pages too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.types import ASGIApp

JSON = dict[str, Any]


@dataclass
class ApiError(Exception):
    """A problem answer from the API."""

    status: int
    detail: str
    errors: list[dict[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status}: {self.detail}"

    def field_errors(self) -> dict[str, str]:
        """The first message per field, keyed by the field's dotted name."""
        result: dict[str, str] = {}
        for error in self.errors:
            result.setdefault(error.get("field", ""), error.get("message", ""))
        return result


class ApiTransport:
    """Owns the one httpx client of the web app (connection reuse; in-process by default)."""

    def __init__(self, *, api_app: ASGIApp, base_url: str = "") -> None:
        if base_url:
            self.client = httpx.AsyncClient(base_url=base_url.rstrip("/") + "/api/v1", timeout=30)
        else:
            # The API app itself, not the whole site: its paths carry no /api/v1 prefix.
            transport = httpx.ASGITransport(app=api_app)
            self.client = httpx.AsyncClient(transport=transport, base_url="http://api.internal", timeout=30)

    async def close(self) -> None:
        await self.client.aclose()


class Api:
    """The API as one signed-in user (or anonymous, for signing in) sees it."""

    def __init__(self, transport: ApiTransport, *, token: str | None, request_id: str | None) -> None:
        self._client = transport.client
        self._headers: dict[str, str] = {"X-Purpose": "care: staff pages"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        if request_id:
            self._headers["X-Request-ID"] = request_id

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        clean = {k: v for k, v in (params or {}).items() if v is not None and v != ""}
        response = await self._client.request(
            method, path, params=clean, json=json, data=data, headers={**self._headers, **(headers or {})}
        )
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {}
            raise ApiError(
                status=response.status_code,
                detail=str(body.get("detail") or response.reason_phrase),
                errors=list(body.get("errors") or []),
            )
        return response

    async def get(self, path: str, **params: Any) -> Any:
        return (await self._call("GET", path, params=params)).json()

    async def get_text(self, path: str, *, headers: dict[str, str] | None = None, **params: Any) -> str:
        return (await self._call("GET", path, params=params, headers=headers)).text

    async def post(self, path: str, body: Any = None, **params: Any) -> Any:
        response = await self._call("POST", path, json=body, params=params)
        return response.json() if response.content else None

    async def put(self, path: str, body: Any) -> Any:
        return (await self._call("PUT", path, json=body)).json()

    async def patch(self, path: str, body: Any, *, etag: str) -> Any:
        return (await self._call("PATCH", path, json=body, headers={"If-Match": etag})).json()

    async def get_with_etag(self, path: str) -> tuple[Any, str]:
        response = await self._call("GET", path)
        return response.json(), response.headers.get("etag", "")

    async def revoke(self, token: str) -> None:
        """Revoke `token` (RFC 7009), authenticated as the token's own holder: signing out."""
        await self._call("POST", "/auth/revoke", data={"token": token, "token_type_hint": "access_token"})

    async def sign_in(self, username: str, password: str) -> JSON:
        response = await self._call(
            "POST", "/auth/token", data={"grant_type": "password", "username": username, "password": password}
        )
        result: JSON = response.json()
        return result
