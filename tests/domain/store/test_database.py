"""The engines' per-connection settings: what the benchmarks showed requests and reports need.

CI runs the suite once on SQLite and once on PostgreSQL, so each branch is checked in one of the runs.
"""

from __future__ import annotations

from sqlalchemy import text

from domain.store.database import Database


def _settings(database: Database, statements: dict[str, str]) -> dict[str, object]:
    with database.session(write=False) as session:
        return {name: session.execute(text(sql)).scalar_one() for name, sql in statements.items()}


def test_connections_carry_the_settings_of_their_database(database: Database) -> None:
    if database.is_sqlite:
        found = _settings(database, {"journal": "PRAGMA journal_mode", "foreign_keys": "PRAGMA foreign_keys"})
        assert found == {"journal": "wal", "foreign_keys": 1}
    else:
        # Short request queries: no parallel plans (they compete for the cores) and no JIT (0.4-0.7 s of
        # compilation per report statement at national size).
        found = _settings(database, {"parallel": "SHOW max_parallel_workers_per_gather", "jit": "SHOW jit"})
        assert found == {"parallel": "0", "jit": "off"}
