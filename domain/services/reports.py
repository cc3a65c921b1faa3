"""Reports for managers and politicians: coverage against targets, levels over time, group courses,
fidelity, capacity and the cost estimate; and the drill-downs behind them for staff with person access.

Every report states its period, its denominator and the moment it was computed (`as_of`), so each
figure can be reproduced. Figures for roles without person access (managers, integration clients
without families:read) go through disclosure control (`domain.rules.kpi.suppress`): small counts are
hidden, and so are the cells that would let them be derived from totals; percentages and verdicts
computed from a hidden count are hidden too.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import Session

from domain.errors import NotFound, ValidationFailed
from domain.rules import kpi
from domain.rules.catalog import CadenceKind, PackageVersion
from domain.rules.cost import CostEstimate, estimate_cost, load_rate_book
from domain.rules.levels import DecisionBasis, InterventionLevel, LevelChange, StepDirection
from domain.rules.offsets import add_months
from domain.rules.visit_state import overdue_if_latest_before
from domain.services.actors import Actor, Role, Scope
from domain.services.catalog import package_catalog
from domain.store.repositories import reports as report_repo
from domain.store.repositories.access import visible_children
from domain.store.repositories.pagination import Page

MAX_MONTHS = 60
MAX_WEEKS = 26
OTHER_REASONS = "(other reasons, each fewer than {threshold})"


# -- disclosure -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Disclosure:
    """Whether the caller sees exact counts, and the small-count threshold otherwise.

    `exact_areas`: the housing areas whose counts are exact all the same (a health visitor's team's
    areas); `across_filters`: the answer is cut from a fixed table, so that no two answers with other
    filters give a hidden count away (the coverage report)."""

    applied: bool
    threshold: int
    exact_areas: tuple[str, ...] = ()
    across_filters: bool = False

    @property
    def rule(self) -> str:
        if not self.applied:
            return "exact counts: the caller has access to persons"
        rule = (
            f'counts from 1 to {self.threshold - 1} are hidden (shown as "<{self.threshold}"), and further cells are '
            'hidden ("x") so that no hidden count can be derived from the totals; percentages and verdicts '
            "computed from a hidden count are hidden too"
        )
        if self.across_filters:
            rule += (
                "; the hidden cells are chosen once in the table of every housing area (each birth year a table "
                "of its own, both populations, every visit kind), whatever the filter, and a figure of this answer "
                'is shown only when that table lets it be computed ("x" otherwise, reason filter), so that no '
                "answers with other filters give a hidden count away together; the counts of a row whose "
                "denominator is hidden are hidden"
            )
        if self.exact_areas:
            rule = (
                f"exact counts in {', '.join(self.exact_areas)} (the caller's team's areas, whose children she "
                "may see); other areas as managers see them, and sums with other areas only where those do not "
                f"give their hidden counts away: {rule}"
            )
        return rule


def has_person_access(actor: Actor) -> bool:
    """Care staff and clients allowed to read families see exact counts; managers and report-only
    clients see suppressed ones."""
    if actor.is_client:
        return Scope.FAMILIES_READ.value in actor.scopes
    return actor.has_role(Role.HEALTH_VISITOR, Role.FAMILY_THERAPIST, Role.CASEWORKER)


def disclosure_for(actor: Actor) -> Disclosure:
    """All or nothing, for the reports other than coverage: exact counts for a caller with person access."""
    return Disclosure(applied=not has_person_access(actor), threshold=kpi.load_report_settings().threshold)


def exact_areas_for(session: Session, actor: Actor) -> frozenset[str] | None:
    """The housing areas whose children the caller may see, so whose counts she gets exactly: every area
    (None) for an integration client allowed to read families; her team's areas for a health visitor;
    none for anyone else (managers; family therapists and caseworkers, who see the children assigned to
    them, not an area's)."""
    if actor.is_client:
        return None if Scope.FAMILIES_READ.value in actor.scopes else frozenset()
    if actor.has_role(Role.HEALTH_VISITOR) and actor.team_id is not None:
        return report_repo.team_area_codes(session, actor.team_id)
    return frozenset()


def _hide(
    disclosure: Disclosure,
    values: Mapping[Any, int],
    constraints: Sequence[kpi.SumConstraint[Any]],
    keep: Sequence[Hashable] = (),
) -> dict[Any, kpi.Hidden]:
    if not disclosure.applied:
        return {}
    return kpi.suppress(values, constraints, threshold=disclosure.threshold, keep=set(keep))


def _shown(value: int, key: Hashable, hidden: Mapping[Any, kpi.Hidden]) -> int | None:
    return None if key in hidden else value


# -- housing areas ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HousingAreaChoice:
    code: str
    name: str
    designated: bool


def housing_area_choices(session: Session) -> list[HousingAreaChoice]:
    """The housing areas a report can be filtered by (`area=`), by name."""
    rows = report_repo.housing_area_choices(session)
    return [HousingAreaChoice(code=code, name=name, designated=designated) for code, name, designated in rows]


# -- coverage ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeasureRow:
    """One row of a coverage table: the children of the denominator split into the categories."""

    breakdown: str  # total, area, birth_year, visit_kind, package
    key: str
    denominator: int | None
    counts: dict[str, int | None]
    numerator: int | None
    percent: Decimal | None
    target_percent: Decimal | None
    required: int | None
    met: bool | None
    can_still_be_met: bool | None
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CoverageReport:
    measure: str
    title: str
    package_code: str | None
    visit_kind: str | None
    population: str
    areas: tuple[str, ...]
    birth_years: tuple[int, ...]
    categories: tuple[str, ...]
    numerator_category: str
    direction: str
    period: str
    denominator_definition: str
    numerator_definition: str
    as_of: datetime
    today: date
    disclosure: Disclosure
    total: MeasureRow
    by_area: list[MeasureRow]
    by_birth_year: list[MeasureRow]
    package_totals: list[MeasureRow]


@dataclass(frozen=True, slots=True)
class _CoverageQuery:
    measure: kpi.Measure
    package_code: str | None
    visit_kind: str | None
    kinds: tuple[str, ...]
    population: kpi.Population
    areas: tuple[str, ...]
    birth_years: tuple[int, ...]
    children: report_repo.ChildFilter
    rank: ColumnElement[int]
    target: kpi.Target | None
    numerator_definition: str
    enrolled_in: str  # the package whose enrolments make the enrolled population
    designated: tuple[str, ...] = ()  # the designated housing areas: a fixed group of the disclosure table
    designated_headline: bool = False  # the package counts in designated areas: their total is its headline


def _package(session: Session, code: str, field_name: str = "package_code") -> tuple[PackageVersion, ...]:
    try:
        return package_catalog(session).versions_of(code)
    except NotFound:
        raise ValidationFailed.for_field(field_name, f"Unknown package {code!r}") from None


def _check_areas(session: Session, areas: Sequence[str]) -> dict[str, bool]:
    known = report_repo.housing_areas(session)
    for index, code in enumerate(areas):
        if code not in known:
            raise ValidationFailed.for_field(f"area.{index}", f"Unknown housing area {code!r}")
    return known


def _check_years(years: Sequence[int], today: date, name: str = "birth_year") -> tuple[int, ...]:
    for index, year in enumerate(years):
        if not 1990 <= year <= today.year + 1:
            raise ValidationFailed.for_field(f"{name}.{index}", f"{name} must be between 1990 and {today.year + 1}")
    return tuple(sorted(set(years)))


def _resolve_coverage(
    session: Session,
    *,
    measure_code: str,
    package_code: str | None,
    visit_kind: str | None,
    areas: Sequence[str],
    birth_years: Sequence[int],
    target_percent: Decimal | None,
    population: str | None,
    today: date,
) -> _CoverageQuery:
    settings = kpi.load_report_settings()
    measure = kpi.measure_of(measure_code)
    known_areas = _check_areas(session, areas)
    years = _check_years(birth_years, today)
    cutoff = overdue_if_latest_before(today)
    kinds: tuple[str, ...] = ()
    if measure.code is kpi.MeasureCode.VISIT:
        if not package_code:
            raise ValidationFailed.for_field("package_code", "Give the package whose visit coverage to count")
        kinds = tuple(dict.fromkeys(k for pv in _package(session, package_code) for k in pv.visit_kinds()))
        if visit_kind is None and len(kinds) == 1:
            visit_kind = kinds[0]
        if visit_kind is None:
            raise ValidationFailed.for_field("visit_kind", f"Give the visit kind: one of {', '.join(kinds)}")
        if visit_kind not in kinds:
            raise ValidationFailed.for_field(
                "visit_kind", f"{package_code} has no visit kind {visit_kind!r}; it has {', '.join(kinds)}"
            )
        rank = report_repo.visit_outcome_rank(package_code=package_code, visit_kind=visit_kind, cutoff=cutoff)
        numerator_definition = measure.numerator_text
        package_for_population = package_code
    else:
        package_code, visit_kind = None, None
        if measure.code is kpi.MeasureCode.UNIVERSAL_YEAR_ONE:
            rank = report_repo.universal_year_one_rank(
                packages=settings.universal_packages, min_visits=settings.universal_min_visits, today=today
            )
            numerator_definition = measure.numerator_text.format(
                min_visits=settings.universal_min_visits, packages=", ".join(settings.universal_packages)
            )
            package_for_population = "universal"
        elif measure.code is kpi.MeasureCode.DEPRESSION_SCREENING:
            rank = report_repo.depression_screening_rank(today=today)
            numerator_definition = measure.numerator_text
            package_for_population = "depression_screening"
        else:
            rank = report_repo.three_year_opt_out_rank(markers=settings.opt_out_markers, cutoff=cutoff)
            numerator_definition = measure.numerator_text.format(markers=", ".join(settings.opt_out_markers))
            package_for_population = "three_year_visit"
    package_settings = settings.coverage_of(package_for_population)
    try:
        chosen = kpi.Population(population) if population else package_settings.population
    except ValueError:
        raise ValidationFailed.for_field("population", "population must be enrolled or resident") from None
    chosen_areas = tuple(dict.fromkeys(areas))
    if not chosen_areas and package_settings.designated_areas_only:
        chosen_areas = tuple(code for code, designated in known_areas.items() if designated)
    target = (
        kpi.target_from(target_percent, measure.direction)
        if target_percent is not None
        else settings.default_target(measure, package_code, visit_kind)
    )
    return _CoverageQuery(
        measure=measure,
        package_code=package_code,
        visit_kind=visit_kind,
        kinds=kinds,
        population=chosen,
        areas=chosen_areas,
        birth_years=years,
        children=report_repo.ChildFilter(
            areas=chosen_areas,
            birth_years=years,
            enrolled_in=package_for_population if chosen is kpi.Population.ENROLLED else None,
        ),
        rank=rank,
        target=target,
        numerator_definition=numerator_definition,
        enrolled_in=package_for_population,
        designated=tuple(code for code, designated in known_areas.items() if designated),
        designated_headline=package_settings.designated_areas_only,
    )


def _period_text(years: tuple[int, ...]) -> str:
    if not years:
        return "children of every birth date"
    if len(years) == 1:
        return f"children born {years[0]}-01-01 to {years[0]}-12-31"
    return "children born in " + ", ".join(str(y) for y in years)


def _denominator_text(query: _CoverageQuery) -> str:
    where = ", ".join(query.areas) if query.areas else "every housing area (and none)"
    base = f"{_period_text(query.birth_years)}, whose family lives in {where} (the area registered now)"
    if query.population is kpi.Population.ENROLLED:
        enrolled = query.children.enrolled_in
        return f"{base}, enrolled in {enrolled} (any version, ended enrolments included)"
    return f"{base}, enrolled or not: a child never offered the visit counts as not_planned"


def _measure_row(
    *,
    breakdown: str,
    key: str,
    row_id: Hashable,
    counts: Mapping[str, int],
    measure: kpi.Measure,
    target: kpi.Target | None,
    required: int | None,
    hidden: Mapping[Any, kpi.Hidden],
) -> MeasureRow:
    denominator = sum(counts.values())
    numerator = counts.get(measure.numerator, 0)
    pending = counts.get(measure.pending, 0) if measure.pending else 0
    hidden_fields = {
        name: hidden[(row_id, name)].value for name in (*counts, "denominator") if (row_id, name) in hidden
    }
    number_hidden = measure.numerator in hidden_fields or "denominator" in hidden_fields
    percent = None if number_hidden else kpi.percent_shown(numerator, denominator)
    met = None if number_hidden else kpi.target_met(numerator, denominator, target)
    if required is None and target is not None and "denominator" not in hidden_fields:
        required = kpi.required_count(denominator, target)
    if number_hidden:
        hidden_fields.update({"percent": kpi.Hidden.DERIVED.value, "met": kpi.Hidden.DERIVED.value})
    if "denominator" in hidden_fields:
        required = None
        hidden_fields["required"] = kpi.Hidden.DERIVED.value
    still = None
    if not number_hidden and (measure.pending is None or measure.pending not in hidden_fields):
        still = kpi.can_still_be_met(numerator, pending, denominator, target)
    elif target is not None:
        hidden_fields["can_still_be_met"] = kpi.Hidden.DERIVED.value
    return MeasureRow(
        breakdown=breakdown,
        key=key,
        denominator=_shown(denominator, (row_id, "denominator"), hidden),
        counts={name: _shown(value, (row_id, name), hidden) for name, value in counts.items()},
        numerator=_shown(numerator, (row_id, measure.numerator), hidden),
        percent=percent,
        target_percent=None if target is None else kpi.round_half_up(target.percent, 1),
        required=required,
        met=met,
        can_still_be_met=still,
        hidden=hidden_fields,
    )


def coverage_report(
    session: Session,
    *,
    actor: Actor,
    measure: str,
    package_code: str | None,
    visit_kind: str | None,
    areas: Sequence[str],
    birth_years: Sequence[int],
    target_percent: Decimal | None,
    population: str | None,
    today: date,
    now: datetime,
) -> CoverageReport:
    """Coverage of one visit kind (or one of the extra measures) against its target, by area and
    birth year, counted in the database."""
    query = _resolve_coverage(
        session,
        measure_code=measure,
        package_code=package_code,
        visit_kind=visit_kind,
        areas=areas,
        birth_years=birth_years,
        target_percent=target_percent,
        population=population,
        today=today,
    )
    m = query.measure
    threshold = kpi.load_report_settings().threshold
    kind = query.visit_kind or m.code.value
    kinds = query.kinds or (kind,)
    access = exact_areas_for(session, actor)
    if access is None or (query.areas and access.issuperset(query.areas)):
        # Every child counted is one the caller may see: exact counts, from the filtered children only.
        view = kpi.disclose_grid(_coverage_grid(session, query, today=today, every_area=False), applied=False)
        disclosure = Disclosure(applied=False, threshold=threshold)
    else:
        view = kpi.disclose_grid(
            _coverage_grid(session, query, today=today, every_area=True), threshold=threshold, exact_areas=access
        )
        disclosure = Disclosure(
            applied=True, threshold=threshold, exact_areas=tuple(sorted(access)), across_filters=True
        )
    population = query.population
    area_filter = query.areas or None
    year_filter = query.birth_years or None

    def row(
        breakdown: str,
        key: str,
        row_kinds: Sequence[str],
        row_areas: Sequence[str] | None,
        row_years: Sequence[int] | None,
        target: kpi.Target | None,
        required: int | None = None,
    ) -> MeasureRow:
        shown = {c: view.figure(population, row_kinds, row_areas, row_years, c) for c in (*m.categories, "denominator")}
        return _measure_row(
            breakdown=breakdown,
            key=key,
            row_id=key,
            counts={c: shown[c].value for c in m.categories},
            measure=m,
            target=target,
            required=required,
            hidden={(key, c): figure.hidden for c, figure in shown.items() if figure.hidden is not None},
        )

    area_keys = list(query.areas) or view.areas(population, year_filter)
    year_keys = sorted(
        set(query.birth_years)
        | {
            y
            for y in view.years
            if (year_filter is None or y in year_filter)
            and view.figure(population, [kind], area_filter, [y], "denominator").value
        }
    )
    package_rows: list[MeasureRow] = []
    if m.code is kpi.MeasureCode.VISIT and len(kinds) > 1:
        settings = kpi.load_report_settings()
        required_total: int | None = 0
        for each in kinds:
            target = query.target if each == kind else settings.default_target(m, query.package_code, each)
            kind_row = row("visit_kind", each, [each], area_filter, year_filter, target)
            package_rows.append(kind_row)
            required_total = (
                None if required_total is None or kind_row.required is None else required_total + kind_row.required
            )
        package_row = row("package", query.package_code or "", kinds, area_filter, year_filter, None, required_total)
        if required_total is not None and package_row.numerator is not None:
            package_row = _with_package_verdict(package_row, package_row.numerator, required_total, m)
        package_rows.append(package_row)

    return CoverageReport(
        measure=m.code.value,
        title=m.title,
        package_code=query.package_code,
        visit_kind=query.visit_kind,
        population=query.population.value,
        areas=query.areas,
        birth_years=query.birth_years,
        categories=m.categories,
        numerator_category=m.numerator,
        direction=m.direction.value,
        period=_period_text(query.birth_years),
        denominator_definition=_denominator_text(query),
        numerator_definition=query.numerator_definition,
        as_of=now,
        today=today,
        disclosure=disclosure,
        total=row("total", "all", [kind], area_filter, year_filter, query.target),
        by_area=[row("area", a, [kind], [a], year_filter, query.target) for a in sorted(area_keys)],
        by_birth_year=[row("birth_year", str(y), [kind], area_filter, [y], query.target) for y in year_keys],
        package_totals=package_rows,
    )


def _coverage_grid(session: Session, query: _CoverageQuery, *, today: date, every_area: bool) -> kpi.CoverageGrid:
    """The children of a coverage figure per population, visit kind, area, birth year and category.

    `every_area`: the fixed table disclosure control works on, the same whatever areas and population
    were asked for (every area, both populations; only the birth years asked for, each year's table
    being separate); else only the children the query counts, in its population."""
    m = query.measure
    kinds = query.kinds or (query.visit_kind or m.code.value,)
    counts: Counter[tuple[kpi.Population, str, str, int, str]] = Counter()
    if every_area:
        children = report_repo.ChildFilter(birth_years=query.birth_years)
        if m.code is kpi.MeasureCode.VISIT:
            assert query.package_code is not None
            marked = report_repo.visit_outcome_counts_by_enrolment(
                session,
                package_code=query.package_code,
                kinds=kinds,
                cutoff=overdue_if_latest_before(today),
                children=children,
                enrolled_in=query.enrolled_in,
            )
        else:
            marked = {
                kinds[0]: report_repo.measure_counts_by_enrolment(
                    session, rank=query.rank, children=children, enrolled_in=query.enrolled_in
                )
            }
        for each, rows in marked.items():
            for enrolled, area, year, rank, n in rows:
                category = m.category_of(rank)
                counts[(kpi.Population.RESIDENT, each, area, year, category)] += n
                if enrolled:
                    counts[(kpi.Population.ENROLLED, each, area, year, category)] += n
        populations: tuple[kpi.Population, ...] = (kpi.Population.RESIDENT, kpi.Population.ENROLLED)
    else:
        if m.code is kpi.MeasureCode.VISIT:
            assert query.package_code is not None
            plain = report_repo.visit_outcome_counts(
                session,
                package_code=query.package_code,
                kinds=kinds,
                cutoff=overdue_if_latest_before(today),
                children=query.children,
            )
        else:
            plain = {kinds[0]: report_repo.measure_counts(session, rank=query.rank, children=query.children)}
        for each, unmarked in plain.items():
            for area, year, rank, n in unmarked:
                counts[(query.population, each, area, year, m.category_of(rank))] += n
        populations = (query.population,)
    # The designated areas are a fixed group of every table (so that the denominators, which every measure
    # shares, are suppressed alike), and the headline of a package that counts in them.
    return kpi.CoverageGrid.of(
        categories=m.categories,
        kinds=kinds,
        numerator=m.numerator,
        populations=populations,
        counts=counts,
        groups={"designated": query.designated},
        headline="designated" if query.designated_headline and query.designated else None,
    )


def _with_package_verdict(row: MeasureRow, numerator: int, required: int, measure: kpi.Measure) -> MeasureRow:
    """The package total meets its target when its visits reach the sum of the kinds' required counts."""
    met = numerator >= required if measure.direction is kpi.Direction.AT_LEAST else numerator <= required
    return replace(row, met=met)


@dataclass(frozen=True, slots=True)
class CoverageChild:
    child_id: uuid.UUID
    family_id: uuid.UUID
    name: str | None
    birth_date: date | None
    birth_year: int
    area: str
    category: str


def coverage_children(
    session: Session,
    *,
    actor: Actor,
    measure: str,
    package_code: str | None,
    visit_kind: str | None,
    areas: Sequence[str],
    birth_years: Sequence[int],
    population: str | None,
    category: str | None,
    cursor: str | None,
    limit: int,
    today: date,
) -> Page[CoverageChild]:
    """The children counted in a coverage figure (one category, or the whole denominator), within
    what the caller may see."""
    query = _resolve_coverage(
        session,
        measure_code=measure,
        package_code=package_code,
        visit_kind=visit_kind,
        areas=areas,
        birth_years=birth_years,
        target_percent=None,
        population=population,
        today=today,
    )
    only_rank = None
    if category is not None:
        if category not in query.measure.categories:
            raise ValidationFailed.for_field(
                "category", f"category must be one of {', '.join(query.measure.categories)}"
            )
        only_rank = query.measure.rank(category)
    page = report_repo.measure_children(
        session,
        rank=query.rank,
        children=query.children,
        only_rank=only_rank,
        visible=visible_children(actor, today=today),
        cursor=cursor,
        limit=limit,
    )
    return Page(
        items=[
            CoverageChild(
                child_id=row.child_id,
                family_id=row.family_id,
                name=row.name,
                birth_date=row.birth_date,
                birth_year=int(row.birth_year),
                area=str(row.area),
                category=query.measure.category_of(int(row.rank)),
            )
            for row in page.items
        ],
        next_cursor=page.next_cursor,
    )


# -- levels over time -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelMonth:
    month: str  # YYYY-MM
    counted_on: date  # the month's last day, or today for the current month
    children: int | None
    levels: dict[str, int | None]  # "1".."4"
    steps_up: int | None
    steps_down: int | None
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LevelStay:
    level: int
    stays: int | None
    ongoing: int | None
    average_days: Decimal | None
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LevelsReport:
    first_month: str
    last_month: str
    areas: tuple[str, ...]
    max_age_years: int
    period: str
    denominator_definition: str
    as_of: datetime
    today: date
    disclosure: Disclosure
    months: list[LevelMonth]
    steps_up: int | None
    steps_down: int | None
    time_at_level: list[LevelStay]
    hidden: dict[str, str] = field(default_factory=dict)


def _parse_month(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValidationFailed.for_field(name, f"{name} must be a month as YYYY-MM") from None


def levels_report(
    session: Session,
    *,
    actor: Actor,
    from_month: str | None,
    to_month: str | None,
    areas: Sequence[str],
    max_age_years: int | None,
    today: date,
    now: datetime,
) -> LevelsReport:
    """Children per level at each month's end, steps up and down per month, and the time spent at
    each level, from the level decisions (`level_on` and `steps` of `domain.rules.levels`)."""
    settings = kpi.load_report_settings()
    _check_areas(session, areas)
    this_month = date(today.year, today.month, 1)
    last = _parse_month(to_month, "to_month") or this_month
    first = _parse_month(from_month, "from_month") or add_months(last, -11)
    if last > this_month:
        raise ValidationFailed.for_field("to_month", "to_month cannot be after the current month")
    if first > last:
        raise ValidationFailed.for_field("from_month", "from_month must not be after to_month")
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        raise ValidationFailed.for_field("from_month", f"At most {MAX_MONTHS} months at a time")
    age = settings.max_age_years if max_age_years is None else max_age_years
    if not 1 <= age <= 18:
        raise ValidationFailed.for_field("max_age_years", "max_age_years must be between 1 and 18")
    days = [min(end, today) for end in kpi.month_ends(first, last)]
    until = days[-1]

    histories: dict[uuid.UUID, tuple[date | None, list[LevelChange]]] = {}
    for row in report_repo.level_decisions(session, areas=areas, until=until):
        entry = histories.setdefault(row.child_id, (row.birth_date, []))
        entry[1].append(
            LevelChange(
                effective_on=row.effective_on,
                level=InterventionLevel(row.level),
                decided_by=str(row.decided_by or "system"),
                basis=DecisionBasis(row.basis),
                reason=row.reason or "(not recorded)",
            )
        )
    children = [kpi.ChildLevels(birth, tuple(history)) for birth, history in histories.values()]
    step_counts = kpi.step_counts(children, first, until)

    values: dict[Any, int] = {}
    constraints: list[kpi.SumConstraint[Any]] = []
    level_names = [str(int(level)) for level in InterventionLevel]
    month_rows: list[tuple[str, date, Counter[str], int, int]] = []
    for day in days:
        born_after = add_months(day, -12 * age)
        decided = [c for c in children if c.history[0].effective_on <= day]
        counts = Counter({str(int(k)): v for k, v in kpi.level_counts(decided, day, born_after=born_after).items()})
        counts["1"] += report_repo.undecided_children(session, day=day, born_after=born_after, areas=areas)
        month = f"{day.year:04d}-{day.month:02d}"
        up = step_counts[(date(day.year, day.month, 1), StepDirection.UP)]
        down = step_counts[(date(day.year, day.month, 1), StepDirection.DOWN)]
        month_rows.append((month, day, counts, up, down))
        for name in level_names:
            values[(month, name)] = counts[name]
        values[(month, "children")] = sum(counts[n] for n in level_names)
        values[(month, "steps_up")] = up
        values[(month, "steps_down")] = down
        constraints.append(kpi.SumConstraint((month, "children"), tuple((month, n) for n in level_names)))
    months = [r[0] for r in month_rows]
    total_up = sum(r[3] for r in month_rows)
    total_down = sum(r[4] for r in month_rows)
    values[("all", "steps_up")] = total_up
    values[("all", "steps_down")] = total_down
    for name in ("steps_up", "steps_down"):
        constraints.append(kpi.SumConstraint(("all", name), tuple((m, name) for m in months)))
    stays = kpi.time_at_levels(children, until)
    for level, stay in stays.items():
        values[(f"level_{int(level)}", "stays")] = stay.spans
        values[(f"level_{int(level)}", "ongoing")] = stay.ongoing
    disclosure = disclosure_for(actor)
    hidden = _hide(disclosure, values, constraints, keep=[(m, "children") for m in months])

    def reasons(row_id: str, names: Sequence[str]) -> dict[str, str]:
        return {n: hidden[(row_id, n)].value for n in names if (row_id, n) in hidden}

    month_out = [
        LevelMonth(
            month=month,
            counted_on=day,
            children=_shown(sum(counts[n] for n in level_names), (month, "children"), hidden),
            levels={n: _shown(counts[n], (month, n), hidden) for n in level_names},
            steps_up=_shown(up, (month, "steps_up"), hidden),
            steps_down=_shown(down, (month, "steps_down"), hidden),
            hidden=reasons(month, [*level_names, "children", "steps_up", "steps_down"]),
        )
        for month, day, counts, up, down in month_rows
    ]
    stay_out: list[LevelStay] = []
    for level, stay in stays.items():
        row_id = f"level_{int(level)}"
        row_hidden = reasons(row_id, ["stays", "ongoing"])
        average = stay.average_days()
        if "stays" in row_hidden and average is not None:
            row_hidden["average_days"] = kpi.Hidden.DERIVED.value
            average = None
        stay_out.append(
            LevelStay(
                level=int(level),
                stays=_shown(stay.spans, (row_id, "stays"), hidden),
                ongoing=_shown(stay.ongoing, (row_id, "ongoing"), hidden),
                average_days=None if average is None else kpi.round_half_up(average, 1),
                hidden=row_hidden,
            )
        )
    where = ", ".join(areas) if areas else "every housing area"
    return LevelsReport(
        first_month=months[0],
        last_month=months[-1],
        areas=tuple(areas),
        max_age_years=age,
        period=f"{first.isoformat()} to {until.isoformat()}",
        denominator_definition=(
            f"children of families in {where} (the area registered now), counted at each month's last day (today for "
            f"the current month) from birth, or from an earlier level decision, until they turn {age}; the level in "
            "force is the last decision effective on or before that day, level 1 without any"
        ),
        as_of=now,
        today=today,
        disclosure=disclosure,
        months=month_out,
        steps_up=_shown(total_up, ("all", "steps_up"), hidden),
        steps_down=_shown(total_down, ("all", "steps_down"), hidden),
        time_at_level=stay_out,
        hidden=reasons("all", ["steps_up", "steps_down"]),
    )


# -- group courses ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupRow:
    breakdown: str  # total, area_year
    area: str | None
    year: int | None
    courses: int
    courses_target: int | None
    capacity: int
    participants: int | None
    fill_rate_percent: Decimal | None
    not_started: int | None
    stable: int | None
    not_stable: int | None
    stable_percent: Decimal | None
    stable_met: bool | None
    answered: int | None
    positive: int | None
    not_positive: int | None
    positive_percent: Decimal | None
    positive_met: bool | None
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GroupAttendanceReport:
    package_code: str
    areas: tuple[str, ...]
    years: tuple[int, ...]
    stable_definition: str
    stable_target_percent: Decimal
    questionnaire_target_percent: Decimal
    period: str
    denominator_definition: str
    as_of: datetime
    today: date
    disclosure: Disclosure
    total: GroupRow
    rows: list[GroupRow]


_GROUP_COUNTS = ("participants", "not_started", "stable", "not_stable", "answered", "positive", "not_positive")


def group_attendance_report(
    session: Session,
    *,
    actor: Actor,
    package_code: str | None,
    years: Sequence[int],
    areas: Sequence[str],
    today: date,
    now: datetime,
) -> GroupAttendanceReport:
    """Courses per area and year against the planned number, fill rate, stable attendance and the
    questionnaire's positive share against their targets."""
    settings = kpi.load_report_settings()
    code = package_code or settings.group_package
    if _package(session, code)[-1].cadence is not CadenceKind.GROUP:
        raise ValidationFailed.for_field("package_code", f"{code} is not a group course package")
    _check_areas(session, areas)
    chosen_years = _check_years(years, today, "year")
    share = settings.stable_share_of_sessions
    courses = report_repo.courses_by_area_and_year(session, package_code=code, years=chosen_years, areas=areas)
    participants = report_repo.participants_by_area_and_year(
        session, package_code=code, years=chosen_years, areas=areas, today=today, stable_share=share
    )
    keys: set[tuple[str, int]] = {(a, y) for a, y, _, _ in courses} | {(p.area, p.year) for p in participants}
    keys |= {(a, y) for a in areas for y in chosen_years}
    course_of = {(a, y): (n, c) for a, y, n, c in courses}
    counts_of: dict[tuple[str, int], dict[str, int]] = {}
    for p in participants:
        counts_of[(p.area, p.year)] = {
            "participants": p.participants,
            "not_started": p.not_started,
            "stable": p.stable,
            "not_stable": p.participants - p.not_started - p.stable,
            "answered": p.answered,
            "positive": p.positive,
            "not_positive": p.answered - p.positive,
        }
    zero = dict.fromkeys(_GROUP_COUNTS, 0)
    ordered = sorted(keys)
    values: dict[Any, int] = {}
    constraints: list[kpi.SumConstraint[Any]] = []
    total_counts: Counter[str] = Counter(zero)
    for key in ordered:
        counts = counts_of.get(key, zero)
        total_counts.update(counts)
        for name in _GROUP_COUNTS:
            values[(key, name)] = counts[name]
    for name in _GROUP_COUNTS:
        values[("total", name)] = total_counts[name]
    for row_id in [*ordered, "total"]:
        constraints.append(
            kpi.SumConstraint(
                (row_id, "participants"), ((row_id, "not_started"), (row_id, "stable"), (row_id, "not_stable"))
            )
        )
        constraints.append(kpi.SumConstraint((row_id, "answered"), ((row_id, "positive"), (row_id, "not_positive"))))
    for name in _GROUP_COUNTS:
        constraints.append(kpi.SumConstraint(("total", name), tuple((k, name) for k in ordered)))
    disclosure = disclosure_for(actor)
    hidden = _hide(disclosure, values, constraints, keep=[("total", "participants")])
    stable_target = kpi.Target(settings.stable_target)
    positive_target = kpi.Target(settings.questionnaire_target)

    def group_row(
        row_id: Hashable, key: tuple[str, int] | None, counts: Mapping[str, int], n_courses: int, capacity: int
    ) -> GroupRow:
        area, year = key if key is not None else (None, None)
        row_hidden = {n: hidden[(row_id, n)].value for n in _GROUP_COUNTS if (row_id, n) in hidden}
        derived = kpi.Hidden.DERIVED.value
        fill = None if "participants" in row_hidden else kpi.percent_shown(counts["participants"], capacity)
        assessed = counts["stable"] + counts["not_stable"]
        stable_hidden = any(n in row_hidden for n in ("stable", "not_stable"))
        positive_hidden = any(n in row_hidden for n in ("positive", "answered"))
        if "participants" in row_hidden:
            row_hidden["fill_rate_percent"] = derived
        if stable_hidden:
            row_hidden.update(stable_percent=derived, stable_met=derived)
        if positive_hidden:
            row_hidden.update(positive_percent=derived, positive_met=derived)
        return GroupRow(
            breakdown="total" if area is None else "area_year",
            area=area,
            year=year,
            courses=n_courses,
            courses_target=settings.courses_per_area_per_year if area is not None else None,
            capacity=capacity,
            participants=_shown(counts["participants"], (row_id, "participants"), hidden),
            fill_rate_percent=fill,
            not_started=_shown(counts["not_started"], (row_id, "not_started"), hidden),
            stable=_shown(counts["stable"], (row_id, "stable"), hidden),
            not_stable=_shown(counts["not_stable"], (row_id, "not_stable"), hidden),
            stable_percent=None if stable_hidden else kpi.percent_shown(counts["stable"], assessed),
            stable_met=None if stable_hidden else kpi.target_met(counts["stable"], assessed, stable_target),
            answered=_shown(counts["answered"], (row_id, "answered"), hidden),
            positive=_shown(counts["positive"], (row_id, "positive"), hidden),
            not_positive=_shown(counts["not_positive"], (row_id, "not_positive"), hidden),
            positive_percent=None if positive_hidden else kpi.percent_shown(counts["positive"], counts["answered"]),
            positive_met=(
                None if positive_hidden else kpi.target_met(counts["positive"], counts["answered"], positive_target)
            ),
            hidden=row_hidden,
        )

    percent = kpi.round_half_up(share * 100, 1)
    return GroupAttendanceReport(
        package_code=code,
        areas=tuple(areas),
        years=chosen_years,
        stable_definition=(
            f"present at no fewer than {percent} % of the course's sessions held by {today.isoformat()}; "
            "participants of a course that has held no session yet are not_started and not assessed"
        ),
        stable_target_percent=kpi.round_half_up(settings.stable_target, 1),
        questionnaire_target_percent=kpi.round_half_up(settings.questionnaire_target, 1),
        period=("courses starting in " + ", ".join(str(y) for y in chosen_years)) if chosen_years else "every course",
        denominator_definition=(
            "participants of the package's courses (those who left included), by the course's area and the year it "
            "starts; fill rate = participants / places; stable share = stable / (stable + not_stable); positive share "
            "= positive / answered"
        ),
        as_of=now,
        today=today,
        disclosure=disclosure,
        total=group_row(
            "total",
            None,
            total_counts,
            sum(n for n, _ in course_of.values()),
            sum(c for _, c in course_of.values()),
        ),
        rows=[group_row(key, key, counts_of.get(key, zero), *course_of.get(key, (0, 0))) for key in ordered],
    )


# -- fidelity ---------------------------------------------------------------------------------------

_BUCKETS = report_repo.FIDELITY_BUCKETS
_DUE = report_repo.DUE_BUCKETS


@dataclass(frozen=True, slots=True)
class FidelityRow:
    breakdown: str  # visit_kind, version, total
    version: int | None
    visit_kind: str | None
    due: int | None  # done + missed + cancelled + not_recorded: windows opened while enrolled
    done: int | None
    missed: int | None
    cancelled: int | None
    not_recorded: int | None
    pending: int | None
    delivered_percent: Decimal | None
    enrolments: int | None = None
    not_started: int | None = None
    at_fidelity: int | None = None
    below_fidelity: int | None = None
    at_fidelity_percent: Decimal | None = None
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ReasonRow:
    status: str
    reason: str
    visits: int | None
    hidden: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FidelityReport:
    package_code: str
    version: int | None
    threshold_percent: Decimal
    period: str
    denominator_definition: str
    as_of: datetime
    today: date
    disclosure: Disclosure
    total: FidelityRow
    rows: list[FidelityRow]
    reasons: list[ReasonRow]


def _check_version(session: Session, code: str, version: int | None) -> None:
    versions = _package(session, code)
    if version is not None and not 1 <= version <= len(versions):
        raise ValidationFailed.for_field("version", f"{code} has versions 1 to {len(versions)}")


def fidelity_report(
    session: Session, *, actor: Actor, package_code: str, version: int | None, today: date, now: datetime
) -> FidelityReport:
    """Planned versus delivered visits per package version and visit kind, families at fidelity, and
    why visits were missed or cancelled."""
    settings = kpi.load_report_settings()
    _check_version(session, package_code, version)
    cutoff = overdue_if_latest_before(today)
    threshold = settings.fidelity_threshold
    visit_rows = report_repo.fidelity_visit_counts(
        session, package_code=package_code, version=version, today=today, cutoff=cutoff
    )
    family_rows = report_repo.fidelity_family_counts(
        session, package_code=package_code, version=version, today=today, cutoff=cutoff, threshold=threshold
    )
    disclosure = disclosure_for(actor)
    reason_rows = report_repo.fidelity_reasons(session, package_code=package_code, version=version, today=today)
    if disclosure.applied:  # free-text reasons given fewer than `threshold` times are pooled
        pooled: dict[tuple[str, str], int] = {}
        other = OTHER_REASONS.format(threshold=disclosure.threshold)
        for status, reason, n in reason_rows:
            key = (status, reason if n >= disclosure.threshold else other)
            pooled[key] = pooled.get(key, 0) + n
        reason_rows = [(s, r, n) for (s, r), n in pooled.items()]

    kind_counts: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for v, kind, bucket, n in visit_rows:
        kind_counts[(v, kind)][bucket] += n
    versions = sorted({v for v, _ in kind_counts} | {v for v, *_ in family_rows})
    version_counts: dict[int, Counter[str]] = {v: Counter() for v in versions}
    for (v, _kind), counts in kind_counts.items():
        version_counts[v].update(counts)
    families = {
        v: {"enrolments": n, "not_started": z, "at_fidelity": f, "below_fidelity": n - z - f}
        for v, n, z, f in family_rows
    }
    no_families = {"enrolments": 0, "not_started": 0, "at_fidelity": 0, "below_fidelity": 0}
    total_counts: Counter[str] = Counter()
    for counts in version_counts.values():
        total_counts.update(counts)
    total_families: Counter[str] = Counter(no_families)
    for v in versions:
        total_families.update(families.get(v, no_families))

    values: dict[Any, int] = {}
    constraints: list[kpi.SumConstraint[Any]] = []

    def add_visits(row_id: Hashable, counts: Mapping[str, int]) -> None:
        for b in _BUCKETS:
            values[(row_id, b)] = counts.get(b, 0)
        values[(row_id, "due")] = sum(counts.get(b, 0) for b in _DUE)
        constraints.append(kpi.SumConstraint((row_id, "due"), tuple((row_id, b) for b in _DUE)))

    def add_families(row_id: Hashable, counts: Mapping[str, int]) -> None:
        for name in ("enrolments", "not_started", "at_fidelity", "below_fidelity"):
            values[(row_id, name)] = counts[name]
        constraints.append(
            kpi.SumConstraint(
                (row_id, "enrolments"),
                ((row_id, "not_started"), (row_id, "at_fidelity"), (row_id, "below_fidelity")),
            )
        )

    add_visits("total", total_counts)
    add_families("total", total_families)
    for v in versions:
        add_visits(("version", v), version_counts[v])
        add_families(("version", v), families.get(v, no_families))
        kinds = [k for (vv, k) in kind_counts if vv == v]
        for kind in kinds:
            add_visits(("kind", v, kind), kind_counts[(v, kind)])
        for b in (*_BUCKETS, "due"):
            constraints.append(kpi.SumConstraint((("version", v), b), tuple((("kind", v, k), b) for k in kinds)))
    for name in (*_BUCKETS, "due", "enrolments", "not_started", "at_fidelity", "below_fidelity"):
        constraints.append(kpi.SumConstraint(("total", name), tuple((("version", v), name) for v in versions)))
    for status, reason, n in reason_rows:
        values[(("reason", status, reason), "visits")] = n
    for status in ("missed", "cancelled"):
        parts = tuple((("reason", s, r), "visits") for s, r, _ in reason_rows if s == status)
        constraints.append(kpi.SumConstraint(("total", status), parts))
    hidden = _hide(disclosure, values, constraints, keep=[("total", "due"), ("total", "done")])

    def fidelity_row(
        breakdown: str,
        row_id: Hashable,
        v: int | None,
        kind: str | None,
        counts: Mapping[str, int],
        fam: Mapping[str, int] | None,
    ) -> FidelityRow:
        names = [*_BUCKETS, "due", *(fam or {})]
        row_hidden = {n: hidden[(row_id, n)].value for n in names if (row_id, n) in hidden}
        due = sum(counts.get(b, 0) for b in _DUE)
        delivered = None
        if "done" in row_hidden or "due" in row_hidden:
            row_hidden["delivered_percent"] = kpi.Hidden.DERIVED.value
        else:
            delivered = kpi.percent_shown(counts.get("done", 0), due)
        at_fidelity_percent = None
        if fam is not None:
            started = fam["at_fidelity"] + fam["below_fidelity"]
            if any(n in row_hidden for n in ("at_fidelity", "below_fidelity")):
                row_hidden["at_fidelity_percent"] = kpi.Hidden.DERIVED.value
            else:
                at_fidelity_percent = kpi.percent_shown(fam["at_fidelity"], started)
        return FidelityRow(
            breakdown=breakdown,
            version=v,
            visit_kind=kind,
            due=_shown(due, (row_id, "due"), hidden),
            done=_shown(counts.get("done", 0), (row_id, "done"), hidden),
            missed=_shown(counts.get("missed", 0), (row_id, "missed"), hidden),
            cancelled=_shown(counts.get("cancelled", 0), (row_id, "cancelled"), hidden),
            not_recorded=_shown(counts.get("not_recorded", 0), (row_id, "not_recorded"), hidden),
            pending=_shown(counts.get("pending", 0), (row_id, "pending"), hidden),
            delivered_percent=delivered,
            enrolments=None if fam is None else _shown(fam["enrolments"], (row_id, "enrolments"), hidden),
            not_started=None if fam is None else _shown(fam["not_started"], (row_id, "not_started"), hidden),
            at_fidelity=None if fam is None else _shown(fam["at_fidelity"], (row_id, "at_fidelity"), hidden),
            below_fidelity=None if fam is None else _shown(fam["below_fidelity"], (row_id, "below_fidelity"), hidden),
            at_fidelity_percent=at_fidelity_percent,
            hidden=row_hidden,
        )

    rows: list[FidelityRow] = []
    for v in versions:
        rows.append(fidelity_row("version", ("version", v), v, None, version_counts[v], families.get(v, no_families)))
        for (vv, kind), counts in sorted(kind_counts.items()):
            if vv == v:
                rows.append(fidelity_row("visit_kind", ("kind", v, kind), v, kind, counts, None))
    reasons = [
        ReasonRow(
            status=status,
            reason=reason,
            visits=_shown(n, (("reason", status, reason), "visits"), hidden),
            hidden=(
                {"visits": hidden[(("reason", status, reason), "visits")].value}
                if (("reason", status, reason), "visits") in hidden
                else {}
            ),
        )
        for status, reason, n in reason_rows
    ]
    return FidelityReport(
        package_code=package_code,
        version=version,
        threshold_percent=kpi.round_half_up(threshold, 1),
        period=f"visits whose window opened by {today.isoformat()} while the family was enrolled",
        denominator_definition=(
            "due = visits of the package's enrolments whose window opened by today and before the enrolment ended, "
            "and that were done, missed, cancelled or are overdue without a record (not_recorded); pending visits are "
            "still inside their window; delivered = done / due; a family is at fidelity when done / due is at least "
            f"{kpi.round_half_up(threshold, 1)} %"
        ),
        as_of=now,
        today=today,
        disclosure=disclosure,
        total=fidelity_row("total", "total", None, None, total_counts, dict(total_families)),
        rows=rows,
        reasons=reasons,
    )


@dataclass(frozen=True, slots=True)
class KindDelivery:
    visit_kind: str
    due: int
    done: int
    missed: int
    cancelled: int
    not_recorded: int
    pending: int
    delivered_percent: Decimal | None


@dataclass(frozen=True, slots=True)
class FamilyFidelity:
    enrollment_id: uuid.UUID
    child_id: uuid.UUID
    family_id: uuid.UUID
    child_name: str | None
    package_version: int
    started_on: date
    ended_on: date | None
    due: int
    done: int
    delivered_percent: Decimal | None
    at_fidelity: bool | None
    kinds: list[KindDelivery]
    reasons: list[tuple[str, str, int]]


def fidelity_families(
    session: Session,
    *,
    actor: Actor,
    package_code: str,
    version: int | None,
    cursor: str | None,
    limit: int,
    today: date,
) -> Page[FamilyFidelity]:
    """Planned versus delivered per family (enrolment), with reasons, within what the caller may see."""
    settings = kpi.load_report_settings()
    _check_version(session, package_code, version)
    cutoff = overdue_if_latest_before(today)
    page = report_repo.fidelity_enrolments(
        session,
        package_code=package_code,
        version=version,
        visible=visible_children(actor, today=today),
        cursor=cursor,
        limit=limit,
    )
    ids = [row.enrollment_id for row in page.items]
    per_kind: dict[uuid.UUID, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for enrollment_id, kind, bucket, n in report_repo.fidelity_by_enrolment(
        session, enrollment_ids=ids, today=today, cutoff=cutoff
    ):
        per_kind[enrollment_id][kind][bucket] += n
    reasons: dict[uuid.UUID, list[tuple[str, str, int]]] = defaultdict(list)
    for enrollment_id, status, reason, n in report_repo.reasons_by_enrolment(session, enrollment_ids=ids, today=today):
        reasons[enrollment_id].append((status, reason, n))
    threshold = kpi.Target(settings.fidelity_threshold)
    items: list[FamilyFidelity] = []
    for row in page.items:
        kinds = []
        for kind, counts in sorted(per_kind[row.enrollment_id].items()):
            due = sum(counts[b] for b in _DUE)
            kinds.append(
                KindDelivery(
                    visit_kind=kind,
                    due=due,
                    done=counts["done"],
                    missed=counts["missed"],
                    cancelled=counts["cancelled"],
                    not_recorded=counts["not_recorded"],
                    pending=counts["pending"],
                    delivered_percent=kpi.percent_shown(counts["done"], due),
                )
            )
        due = sum(k.due for k in kinds)
        done = sum(k.done for k in kinds)
        items.append(
            FamilyFidelity(
                enrollment_id=row.enrollment_id,
                child_id=row.child_id,
                family_id=row.family_id,
                child_name=row.name,
                package_version=row.package_version,
                started_on=row.started_on,
                ended_on=row.ended_on,
                due=due,
                done=done,
                delivered_percent=kpi.percent_shown(done, due),
                at_fidelity=kpi.target_met(done, due, threshold),
                kinds=kinds,
                reasons=sorted(reasons[row.enrollment_id], key=lambda r: (r[0], -r[2], r[1])),
            )
        )
    return Page(items=items, next_cursor=page.next_cursor)


# -- capacity ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CapacityWarning:
    kind: str  # caseload_cap_exceeded, weekly_visit_cap_exceeded
    staff_id: uuid.UUID | None
    username: str | None
    team: str | None
    package_code: str | None
    week: date | None
    value: int
    cap: int
    message: str


@dataclass(frozen=True, slots=True)
class CapacityRow:
    breakdown: str  # staff, team, total
    staff_id: uuid.UUID | None
    username: str | None
    full_name: str | None
    roles: tuple[str, ...]
    team: str | None
    weeks: list[int]  # planned visits per week, in the report's week order
    planned_visits: int
    caseload: dict[str, int]  # families per capped package


@dataclass(frozen=True, slots=True)
class CapacityReport:
    first_week: date
    weeks: list[date]
    team: str | None
    weekly_visit_cap: int
    caseload_caps: dict[str, int]
    period: str
    definition: str
    as_of: datetime
    today: date
    rows: list[CapacityRow]
    warnings: list[CapacityWarning]


NO_TEAM = "(no team)"


def capacity_report(
    session: Session,
    *,
    start: date | None,
    weeks: int | None,
    team_code: str | None,
    weekly_visit_cap: int | None,
    package_code: str | None,
    caseload_cap: int | None,
    today: date,
    now: datetime,
) -> CapacityReport:
    """The coming weeks' planned visits per professional and team from the stored schedules, and the
    caseload per capped package, with warnings where a cap is exceeded.

    Figures describe staff workload, not children, and are shown exactly to every role allowed the
    report (managers plan staffing by them); no person appears in it.
    """
    settings = kpi.load_report_settings()
    count = settings.capacity_weeks if weeks is None else weeks
    if not 1 <= count <= MAX_WEEKS:
        raise ValidationFailed.for_field("weeks", f"weeks must be between 1 and {MAX_WEEKS}")
    cap = settings.weekly_visit_cap if weekly_visit_cap is None else weekly_visit_cap
    if not 0 <= cap <= 1000:
        raise ValidationFailed.for_field("weekly_visit_cap", "weekly_visit_cap must be between 0 and 1000")
    caps = dict(settings.caseload_caps)
    if caseload_cap is not None and package_code is None:
        raise ValidationFailed.for_field("package_code", "Name the package the caseload_cap is for")
    if package_code is not None:
        _package(session, package_code)
        if caseload_cap is not None:
            if not 1 <= caseload_cap <= 1000:
                raise ValidationFailed.for_field("caseload_cap", "caseload_cap must be between 1 and 1000")
            caps[package_code] = caseload_cap
        elif package_code not in caps:
            raise ValidationFailed.for_field("caseload_cap", f"{package_code} has no default cap: give caseload_cap")
    if team_code is not None and not report_repo.team_exists(session, team_code):
        raise ValidationFailed.for_field("team", f"Unknown team {team_code!r}")
    base = start or today
    first = base - timedelta(days=base.weekday())  # the Monday of the week
    week_starts = [first + timedelta(weeks=i) for i in range(count)]
    last = week_starts[-1] + timedelta(days=6)
    per_day = report_repo.planned_visits_per_staff_and_day(session, first=first, last=last, team_code=team_code)
    caseload = report_repo.caseload_per_staff(session, packages=sorted(caps), today=today, team_code=team_code)
    loads: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0] * count)
    for staff_id, day, n in per_day:
        loads[staff_id][(day - first).days // 7] += n
    families: dict[uuid.UUID, dict[str, int]] = defaultdict(dict)
    for staff_id, code, n in caseload:
        families[staff_id][code] = n
    members = report_repo.staff_members(session, list(set(loads) | set(families)))
    rows: list[CapacityRow] = []
    warnings: list[CapacityWarning] = []
    teams: dict[str, CapacityRow] = {}
    for member in members:
        week_loads = loads.get(member.id, [0] * count)
        load = families.get(member.id, {})
        rows.append(
            CapacityRow(
                breakdown="staff",
                staff_id=member.id,
                username=member.username,
                full_name=member.full_name,
                roles=member.roles,
                team=member.team,
                weeks=list(week_loads),
                planned_visits=sum(week_loads),
                caseload=dict(sorted(load.items())),
            )
        )
        team_name = member.team or NO_TEAM
        team_row = teams.get(team_name)
        team_caseload = Counter(team_row.caseload if team_row else {})
        team_caseload.update(load)
        team_weeks = [a + b for a, b in zip(team_row.weeks if team_row else [0] * count, week_loads, strict=True)]
        teams[team_name] = CapacityRow(
            breakdown="team",
            staff_id=None,
            username=None,
            full_name=None,
            roles=(),
            team=team_name,
            weeks=team_weeks,
            planned_visits=sum(team_weeks),
            caseload=dict(sorted(team_caseload.items())),
        )
        for code, n in sorted(load.items()):
            if n > caps[code]:
                warnings.append(
                    CapacityWarning(
                        kind="caseload_cap_exceeded",
                        staff_id=member.id,
                        username=member.username,
                        team=member.team,
                        package_code=code,
                        week=None,
                        value=n,
                        cap=caps[code],
                        message=f"{member.username} has {n} families in {code}; the cap is {caps[code]}",
                    )
                )
        for week, n in zip(week_starts, week_loads, strict=True):
            if cap and n > cap:
                warnings.append(
                    CapacityWarning(
                        kind="weekly_visit_cap_exceeded",
                        staff_id=member.id,
                        username=member.username,
                        team=member.team,
                        package_code=None,
                        week=week,
                        value=n,
                        cap=cap,
                        message=f"{member.username} has {n} planned visits in the week of {week.isoformat()}; "
                        f"the cap is {cap}",
                    )
                )
    total_weeks = [sum(r.weeks[i] for r in teams.values()) for i in range(count)]
    total_caseload: Counter[str] = Counter()
    for team_row in teams.values():
        total_caseload.update(team_row.caseload)
    total = CapacityRow(
        breakdown="total",
        staff_id=None,
        username=None,
        full_name=None,
        roles=(),
        team=None,
        weeks=total_weeks,
        planned_visits=sum(total_weeks),
        caseload=dict(sorted(total_caseload.items())),
    )
    return CapacityReport(
        first_week=first,
        weeks=week_starts,
        team=team_code,
        weekly_visit_cap=cap,
        caseload_caps=dict(sorted(caps.items())),
        period=f"{first.isoformat()} to {last.isoformat()} ({count} weeks from Monday)",
        definition=(
            "planned visits = visits with status planned whose target date falls in the week, counted for every "
            "professional assigned (a joint visit counts for each); a team's figures are the sum of its members'; "
            "caseload = distinct families of active enrolments of the package the professional is assigned to"
        ),
        as_of=now,
        today=today,
        rows=[*rows, *sorted(teams.values(), key=lambda r: r.team or ""), total],
        warnings=warnings,
    )


# -- cost estimate ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CostReport:
    estimate: CostEstimate
    package_name: str
    sources: Mapping[str, str]
    reference_child: str
    as_of: datetime


def cost_estimate(
    session: Session,
    *,
    package_code: str,
    families: int,
    rates: Mapping[str, Any],
    visits_per_family: int | None,
    placements: int | None,
    placement_cost: Decimal | None,
    now: datetime,
) -> CostReport:
    """What a package would cost for `families` families a year, with every rate used and its source."""
    package = _package(session, package_code)[-1]
    book = load_rate_book()
    estimate = estimate_cost(
        package,
        families=families,
        rates=book.rates_for(package_code, rates),
        reference=book.reference,
        visits_per_family=visits_per_family,
        placements=placements,
        placement_cost=None if placement_cost is None else Fraction(str(placement_cost)),
    )
    ref = book.reference
    return CostReport(
        estimate=estimate,
        package_name=package.name_en,
        sources=book.sources,
        reference_child=(
            f"due and born {ref.due_date.isoformat()}, enrolled {ref.enrolled_weeks_before_due} weeks before, daycare "
            f"from {ref.daycare_start}, kindergarten from {ref.kindergarten_start}, school from {ref.school_start}"
        ),
        as_of=now,
    )
