"""The synthetic benchmark municipality (bench/generate.py) at size S: valid for the app, with the
shares it promises, on SQLite and (with DATABASE_URL) on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import and_, func, or_, select, text
from sqlmodel import Session, SQLModel

from bench.generate import SIZES, Summary, generate
from domain.rules.schedule import ChildAnchors, generate_schedule
from domain.rules.visit_state import overdue_if_latest_before
from domain.services import reports, visits
from domain.services.catalog import package_catalog
from domain.services.sign_in import actor_of_staff
from domain.store.database import Database
from domain.store.repositories import reports as report_repo
from domain.store.repositories.reports import ChildFilter
from domain.store.tables import Child, Enrollment, Screening, Staff, Visit, VisitStaff

TODAY = date(2026, 11, 24)  # a Tuesday: the worklist has a day of visits


@pytest.fixture(scope="module")
def generated(databases) -> object:  # type: ignore[no-untyped-def]
    with databases.fresh() as database:
        summary = generate(database, SIZES["S"], seed=7, today=TODAY, progress=False)
        yield database, summary


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def test_size_s_has_the_promised_rows(generated: tuple[Database, Summary]) -> None:
    database, summary = generated
    assert summary.rows["child"] == 1_000
    # The universal programme alone plans 7 visits per child; packages by level add the rest.
    assert 12_000 <= summary.rows["visit"] <= 20_000
    assert summary.rows["visit_staff"] >= summary.rows["visit"]
    assert summary.rows["screening_item"] > 8 * summary.rows["screening"]
    with database.session(write=False) as session:
        for name, table in SQLModel.metadata.tables.items():
            if name in summary.rows:
                stored = session.execute(select(func.count()).select_from(table)).scalar_one()
                assert stored == summary.rows[name], name


def test_every_reference_points_at_a_row(generated: tuple[Database, Summary]) -> None:
    database, _ = generated
    with database.session(write=False) as session:
        for table in SQLModel.metadata.tables.values():
            for fk in table.foreign_keys:
                parent = fk.column.table
                orphans = session.execute(
                    select(func.count())
                    .select_from(table.outerjoin(parent, fk.parent == fk.column))
                    .where(fk.parent.is_not(None), fk.column.is_(None))
                ).scalar_one()
                assert orphans == 0, f"{table.name}.{fk.parent.name} -> {parent.name}"


def test_assignments_carry_their_visits_status_and_dates(generated: tuple[Database, Summary]) -> None:
    """The generator writes the copies the database's triggers would (tests/domain/store/test_visit_staff_copies.py)."""
    database, _ = generated
    with database.session(write=False) as session:
        differing = session.execute(
            select(func.count())
            .select_from(VisitStaff)
            .join(Visit, Visit.id == VisitStaff.visit_id)  # type: ignore[arg-type]
            .where(
                or_(
                    VisitStaff.visit_status != Visit.status,
                    VisitStaff.visit_target_date != Visit.target_date,
                    VisitStaff.visit_latest != Visit.latest,
                    VisitStaff.visit_status.is_(None),  # type: ignore[union-attr]
                )
            )
        ).scalar_one()
        assert differing == 0


def test_shares_are_within_their_bands(generated: tuple[Database, Summary]) -> None:
    database, _ = generated
    with database.session(write=False) as session:
        levels = dict(session.execute(select(Child.level, func.count()).group_by(Child.level)).all())
        children = sum(levels.values())
        assert 0.55 <= _share(levels.get(1, 0), children) <= 0.9
        assert 0.05 <= _share(levels.get(2, 0), children) <= 0.35
        assert 0.01 <= _share(levels.get(3, 0), children) <= 0.15
        assert 0.003 <= _share(levels.get(4, 0), children) <= 0.06
        past = dict(
            session.execute(
                select(Visit.status, func.count()).where(Visit.target_date < TODAY).group_by(Visit.status)
            ).all()
        )
        assert 0.75 <= _share(past.get("done", 0), sum(past.values())) <= 0.92
        assert past.get("missed", 0) > 0 and past.get("cancelled", 0) > 0
        overdue = session.execute(
            select(func.count()).where(Visit.status == "planned", Visit.latest < TODAY)
        ).scalar_one()
        assert 0.002 <= _share(overdue, sum(past.values())) <= 0.05
        mothers = (Screening.instrument == "EPDS", Screening.respondent == "mother")
        epds = session.execute(select(func.count()).where(*mothers)).scalar_one()
        high = session.execute(select(func.count()).where(*mothers, Screening.total >= Screening.cutoff)).scalar_one()
        born = session.execute(select(func.count()).where(Child.birth_date < TODAY)).scalar_one()
        assert _share(epds, born) >= 0.6
        assert 0.04 <= _share(high, epds) <= 0.2
        packages = dict(
            session.execute(select(Enrollment.package_code, func.count()).group_by(Enrollment.package_code)).all()
        )
        assert packages["universal"] == children
        assert 0 < packages["minding_the_baby"] < 0.1 * children
        assert 0 < packages["housing_area_extra"] < children


def test_visits_are_what_the_schedule_engine_plans(generated: tuple[Database, Summary]) -> None:
    database, _ = generated
    with database.session(write=False) as session:
        catalog = package_catalog(session)
        rows = session.execute(
            select(Child, Enrollment)
            .join(Enrollment, and_(Enrollment.child_id == Child.id))
            .where(Enrollment.package_code.in_(("universal", "minding_the_baby")))  # type: ignore[attr-defined]
            .order_by(Child.id)
            .limit(40)
        ).all()
        assert rows
        for child, enrollment in rows:
            planned = generate_schedule(
                catalog.current(enrollment.package_code),
                ChildAnchors(
                    due_date=child.due_date,
                    birth_date=child.birth_date,
                    discharge_date=child.discharge_date,
                    enrollment_date=enrollment.started_on,
                ),
            )
            stored = session.execute(
                select(Visit.kind, Visit.sequence, Visit.target_date, Visit.earliest, Visit.latest)
                .where(Visit.enrollment_id == enrollment.id)
                .order_by(Visit.target_date, Visit.kind, Visit.sequence)
            ).all()
            assert [tuple(r) for r in stored] == [
                (p.kind, p.sequence, p.target_date, p.earliest, p.latest) for p in planned
            ]


def _staff(session: Session, username: str) -> Staff:
    return session.execute(select(Staff).where(Staff.username == username)).scalar_one()


def test_the_apps_own_reads_run_on_it(generated: tuple[Database, Summary], now: datetime) -> None:
    database, _ = generated
    with database.session(write=False) as session:
        hv1 = actor_of_staff(_staff(session, "hv1"))
        overdue = visits.visit_worklist(
            session,
            actor=hv1,
            criteria=visits.WorklistCriteria(staff_id=hv1.id, overdue=True),
            today=TODAY,
            cursor=None,
            limit=200,
        )
        # A realistic worklist: tens of overdue visits, not none and not hundreds.
        assert 5 <= len(overdue.items) <= 150
        assert all(v.visit.status == "planned" and v.visit.latest < TODAY for v in overdue.items)
        today = visits.visit_worklist(
            session,
            actor=hv1,
            criteria=visits.WorklistCriteria(staff_id=hv1.id, from_date=TODAY, to_date=TODAY),
            today=TODAY,
            cursor=None,
            limit=200,
        )
        assert 1 <= len(today.items) <= 25
        # A health visitor sees exact counts (a manager's are under disclosure control).
        report = reports.coverage_report(
            session,
            actor=hv1,
            measure="visit",
            package_code="universal",
            visit_kind="months_8_10",
            areas=(),
            birth_years=(2025,),
            target_percent=None,
            population=None,
            today=TODAY,
            now=now,
        )
        assert report.total.denominator is not None and report.total.denominator > 100
        assert report.total.percent is not None and 70 <= report.total.percent <= 95


def test_the_database_keeps_its_own_integrity(generated: tuple[Database, Summary]) -> None:
    database, _ = generated
    with database.write_engine.connect() as connection:
        if database.is_sqlite:
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        else:
            # The generator drops PostgreSQL's keys for the load: every one must be back, and validated.
            unvalidated = connection.execute(text("SELECT conname FROM pg_constraint WHERE NOT convalidated")).all()
            foreign_keys = connection.execute(
                text("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'visit'::regclass")
            ).scalar_one()
            assert unvalidated == [] and foreign_keys >= 2


@pytest.mark.parametrize(
    ("package_code", "children"),
    [
        ("universal", ChildFilter()),
        ("universal", ChildFilter(birth_years=(2024, 2025))),
        ("minding_the_baby", ChildFilter(enrolled_in="minding_the_baby")),
        ("housing_area_extra", ChildFilter(areas=("ringparken", "centrum"), birth_years=(2025,))),
        ("three_year_visit", ChildFilter(birth_years=(2023,), enrolled_in="three_year_visit")),
    ],
)
def test_the_folded_coverage_query_counts_as_one_query_per_kind(
    generated: tuple[Database, Summary], package_code: str, children: ChildFilter
) -> None:
    """All kinds in one statement count exactly what the correlated per-kind query counts, on data
    with every visit state (done in and out of the window, missed, cancelled, overdue, pending)."""
    database, _ = generated
    cutoff = overdue_if_latest_before(TODAY)
    with database.session(write=False) as session:
        kinds = package_catalog(session).current(package_code).visit_kinds()
        folded = report_repo.visit_outcome_counts(
            session, package_code=package_code, kinds=kinds, cutoff=cutoff, children=children
        )
        assert set(folded) == set(kinds)
        for kind in kinds:
            rank = report_repo.visit_outcome_rank(package_code=package_code, visit_kind=kind, cutoff=cutoff)
            one_by_one = sorted(report_repo.measure_counts(session, rank=rank, children=children))
            assert folded[kind] == one_by_one, kind
        assert sum(n for *_, n in folded[kinds[0]]) > 0
