"""The copies of a visit's status and dates on its assignments (`visit_staff`) follow the visit through
every change the services make: the database's triggers keep them, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from domain.rules.visit_state import VisitStatus
from domain.rules.workdays import DEFAULT_CALENDAR
from domain.services import schedules, visits
from domain.store.database import Database
from domain.store.tables import Visit, VisitStaff
from tests.factories import World, make_family


def _mismatches(session: Session) -> list[tuple[object, ...]]:
    """Assignments whose copies differ from their visit's columns (none when the triggers work)."""
    rows = session.execute(
        select(
            VisitStaff.id,
            VisitStaff.visit_status,
            Visit.status,
            VisitStaff.visit_target_date,
            Visit.target_date,
            VisitStaff.visit_latest,
            Visit.latest,
        ).join(Visit, Visit.id == VisitStaff.visit_id)  # type: ignore[arg-type]
    ).all()
    assert rows, "the test made assignments"
    return [tuple(row) for row in rows if (row[1], row[3], row[5]) != (row[2], row[4], row[6])]


def _working_day_in(first: date, last: date) -> date:
    day = first
    while not DEFAULT_CALENDAR.is_working_day(day):
        day += timedelta(days=1)
    assert day <= last
    return day


def test_copies_follow_every_change_of_a_visit(database: Database, world: World, today: date) -> None:
    hv1, hv2, ft1 = world.staff_id("hv1"), world.staff_id("hv2"), world.staff_id("ft1")
    with database.session(write=True) as session:
        _, child = make_family(session, today=today, birth_date=today - timedelta(days=200), health_visitor=hv1)
        enrolled = schedules.enroll(
            session,
            child_id=child.id,
            package_code="universal",
            start_date=today - timedelta(days=200),
            dry_run=False,
            staff_ids={"health_visitor": hv1},
        )
        assert not _mismatches(session)  # inserted in bulk without the copies: the triggers filled them in

        planned = [d.visit for d in enrolled.visits if d.visit.status == VisitStatus.PLANNED.value]
        done, missed, moved, reassigned = planned[0], planned[1], planned[-1], planned[-2]
        visits.complete_visit(session, visit_id=done.id, done_on=today, performed_by=[hv1, ft1], today=today)
        visits.close_visit(session, visit_id=missed.id, status=VisitStatus.MISSED, reason="Ikke hjemme")
        new_day = _working_day_in(moved.earliest, moved.latest)
        visits.reschedule_visit(session, visit_id=moved.id, target_date=new_day, reason=None, staff_ids=None)
        visits.reschedule_visit(session, visit_id=reassigned.id, target_date=None, reason=None, staff_ids=[hv2])
        extra = visits.add_visit(
            session,
            child_id=child.id,
            target_date=_working_day_in(today + timedelta(days=7), today + timedelta(days=14)),
            kind="ad_hoc",
            enrollment_id=None,
            staff_ids=[hv1],
            earliest=None,
            latest=None,
        )
        session.commit()

        assert not _mismatches(session)
        # Columns, not ORM objects: the session's VisitStaff objects do not see what a trigger changed.
        copies = {
            (visit_id, staff_id): (status, target_date)
            for visit_id, staff_id, status, target_date in session.execute(
                select(VisitStaff.visit_id, VisitStaff.staff_id, VisitStaff.visit_status, VisitStaff.visit_target_date)
            )
        }
        assert copies[(done.id, ft1)] == (VisitStatus.DONE.value, done.target_date)  # a performer not assigned before
        assert copies[(missed.id, hv1)][0] == VisitStatus.MISSED.value
        assert copies[(moved.id, hv1)] == (VisitStatus.PLANNED.value, new_day)
        assert (reassigned.id, hv1) not in copies and copies[(reassigned.id, hv2)][0] == VisitStatus.PLANNED.value
        assert copies[(extra.id, hv1)][0] == VisitStatus.PLANNED.value

        schedules.end_enrollment(session, enrollment_id=enrolled.enrollment.id, end_date=today, reason="Fraflyttet")  # type: ignore[union-attr]
        session.commit()
        assert not _mismatches(session)
        statuses = set(session.execute(select(VisitStaff.visit_status)).scalars())
        assert VisitStatus.CANCELLED.value in statuses
