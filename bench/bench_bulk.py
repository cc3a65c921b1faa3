"""Bulk upsert of families: our path against raw DBAPI `executemany` of the same rows, as ratios.

Run: `python -m bench.bench_bulk [--families 50000] [--database-url URL]`. Builds N realistic families
(1-2 members, 1-2 children, some risk factors, CPR numbers on most) as the API's JSON payloads, then,
each into a fresh migrated database (SQLite files in a temporary directory, or PostgreSQL databases
named `bulk_bench_*` on the server of `--database-url`, dropped afterwards), measures:

  ceiling   raw DBAPI executemany of exactly the rows the service writes (family, family_member,
            child, risk_factor; planned and converted to driver values before the clock starts),
            one transaction per 1,000 families;
  service   `domain.services.families.upsert_families` in batches of 1,000, one commit per batch;
  http      `POST /api/v1/bulk/families` on the real ASGI app through httpx's ASGITransport, with a
            client_credentials token: JSON parsing, validation, audit events and the answer included;

then, for service and http, the same batches again (all unchanged) and with 10 % of the families
changed. The paths take turns batch by batch, so load from other processes affects them alike.
Every figure is families/s and its ratio to the ceiling of the same run.
Targets: service and http >= 40 % of the ceiling; 50,000 families in <= 10 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.app import create_app
from api.routers.families import family_data
from api.schemas.families import FamilyIn
from domain.clock import copenhagen_today
from domain.rules.cpr import fictional_cpr, parse_cpr
from domain.services import families, organisation
from domain.services.actors import ALL_SCOPES
from domain.services.catalog import current_criteria, ensure_default_catalog
from domain.settings import Settings
from domain.store.bulk import DriverStatement, insert_rows
from domain.store.database import Database
from domain.store.migrations import upgrade_to_head
from domain.store.repositories.families import FamilyWrites, child_table, family_table, member_table, risk_table

BATCH = 1000
RATIO_TARGET = 0.40
SECONDS_TARGET_50K = 10.0
CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-client-secret-0123456789"  # noqa: S105 (a throwaway database's client)
AREAS = [(f"area-{n:02d}", n % 4 == 0) for n in range(12)]  # (code, designated)
TEAMS = ["team-nord", "team-syd", "team-vest"]


# --- data ------------------------------------------------------------------------------------------


class CprSource:
    """Distinct fictional CPR numbers: 1,000 per birth date (500 serials for each sex)."""

    def __init__(self) -> None:
        self._used: dict[date, int] = {}

    def take(self, born: date) -> str:
        """A free number for this birth date, or (when its 1,000 are used) for the next free day."""
        for _ in range(1000):
            count = self._used.get(born, 0)
            if count < 1000:
                self._used[born] = count + 1
                return fictional_cpr(born, count % 500, female=count < 500)
            born += timedelta(days=1)
        raise RuntimeError("out of CPR numbers")


def make_payloads(count: int, seed: int, facts: list[str], cprs: CprSource) -> list[dict[str, Any]]:
    """Families as a case system sends them: shares follow a municipality's caseload."""
    rng = random.Random(seed)
    today = copenhagen_today()
    payloads: list[dict[str, Any]] = []
    for n in range(count):
        members = []
        if rng.random() < 0.95:
            members.append({"role": "mother", "name": f"Mor {n}"})
        if rng.random() < 0.65 or not members:
            members.append({"role": rng.choice(["father", "father", "co_parent"]), "name": f"Far {n}"})
        for member in members:
            if rng.random() < 0.9:
                member["cpr"] = cprs.take(date(1975, 1, 1) + timedelta(days=rng.randrange(30 * 365)))
        children = []
        for c in range(1 if rng.random() < 0.8 else 2):
            child: dict[str, Any] = {"external_id": f"B-{n}-{c}"}
            if rng.random() < 0.85:  # born: birth date, most with CPR, some with discharge
                born = today - timedelta(days=rng.randrange(3 * 365))
                child |= {
                    "birth_date": born.isoformat(),
                    "due_date": (born + timedelta(days=rng.randint(-14, 21))).isoformat(),
                }
                if rng.random() < 0.95:
                    child["cpr"] = cprs.take(born)
                    child["name"] = f"Barn {n}-{c}"
                if rng.random() < 0.4:
                    child["discharge_date"] = (born + timedelta(days=rng.randint(0, 4))).isoformat()
            else:  # pregnancy
                child["due_date"] = (today + timedelta(days=rng.randrange(1, 250))).isoformat()
            children.append(child)
        payload: dict[str, Any] = {
            "source_system": "esdh",
            "external_id": f"FAM-{n:07d}",
            "area": rng.choice(AREAS)[0] if rng.random() < 0.9 else None,
            "address": f"Vej {rng.randrange(1, 200)}, {rng.randrange(1000, 9999)}",
            "members": members,
            "children": children,
        }
        if rng.random() < 0.1:
            payload["team"] = rng.choice(TEAMS)
        if rng.random() < 0.8:  # the rest leave risk factors out ("as they are")
            payload["risk_factors"] = rng.sample(facts, rng.choices([0, 1, 2, 3], [70, 18, 8, 4])[0])
        payloads.append(payload)
    return payloads


def changed_payloads(
    payloads: list[dict[str, Any]], seed: int, cprs: CprSource, share: float = 0.10
) -> list[dict[str, Any]]:
    """A copy in which `share` of the families changed: a move, a birth or a new partner."""
    rng = random.Random(seed)
    out = json.loads(json.dumps(payloads))
    for payload in rng.sample(out, int(len(out) * share)):
        kind = rng.randrange(3)
        unborn = [c for c in payload["children"] if "birth_date" not in c]
        if kind == 1 and unborn:
            born = date.fromisoformat(unborn[0]["due_date"]) - timedelta(days=rng.randint(0, 10))
            cpr = cprs.take(born)
            unborn[0] |= {"birth_date": parse_cpr(cpr).birth_date.isoformat(), "cpr": cpr, "name": "Nyfødt"}
        elif kind == 2:
            payload["members"] = [*payload["members"][:1], {"role": "co_parent", "name": "Ny partner"}]
        else:
            payload["address"] = f"Ny vej {rng.randrange(1, 200)}"
    return out


def batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def progress(label: str, done: int, total: int, started: float) -> None:
    """A progress bar on a terminal; only the final line when the output goes to a file."""
    if done < total and not sys.stdout.isatty():
        return
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed else 0.0
    bar = "#" * int(30 * done / total)
    print(f"\r  {label:<26} [{bar:<30}] {done:>8,}/{total:,} {rate:>9,.0f}/s", end="", flush=True)
    if done == total:
        print()


# --- databases -------------------------------------------------------------------------------------


class Databases:
    """Fresh migrated databases: SQLite files in a temporary directory, or `bulk_bench_*` on PostgreSQL."""

    def __init__(self, url: str | None) -> None:
        self.postgres = bool(url and url.startswith("postgresql"))
        self.url = url or ""
        self.workdir = Path(tempfile.mkdtemp(prefix="bulk_bench_"))
        self.created: list[str] = []

    def _admin(self) -> Any:
        return create_engine(make_url(self.url).set(database="postgres"), isolation_level="AUTOCOMMIT")

    def fresh(self, name: str) -> Database:
        if self.postgres:
            dbname = f"bulk_bench_{name}"
            engine = self._admin()
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{dbname}"'))
            engine.dispose()
            self.created.append(dbname)
            url = make_url(self.url).set(database=dbname).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{self.workdir / f'bulk_bench_{name}.sqlite3'}"
        upgrade_to_head(url)
        database = Database(url)
        with database.session(write=True) as session:
            ensure_default_catalog(session)
            team_ids = [organisation.create_team(session, code=code, name=code).id for code in TEAMS]
            for n, (code, designated) in enumerate(AREAS):
                organisation.create_area(
                    session, code=code, name=code, designated=designated, team_id=team_ids[n % len(team_ids)]
                )
            organisation.create_client(
                session, client_id=CLIENT_ID, name="Bench", secret=CLIENT_SECRET, scopes=sorted(ALL_SCOPES)
            )
            session.commit()
        return database

    def close(self) -> None:
        if self.created:
            engine = self._admin()
            with engine.connect() as connection:
                for dbname in self.created:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
            engine.dispose()
        shutil.rmtree(self.workdir, ignore_errors=True)


# --- the ceiling: raw executemany ------------------------------------------------------------------


def _raw_statements(database: Database, writes: FamilyWrites) -> list[DriverStatement]:
    """The batch's inserts as driver SQL and driver values (converted as SQLAlchemy would)."""
    dialect = database.write_engine.dialect
    tables = (
        (family_table, writes.family_inserts),
        (member_table, writes.member_inserts),
        (child_table, writes.child_inserts),
        (risk_table, writes.risk_inserts),
    )
    return [insert_rows(table, rows, dialect) for table, rows in tables if rows]


def plan_rows(database: Database, items: list[families.UpsertItem]) -> list[list[DriverStatement]]:
    """What the service would write into an empty database, per batch, without writing it."""
    prepared = []
    today = copenhagen_today()
    with database.session(write=False) as session:
        for batch in batches(items):
            outcomes, writes, _ = families.plan_upsert(session, batch, today=today)
            assert all(o.status == "created" for o in outcomes), "the generated families are all valid"
            prepared.append(_raw_statements(database, writes))
    return prepared


class RawPath:
    """The ceiling: one transaction per batch of prepared driver rows on a raw DBAPI connection."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.connection = database.write_engine.raw_connection()

    def run(self, statements: list[DriverStatement]) -> float:
        started = time.perf_counter()
        cursor = self.connection.cursor()
        if self.database.is_sqlite:
            cursor.execute("BEGIN IMMEDIATE")  # the driver is in autocommit mode (see database.py)
        for statement in statements:
            cursor.executemany(statement.sql, statement.rows)
        self.connection.commit()
        cursor.close()
        return time.perf_counter() - started

    def close(self) -> None:
        self.connection.close()
        self.database.dispose()


class ServicePath:
    """`upsert_families` in one write session and one commit per batch."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def run(self, batch: list[families.UpsertItem], expect: str | None) -> float:
        started = time.perf_counter()
        with self.database.session(write=True) as session:
            outcomes = families.upsert_families(session, batch, today=copenhagen_today())
            session.commit()
        elapsed = time.perf_counter() - started
        assert not any(o.status == "error" for o in outcomes), [o for o in outcomes if o.status == "error"][:3]
        if expect:
            assert all(o.status == expect for o in outcomes), {o.status for o in outcomes}
        return elapsed

    def close(self) -> None:
        self.database.dispose()


class HttpPath:
    """`POST /api/v1/bulk/families` on the whole ASGI app (middleware included) through httpx."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.settings = Settings(
            environment="test",
            data_dir=Path(tempfile.mkdtemp(prefix="bulk_bench_data_")),
            signing_key="bench-signing-key-that-is-long-enough-0123456789",
            demo_data=False,
            log_level="WARNING",
        )
        self.loop = asyncio.new_event_loop()
        app = create_app(settings=self.settings, database=database)
        self.client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
        answer = self.loop.run_until_complete(
            self.client.post(
                "/api/v1/auth/token",
                data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
            )
        )
        answer.raise_for_status()
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}", "Content-Type": "application/json"}

    def run(self, body: bytes, expect: str | None) -> float:
        started = time.perf_counter()
        response = self.loop.run_until_complete(
            self.client.post("/api/v1/bulk/families", content=body, headers=self.headers)
        )
        result = response.json()
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.text[:500]
        assert result["failed"] == 0, result["items"][:3]
        if expect:
            assert result[expect] == len(result["items"]), {k: result[k] for k in ("created", "updated")}
        return elapsed

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()
        self.database.dispose()
        shutil.rmtree(self.settings.data_dir, ignore_errors=True)


# --- the report ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.bench_bulk", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", type=int, default=50_000, help="families to load (default 50,000)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server URL (databases bulk_bench_* are created on it); default: SQLite files",
    )
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--skip-http", action="store_true", help="measure the ceiling and the service only")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the service's create pass to FILE")
    args = parser.parse_args(argv)

    pool = Databases(args.database_url)
    try:
        report(pool, args)
    finally:
        pool.close()


def report(pool: Databases, args: argparse.Namespace) -> None:
    count = args.families
    print(f"bulk upsert of {count:,} families on {'PostgreSQL' if pool.postgres else 'SQLite'}, batches of {BATCH:,}")
    raw = RawPath(pool.fresh("raw"))
    with raw.database.session(write=False) as session:
        facts = sorted(current_criteria(session).fact_codes())
    cprs = CprSource()
    payloads = make_payloads(count, args.seed, facts, cprs)
    changed = changed_payloads(payloads, args.seed + 1, cprs)
    rows = sum(1 + len(p["members"]) + len(p["children"]) + len(p.get("risk_factors") or ()) for p in payloads)
    print(f"  {rows:,} rows ({rows / count:.2f} per family)")
    # Everything a path gets is ready before the clock starts: driver rows for the ceiling, domain
    # data for the service, JSON bytes for HTTP.
    items = list(batches([_item(p) for p in payloads]))
    changed_items = list(batches([_item(p) for p in changed]))
    bodies = [json.dumps(batch).encode() for batch in batches(payloads)]
    changed_bodies = [json.dumps(batch).encode() for batch in batches(changed)]
    prepared = plan_rows(raw.database, [item for batch in items for item in batch])
    service = ServicePath(pool.fresh("service"))
    http = None if args.skip_http else HttpPath(pool.fresh("http"))

    # The paths take turns batch by batch, so a machine busy with other work slows all of them alike
    # and the ratios stay comparable.
    seconds: dict[str, float] = {}

    def add(label: str, elapsed: float) -> None:
        seconds[label] = seconds.get(label, 0.0) + elapsed

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    started = time.perf_counter()
    for number, (statements, batch, body) in enumerate(zip(prepared, items, bodies, strict=True)):
        add("ceiling: raw executemany", raw.run(statements))
        if profiler:
            profiler.enable()
        add("service: create", service.run(batch, "created"))
        if profiler:
            profiler.disable()
        if http:
            add("http: create", http.run(body, "created"))
        progress("create", min((number + 1) * BATCH, count), count, started)
    started = time.perf_counter()
    for number, (batch, body) in enumerate(zip(items, bodies, strict=True)):
        add("service: unchanged", service.run(batch, "unchanged"))
        if http:
            add("http: unchanged", http.run(body, "unchanged"))
        progress("unchanged", min((number + 1) * BATCH, count), count, started)
    started = time.perf_counter()
    for number, (batch, body) in enumerate(zip(changed_items, changed_bodies, strict=True)):
        add("service: 10 % changed", service.run(batch, None))
        if http:
            add("http: 10 % changed", http.run(body, None))
        progress("10 % changed", min((number + 1) * BATCH, count), count, started)
    raw.close()
    service.close()
    if http:
        http.close()
    if profiler:
        profiler.dump_stats(args.profile)

    ceiling = seconds["ceiling: raw executemany"]
    print()
    print(f"{'path':<26} {'seconds':>8} {'families/s':>11} {'ratio':>7}")
    order = ["ceiling: raw executemany", "service: create", "http: create", "service: unchanged", "http: unchanged"]
    order += ["service: 10 % changed", "http: 10 % changed"]
    for label in order:
        if label in seconds:
            taken = seconds[label]
            print(f"{label:<26} {taken:>8.2f} {count / taken:>11,.0f} {ceiling / taken:>7.0%}")
    print()
    scale = 50_000 / count
    for label in ("service: create", "http: create"):
        if label in seconds:
            ratio = ceiling / seconds[label]
            verdict = "met" if ratio >= RATIO_TARGET else "NOT met"
            print(f"target {label}: >= {RATIO_TARGET:.0%} of raw executemany: {ratio:.0%} ({verdict})")
            projected = seconds[label] * scale
            verdict = "met" if projected <= SECONDS_TARGET_50K else "NOT met"
            print(f"target {label}: 50,000 families <= {SECONDS_TARGET_50K:.0f} s: {projected:.1f} s ({verdict})")


def _item(payload: dict[str, Any]) -> families.UpsertItem:
    body = FamilyIn.model_validate(payload)
    return families.UpsertItem(family_data(body), risk_factors_given=body.risk_factors is not None)


if __name__ == "__main__":
    main()
