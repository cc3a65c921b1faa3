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
changed. Every figure is families/s and its ratio to the ceiling of the same run.
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
from domain.rules.cpr import fictional_cpr, parse_cpr
from domain.rules.visit_state import copenhagen_today
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


def run_raw(database: Database, prepared: list[list[DriverStatement]], families_count: int) -> float:
    connection = database.write_engine.raw_connection()
    try:
        started = time.perf_counter()
        done = 0
        for statements in prepared:
            cursor = connection.cursor()
            if database.is_sqlite:
                cursor.execute("BEGIN IMMEDIATE")  # the driver is in autocommit mode (see database.py)
            for statement in statements:
                cursor.executemany(statement.sql, statement.rows)
            connection.commit()
            cursor.close()
            done = min(done + BATCH, families_count)
            progress("ceiling: raw executemany", done, families_count, started)
        return time.perf_counter() - started
    finally:
        connection.close()


# --- our paths -------------------------------------------------------------------------------------


def run_service(database: Database, items: list[families.UpsertItem], label: str, expect: str | None) -> float:
    today = copenhagen_today()
    started = time.perf_counter()
    done = 0
    for batch in batches(items):
        with database.session(write=True) as session:
            outcomes = families.upsert_families(session, batch, today=today)
            session.commit()
        assert not any(o.status == "error" for o in outcomes), [o for o in outcomes if o.status == "error"][:3]
        if expect:
            assert all(o.status == expect for o in outcomes), {o.status for o in outcomes}
        done += len(batch)
        progress(label, done, len(items), started)
    return time.perf_counter() - started


def run_http(database: Database, bodies: list[bytes], count: int, label: str, expect: str | None) -> float:
    settings = Settings(
        environment="test",
        data_dir=Path(tempfile.mkdtemp(prefix="bulk_bench_data_")),
        signing_key="bench-signing-key-that-is-long-enough-0123456789",
        demo_data=False,
        log_level="WARNING",
    )
    app = create_app(settings=settings, database=database)

    async def go() -> float:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            answer = await client.post(
                "/api/v1/auth/token",
                data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
            )
            answer.raise_for_status()
            headers = {"Authorization": f"Bearer {answer.json()['access_token']}", "Content-Type": "application/json"}
            started = time.perf_counter()
            done = 0
            for body in bodies:
                response = await client.post("/api/v1/bulk/families", content=body, headers=headers)
                assert response.status_code == 200, response.text[:500]
                result = response.json()
                assert result["failed"] == 0, result["items"][:3]
                if expect:
                    assert result[expect] == len(result["items"]), {k: result[k] for k in ("created", "updated")}
                done = min(done + BATCH, count)
                progress(label, done, count, started)
            return time.perf_counter() - started

    try:
        return asyncio.run(go())
    finally:
        shutil.rmtree(settings.data_dir, ignore_errors=True)


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
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the service load to FILE")
    args = parser.parse_args(argv)

    pool = Databases(args.database_url)
    try:
        report(pool, args)
    finally:
        pool.close()


def report(pool: Databases, args: argparse.Namespace) -> None:
    count = args.families
    print(f"bulk upsert of {count:,} families on {'PostgreSQL' if pool.postgres else 'SQLite'}, batches of {BATCH:,}")
    raw_db = pool.fresh("raw")
    with raw_db.session(write=False) as session:
        facts = sorted(current_criteria(session).fact_codes())
    cprs = CprSource()
    payloads = make_payloads(count, args.seed, facts, cprs)
    changed = changed_payloads(payloads, args.seed + 1, cprs)
    items = [_item(p) for p in payloads]
    changed_items = [_item(p) for p in changed]
    rows = sum(1 + len(p["members"]) + len(p["children"]) + len(p.get("risk_factors") or ()) for p in payloads)
    print(f"  {rows:,} rows ({rows / count:.2f} per family)")

    prepared = plan_rows(raw_db, items)
    figures: list[tuple[str, float]] = []
    ceiling = run_raw(raw_db, prepared, count)
    raw_db.dispose()

    service_db = pool.fresh("service")
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    figures.append(("service: create", run_service(service_db, items, "service: create", "created")))
    if args.profile:
        profiler.disable()
        profiler.dump_stats(args.profile)
    figures.append(("service: unchanged", run_service(service_db, items, "service: unchanged", "unchanged")))
    figures.append(("service: 10 % changed", run_service(service_db, changed_items, "service: 10 % changed", None)))
    service_db.dispose()

    if not args.skip_http:
        http_db = pool.fresh("http")
        bodies = [json.dumps(batch).encode() for batch in batches(payloads)]
        changed_bodies = [json.dumps(batch).encode() for batch in batches(changed)]
        figures.append(("http: create", run_http(http_db, bodies, count, "http: create", "created")))
        figures.append(("http: unchanged", run_http(http_db, bodies, count, "http: unchanged", "unchanged")))
        figures.append(("http: 10 % changed", run_http(http_db, changed_bodies, count, "http: 10 % changed", None)))
        http_db.dispose()

    print()
    print(f"{'path':<26} {'seconds':>8} {'families/s':>11} {'ratio':>7}")
    print(f"{'ceiling: raw executemany':<26} {ceiling:>8.2f} {count / ceiling:>11,.0f} {1:>7.0%}")
    for label, seconds in figures:
        print(f"{label:<26} {seconds:>8.2f} {count / seconds:>11,.0f} {ceiling / seconds:>7.0%}")
    print()
    scale = 50_000 / count
    for label, seconds in figures:
        if label.endswith("create"):
            ratio = ceiling / seconds
            verdict = "met" if ratio >= RATIO_TARGET else "NOT met"
            print(f"target {label}: >= {RATIO_TARGET:.0%} of raw executemany: {ratio:.0%} ({verdict})")
            projected = seconds * scale
            verdict = "met" if projected <= SECONDS_TARGET_50K else "NOT met"
            print(f"target {label}: 50,000 families <= {SECONDS_TARGET_50K:.0f} s: {projected:.1f} s ({verdict})")


def _item(payload: dict[str, Any]) -> families.UpsertItem:
    body = FamilyIn.model_validate(payload)
    return families.UpsertItem(family_data(body), risk_factors_given=body.risk_factors is not None)


if __name__ == "__main__":
    main()
