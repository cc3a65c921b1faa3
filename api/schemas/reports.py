"""Report answers, in JSON and as flat CSV tables with the same figures.

A figure hidden by disclosure control is `null` in JSON and named in its row's `hidden` map with the
reason: `small` (a count from 1 to 4, written "<5" in CSV), `complementary` (hidden so that a small
count cannot be derived from the totals, written "x"), `derived` (a percentage or verdict computed
from a hidden count, written "x") or `filter` (a sum over the areas and birth years asked for that the
table of every area does not publish, so that answers with other filters cannot be subtracted from
each other; written "x"). Percentages are exact fractions rounded half up to one decimal;
amounts are whole DKK; FTE has two decimals.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, Field

from domain.rules import kpi
from domain.rules.cost import COORDINATOR, RATE_LIMITS, CostRates
from domain.services import reports as service

HiddenMap = dict[str, str]
HIDDEN_DESCRIPTION = (
    "Figures of this row hidden by disclosure control, and why: small, complementary, derived or filter"
)
BOM = "\ufeff"  # so spreadsheet programs read the UTF-8 (æ, ø, å) correctly


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _amount(value: Fraction) -> int:
    return int(kpi.round_half_up(value, 0))


def _decimals(value: Fraction, places: int) -> float:
    return float(kpi.round_half_up(value, places))


# -- CSV --------------------------------------------------------------------------------------------


def _cell(value: Any, name: str, hidden: Mapping[str, str]) -> str:
    if value is None:
        reason = hidden.get(name)
        return kpi.HIDDEN_MARK[kpi.Hidden(reason)] if reason else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # a text cell is never read as a spreadsheet formula
    return str(value)


class CsvTable:
    """A flat table: a header row and rows of JSON values; `hidden` per row marks suppressed cells."""

    def __init__(self, header: Sequence[str]) -> None:
        self.header = list(header)
        self.rows: list[list[str]] = []

    def add(self, values: Mapping[str, Any], hidden: Mapping[str, str] | None = None) -> None:
        marks = hidden or {}
        self.rows.append([_cell(values.get(name), name, marks) for name in self.header])

    def text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return BOM + buffer.getvalue()


class Disclosed(BaseModel):
    applied: bool = Field(description="True when small counts are hidden (roles without person access)")
    threshold: int = Field(examples=[5])
    rule: str
    exact_areas: list[str] = Field(
        default_factory=list,
        examples=[["motalavej", "ringparken"]],
        description=(
            "When applied: the housing areas whose counts are exact all the same (a health visitor's team's "
            "areas, whose children she may see); the other areas' are as managers see them"
        ),
    )

    @classmethod
    def of(cls, disclosure: service.Disclosure) -> Disclosed:
        return cls(
            applied=disclosure.applied,
            threshold=disclosure.threshold,
            rule=disclosure.rule,
            exact_areas=list(disclosure.exact_areas),
        )


# -- housing areas ----------------------------------------------------------------------------------


class HousingAreaOut(BaseModel):
    """A housing area a report can be filtered by (`area=`)."""

    code: str = Field(examples=["ringparken"])
    name: str = Field(examples=["Ringparken"])
    designated: bool = Field(description="A designated area (area-based offers; coverage's default areas)")


# -- coverage ---------------------------------------------------------------------------------------


class CoverageRow(BaseModel):
    breakdown: str = Field(examples=["area"], description="total, area, birth_year, visit_kind or package")
    key: str = Field(examples=["ringparken"])
    denominator: int | None = Field(examples=[61])
    counts: dict[str, int | None] = Field(
        examples=[{"in_window": 52, "late": 3, "early": 0, "pending": 0, "not_done": 6, "not_planned": 0}]
    )
    numerator: int | None = Field(examples=[52])
    percent: float | None = Field(examples=[85.2])
    target_percent: float | None = Field(examples=[85.0])
    required: int | None = Field(examples=[52], description="The count the target asks for (at least / at most)")
    met: bool | None
    can_still_be_met: bool | None = Field(description="Whether the pending children could still bring it to target")
    hidden: HiddenMap = Field(default_factory=dict, description=HIDDEN_DESCRIPTION)

    @classmethod
    def of(cls, row: service.MeasureRow) -> CoverageRow:
        return cls(
            breakdown=row.breakdown,
            key=row.key,
            denominator=row.denominator,
            counts=row.counts,
            numerator=row.numerator,
            percent=_number(row.percent),
            target_percent=_number(row.target_percent),
            required=row.required,
            met=row.met,
            can_still_be_met=row.can_still_be_met,
            hidden=row.hidden,
        )


class CoverageOut(BaseModel):
    """A coverage figure against its target, by area and birth year."""

    measure: str = Field(examples=["visit"])
    title: str
    package_code: str | None = Field(examples=["housing_area_extra"])
    visit_kind: str | None = Field(examples=["extra_6_months"])
    population: str = Field(examples=["resident"], description="enrolled or resident (see denominator_definition)")
    areas: list[str] = Field(examples=[["motalavej", "ringparken"]])
    birth_years: list[int] = Field(examples=[[2023]])
    categories: list[str] = Field(description="Each child of the denominator is in exactly one, best first")
    numerator_category: str = Field(examples=["in_window"])
    direction: str = Field(examples=["at_least"], description="at_least: the target is a floor; at_most: a ceiling")
    numerator: int | None = Field(examples=[52])
    denominator: int | None = Field(examples=[61])
    percent: float | None = Field(examples=[85.2])
    target_percent: float | None = Field(examples=[85.0])
    required: int | None = Field(examples=[52])
    met: bool | None
    can_still_be_met: bool | None
    counts: dict[str, int | None]
    hidden: HiddenMap = Field(default_factory=dict, description=HIDDEN_DESCRIPTION)
    period: str = Field(examples=["children born 2023-01-01 to 2023-12-31"])
    denominator_definition: str
    numerator_definition: str
    as_of: datetime = Field(description="When the figures were computed (UTC)")
    today: date = Field(description="The day (Europe/Copenhagen) visit windows were judged on")
    disclosure: Disclosed
    by_area: list[CoverageRow]
    by_birth_year: list[CoverageRow]
    package_totals: list[CoverageRow] = Field(
        description="Every visit kind of the package and the package in all (e.g. 52 + 46 = 98 visits)"
    )

    @classmethod
    def of(cls, report: service.CoverageReport) -> CoverageOut:
        total = CoverageRow.of(report.total)
        return cls(
            measure=report.measure,
            title=report.title,
            package_code=report.package_code,
            visit_kind=report.visit_kind,
            population=report.population,
            areas=list(report.areas),
            birth_years=list(report.birth_years),
            categories=list(report.categories),
            numerator_category=report.numerator_category,
            direction=report.direction,
            numerator=total.numerator,
            denominator=total.denominator,
            percent=total.percent,
            target_percent=total.target_percent,
            required=total.required,
            met=total.met,
            can_still_be_met=total.can_still_be_met,
            counts=total.counts,
            hidden=total.hidden,
            period=report.period,
            denominator_definition=report.denominator_definition,
            numerator_definition=report.numerator_definition,
            as_of=report.as_of,
            today=report.today,
            disclosure=Disclosed.of(report.disclosure),
            by_area=[CoverageRow.of(r) for r in report.by_area],
            by_birth_year=[CoverageRow.of(r) for r in report.by_birth_year],
            package_totals=[CoverageRow.of(r) for r in report.package_totals],
        )

    def table(self) -> CsvTable:
        header = ["breakdown", "key", "denominator", *self.categories, "numerator", "percent", "target_percent"]
        table = CsvTable([*header, "required", "met", "can_still_be_met"])
        total = CoverageRow(
            breakdown="total",
            key="all",
            denominator=self.denominator,
            counts=self.counts,
            numerator=self.numerator,
            percent=self.percent,
            target_percent=self.target_percent,
            required=self.required,
            met=self.met,
            can_still_be_met=self.can_still_be_met,
            hidden=self.hidden,
        )
        for row in [total, *self.by_area, *self.by_birth_year, *self.package_totals]:
            table.add({**row.model_dump(exclude={"counts", "hidden"}), **row.counts}, row.hidden)
        return table


class CoverageChildOut(BaseModel):
    child_id: uuid.UUID
    family_id: uuid.UUID
    name: str | None
    birth_date: date | None
    birth_year: int = Field(examples=[2023])
    area: str = Field(examples=["ringparken"])
    category: str = Field(examples=["not_done"], description="Where the child is counted")

    @classmethod
    def of(cls, child: service.CoverageChild) -> CoverageChildOut:
        return cls(
            child_id=child.child_id,
            family_id=child.family_id,
            name=child.name,
            birth_date=child.birth_date,
            birth_year=child.birth_year,
            area=child.area,
            category=child.category,
        )


# -- levels -----------------------------------------------------------------------------------------


class LevelMonthOut(BaseModel):
    month: str = Field(examples=["2026-03"])
    counted_on: date
    children: int | None = Field(examples=[412])
    levels: dict[str, int | None] = Field(examples=[{"1": 360, "2": 38, "3": 11, "4": None}])
    steps_up: int | None
    steps_down: int | None
    hidden: HiddenMap = Field(default_factory=dict, description=HIDDEN_DESCRIPTION)


class LevelStayOut(BaseModel):
    level: int = Field(examples=[3])
    stays: int | None = Field(description="Stays at the level (consecutive decisions for the same level are one)")
    ongoing: int | None = Field(description="Stays not ended by the report's last day")
    average_days: float | None = Field(description="Average length, ongoing stays counted up to the last day")
    hidden: HiddenMap = Field(default_factory=dict, description=HIDDEN_DESCRIPTION)


class LevelsOut(BaseModel):
    """Children per level at each month's end, steps up and down, and time spent at each level."""

    first_month: str
    last_month: str
    areas: list[str]
    max_age_years: int
    period: str
    denominator_definition: str
    as_of: datetime
    today: date
    disclosure: Disclosed
    months: list[LevelMonthOut]
    steps_up: int | None
    steps_down: int | None
    time_at_level: list[LevelStayOut]
    hidden: HiddenMap = Field(default_factory=dict, description=HIDDEN_DESCRIPTION)

    @classmethod
    def of(cls, report: service.LevelsReport) -> LevelsOut:
        return cls(
            first_month=report.first_month,
            last_month=report.last_month,
            areas=list(report.areas),
            max_age_years=report.max_age_years,
            period=report.period,
            denominator_definition=report.denominator_definition,
            as_of=report.as_of,
            today=report.today,
            disclosure=Disclosed.of(report.disclosure),
            months=[
                LevelMonthOut(
                    month=m.month,
                    counted_on=m.counted_on,
                    children=m.children,
                    levels=m.levels,
                    steps_up=m.steps_up,
                    steps_down=m.steps_down,
                    hidden=m.hidden,
                )
                for m in report.months
            ],
            steps_up=report.steps_up,
            steps_down=report.steps_down,
            time_at_level=[
                LevelStayOut(
                    level=s.level,
                    stays=s.stays,
                    ongoing=s.ongoing,
                    average_days=_number(s.average_days),
                    hidden=s.hidden,
                )
                for s in report.time_at_level
            ],
            hidden=report.hidden,
        )

    def table(self) -> CsvTable:
        levels = [f"level_{n}" for n in ("1", "2", "3", "4")]
        table = CsvTable(
            [
                "section",
                "month",
                "counted_on",
                "children",
                *levels,
                "steps_up",
                "steps_down",
                "level",
                "stays",
                "ongoing",
                "average_days",
            ]
        )
        for m in self.months:
            hidden = {**m.hidden, **{f"level_{k}": v for k, v in m.hidden.items() if k.isdigit()}}
            values = {"section": "month", **m.model_dump(exclude={"levels", "hidden"})}
            values |= {f"level_{k}": v for k, v in m.levels.items()}
            table.add(values, hidden)
        table.add({"section": "all_months", "steps_up": self.steps_up, "steps_down": self.steps_down}, self.hidden)
        for s in self.time_at_level:
            table.add({"section": "time_at_level", **s.model_dump(exclude={"hidden"})}, s.hidden)
        return table


# -- group courses ----------------------------------------------------------------------------------


class GroupRowOut(BaseModel):
    breakdown: str = Field(examples=["area_year"])
    area: str | None = Field(examples=["ringparken"])
    year: int | None = Field(examples=[2026])
    courses: int = Field(examples=[2])
    courses_target: int | None = Field(examples=[2], description="Courses planned per area and year (seed 001)")
    capacity: int = Field(examples=[12], description="Places in the courses")
    participants: int | None
    fill_rate_percent: float | None
    not_started: int | None
    stable: int | None
    not_stable: int | None
    stable_percent: float | None
    stable_met: bool | None
    answered: int | None
    positive: int | None
    not_positive: int | None
    positive_percent: float | None
    positive_met: bool | None
    hidden: HiddenMap = Field(default_factory=dict, description=HIDDEN_DESCRIPTION)

    @classmethod
    def of(cls, row: service.GroupRow) -> GroupRowOut:
        data = {name: getattr(row, name) for name in service.GroupRow.__dataclass_fields__}
        for name in ("fill_rate_percent", "stable_percent", "positive_percent"):
            data[name] = _number(data[name])
        return cls(**data)


class GroupAttendanceOut(BaseModel):
    """Courses per area and year, fill rate, stable attendance and questionnaire against targets."""

    package_code: str = Field(examples=["mothers_group"])
    areas: list[str]
    years: list[int]
    stable_definition: str
    stable_target_percent: float = Field(examples=[75.0])
    questionnaire_target_percent: float = Field(examples=[80.0])
    period: str
    denominator_definition: str
    as_of: datetime
    today: date
    disclosure: Disclosed
    total: GroupRowOut
    rows: list[GroupRowOut]

    @classmethod
    def of(cls, report: service.GroupAttendanceReport) -> GroupAttendanceOut:
        return cls(
            package_code=report.package_code,
            areas=list(report.areas),
            years=list(report.years),
            stable_definition=report.stable_definition,
            stable_target_percent=float(report.stable_target_percent),
            questionnaire_target_percent=float(report.questionnaire_target_percent),
            period=report.period,
            denominator_definition=report.denominator_definition,
            as_of=report.as_of,
            today=report.today,
            disclosure=Disclosed.of(report.disclosure),
            total=GroupRowOut.of(report.total),
            rows=[GroupRowOut.of(r) for r in report.rows],
        )

    def table(self) -> CsvTable:
        table = CsvTable([name for name in GroupRowOut.model_fields if name != "hidden"])
        for row in [self.total, *self.rows]:
            table.add(row.model_dump(exclude={"hidden"}), row.hidden)
        return table


# -- fidelity ---------------------------------------------------------------------------------------


class FidelityRowOut(BaseModel):
    breakdown: str = Field(examples=["visit_kind"], description="total, version or visit_kind")
    version: int | None
    visit_kind: str | None = Field(examples=["mtb_weekly"])
    due: int | None
    done: int | None
    missed: int | None
    cancelled: int | None
    not_recorded: int | None
    pending: int | None
    delivered_percent: float | None
    enrolments: int | None
    not_started: int | None
    at_fidelity: int | None
    below_fidelity: int | None
    at_fidelity_percent: float | None
    hidden: HiddenMap = Field(default_factory=dict, description=HIDDEN_DESCRIPTION)

    @classmethod
    def of(cls, row: service.FidelityRow) -> FidelityRowOut:
        data = {name: getattr(row, name) for name in service.FidelityRow.__dataclass_fields__}
        data["delivered_percent"] = _number(row.delivered_percent)
        data["at_fidelity_percent"] = _number(row.at_fidelity_percent)
        return cls(**data)


class ReasonOut(BaseModel):
    status: str = Field(examples=["missed"])
    reason: str = Field(examples=["family not at home"])
    visits: int | None
    hidden: HiddenMap = Field(default_factory=dict, description=HIDDEN_DESCRIPTION)


class FidelityOut(BaseModel):
    """Planned versus delivered per package version and visit kind, and why visits did not happen."""

    package_code: str = Field(examples=["minding_the_baby"])
    version: int | None
    threshold_percent: float = Field(examples=[80.0])
    period: str
    denominator_definition: str
    as_of: datetime
    today: date
    disclosure: Disclosed
    total: FidelityRowOut
    rows: list[FidelityRowOut]
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, report: service.FidelityReport) -> FidelityOut:
        return cls(
            package_code=report.package_code,
            version=report.version,
            threshold_percent=float(report.threshold_percent),
            period=report.period,
            denominator_definition=report.denominator_definition,
            as_of=report.as_of,
            today=report.today,
            disclosure=Disclosed.of(report.disclosure),
            total=FidelityRowOut.of(report.total),
            rows=[FidelityRowOut.of(r) for r in report.rows],
            reasons=[
                ReasonOut(status=r.status, reason=r.reason, visits=r.visits, hidden=r.hidden) for r in report.reasons
            ],
        )

    def table(self) -> CsvTable:
        columns = [name for name in FidelityRowOut.model_fields if name != "hidden"]
        table = CsvTable([*columns, "status", "reason", "visits"])
        for row in [self.total, *self.rows]:
            table.add(row.model_dump(exclude={"hidden"}), row.hidden)
        for reason in self.reasons:
            table.add({"breakdown": "reason", **reason.model_dump(exclude={"hidden"})}, reason.hidden)
        return table


class KindDeliveryOut(BaseModel):
    visit_kind: str
    due: int
    done: int
    missed: int
    cancelled: int
    not_recorded: int
    pending: int
    delivered_percent: float | None


class ReasonCountOut(BaseModel):
    status: str
    reason: str
    visits: int


class FamilyFidelityOut(BaseModel):
    enrollment_id: uuid.UUID
    child_id: uuid.UUID
    family_id: uuid.UUID
    child_name: str | None
    package_version: int
    started_on: date
    ended_on: date | None
    due: int
    done: int
    delivered_percent: float | None
    at_fidelity: bool | None
    kinds: list[KindDeliveryOut]
    reasons: list[ReasonCountOut]

    @classmethod
    def of(cls, item: service.FamilyFidelity) -> FamilyFidelityOut:
        return cls(
            enrollment_id=item.enrollment_id,
            child_id=item.child_id,
            family_id=item.family_id,
            child_name=item.child_name,
            package_version=item.package_version,
            started_on=item.started_on,
            ended_on=item.ended_on,
            due=item.due,
            done=item.done,
            delivered_percent=_number(item.delivered_percent),
            at_fidelity=item.at_fidelity,
            kinds=[
                KindDeliveryOut(
                    visit_kind=k.visit_kind,
                    due=k.due,
                    done=k.done,
                    missed=k.missed,
                    cancelled=k.cancelled,
                    not_recorded=k.not_recorded,
                    pending=k.pending,
                    delivered_percent=_number(k.delivered_percent),
                )
                for k in item.kinds
            ],
            reasons=[ReasonCountOut(status=s, reason=r, visits=n) for s, r, n in item.reasons],
        )


# -- capacity ---------------------------------------------------------------------------------------


class CapacityRowOut(BaseModel):
    breakdown: str = Field(examples=["staff"], description="staff, team or total")
    staff_id: uuid.UUID | None
    username: str | None = Field(examples=["hv1"])
    full_name: str | None
    roles: list[str]
    team: str | None = Field(examples=["nord"])
    weeks: list[int] = Field(description="Planned visits per week, in the order of the report's weeks")
    planned_visits: int
    caseload: dict[str, int] = Field(examples=[{"minding_the_baby": 12}], description="Families per capped package")


class CapacityWarningOut(BaseModel):
    kind: str = Field(examples=["caseload_cap_exceeded"])
    staff_id: uuid.UUID | None
    username: str | None
    team: str | None
    package_code: str | None
    week: date | None
    value: int
    cap: int
    message: str


class CapacityOut(BaseModel):
    """The coming weeks' planned visit load per professional and team, against caps."""

    first_week: date
    weeks: list[date] = Field(description="The Monday of each week")
    team: str | None
    weekly_visit_cap: int
    caseload_caps: dict[str, int]
    period: str
    definition: str
    as_of: datetime
    today: date
    rows: list[CapacityRowOut]
    warnings: list[CapacityWarningOut]

    @classmethod
    def of(cls, report: service.CapacityReport) -> CapacityOut:
        return cls(
            first_week=report.first_week,
            weeks=report.weeks,
            team=report.team,
            weekly_visit_cap=report.weekly_visit_cap,
            caseload_caps=report.caseload_caps,
            period=report.period,
            definition=report.definition,
            as_of=report.as_of,
            today=report.today,
            rows=[
                CapacityRowOut(
                    breakdown=r.breakdown,
                    staff_id=r.staff_id,
                    username=r.username,
                    full_name=r.full_name,
                    roles=list(r.roles),
                    team=r.team,
                    weeks=r.weeks,
                    planned_visits=r.planned_visits,
                    caseload=r.caseload,
                )
                for r in report.rows
            ],
            warnings=[
                CapacityWarningOut(**{name: getattr(w, name) for name in service.CapacityWarning.__dataclass_fields__})
                for w in report.warnings
            ],
        )

    def table(self) -> CsvTable:
        weeks = [f"week_{w.isoformat()}" for w in self.weeks]
        caseloads = [f"caseload_{code}" for code in self.caseload_caps]
        table = CsvTable(
            [
                *("section", "breakdown", "team", "username", "full_name"),
                *weeks,
                "planned_visits",
                *caseloads,
                *("kind", "package_code", "week", "value", "cap", "message"),
            ]
        )
        for r in self.rows:
            values: dict[str, Any] = {"section": "load", **r.model_dump(exclude={"weeks", "caseload", "roles"})}
            values |= dict(zip(weeks, r.weeks, strict=True))
            values |= {f"caseload_{code}": r.caseload.get(code, 0) for code in self.caseload_caps}
            table.add(values)
        for w in self.warnings:
            table.add({"section": "warning", **w.model_dump()})
        return table


# -- cost estimate ----------------------------------------------------------------------------------


class RoleCostOut(BaseModel):
    role: str = Field(examples=["health_visitor"])
    visits_per_family: int = Field(examples=[92])
    hours_per_family: float = Field(examples=[177.1])
    cost_per_family: int = Field(examples=[64642])
    hours_per_year: float = Field(examples=[3542.0])
    fte: float = Field(examples=[2.3])
    professionals: int = Field(examples=[3], description="People to train: FTE rounded up (none for coordination)")
    training_cost_per_year: int = Field(examples=[75000])


class RateOut(BaseModel):
    name: str = Field(examples=["visit_minutes"])
    value: float = Field(examples=[60.0])
    unit: str = Field(examples=["minutes per visit and professional"])
    source: str


class PlacementsOut(BaseModel):
    placements: int = Field(examples=[12], description="Placements outside the home a year (as entered)")
    cost_per_placement: int = Field(examples=[1200000], description="Yearly cost of one placement (as entered)")
    cost_per_year: int = Field(examples=[14400000])
    programme_cost_in_placements: float | None = Field(
        examples=[2.55], description="The programme's yearly cost in placements: how many avoided pay for it"
    )


class CostEstimateOut(BaseModel):
    """What a package costs for a number of families a year, with every rate used."""

    package_code: str = Field(examples=["minding_the_baby"])
    package_name: str
    package_version: int
    families: int = Field(examples=[20], description="Families starting the package a year")
    currency: str = "DKK"
    visits_per_family: int = Field(examples=[92])
    visits_by_kind: dict[str, int] = Field(examples=[{"mtb_weekly": 65, "mtb_fortnightly": 27}])
    minutes_per_visit: float = Field(examples=[105.0], description="Visit, travel and documentation per professional")
    cost_per_family: int = Field(examples=[153165], description="cost_per_year / families")
    cost_per_year: int = Field(examples=[3063295])
    variable_cost_per_family: int = Field(examples=[145665], description="Staff time per family, before training")
    training_cost_per_year: int = Field(examples=[150000])
    fte: dict[str, float] = Field(examples=[{"health_visitor": 2.3, "family_therapist": 2.3, "coordinator": 0.58}])
    fte_total: float
    productive_hours_per_fte: float = Field(examples=[1539.2])
    roles: list[RoleCostOut]
    rates: list[RateOut]
    reference_child: str
    placements: PlacementsOut | None
    as_of: datetime

    @classmethod
    def of(cls, report: service.CostReport) -> CostEstimateOut:
        e = report.estimate
        return cls(
            package_code=e.package_code,
            package_name=report.package_name,
            package_version=e.package_version,
            families=e.families,
            visits_per_family=e.visits_per_family,
            visits_by_kind=dict(e.visits_by_kind),
            minutes_per_visit=_decimals(e.rates.minutes_per_visit, 2),
            cost_per_family=_amount(e.cost_per_family),
            cost_per_year=_amount(e.cost_per_year),
            variable_cost_per_family=_amount(e.variable_cost_per_family),
            training_cost_per_year=_amount(e.training_cost_per_year),
            fte={role: _decimals(v, 2) for role, v in e.fte.items()},
            fte_total=_decimals(sum(e.fte.values(), Fraction(0)), 2),
            productive_hours_per_fte=_decimals(e.rates.productive_hours_per_fte, 1),
            roles=[
                RoleCostOut(
                    role=r.role,
                    visits_per_family=r.visits_per_family,
                    hours_per_family=_decimals(r.hours_per_family, 1),
                    cost_per_family=_amount(r.cost_per_family),
                    hours_per_year=_decimals(r.hours_per_year, 1),
                    fte=_decimals(r.fte, 2),
                    professionals=r.professionals,
                    training_cost_per_year=_amount(r.training_cost_per_year),
                )
                for r in e.roles
            ],
            rates=_rates(e.rates, [r.role for r in e.roles], report.sources, e.group_share),
            reference_child=report.reference_child,
            placements=(
                None
                if e.placements is None
                else PlacementsOut(
                    placements=e.placements.placements,
                    cost_per_placement=_amount(e.placements.cost_per_placement),
                    cost_per_year=_amount(e.placements.cost_per_year),
                    programme_cost_in_placements=(
                        None
                        if e.placements.programme_cost_in_placements is None
                        else _decimals(e.placements.programme_cost_in_placements, 2)
                    ),
                )
            ),
            as_of=report.as_of,
        )

    def table(self) -> CsvTable:
        table = CsvTable(
            [
                *("section", "role", "visits_per_family", "hours_per_family", "cost_per_family", "hours_per_year"),
                *("fte", "professionals", "training_cost_per_year", "cost_per_year", "name", "value", "unit", "source"),
            ]
        )
        for r in self.roles:
            table.add({"section": "role", **r.model_dump()})
        table.add(
            {
                "section": "total",
                "role": "all",
                "visits_per_family": self.visits_per_family,
                "cost_per_family": self.cost_per_family,
                "fte": self.fte_total,
                "professionals": sum(r.professionals for r in self.roles),
                "training_cost_per_year": self.training_cost_per_year,
                "cost_per_year": self.cost_per_year,
            }
        )
        if self.placements is not None:
            table.add({"section": "placements", "cost_per_year": self.placements.cost_per_year})
        for rate in self.rates:
            table.add({"section": "rate", **rate.model_dump()})
        return table


_UNITS = {
    "visit_minutes": "minutes per visit and professional",
    "travel_minutes": "minutes per visit and professional",
    "documentation_minutes": "minutes per visit and professional",
    "supervision_share": "share of the direct hours",
    "coordination_share": "share of all professionals' hours",
    "training_cost_per_professional": "DKK per trained professional a year",
    "hours_per_fte": "hours a year",
    "productive_share": "share of hours_per_fte",
}


def _rates(rates: CostRates, roles: list[str], sources: Mapping[str, str], group_share: Fraction) -> list[RateOut]:
    out = [
        RateOut(name=name, value=_decimals(getattr(rates, name), 4), unit=_UNITS[name], source=sources.get(name, ""))
        for name in RATE_LIMITS
    ]
    for role in roles:
        cost = rates.hourly_cost.get(role)
        if cost is not None:
            out.append(
                RateOut(
                    name=f"hourly_cost_{role}",
                    value=_decimals(cost, 2),
                    unit="DKK per hour" + (" (coordination)" if role == COORDINATOR else ""),
                    source=sources.get("hourly_cost", ""),
                )
            )
    if group_share != 1:
        out.append(
            RateOut(
                name="participants_per_session",
                value=float(1 / group_share),
                unit="families sharing a group session",
                source="the group course's capacity unless given",
            )
        )
    return out
