"""Reports for managers and politicians (JSON, or CSV with `Accept: text/csv`), and the drill-downs to
the children behind a figure for staff with person access."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Query, Request, Response

from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.common import Cursor, Limit, Page
from api.schemas.reports import (
    CapacityOut,
    CostEstimateOut,
    CoverageChildOut,
    CoverageOut,
    CsvTable,
    FamilyFidelityOut,
    FidelityOut,
    GroupAttendanceOut,
    HousingAreaOut,
    LevelsOut,
)
from domain.clock import copenhagen_today, utc_now
from domain.rules.kpi import MeasureCode, Population
from domain.services import reports

router = APIRouter(prefix="/reports", tags=["reports"], responses=PROBLEM_RESPONSES)

CSV_MEDIA_TYPE = "text/csv"
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
        "description": (
            "JSON, or with `Accept: text/csv` the same figures as one flat table: UTF-8 with a byte order mark, "
            'comma-separated, a header row; hidden figures written "<5" (small) or "x" (complementary, derived)'
        ),
    }
}


class Tabular(Protocol):
    def table(self) -> CsvTable: ...


T = TypeVar("T", bound=Tabular)


def _media_ranges(accept: str) -> dict[str, float]:
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges[media.lower()] = max(quality, ranges.get(media.lower(), 0.0))
    return ranges


def wants_csv(request: Request) -> bool:
    """CSV when the client prefers text/csv to JSON (JSON when both are equal or nothing is said)."""
    ranges = _media_ranges(request.headers.get("accept", ""))
    csv = ranges.get(CSV_MEDIA_TYPE, ranges.get("text/*", 0.0))
    json = max(ranges.get("application/json", 0.0), ranges.get("application/*", 0.0), ranges.get("*/*", 0.0))
    return csv > 0 and csv > json


def _answer(request: Request, response: Response, body: T, name: str) -> T | Response:
    response.headers["Vary"] = "Accept"
    if not wants_csv(request):
        return body
    return Response(
        content=body.table().text().encode("utf-8"),
        media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{copenhagen_today().isoformat()}.csv"',
            "Vary": "Accept",
        },
    )


def _now() -> datetime:
    return utc_now()


Areas = Annotated[list[str] | None, Query(max_length=50, description="Housing area codes (repeat for several)")]
Years = Annotated[list[int] | None, Query(max_length=20, description="Birth years (repeat for several)")]
PackageCode = Annotated[str | None, Query(max_length=64, examples=["housing_area_extra"])]
VisitKind = Annotated[
    str | None, Query(max_length=64, examples=["extra_6_months"], description="Needed when the package has several")
]
MeasureParam = Annotated[
    MeasureCode,
    Query(description="visit (a package's visit kind), universal_year_one, depression_screening, three_year_opt_out"),
]
PopulationParam = Annotated[
    Population | None,
    Query(description="enrolled: children enrolled in the package; resident: every child born in the areas"),
]


@router.get("/housing-areas", response_model=Page[HousingAreaOut])
def housing_areas(uow: UnitOfWorkDep) -> Page[HousingAreaOut]:
    """The housing areas the reports' `area` filter accepts (every area; a short list, one page)."""
    return Page[HousingAreaOut](
        items=[
            HousingAreaOut(code=a.code, name=a.name, designated=a.designated)
            for a in reports.housing_area_choices(uow.session)
        ]
    )


@router.get("/coverage", response_model=CoverageOut, responses=CSV_RESPONSE)
def coverage(
    request: Request,
    response: Response,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    package_code: PackageCode = None,
    visit_kind: VisitKind = None,
    measure: MeasureParam = MeasureCode.VISIT,
    area: Areas = None,
    birth_year: Years = None,
    target_percent: Annotated[
        Decimal | None, Query(examples=[85], description="Overrides the default target (reports.toml)")
    ] = None,
    population: PopulationParam = None,
) -> CoverageOut | Response:
    """Coverage of a visit (or an extra measure) against its target, by area and birth year."""
    report = reports.coverage_report(
        uow.session,
        actor=actor,
        measure=measure.value,
        package_code=package_code,
        visit_kind=visit_kind,
        areas=area or [],
        birth_years=birth_year or [],
        target_percent=target_percent,
        population=population.value if population else None,
        today=copenhagen_today(),
        now=_now(),
    )
    return _answer(request, response, CoverageOut.of(report), "coverage")


@router.get("/coverage/children", response_model=Page[CoverageChildOut])
def coverage_children(
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    package_code: PackageCode = None,
    visit_kind: VisitKind = None,
    measure: MeasureParam = MeasureCode.VISIT,
    area: Areas = None,
    birth_year: Years = None,
    population: PopulationParam = None,
    category: Annotated[
        str | None, Query(max_length=64, examples=["not_done"], description="One category; all children without")
    ] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Page[CoverageChildOut]:
    """The children counted in a coverage figure that the caller may see, so a team can act on them."""
    page = reports.coverage_children(
        uow.session,
        actor=actor,
        measure=measure.value,
        package_code=package_code,
        visit_kind=visit_kind,
        areas=area or [],
        birth_years=birth_year or [],
        population=population.value if population else None,
        category=category,
        cursor=cursor,
        limit=limit,
        today=copenhagen_today(),
    )
    items = [CoverageChildOut.of(c) for c in page.items]
    criteria = {
        "measure": measure.value,
        "package_code": package_code,
        "visit_kind": visit_kind,
        "area": area,
        "birth_year": birth_year,
        "category": category,
    }
    uow.audit.record_search([c.child_id for c in items], details=criteria)
    return Page[CoverageChildOut](items=items, next_cursor=page.next_cursor)


@router.get("/levels", response_model=LevelsOut, responses=CSV_RESPONSE)
def levels(
    request: Request,
    response: Response,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    from_month: Annotated[str | None, Query(max_length=7, examples=["2025-12"])] = None,
    to_month: Annotated[str | None, Query(max_length=7, examples=["2026-11"])] = None,
    area: Areas = None,
    max_age_years: Annotated[int | None, Query(description="Count children until this age (default 6)")] = None,
) -> LevelsOut | Response:
    """Children per level at each month's end, steps up and down, and the time spent at each level."""
    report = reports.levels_report(
        uow.session,
        actor=actor,
        from_month=from_month,
        to_month=to_month,
        areas=area or [],
        max_age_years=max_age_years,
        today=copenhagen_today(),
        now=_now(),
    )
    return _answer(request, response, LevelsOut.of(report), "levels")


@router.get("/group-attendance", response_model=GroupAttendanceOut, responses=CSV_RESPONSE)
def group_attendance(
    request: Request,
    response: Response,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    package_code: Annotated[str | None, Query(max_length=64, examples=["mothers_group"])] = None,
    year: Annotated[list[int] | None, Query(max_length=20, description="Years the courses start")] = None,
    area: Areas = None,
) -> GroupAttendanceOut | Response:
    """Courses per area and year, fill rate, stable attendance and the questionnaire against targets."""
    report = reports.group_attendance_report(
        uow.session,
        actor=actor,
        package_code=package_code,
        years=year or [],
        areas=area or [],
        today=copenhagen_today(),
        now=_now(),
    )
    return _answer(request, response, GroupAttendanceOut.of(report), "group-attendance")


@router.get("/fidelity", response_model=FidelityOut, responses=CSV_RESPONSE)
def fidelity(
    request: Request,
    response: Response,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    package_code: Annotated[str, Query(max_length=64, examples=["minding_the_baby"])],
    version: Annotated[int | None, Query(description="One package version; every version without")] = None,
) -> FidelityOut | Response:
    """Planned versus delivered visits per package version and visit kind, with the reasons for misses."""
    report = reports.fidelity_report(
        uow.session, actor=actor, package_code=package_code, version=version, today=copenhagen_today(), now=_now()
    )
    return _answer(request, response, FidelityOut.of(report), "fidelity")


@router.get("/fidelity/families", response_model=Page[FamilyFidelityOut])
def fidelity_families(
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    package_code: Annotated[str, Query(max_length=64, examples=["minding_the_baby"])],
    version: Annotated[int | None, Query()] = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Page[FamilyFidelityOut]:
    """Planned versus delivered per family (enrolment) the caller may see, with the reasons."""
    page = reports.fidelity_families(
        uow.session,
        actor=actor,
        package_code=package_code,
        version=version,
        cursor=cursor,
        limit=limit,
        today=copenhagen_today(),
    )
    items = [FamilyFidelityOut.of(f) for f in page.items]
    criteria = {"package_code": package_code, "version": version}
    uow.audit.record_search([f.child_id for f in items], details=criteria)
    return Page[FamilyFidelityOut](items=items, next_cursor=page.next_cursor)


@router.get("/capacity", response_model=CapacityOut, responses=CSV_RESPONSE)
def capacity(
    request: Request,
    response: Response,
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    start: Annotated[date | None, Query(description="A day of the first week (default: this week)")] = None,
    weeks: Annotated[int | None, Query(description="How many weeks (default 8)")] = None,
    team: Annotated[str | None, Query(max_length=64, examples=["nord"])] = None,
    weekly_visit_cap: Annotated[int | None, Query(description="Planned visits a week before a warning")] = None,
    package_code: Annotated[str | None, Query(max_length=64, examples=["minding_the_baby"])] = None,
    caseload_cap: Annotated[int | None, Query(examples=[25], description="Families per professional")] = None,
) -> CapacityOut | Response:
    """The coming weeks' planned visits per professional and team, against caseload and weekly caps."""
    report = reports.capacity_report(
        uow.session,
        start=start,
        weeks=weeks,
        team_code=team,
        weekly_visit_cap=weekly_visit_cap,
        package_code=package_code,
        caseload_cap=caseload_cap,
        today=copenhagen_today(),
        now=_now(),
    )
    return _answer(request, response, CapacityOut.of(report), "capacity")


Rate = Annotated[Decimal | None, Query()]


@router.get("/cost-estimate", response_model=CostEstimateOut, responses=CSV_RESPONSE)
def cost_estimate(
    request: Request,
    response: Response,
    uow: UnitOfWorkDep,
    package_code: Annotated[str, Query(max_length=64, examples=["minding_the_baby"])],
    families: Annotated[int, Query(examples=[20], description="Families starting the package a year")],
    visits_per_family: Annotated[int | None, Query(description="Overrides the schedule (needed for GRO)")] = None,
    placements: Annotated[int | None, Query(examples=[12], description="Placements outside the home a year")] = None,
    placement_cost: Annotated[
        Decimal | None, Query(examples=[1200000], description="Yearly cost of one placement, DKK")
    ] = None,
    visit_minutes: Rate = None,
    travel_minutes: Rate = None,
    documentation_minutes: Rate = None,
    supervision_share: Rate = None,
    coordination_share: Rate = None,
    training_cost_per_professional: Rate = None,
    hours_per_fte: Rate = None,
    productive_share: Rate = None,
    participants_per_session: Annotated[int | None, Query()] = None,
    hourly_cost_health_visitor: Rate = None,
    hourly_cost_family_therapist: Rate = None,
    hourly_cost_caseworker: Rate = None,
    hourly_cost_pedagogue: Rate = None,
    hourly_cost_midwife: Rate = None,
    hourly_cost_psychologist: Rate = None,
    hourly_cost_coordinator: Rate = None,
) -> CostEstimateOut | Response:
    """What a package would cost for a number of families a year; every rate can be overridden."""
    rates = {
        "visit_minutes": visit_minutes,
        "travel_minutes": travel_minutes,
        "documentation_minutes": documentation_minutes,
        "supervision_share": supervision_share,
        "coordination_share": coordination_share,
        "training_cost_per_professional": training_cost_per_professional,
        "hours_per_fte": hours_per_fte,
        "productive_share": productive_share,
        "participants_per_session": participants_per_session,
        "hourly_cost_health_visitor": hourly_cost_health_visitor,
        "hourly_cost_family_therapist": hourly_cost_family_therapist,
        "hourly_cost_caseworker": hourly_cost_caseworker,
        "hourly_cost_pedagogue": hourly_cost_pedagogue,
        "hourly_cost_midwife": hourly_cost_midwife,
        "hourly_cost_psychologist": hourly_cost_psychologist,
        "hourly_cost_coordinator": hourly_cost_coordinator,
    }
    report = reports.cost_estimate(
        uow.session,
        package_code=package_code,
        families=families,
        rates={name: value for name, value in rates.items() if value is not None},
        visits_per_family=visits_per_family,
        placements=placements,
        placement_cost=placement_cost,
        now=_now(),
    )
    return _answer(request, response, CostEstimateOut.of(report), "cost-estimate")
