"""Report queries. Every figure is counted by the database (GROUP BY, correlated MAX/COUNT), never by
looping over visits in Python; each query runs unchanged on SQLite and PostgreSQL.

Dates are compared as numbers where calendar arithmetic is needed, so both databases agree:
`_date_key` is YYYYMMDD (before the first birthday <=> key < birth key + 10000, so a child born on
29 February turns one on 1 March) and `_month_key` is (year x 12 + month) x 100 + day (before the
2-month day <=> key < birth key + 200). A planned visit's state uses the cut-off of
`domain.rules.visit_state.overdue_if_latest_before`, passed in by the service.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    String,
    and_,
    case,
    cast,
    exists,
    extract,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from domain.rules.kpi import (
    DEPRESSION_SCREENING,
    OUTCOME_RANK,
    THREE_YEAR_OPT_OUT,
    UNIVERSAL_YEAR_ONE,
    Outcome,
)
from domain.store.repositories.pagination import Page, keyset_page
from domain.store.tables import (
    Child,
    Enrollment,
    EnrollmentStaff,
    Family,
    FamilyMember,
    GroupAttendance,
    GroupCourse,
    GroupParticipant,
    GroupSession,
    HousingArea,
    LevelDecision,
    Screening,
    Staff,
    Team,
    Visit,
    VisitStaff,
)

NO_AREA = "(none)"
NO_REASON = "(no reason given)"


def _year(column: Any) -> ColumnElement[int]:
    return cast(extract("year", column), Integer)


def _month(column: Any) -> ColumnElement[int]:
    return cast(extract("month", column), Integer)


def _day(column: Any) -> ColumnElement[int]:
    return cast(extract("day", column), Integer)


def _date_key(column: Any) -> ColumnElement[int]:
    return _year(column) * 10000 + _month(column) * 100 + _day(column)


def _month_key(column: Any) -> ColumnElement[int]:
    return (_year(column) * 12 + _month(column)) * 100 + _day(column)


def date_key(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def month_key(day: date) -> int:
    return (day.year * 12 + day.month) * 100 + day.day


_AREA = func.coalesce(HousingArea.code, NO_AREA)


# -- areas ------------------------------------------------------------------------------------------


def housing_areas(session: Session) -> dict[str, bool]:
    """Every housing area code and whether it is designated."""
    rows = session.execute(select(HousingArea.code, HousingArea.designated).order_by(HousingArea.code))
    return {code: bool(designated) for code, designated in rows}


def team_area_codes(session: Session, team_id: uuid.UUID) -> frozenset[str]:
    """The codes of the housing areas a team covers (the areas whose families are its caseload)."""
    return frozenset(session.execute(select(HousingArea.code).where(HousingArea.team_id == team_id)).scalars())


def housing_area_choices(session: Session) -> list[tuple[str, str, bool]]:
    """Every housing area as (code, name, designated), by name: the choices of a report's area filter."""
    rows = session.execute(
        select(HousingArea.code, HousingArea.name, HousingArea.designated).order_by(HousingArea.name, HousingArea.code)
    )
    return [(code, name, bool(designated)) for code, name, designated in rows]


# -- coverage and measures --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChildFilter:
    """Which children a coverage figure counts: born in `birth_years` (all when empty), living in
    `areas` (all when empty), and enrolled in `enrolled_in` when given."""

    areas: tuple[str, ...] = ()
    birth_years: tuple[int, ...] = ()
    enrolled_in: str | None = None

    def conditions(self, area_code: Any) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [col(Child.birth_date).is_not(None)]
        if self.birth_years:
            conditions.append(
                or_(
                    *(
                        and_(col(Child.birth_date) >= date(y, 1, 1), col(Child.birth_date) <= date(y, 12, 31))
                        for y in self.birth_years
                    )
                )
            )
        if self.areas:
            conditions.append(area_code.in_(self.areas))
        if self.enrolled_in is not None:
            conditions.append(
                exists().where(Enrollment.child_id == Child.id, Enrollment.package_code == self.enrolled_in)
            )
        return conditions


def visit_outcome_rank(*, package_code: str, visit_kind: str, cutoff: date) -> ColumnElement[int]:
    """Per child: the best `OUTCOME_RANK` of its visits of the kind (`not_planned` without any).

    Mirrors `domain.rules.kpi.classify_visit`: done inside [earliest, latest] -> in_window; done later
    or undated -> late; done earlier -> early; planned with `latest >= cutoff` -> pending (due or
    upcoming); anything else (missed, cancelled, overdue) -> not_done.
    """
    best = (
        select(func.max(_visit_outcome(cutoff)))
        .where(Visit.child_id == Child.id, Visit.package_code == package_code, Visit.kind == visit_kind)
        .correlate(Child)
        .scalar_subquery()
    )
    return func.coalesce(best, OUTCOME_RANK[Outcome.NOT_PLANNED])


def _visit_outcome(cutoff: date) -> ColumnElement[int]:
    """One visit's `OUTCOME_RANK` (see `visit_outcome_rank`)."""
    rank = OUTCOME_RANK
    done = Visit.status == "done"
    return case(
        (
            and_(
                done,
                col(Visit.done_on).is_not(None),
                col(Visit.done_on) >= Visit.earliest,
                col(Visit.done_on) <= Visit.latest,
            ),
            rank[Outcome.IN_WINDOW],
        ),
        (and_(done, or_(col(Visit.done_on).is_(None), col(Visit.done_on) > Visit.latest)), rank[Outcome.LATE]),
        (done, rank[Outcome.EARLY]),
        (and_(Visit.status == "planned", Visit.latest >= cutoff), rank[Outcome.PENDING]),
        else_=rank[Outcome.NOT_DONE],
    )


def universal_year_one_rank(*, packages: Sequence[str], min_visits: int, today: date) -> ColumnElement[int]:
    """Per child: reached (at least `min_visits` done visits of `packages` before the first birthday),
    pending (not yet, and not yet one year old today) or not_reached."""
    measure = UNIVERSAL_YEAR_ONE
    birthday_key = _date_key(Child.birth_date) + 10000
    done_in_year_one = (
        select(func.count(Visit.id))
        .where(
            Visit.child_id == Child.id,
            Visit.status == "done",
            col(Visit.package_code).in_(packages),
            col(Visit.done_on) >= Child.birth_date,
            _date_key(Visit.done_on) < birthday_key,
        )
        .correlate(Child)
        .scalar_subquery()
    )
    return case(
        (done_in_year_one >= min_visits, measure.rank("reached")),
        (literal(date_key(today)) < birthday_key, measure.rank("pending")),
        else_=measure.rank("not_reached"),
    )


def _screened_before_two_months(respondent: str) -> ColumnElement[bool]:
    return exists().where(
        Screening.child_id == Child.id,
        Screening.respondent == respondent,
        Screening.administered_on >= Child.birth_date,
        _month_key(Screening.administered_on) < _month_key(Child.birth_date) + 200,
    )


def depression_screening_rank(*, today: date) -> ColumnElement[int]:
    """Per child: complete (mother screened, and the father where the family has one registered,
    before 2 months), pending (not complete, child not yet 2 months), mother_only, father_only,
    neither."""
    measure = DEPRESSION_SCREENING
    mother = _screened_before_two_months("mother")
    father = _screened_before_two_months("father")
    has_father = exists().where(FamilyMember.family_id == Child.family_id, FamilyMember.role == "father")
    return case(
        (and_(mother, or_(father, not_(has_father))), measure.rank("complete")),
        (literal(month_key(today)) < _month_key(Child.birth_date) + 200, measure.rank("pending")),
        (mother, measure.rank("mother_only")),
        (father, measure.rank("father_only")),
        else_=measure.rank("neither"),
    )


def _reason_matches(markers: Sequence[str]) -> ColumnElement[bool]:
    reason = func.lower(func.coalesce(Visit.status_reason, ""))
    # SQLite's lower() folds ASCII only, so capitalised forms of non-ASCII markers are tried as well.
    variants = dict.fromkeys(v for m in markers for v in (m.lower(), m.capitalize(), m.upper()))
    if not variants:
        return false()
    return or_(*(reason.contains(v, autoescape=True) for v in variants))


def three_year_opt_out_rank(*, markers: Sequence[str], cutoff: date) -> ColumnElement[int]:
    """Per child: the best category of its three_year visits (mirrors `kpi.three_year_outcome`)."""
    measure = THREE_YEAR_OPT_OUT
    per_visit = case(
        (Visit.status == "done", measure.rank("done")),
        (and_(Visit.status == "cancelled", _reason_matches(markers)), measure.rank("opted_out")),
        (Visit.status == "cancelled", measure.rank("cancelled_other")),
        (and_(Visit.status == "planned", Visit.latest >= cutoff), measure.rank("pending")),
        else_=measure.rank("not_done"),
    )
    best = (
        select(func.max(per_visit))
        .where(Visit.child_id == Child.id, Visit.package_code == "three_year_visit", Visit.kind == "three_year")
        .correlate(Child)
        .scalar_subquery()
    )
    return func.coalesce(best, measure.rank("not_planned"))


def _children(rank: ColumnElement[int], children: ChildFilter, *columns: Any) -> Any:
    # Aliases, so that the access rules' own subqueries on family and housing_area (in `visible`) are
    # not correlated with this query's joins.
    family = aliased(Family, name="report_family")
    area = aliased(HousingArea, name="report_area")
    return (
        select(
            *columns,
            func.coalesce(area.code, NO_AREA).label("area"),
            _year(Child.birth_date).label("birth_year"),
            rank.label("rank"),
        )
        .select_from(Child)
        .join(family, family.id == Child.family_id)
        .outerjoin(area, area.id == family.area_id)
        .where(*children.conditions(area.code))
    )


def _serial_plan(session: Session) -> None:
    """No parallel plan for the rest of this transaction (PostgreSQL only).

    The planner picks a parallel Gather for the per-child correlated subqueries of a coverage figure;
    at national size that plan is many times slower than the serial one (bench/bench_reports.py
    records both), and a report runs several of these queries in one transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def measure_counts(
    session: Session, *, rank: ColumnElement[int], children: ChildFilter
) -> list[tuple[str, int, int, int]]:
    """(area, birth year, category rank, children) for every combination that occurs."""
    _serial_plan(session)
    inner = _children(rank, children).subquery()
    statement = select(inner.c.area, inner.c.birth_year, inner.c.rank, func.count()).group_by(
        inner.c.area, inner.c.birth_year, inner.c.rank
    )
    return [(str(a), int(y), int(r), int(n)) for a, y, r, n in session.execute(statement)]


def _enrolled_in(package_code: str) -> ColumnElement[int]:
    """1 for a child enrolled in the package (any version, ended enrolments included), else 0."""
    enrolled = exists().where(Enrollment.child_id == Child.id, Enrollment.package_code == package_code)
    return case((enrolled, 1), else_=0)


def measure_counts_by_enrolment(
    session: Session, *, rank: ColumnElement[int], children: ChildFilter, enrolled_in: str
) -> list[tuple[bool, str, int, int, int]]:
    """(enrolled in `enrolled_in`, area, birth year, category rank, children) for every combination that
    occurs: both populations of a figure in one statement (resident: every row; enrolled: the marked)."""
    _serial_plan(session)
    inner = _children(rank, children, _enrolled_in(enrolled_in).label("enrolled")).subquery()
    statement = select(inner.c.enrolled, inner.c.area, inner.c.birth_year, inner.c.rank, func.count()).group_by(
        inner.c.enrolled, inner.c.area, inner.c.birth_year, inner.c.rank
    )
    return [(bool(e), str(a), int(y), int(r), int(n)) for e, a, y, r, n in session.execute(statement)]


def visit_outcome_counts(
    session: Session, *, package_code: str, kinds: Sequence[str], cutoff: date, children: ChildFilter
) -> dict[str, list[tuple[str, int, int, int]]]:
    """Per visit kind of `package_code`: (area, birth year, `visit_outcome_rank`, children) for every
    combination that occurs, as `measure_counts` gives it for that kind's rank, for all kinds at once.

    One statement instead of one per kind: the children counted are selected once; their visits of
    the kinds are grouped per child and kind (the best outcome), and the children without a visit of
    a kind (not_planned) are those counted minus those with one, per area and birth year.
    """
    rows = _visit_outcome_rows(
        session, package_code=package_code, kinds=kinds, cutoff=cutoff, children=children, enrolled_in=None
    )
    return {kind: [(a, y, r, n) for (_e, a, y, r), n in sorted(counts.items())] for kind, counts in rows.items()}


def visit_outcome_counts_by_enrolment(
    session: Session, *, package_code: str, kinds: Sequence[str], cutoff: date, children: ChildFilter, enrolled_in: str
) -> dict[str, list[tuple[bool, str, int, int, int]]]:
    """`visit_outcome_counts` with each row marked by whether its children are enrolled in `enrolled_in`."""
    rows = _visit_outcome_rows(
        session, package_code=package_code, kinds=kinds, cutoff=cutoff, children=children, enrolled_in=enrolled_in
    )
    return {kind: [(e, a, y, r, n) for (e, a, y, r), n in sorted(counts.items())] for kind, counts in rows.items()}


def _visit_outcome_rows(
    session: Session,
    *,
    package_code: str,
    kinds: Sequence[str],
    cutoff: date,
    children: ChildFilter,
    enrolled_in: str | None,
) -> dict[str, Counter[tuple[bool, str, int, int]]]:
    _serial_plan(session)
    family = aliased(Family, name="report_family")
    area = aliased(HousingArea, name="report_area")
    marked = [] if enrolled_in is None else [_enrolled_in(enrolled_in).label("enrolled")]
    counted = (
        select(
            col(Child.id).label("child_id"),
            func.coalesce(area.code, NO_AREA).label("area"),
            _year(Child.birth_date).label("birth_year"),
            *marked,
        )
        .select_from(Child)
        .join(family, family.id == Child.family_id)
        .outerjoin(area, area.id == family.area_id)
        .where(*children.conditions(area.code))
        .cte("report_children")
    )
    mark = [] if enrolled_in is None else [counted.c.enrolled]
    best = (
        select(
            col(Visit.kind).label("kind"),
            counted.c.area,
            counted.c.birth_year,
            *mark,
            func.max(_visit_outcome(cutoff)).label("rank"),
        )
        .select_from(counted)
        .join(Visit, col(Visit.child_id) == counted.c.child_id)
        .where(Visit.package_code == package_code, col(Visit.kind).in_(kinds))
        .group_by(counted.c.child_id, Visit.kind, counted.c.area, counted.c.birth_year, *mark)
        .subquery("report_best")
    )
    best_mark = [] if enrolled_in is None else [best.c.enrolled]
    with_visits = select(best.c.kind, best.c.area, best.c.birth_year, best.c.rank, func.count(), *best_mark).group_by(
        best.c.kind, best.c.area, best.c.birth_year, best.c.rank, *best_mark
    )
    # The number of children counted per area and birth year, marked by a kind no package has.
    everyone = select(
        literal("", String), counted.c.area, counted.c.birth_year, literal(-1, Integer), func.count(), *mark
    ).group_by(counted.c.area, counted.c.birth_year, *mark)
    per_kind: dict[str, Counter[tuple[bool, str, int, int]]] = {kind: Counter() for kind in kinds}
    planned: dict[str, Counter[tuple[bool, str, int]]] = {kind: Counter() for kind in kinds}
    population: Counter[tuple[bool, str, int]] = Counter()
    for kind, area_code, year, rank, count, *flag in session.execute(union_all(with_visits, everyone)):
        cell = (bool(flag and flag[0]), str(area_code), int(year))
        if kind == "":
            population[cell] += int(count)
        else:
            per_kind[kind][(*cell, int(rank))] += int(count)
            planned[kind][cell] += int(count)
    not_planned = OUTCOME_RANK[Outcome.NOT_PLANNED]
    for kind in kinds:
        for cell, count in population.items():
            if count > planned[kind][cell]:
                per_kind[kind][(*cell, not_planned)] += count - planned[kind][cell]
    return per_kind


def measure_children(
    session: Session,
    *,
    rank: ColumnElement[int],
    children: ChildFilter,
    only_rank: int | None,
    visible: ColumnElement[bool],
    cursor: str | None,
    limit: int,
) -> Page[Row[Any]]:
    """The children behind a figure, with their category rank, in id order, within `visible`."""
    statement = _children(
        rank, children, col(Child.id).label("child_id"), Child.family_id, Child.name, Child.birth_date
    ).where(visible)
    if only_rank is not None:
        statement = statement.where(rank == only_rank)
    return keyset_page(
        session, statement, order_by=[col(Child.id)], key_of=lambda row: (row.child_id,), cursor=cursor, limit=limit
    )


# -- levels -----------------------------------------------------------------------------------------


def _area_filter(areas: Sequence[str]) -> ColumnElement[bool]:
    return col(HousingArea.code).in_(areas) if areas else true()


def level_decisions(session: Session, *, areas: Sequence[str], until: date) -> list[Row[Any]]:
    """Every level decision effective by `until` of the children in `areas`, in history order
    (child, effective date, recording time), with the child's birth date."""
    statement = (
        select(
            LevelDecision.child_id,
            Child.birth_date,
            LevelDecision.level,
            LevelDecision.effective_on,
            LevelDecision.decided_by,
            LevelDecision.basis,
            LevelDecision.reason,
        )
        .join(Child, col(Child.id) == col(LevelDecision.child_id))
        .join(Family, col(Family.id) == col(Child.family_id))
        .outerjoin(HousingArea, col(HousingArea.id) == col(Family.area_id))
        .where(LevelDecision.effective_on <= until, _area_filter(areas))
        .order_by(LevelDecision.child_id, LevelDecision.effective_on, LevelDecision.created_at)
    )
    return list(session.execute(statement))


def undecided_children(session: Session, *, day: date, born_after: date, areas: Sequence[str]) -> int:
    """Children born in (born_after, day] with no level decision effective by `day` (on level 1)."""
    statement = (
        select(func.count(Child.id))
        .join(Family, col(Family.id) == col(Child.family_id))
        .outerjoin(HousingArea, col(HousingArea.id) == col(Family.area_id))
        .where(
            col(Child.birth_date) > born_after,
            col(Child.birth_date) <= day,
            not_(exists().where(LevelDecision.child_id == Child.id, LevelDecision.effective_on <= day)),
            _area_filter(areas),
        )
    )
    return int(session.execute(statement).scalar_one())


# -- group courses ----------------------------------------------------------------------------------


def _course_filter(package_code: str, years: Sequence[int], areas: Sequence[str]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [GroupCourse.package_code == package_code, _area_filter(areas)]
    if years:
        conditions.append(_year(GroupCourse.starts_on).in_(years))
    return conditions


def courses_by_area_and_year(
    session: Session, *, package_code: str, years: Sequence[int], areas: Sequence[str]
) -> list[tuple[str, int, int, int]]:
    """(area, year the course starts, courses, places) per area and year."""
    statement = (
        select(_AREA, _year(GroupCourse.starts_on), func.count(GroupCourse.id), func.sum(GroupCourse.capacity))
        .select_from(GroupCourse)
        .outerjoin(HousingArea, col(HousingArea.id) == col(GroupCourse.area_id))
        .where(*_course_filter(package_code, years, areas))
        .group_by(_AREA, _year(GroupCourse.starts_on))
    )
    return [(str(a), int(y), int(n), int(c or 0)) for a, y, n, c in session.execute(statement)]


@dataclass(frozen=True, slots=True)
class ParticipantCounts:
    area: str
    year: int
    participants: int
    not_started: int  # the course has held no session yet
    stable: int
    answered: int
    positive: int


def participants_by_area_and_year(
    session: Session,
    *,
    package_code: str,
    years: Sequence[int],
    areas: Sequence[str],
    today: date,
    stable_share: Fraction,
) -> list[ParticipantCounts]:
    """Participants per area and year: how many had stable attendance (present at no fewer than
    `stable_share` of the sessions held by `today`) and how many answered the questionnaire positively."""
    held = (
        select(func.count(GroupSession.id))
        .where(GroupSession.course_id == GroupCourse.id, GroupSession.held_on <= today)
        .correlate(GroupCourse)
        .scalar_subquery()
    )
    present = (
        select(func.count(GroupAttendance.id))
        .join(GroupSession, col(GroupSession.id) == col(GroupAttendance.session_id))
        .where(
            GroupAttendance.participant_id == GroupParticipant.id,
            col(GroupAttendance.present).is_(True),
            GroupSession.held_on <= today,
        )
        .correlate(GroupParticipant)
        .scalar_subquery()
    )
    inner = (
        select(
            _AREA.label("area"),
            _year(GroupCourse.starts_on).label("year"),
            held.label("held"),
            present.label("present"),
            col(GroupParticipant.questionnaire_positive).label("positive"),
        )
        .select_from(GroupParticipant)
        .join(GroupCourse, col(GroupCourse.id) == col(GroupParticipant.course_id))
        .outerjoin(HousingArea, col(HousingArea.id) == col(GroupCourse.area_id))
        .where(*_course_filter(package_code, years, areas))
        .subquery()
    )
    # present / held >= a / b  <=>  present x b >= held x a, in whole numbers.
    stable = and_(
        inner.c.held > 0,
        inner.c.present * stable_share.denominator >= inner.c.held * stable_share.numerator,
    )
    statement = select(
        inner.c.area,
        inner.c.year,
        func.count(),
        func.sum(case((inner.c.held == 0, 1), else_=0)),
        func.sum(case((stable, 1), else_=0)),
        func.sum(case((inner.c.positive.is_not(None), 1), else_=0)),
        func.sum(case((inner.c.positive.is_(True), 1), else_=0)),
    ).group_by(inner.c.area, inner.c.year)
    return [
        ParticipantCounts(str(a), int(y), int(n), int(ns or 0), int(s or 0), int(q or 0), int(p or 0))
        for a, y, n, ns, s, q, p in session.execute(statement)
    ]


# -- fidelity ---------------------------------------------------------------------------------------

FIDELITY_BUCKETS = ("done", "missed", "cancelled", "not_recorded", "pending")
DUE_BUCKETS = ("done", "missed", "cancelled", "not_recorded")


def _bucket(cutoff: date) -> ColumnElement[str]:
    """done / missed / cancelled as recorded; a planned visit is not_recorded once overdue, else pending."""
    return case(
        (Visit.status == "done", "done"),
        (Visit.status == "missed", "missed"),
        (Visit.status == "cancelled", "cancelled"),
        (Visit.latest < cutoff, "not_recorded"),
        else_="pending",
    )


def _while_enrolled(today: date) -> ColumnElement[bool]:
    """Visits whose window had opened by today and before the enrolment ended."""
    return and_(
        Visit.earliest <= today,
        Visit.earliest <= func.coalesce(Enrollment.ended_on, today),
    )


def _enrolments(package_code: str, version: int | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Enrollment.package_code == package_code]
    if version is not None:
        conditions.append(Enrollment.package_version == version)
    return conditions


def fidelity_visit_counts(
    session: Session, *, package_code: str, version: int | None, today: date, cutoff: date
) -> list[tuple[int, str, str, int]]:
    """(package version, visit kind, bucket, visits) of the package's enrolments."""
    bucket = _bucket(cutoff)
    statement = (
        select(Enrollment.package_version, Visit.kind, bucket, func.count(Visit.id))
        .join(Enrollment, col(Enrollment.id) == col(Visit.enrollment_id))
        .where(*_enrolments(package_code, version), _while_enrolled(today))
        .group_by(Enrollment.package_version, Visit.kind, bucket)
    )
    return [(int(v), str(k), str(b), int(n)) for v, k, b, n in session.execute(statement)]


def fidelity_family_counts(
    session: Session, *, package_code: str, version: int | None, today: date, cutoff: date, threshold: Fraction
) -> list[tuple[int, int, int, int]]:
    """(package version, enrolments, enrolments with nothing due yet, enrolments at fidelity): at
    fidelity = done x 100 >= threshold x due, for the visits due so far."""
    bucket = _bucket(cutoff)
    per_enrolment = (
        select(
            Enrollment.id.label("enrollment_id"),  # type: ignore[attr-defined]
            Enrollment.package_version.label("version"),  # type: ignore[attr-defined]
            func.sum(case((and_(col(Visit.id).is_not(None), bucket.in_(DUE_BUCKETS)), 1), else_=0)).label("due"),
            func.sum(case((Visit.status == "done", 1), else_=0)).label("done"),
        )
        .select_from(Enrollment)
        .outerjoin(Visit, and_(col(Visit.enrollment_id) == col(Enrollment.id), _while_enrolled(today)))
        .where(*_enrolments(package_code, version))
        .group_by(Enrollment.id, Enrollment.package_version)
        .subquery()
    )
    at_fidelity = and_(
        per_enrolment.c.due > 0,
        per_enrolment.c.done * 100 * threshold.denominator >= per_enrolment.c.due * threshold.numerator,
    )
    statement = select(
        per_enrolment.c.version,
        func.count(),
        func.sum(case((per_enrolment.c.due == 0, 1), else_=0)),
        func.sum(case((at_fidelity, 1), else_=0)),
    ).group_by(per_enrolment.c.version)
    return [(int(v), int(n), int(z or 0), int(f or 0)) for v, n, z, f in session.execute(statement)]


def fidelity_reasons(
    session: Session, *, package_code: str, version: int | None, today: date
) -> list[tuple[str, str, int]]:
    """(status, reason, visits) of the missed and cancelled visits, most frequent first."""
    reason = func.coalesce(Visit.status_reason, NO_REASON)
    statement = (
        select(Visit.status, reason, func.count(Visit.id))
        .join(Enrollment, col(Enrollment.id) == col(Visit.enrollment_id))
        .where(
            *_enrolments(package_code, version),
            _while_enrolled(today),
            col(Visit.status).in_(("missed", "cancelled")),
        )
        .group_by(Visit.status, reason)
        .order_by(Visit.status, func.count(Visit.id).desc(), reason)
    )
    return [(str(s), str(r), int(n)) for s, r, n in session.execute(statement)]


def fidelity_enrolments(
    session: Session,
    *,
    package_code: str,
    version: int | None,
    visible: ColumnElement[bool],
    cursor: str | None,
    limit: int,
) -> Page[Row[Any]]:
    """The package's enrolments of children within `visible`, in id order."""
    statement = (
        select(
            col(Enrollment.id).label("enrollment_id"),
            Enrollment.child_id,
            Child.family_id,
            Child.name,
            Enrollment.package_version,
            Enrollment.started_on,
            Enrollment.ended_on,
        )
        .join(Child, col(Child.id) == col(Enrollment.child_id))
        .where(*_enrolments(package_code, version), visible)
    )
    return keyset_page(
        session,
        statement,
        order_by=[col(Enrollment.id)],
        key_of=lambda row: (row.enrollment_id,),
        cursor=cursor,
        limit=limit,
    )


def fidelity_by_enrolment(
    session: Session, *, enrollment_ids: Sequence[uuid.UUID], today: date, cutoff: date
) -> list[tuple[uuid.UUID, str, str, int]]:
    """(enrolment, visit kind, bucket, visits) for the given enrolments."""
    if not enrollment_ids:
        return []
    bucket = _bucket(cutoff)
    statement = (
        select(Visit.enrollment_id, Visit.kind, bucket, func.count(Visit.id))
        .join(Enrollment, col(Enrollment.id) == col(Visit.enrollment_id))
        .where(col(Visit.enrollment_id).in_(enrollment_ids), _while_enrolled(today))
        .group_by(Visit.enrollment_id, Visit.kind, bucket)
    )
    return [(e, str(k), str(b), int(n)) for e, k, b, n in session.execute(statement)]


def reasons_by_enrolment(
    session: Session, *, enrollment_ids: Sequence[uuid.UUID], today: date
) -> list[tuple[uuid.UUID, str, str, int]]:
    """(enrolment, status, reason, visits) of the missed and cancelled visits of the given enrolments."""
    if not enrollment_ids:
        return []
    reason = func.coalesce(Visit.status_reason, NO_REASON)
    statement = (
        select(Visit.enrollment_id, Visit.status, reason, func.count(Visit.id))
        .join(Enrollment, col(Enrollment.id) == col(Visit.enrollment_id))
        .where(
            col(Visit.enrollment_id).in_(enrollment_ids),
            _while_enrolled(today),
            col(Visit.status).in_(("missed", "cancelled")),
        )
        .group_by(Visit.enrollment_id, Visit.status, reason)
    )
    return [(e, str(s), str(r), int(n)) for e, s, r, n in session.execute(statement)]


# -- capacity ---------------------------------------------------------------------------------------


def planned_visits_per_staff_and_day(
    session: Session, *, first: date, last: date, team_code: str | None
) -> list[tuple[uuid.UUID, date, int]]:
    """(staff, day, planned visits the staff member is assigned to) for first..last."""
    statement = (
        select(VisitStaff.staff_id, Visit.target_date, func.count(Visit.id))
        .join(Visit, col(Visit.id) == col(VisitStaff.visit_id))
        .join(Staff, col(Staff.id) == col(VisitStaff.staff_id))
        .outerjoin(Team, col(Team.id) == col(Staff.team_id))
        .where(Visit.status == "planned", Visit.target_date >= first, Visit.target_date <= last)
        .group_by(VisitStaff.staff_id, Visit.target_date)
    )
    if team_code is not None:
        statement = statement.where(Team.code == team_code)
    return [(s, d, int(n)) for s, d, n in session.execute(statement)]


def caseload_per_staff(
    session: Session, *, packages: Sequence[str], today: date, team_code: str | None
) -> list[tuple[uuid.UUID, str, int]]:
    """(staff, package, families) of the active enrolments each professional is assigned to."""
    if not packages:
        return []
    statement = (
        select(EnrollmentStaff.staff_id, Enrollment.package_code, func.count(func.distinct(Child.family_id)))
        .join(Enrollment, col(Enrollment.id) == col(EnrollmentStaff.enrollment_id))
        .join(Child, col(Child.id) == col(Enrollment.child_id))
        .join(Staff, col(Staff.id) == col(EnrollmentStaff.staff_id))
        .outerjoin(Team, col(Team.id) == col(Staff.team_id))
        .where(
            col(Enrollment.package_code).in_(packages),
            or_(col(Enrollment.ended_on).is_(None), col(Enrollment.ended_on) >= today),
        )
        .group_by(EnrollmentStaff.staff_id, Enrollment.package_code)
    )
    if team_code is not None:
        statement = statement.where(Team.code == team_code)
    return [(s, str(p), int(n)) for s, p, n in session.execute(statement)]


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: uuid.UUID
    username: str
    full_name: str
    roles: tuple[str, ...]
    team: str | None


def staff_members(session: Session, staff_ids: Sequence[uuid.UUID]) -> list[StaffMember]:
    """The named staff with their team codes, by team and username."""
    if not staff_ids:
        return []
    statement = (
        select(Staff.id, Staff.username, Staff.full_name, Staff.roles, Team.code)
        .outerjoin(Team, col(Team.id) == col(Staff.team_id))
        .where(col(Staff.id).in_(staff_ids))
        .order_by(func.coalesce(Team.code, ""), Staff.username)
    )
    return [StaffMember(i, u, f, tuple(r or ()), t) for i, u, f, r, t in session.execute(statement)]


def team_exists(session: Session, code: str) -> bool:
    return session.execute(select(Team.id).where(Team.code == code)).first() is not None
