"""RFC 9457 problem responses: the one place domain errors and framework errors become HTTP."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from domain import errors

log = logging.getLogger("tidlig_indsats.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "https://tidlig-indsats.example/problems/"

_STATUS_OF: dict[type[errors.DomainError], int] = {
    errors.ValidationFailed: 422,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Forbidden: 403,
    errors.NotEligible: 422,
    errors.PreconditionFailed: 412,
    errors.PreconditionRequired: 428,
    errors.NotAuthenticated: 401,
    errors.TooManyAttempts: 429,
}

_TITLES: dict[int, str] = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid input",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class ProblemFieldError(BaseModel):
    field: str = Field(examples=["children.0.cpr"])
    message: str = Field(examples=["CPR number must be 10 digits"])


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(examples=[PROBLEM_BASE + "validation-failed"])
    title: str = Field(examples=["Invalid input"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["The request body has 1 invalid field"])
    instance: str | None = None
    request_id: str | None = None
    errors: list[ProblemFieldError] = Field(default_factory=list)


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    detail: str,
    field_errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", None),
        "errors": field_errors or [],
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:] or parts
    return ".".join(parts)


def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.DomainError)
    status = next((s for cls, s in _STATUS_OF.items() if isinstance(exc, cls)), 400)
    field_errors = (
        [{"field": e.field, "message": e.message} for e in exc.errors]
        if isinstance(exc, errors.ValidationFailed)
        else None
    )
    headers: dict[str, str] | None = None
    if isinstance(exc, errors.NotAuthenticated):
        headers = {"WWW-Authenticate": 'Bearer realm="tidlig-indsats"'}
    elif isinstance(exc, errors.TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    return problem_response(
        request, status=status, code=exc.code, detail=exc.detail, field_errors=field_errors, headers=headers
    )


def _request_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    field_errors = [
        {"field": _location(e.get("loc", ())), "message": str(e.get("msg", "invalid"))} for e in exc.errors()
    ]
    count = len(field_errors)
    detail = f"The request has {count} invalid field{'s' if count != 1 else ''}: " + ", ".join(
        e["field"] or "body" for e in field_errors[:5]
    )
    return problem_response(request, status=422, code="validation-failed", detail=detail, field_errors=field_errors)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    code = _TITLES.get(exc.status_code, "error").lower().replace(" ", "-")
    return problem_response(
        request, status=exc.status_code, code=code, detail=detail, headers=getattr(exc, "headers", None)
    )


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The traceback goes to the log under the request id; the caller gets no internals.
    log.error("unhandled error", exc_info=exc)
    return problem_response(
        request,
        status=500,
        code="internal-error",
        detail="An unexpected error occurred; quote the request id when reporting it",
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Map every error to a problem response, once, for one FastAPI app."""
    app.add_exception_handler(errors.DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": _TITLES[status]}
    for status in (401, 403, 404, 409, 412, 422, 428)
}
