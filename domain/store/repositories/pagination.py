"""Keyset (cursor) pagination: stable order, no OFFSET, and `updated_since` for delta sync."""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, bindparam, or_
from sqlalchemy.sql import Select
from sqlmodel import Session

from domain.errors import ValidationFailed

T = TypeVar("T")
MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        if "d" in value:
            return date.fromisoformat(value["d"])
        if "u" in value:
            return uuid.UUID(value["u"])
        raise ValueError("unknown cursor value")
    return value


def encode_cursor(values: tuple[Any, ...]) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> tuple[Any, ...]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = tuple(_decode_value(v) for v in json.loads(raw))
    except (ValueError, TypeError, json.JSONDecodeError):
        raise ValidationFailed.for_field("cursor", "The cursor is not one this API gave out") from None
    if len(values) != width:
        raise ValidationFailed.for_field("cursor", "The cursor is not one this API gave out")
    return values


def _after(columns: list[Any], values: tuple[Any, ...]) -> ColumnElement[bool]:
    """(c1, c2, ...) > (v1, v2, ...) written out, since row-value comparison differs between databases."""
    clauses = []
    for index, column in enumerate(columns):
        equal_before = [columns[i] == values[i] for i in range(index)]
        clauses.append(and_(*equal_before, column > values[index]))
    return or_(*clauses)


def keyset_page(
    session: Session,
    statement: Select[Any],
    *,
    order_by: list[Any],
    key_of: Any,
    cursor: str | None,
    limit: int,
) -> Page[Any]:
    """One page of `statement` in `order_by` order (the last column must be unique, e.g. the id).

    `key_of(row)` answers the row's values of the order columns, for the next cursor.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.for_field("limit", f"limit must be between 1 and {MAX_LIMIT}")
    if cursor:
        statement = statement.where(_after(order_by, decode_cursor(cursor, len(order_by))))
    rows = list(session.exec(statement.order_by(*order_by).limit(limit + 1)))  # type: ignore[call-overload]
    return page_of(rows, limit=limit, key_of=key_of)


# A statement built once and run many times takes its cursor values and page size as bind parameters
# (the statement of a request with a cursor has `bound_after` in it; one without, not).
PAGE_LIMIT = "page_limit"


def _cursor_key(index: int) -> str:
    return f"after_{index}"


def bound_after(columns: list[Any]) -> ColumnElement[bool]:
    """The keyset condition of `keyset_page` with bind parameters for the cursor's values."""
    return _after(columns, tuple(bindparam(_cursor_key(i)) for i in range(len(columns))))


def bound_page_parameters(cursor: str | None, width: int, limit: int) -> dict[str, Any]:
    """The parameters of a statement built with `bound_after` (when a cursor is given) and a limit of
    `bindparam(PAGE_LIMIT)`: one more row than the page, to tell whether another page follows."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationFailed.for_field("limit", f"limit must be between 1 and {MAX_LIMIT}")
    parameters: dict[str, Any] = {PAGE_LIMIT: limit + 1}
    if cursor:
        parameters.update({_cursor_key(i): v for i, v in enumerate(decode_cursor(cursor, width))})
    return parameters


def page_of(rows: list[T], *, limit: int, key_of: Any) -> Page[T]:
    """The page of `rows` (fetched with one row more than `limit`) and the cursor of the next one."""
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(tuple(key_of(rows[-1]))) if has_more and rows else None
    return Page(items=rows, next_cursor=next_cursor)
