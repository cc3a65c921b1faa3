"""The demo municipality loaded on the days that bend a calendar (a Sunday, Christmas Eve, New Year's Day):
every demo sign-in still has a day's work and overdue visits, nothing is planned on a closed day, and the
manager's default coverage chart has bars."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, col, select

from domain.rules.kpi import last_complete_birth_year
from domain.rules.workdays import DEFAULT_CALENDAR
from domain.services import reports
from domain.services.catalog import package_version
from domain.services.demo_data import REPORTED_VISIT, build_demo
from domain.services.sign_in import actor_of_staff
from domain.store.database import Database
from domain.store.tables import Staff, Visit, VisitStaff

WORKING_SIGN_INS = ("hv1", "hv2", "ft1", "cw1")


def next_day_like(today: date, month: int | None = None, day: int | None = None, weekday: int | None = None) -> date:
    """The first day from today on with the given month and day, or the given weekday (0 = Monday)."""
    candidate = today
    while not (
        (weekday is None or candidate.weekday() == weekday)
        and (month is None or (candidate.month, candidate.day) == (month, day))
    ):
        candidate += timedelta(days=1)
    return candidate


DAYS = {
    "a Sunday": {"weekday": 6},
    "Christmas Eve": {"month": 12, "day": 24},
    "New Year's Day": {"month": 1, "day": 1},
}


def staff_named(session: Session, username: str) -> Staff:
    return session.exec(select(Staff).where(Staff.username == username)).one()


def planned_visits_of(session: Session, staff_id: uuid.UUID) -> list[Visit]:
    return list(
        session.exec(
            select(Visit)
            .join(VisitStaff, col(VisitStaff.visit_id) == col(Visit.id))
            .where(VisitStaff.staff_id == staff_id, Visit.status == "planned")
        )
    )


@pytest.mark.parametrize("which", list(DAYS))
def test_the_demo_makes_sense_on_a_closed_day(database: Database, today: date, which: str) -> None:
    day = next_day_like(today, **DAYS[which])
    with database.session(write=True) as session:
        build_demo(session, families_count=300, seed=2026, today=day)
        session.commit()
    work_day = DEFAULT_CALENDAR.next_working_day(day)
    with database.session(write=False) as session:
        for username in WORKING_SIGN_INS:
            planned = planned_visits_of(session, staff_named(session, username).id)
            assert any(v.latest < day for v in planned), f"{username} has no overdue visit on {which} {day}"
            assert any(v.target_date == work_day for v in planned), f"{username} has no work on {work_day}"
        on_closed_days = [
            (v.kind, v.target_date)
            for v in session.exec(select(Visit).where(Visit.status == "planned"))
            if not DEFAULT_CALENDAR.is_working_day(v.target_date)
        ]
        assert on_closed_days == [], "no package of the demo allows visits on closed days"

        manager = actor_of_staff(staff_named(session, "mgr1"))
        package_code, visit_kind = REPORTED_VISIT
        package = package_version(session, package_code, on=day)
        cohort = last_complete_birth_year(day, (rule.latest for rule in package.visits))
        report = reports.coverage_report(
            session,
            actor=manager,
            measure="visit",
            package_code=package_code,
            visit_kind=visit_kind,
            areas=[],
            birth_years=[cohort],
            target_percent=None,
            population=None,
            today=day,
            now=datetime.combine(day, datetime.min.time(), UTC),
        )
        assert report.disclosure.applied, "the manager's figures pass disclosure control"
        shown = [row.key for row in report.by_area if row.percent is not None]
        assert shown, f"the default cohort {cohort} has no area figure a manager may see on {which} {day}"
