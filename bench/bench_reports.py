"""Report and worklist queries on a generated database: `python -m bench.bench_reports --database-url URL`.

Times, through the service layer and each in its own read transaction, the coverage report over all
areas for one birth year (the universal programme: one query per visit kind, as the report runs
them) and the other coverage measures, and the overdue worklists (hv1's own, and her team's), as
the median of several repetitions. The ceiling, measured in the same run on the same database, is
`SELECT count(*) FROM visit`: the cheapest statement that must touch every visit, so a figure of
"12x" reads "as long as counting the visit table twelve times". The query plans of every statement a
figure runs (EXPLAIN QUERY PLAN on SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL) and the figures
go to bench/results/reports_<label>_<dialect>.md.

Targets (issue 8, PostgreSQL): coverage for a birth year <= 1 s at size M and <= 5 s at size L.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from domain.clock import copenhagen_today, utc_now
from domain.services import reports, visits
from domain.services.actors import Actor
from domain.services.sign_in import actor_of_staff
from domain.store.database import Database
from domain.store.tables import Staff, Team

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGETS_SECONDS = {"M": 1.0, "L": 5.0}  # coverage for a birth year, on PostgreSQL


@dataclass
class Figure:
    name: str
    seconds: list[float] = field(default_factory=list)
    statements: list[tuple[str, Any]] = field(default_factory=list)
    result: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@contextmanager
def recorded(database: Database, into: list[tuple[str, Any]]) -> Iterator[None]:
    """Collect the statements the read engine runs (for their plans)."""

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        into.append((statement, parameters))

    event.listen(database.read_engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(database.read_engine, "before_cursor_execute", before)


def _staff(session: Session, username: str) -> Staff:
    return session.execute(select(Staff).where(Staff.username == username)).scalar_one()


def measure(database: Database, name: str, run: Callable[[Session], str], repeat: int) -> Figure:
    figure = Figure(name)
    for attempt in range(repeat + 1):
        statements: list[tuple[str, Any]] = []
        with database.session(write=False) as session, recorded(database, statements):
            start = time.perf_counter()
            figure.result = run(session)
            elapsed = time.perf_counter() - start
        if attempt == 0:
            figure.statements = statements  # the first run warms caches and is not counted
        else:
            figure.seconds.append(elapsed)
    return figure


def explain(database: Database, statements: list[tuple[str, Any]]) -> list[str]:
    """The plan of every query of a figure, run in one transaction as the figure ran them, so a
    `SET LOCAL` among them applies to the plans after it (and is itself run, not explained)."""
    prefix = "EXPLAIN QUERY PLAN " if database.is_sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    plans: list[str] = []
    with database.read_engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        cursor = raw.cursor()
        try:
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    cursor.execute(statement, parameters)
                    plans.append("(run as it is: not a query)")
                    continue
                cursor.execute(prefix + statement, parameters)
                rows = cursor.fetchall()
                if database.is_sqlite:
                    plans.append("\n".join(f"{row[0]:>4} {row[1]:>4} {row[3]}" for row in rows))
                else:
                    plans.append("\n".join(str(row[0]) for row in rows))
        finally:
            cursor.close()
            connection.rollback()
    return plans


def label_of(url: str) -> str:
    parsed = make_url(url)
    name = Path(parsed.database or "db").stem if parsed.get_backend_name() == "sqlite" else str(parsed.database)
    return name.removeprefix("bench_").upper() if len(name) <= 8 else name


def run_bench(database: Database, *, today: date, birth_year: int, repeat: int) -> tuple[Figure, list[Figure]]:
    with database.session(write=False) as session:
        hv1 = actor_of_staff(_staff(session, "hv1"))
        manager = actor_of_staff(_staff(session, "mgr1"))
        team = session.execute(select(Team.id).where(Team.id == hv1.team_id)).scalar_one()

    def ceiling(session: Session) -> str:
        return str(session.execute(text("SELECT count(*) FROM visit")).scalar_one())

    def coverage(
        measure_code: str, package_code: str | None, kind: str | None, actor: Actor
    ) -> Callable[[Session], str]:
        def run(session: Session) -> str:
            report = reports.coverage_report(
                session,
                actor=actor,
                measure=measure_code,
                package_code=package_code,
                visit_kind=kind,
                areas=(),
                birth_years=(birth_year,),
                target_percent=None,
                population=None,
                today=today,
                now=utc_now(),
            )
            return f"denominator {report.total.denominator}, numerator {report.total.numerator}"

        return run

    def worklist(criteria: visits.WorklistCriteria) -> Callable[[Session], str]:
        def run(session: Session) -> str:
            page = visits.visit_worklist(session, actor=hv1, criteria=criteria, today=today, cursor=None, limit=50)
            return f"{len(page.items)} visits on the first page"

        return run

    base = measure(database, "ceiling: SELECT count(*) FROM visit", ceiling, repeat)
    figures = [
        measure(
            database,
            f"coverage, universal programme (7 visit kinds), all areas, born {birth_year} (manager)",
            coverage("visit", "universal", "months_8_10", manager),
            repeat,
        ),
        measure(
            database,
            f"coverage, universal programme, all areas, born {birth_year} (health visitor, exact counts)",
            coverage("visit", "universal", "months_8_10", hv1),
            repeat,
        ),
        measure(
            database,
            f"coverage, 5 visits in year one, born {birth_year} (manager)",
            coverage("universal_year_one", None, None, manager),
            repeat,
        ),
        measure(
            database,
            f"coverage, depression screening, born {birth_year} (manager)",
            coverage("depression_screening", None, None, manager),
            repeat,
        ),
        measure(
            database,
            "overdue worklist of hv1 (first page)",
            worklist(visits.WorklistCriteria(staff_id=hv1.id, overdue=True)),
            repeat,
        ),
        measure(
            database,
            "hv1's visits today",
            worklist(visits.WorklistCriteria(staff_id=hv1.id, from_date=today, to_date=today)),
            repeat,
        ),
        measure(
            database,
            "overdue worklist of hv1's team (first page)",
            worklist(visits.WorklistCriteria(team_id=team, overdue=True)),
            repeat,
        ),
    ]
    return base, figures


def report_text(
    database: Database, base: Figure, figures: list[Figure], *, label: str, today: date, plans: bool
) -> str:
    dialect = "sqlite" if database.is_sqlite else "postgresql"
    target = TARGETS_SECONDS.get(label)
    lines = [
        f"# Report queries, size {label} on {dialect}",
        "",
        f"Measured {utc_now():%Y-%m-%d %H:%M} UTC, today = {today}, median of {len(base.seconds)} runs.",
        "",
        "| figure | median | × ceiling | result |",
        "|---|---:|---:|---|",
        f"| {base.name} | {base.median * 1000:,.1f} ms | 1.0 | {base.result} visits |",
    ]
    for figure in figures:
        ratio = figure.median / base.median if base.median else float("nan")
        lines.append(f"| {figure.name} | {figure.median * 1000:,.1f} ms | {ratio:,.1f} | {figure.result} |")
    if target is not None and not database.is_sqlite:
        coverage_seconds = figures[0].median
        verdict = "met" if coverage_seconds <= target else "NOT met"
        lines += [
            "",
            f"Target: coverage for a birth year <= {target:g} s at {label}: {verdict} ({coverage_seconds:.2f} s).",
        ]
    if plans:
        for figure in [base, *figures]:
            lines += ["", f"## {figure.name}", ""]
            plans = explain(database, figure.statements)
            for number, ((statement, parameters), plan) in enumerate(zip(figure.statements, plans, strict=True), 1):
                lines += [
                    f"### statement {number}",
                    "",
                    "```sql",
                    statement.strip(),
                    "```",
                    "",
                    f"parameters: `{parameters!r}`" if parameters else "",
                    "",
                    "```",
                    plan,
                    "```",
                ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a database made by bench.generate")
    parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD; default: today in Copenhagen")
    parser.add_argument("--birth-year", type=int, help="default: last year")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--label", help="size label for the output file (default from the database name)")
    parser.add_argument("--no-plans", action="store_true", help="skip the query plans")
    args = parser.parse_args()
    today = args.today or copenhagen_today()
    database = Database(args.database_url)
    label = args.label or label_of(args.database_url)
    try:
        base, figures = run_bench(
            database, today=today, birth_year=args.birth_year or today.year - 1, repeat=args.repeat
        )
        output = report_text(database, base, figures, label=label, today=today, plans=not args.no_plans)
    finally:
        database.dispose()
    summary = output.split("\n## ", 1)[0]
    print(summary)
    RESULTS_DIR.mkdir(exist_ok=True)
    dialect = "sqlite" if database.is_sqlite else "postgresql"
    path = RESULTS_DIR / f"reports_{label}_{dialect}.md"
    path.write_text(output)
    print(f"figures and query plans written to {path}")


if __name__ == "__main__":
    main()
