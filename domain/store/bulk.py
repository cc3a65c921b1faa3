"""Executemany of many rows at close to the driver's own speed.

`session.execute(insert(table), rows)` is already one executemany, but SQLAlchemy then builds a
parameter dict for every row and runs each column's bind processor on every value, which on a batch
of family rows costs twice what the driver itself spends. Here the statement is plain driver SQL
with positional parameters, and values are converted column by column with the same processors
SQLAlchemy would use (so what is stored is identical), remembering the converted value of repeated
dates and timestamps (a batch stamps all its rows with one `now`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, DateTime, Table
from sqlalchemy.engine import Dialect
from sqlmodel import Session


@dataclass(frozen=True, slots=True)
class DriverStatement:
    """SQL in the driver's parameter style and its rows as tuples of driver values."""

    sql: str
    rows: list[tuple[Any, ...]]


def _placeholder(dialect: Dialect) -> str:
    return "?" if dialect.paramstyle == "qmark" else "%s"


def _converter(table: Table, key: str, dialect: Dialect) -> Callable[[Any], Any] | None:
    column_type = table.c[key].type
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return None
    python_type = getattr(column_type, "impl", column_type)
    if not isinstance(python_type, Date | DateTime):
        return processor
    converted: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        try:
            return converted[value]
        except KeyError:
            result = converted[value] = processor(value)
            return result

    return remembered


def _columns(table: Table, keys: Sequence[str], rows: Sequence[dict[str, Any]], dialect: Dialect) -> list[list[Any]]:
    out = []
    for key in keys:
        convert = _converter(table, key, dialect)
        values = [row[key] for row in rows]
        out.append([convert(v) for v in values] if convert else values)
    return out


def insert_rows(table: Table, rows: Sequence[dict[str, Any]], dialect: Dialect) -> DriverStatement:
    """An INSERT of `rows`, which must all have the keys of the first."""
    keys = list(rows[0])
    quote = dialect.identifier_preparer.quote
    marks = ", ".join([_placeholder(dialect)] * len(keys))
    sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) VALUES ({marks})"  # noqa: S608 (names from our own table)
    return DriverStatement(sql, list(zip(*_columns(table, keys, rows, dialect), strict=True)))


def update_rows_by_id(
    table: Table, columns: Sequence[str], rows: Sequence[dict[str, Any]], dialect: Dialect
) -> DriverStatement:
    """An UPDATE of `columns` for each row, found by its `id`."""
    quote = dialect.identifier_preparer.quote
    mark = _placeholder(dialect)
    assignments = ", ".join(f"{quote(c)} = {mark}" for c in columns)
    sql = f"UPDATE {quote(table.name)} SET {assignments} WHERE {quote('id')} = {mark}"  # noqa: S608
    keys = [*columns, "id"]
    return DriverStatement(sql, list(zip(*_columns(table, keys, rows, dialect), strict=True)))


def execute(session: Session, statement: DriverStatement) -> None:
    """Run the statement once per row as one executemany on the session's connection."""
    if statement.rows:
        session.connection().exec_driver_sql(statement.sql, statement.rows)
