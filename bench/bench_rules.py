"""Micro-benchmark of the pure rules on one core: schedules and eligibility evaluations per second.

Run: `python -m bench.bench_rules [--children N]`. Reports children/s and visit rows/s for the
universal programme and Minding the Baby, each with the ceiling measured in the same run.
Anchors are random but fixed by a seed, spread over ten years of due dates, so the working-day
cache and the package compilation are warm after the first call, as they are in a running
service. Target: >= 30,000 universal schedules/s.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from domain.rules.catalog import PackageVersion, load_default_catalog
from domain.rules.eligibility import ChildFacts, ScreeningFact, evaluate_eligibility, load_default_criteria
from domain.rules.schedule import ChildAnchors, PlannedVisit, generate_schedule
from domain.rules.screening import Instrument, Respondent

UNIVERSAL_TARGET = 30_000


def make_anchors(count: int, rng: random.Random) -> list[ChildAnchors]:
    """Random children: due dates over 2020-2029, birth 3 weeks early to 2 weeks late."""
    base = date(2020, 1, 1).toordinal()
    anchors: list[ChildAnchors] = []
    for _ in range(count):
        due = date.fromordinal(base + rng.randrange(3650))
        birth = due + timedelta(days=rng.randint(-21, 14)) if rng.random() < 0.8 else None
        discharge = birth + timedelta(days=rng.randint(0, 4)) if birth and rng.random() < 0.5 else None
        anchors.append(ChildAnchors(due_date=due, birth_date=birth, discharge_date=discharge))
    return anchors


def make_facts(count: int, rng: random.Random, codes: list[str]) -> list[ChildFacts]:
    """Random facts: 0-4 risk factors, 0-2 screenings, a third in designated areas."""
    facts: list[ChildFacts] = []
    for _ in range(count):
        screenings = tuple(
            ScreeningFact(
                instrument=inst,
                respondent=resp,
                total=rng.randint(0, 20),
                flags=frozenset({"above_cutoff"}) if rng.random() < 0.2 else frozenset(),
            )
            for inst, resp in rng.sample(
                [
                    (Instrument.EPDS, Respondent.MOTHER),
                    (Instrument.GOTLAND, Respondent.FATHER),
                    (Instrument.ADBB, Respondent.CHILD),
                ],
                rng.randint(0, 2),
            )
        )
        facts.append(
            ChildFacts(
                risk_factors=frozenset(rng.sample(codes, rng.randint(0, 4))),
                screenings=screenings,
                designated_area=rng.random() < 0.33,
                age_days=rng.randint(0, 1000),
            )
        )
    return facts


def timed(run: Callable[[], int]) -> tuple[float, int]:
    """Seconds taken by `run` and the number of items it reports."""
    start = time.perf_counter()
    items = run()
    return time.perf_counter() - start, items


@dataclass(frozen=True, slots=True)
class ScheduleFigures:
    children_per_s: float
    rows_per_s: float
    ceiling_children_per_s: float
    ceiling_rows_per_s: float

    @property
    def ratio(self) -> float:
        """The engine's rate as a share of the ceiling's."""
        return self.children_per_s / self.ceiling_children_per_s


def bench_schedules(package: PackageVersion, anchors: list[ChildAnchors]) -> ScheduleFigures:
    """Children and visit rows per second for one package, and the same for the ceiling.

    The ceiling builds, per child, the same number of `PlannedVisit` objects the engine answered,
    from constants: the cost of handing the result over, with no date arithmetic, no working-day
    look-up and no window logic. The engine cannot be faster than that, so engine/ceiling is the
    share of the possible rate it reaches.
    """
    generate_schedule(package, anchors[0])  # compile the package and load the holidays once
    counts: list[int] = []

    def run() -> int:
        for a in anchors:
            counts.append(len(generate_schedule(package, a)))
        return sum(counts)

    seconds, rows = timed(run)
    day = anchors[0].due_date
    roles = tuple(package.roles)

    def ceiling() -> int:
        made = 0
        for count in counts:
            made += len(tuple(PlannedVisit("kind", n, day, day, day, roles) for n in range(count)))
        return made

    ceiling_seconds, ceiling_rows = timed(ceiling)
    assert ceiling_rows == rows
    return ScheduleFigures(
        children_per_s=len(anchors) / seconds,
        rows_per_s=rows / seconds,
        ceiling_children_per_s=len(anchors) / ceiling_seconds,
        ceiling_rows_per_s=rows / ceiling_seconds,
    )


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    catalog = load_default_catalog()
    criteria = load_default_criteria()
    anchors = make_anchors(args.children, rng)

    universal = bench_schedules(catalog.current("universal"), anchors)
    mtb = bench_schedules(catalog.current("minding_the_baby"), anchors[: max(1, args.children // 10)])
    facts = make_facts(args.children, rng, sorted(criteria.fact_codes()))
    evaluate_eligibility(facts[0], criteria)

    def evaluate_all() -> int:
        return sum(len(evaluate_eligibility(f, criteria).fired) for f in facts)

    seconds, _ = timed(evaluate_all)

    print("one core; ceiling = building the same PlannedVisit objects from constants (see bench_schedules)")
    for name, fig in (("universal programme", universal), ("minding the baby", mtb)):
        print(
            f"{name:<20}: {fig.children_per_s:>10,.0f} children/s {fig.rows_per_s:>12,.0f} visit rows/s"
            f"  = {fig.ratio:5.1%} of the ceiling ({fig.ceiling_children_per_s:,.0f} children/s,"
            f" {fig.ceiling_rows_per_s:,.0f} rows/s)"
        )
    print(f"eligibility         : {len(facts) / seconds:>10,.0f} evaluations/s")
    verdict = "meets" if universal.children_per_s >= UNIVERSAL_TARGET else "MISSES"
    print(f"universal target {UNIVERSAL_TARGET:,} children/s: {verdict}")


if __name__ == "__main__":
    main()
