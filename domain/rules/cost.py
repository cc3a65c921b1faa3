"""The cost estimate of a package for a number of families a year, set beside placements.

"What would Minding the Baby cost us for 20 families a year?" (seed 000). The arithmetic, exact in
fractions until shown:

1. Visits per family: the package's own schedule (`generate_schedule`) for a reference child (see
   `domain/catalog/rates.toml`), each visit with its roles; a group course's sessions are shared by
   its participants. An open-cadence package (GRO) plans nothing, so it needs `visits_per_family`.
2. Hours per family and role: visits with the role x (visit + travel + documentation minutes) / 60,
   plus `supervision_share` of those hours; a coordinator adds `coordination_share` of all of them.
3. Cost per family (variable): hours x the role's hourly cost, summed.
4. Per year, with `families` starting a year: in steady state each year pays one whole course per
   family (courses longer than a year overlap), so families x variable cost, plus training:
   ceil(FTE) professionals per role (coordinator excepted) x `training_cost_per_professional`.
5. FTE per role: yearly hours / (`hours_per_fte` x `productive_share`).
6. Placements (user-entered): count x yearly cost per placement, and how many placements the
   programme's yearly cost equals (its break-even in avoided placements).
"""

from __future__ import annotations

import math
import tomllib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import Any

from domain.errors import ValidationFailed
from domain.rules.catalog import CadenceKind, PackageVersion
from domain.rules.offsets import parse_offset
from domain.rules.schedule import ChildAnchors, generate_schedule

COORDINATOR = "coordinator"
MAX_FAMILIES = 100_000

#: Rate fields a request may override, with their allowed range (inclusive).
RATE_LIMITS: dict[str, tuple[Fraction, Fraction]] = {
    "visit_minutes": (Fraction(0), Fraction(1440)),
    "travel_minutes": (Fraction(0), Fraction(1440)),
    "documentation_minutes": (Fraction(0), Fraction(1440)),
    "supervision_share": (Fraction(0), Fraction(1)),
    "coordination_share": (Fraction(0), Fraction(1)),
    "training_cost_per_professional": (Fraction(0), Fraction(10_000_000)),
    "hours_per_fte": (Fraction(1), Fraction(8784)),
    "productive_share": (Fraction(1, 100), Fraction(1)),
}
HOURLY_COST_LIMIT = Fraction(100_000)


@dataclass(frozen=True, slots=True)
class CostRates:
    """Every rate the estimate uses (DKK, minutes, shares as fractions)."""

    visit_minutes: Fraction
    travel_minutes: Fraction
    documentation_minutes: Fraction
    supervision_share: Fraction
    coordination_share: Fraction
    training_cost_per_professional: Fraction
    hours_per_fte: Fraction
    productive_share: Fraction
    hourly_cost: Mapping[str, Fraction]
    participants_per_session: int | None = None

    @property
    def minutes_per_visit(self) -> Fraction:
        """Minutes one professional spends on one visit, travel and documentation included."""
        return self.visit_minutes + self.travel_minutes + self.documentation_minutes

    @property
    def productive_hours_per_fte(self) -> Fraction:
        return self.hours_per_fte * self.productive_share

    def cost_of(self, role: str) -> Fraction:
        try:
            return self.hourly_cost[role]
        except KeyError:
            raise ValidationFailed.for_field(f"hourly_cost_{role}", f"No hourly cost for the role {role}") from None


@dataclass(frozen=True, slots=True)
class ReferenceChild:
    due_date: date
    enrolled_weeks_before_due: int
    daycare_start: str
    kindergarten_start: str
    school_start: str

    def anchors(self) -> ChildAnchors:
        birth = self.due_date
        return ChildAnchors(
            due_date=self.due_date,
            birth_date=birth,
            discharge_date=birth,
            enrollment_date=self.due_date - timedelta(weeks=self.enrolled_weeks_before_due),
            daycare_start=parse_offset(self.daycare_start).apply(birth),
            kindergarten_start=parse_offset(self.kindergarten_start).apply(birth),
            school_start=parse_offset(self.school_start).apply(birth),
        )


@dataclass(frozen=True, slots=True)
class RateBook:
    """The defaults of `domain/catalog/rates.toml`: rates, per-package time overrides, sources."""

    reference: ReferenceChild
    defaults: CostRates
    packages: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def rates_for(self, package_code: str, overrides: Mapping[str, Any] | None = None) -> CostRates:
        """The package's rates: defaults, then the package's own, then the request's overrides."""
        rates = _with_overrides(self.defaults, self.packages.get(package_code, {}))
        return _with_overrides(rates, overrides or {})


def _exact(value: Any, name: str) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationFailed.for_field(name, f"{name} must be a number")
        return Fraction(value)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationFailed.for_field(name, f"{name} must be a number")
    try:
        return Fraction(str(value))  # str() keeps 0.1 as 1/10, not the float's binary neighbour
    except (ValueError, ZeroDivisionError):
        raise ValidationFailed.for_field(name, f"{name} must be a number") from None


def _with_overrides(rates: CostRates, overrides: Mapping[str, Any]) -> CostRates:
    changes: dict[str, Any] = {}
    hourly = dict(rates.hourly_cost)
    for name, value in overrides.items():
        if value is None:
            continue
        if name.startswith("hourly_cost_"):
            role = name.removeprefix("hourly_cost_")
            exact = _exact(value, name)
            if not 0 <= exact <= HOURLY_COST_LIMIT:
                raise ValidationFailed.for_field(name, f"{name} must be between 0 and {HOURLY_COST_LIMIT}")
            hourly[role] = exact
        elif name == "participants_per_session":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 500:
                raise ValidationFailed.for_field(name, f"{name} must be a whole number between 1 and 500")
            changes[name] = value
        elif name in RATE_LIMITS:
            exact = _exact(value, name)
            low, high = RATE_LIMITS[name]
            if not low <= exact <= high:
                raise ValidationFailed.for_field(name, f"{name} must be between {low} and {high}")
            changes[name] = exact
        else:
            raise ValidationFailed.for_field(name, f"{name} is not a rate")
    return replace(rates, hourly_cost=hourly, **changes)


@dataclass(frozen=True, slots=True)
class RoleCost:
    """One role's share of the estimate."""

    role: str
    visits_per_family: int
    hours_per_family: Fraction
    cost_per_family: Fraction
    hours_per_year: Fraction
    fte: Fraction
    professionals: int
    training_cost_per_year: Fraction


@dataclass(frozen=True, slots=True)
class PlacementComparison:
    """The placements outside the home the user entered, beside the programme's yearly cost."""

    placements: int
    cost_per_placement: Fraction
    cost_per_year: Fraction
    programme_cost_in_placements: Fraction | None  # programme cost per year / cost of one placement


@dataclass(frozen=True, slots=True)
class CostEstimate:
    package_code: str
    package_version: int
    families: int
    visits_per_family: int
    visits_by_kind: Mapping[str, int]
    group_share: Fraction  # a group session's share per family: 1 / participants (1 without a group course)
    rates: CostRates
    roles: tuple[RoleCost, ...]
    variable_cost_per_family: Fraction
    training_cost_per_year: Fraction
    cost_per_year: Fraction
    cost_per_family: Fraction
    fte: Mapping[str, Fraction]
    placements: PlacementComparison | None = None


def visits_of(package: PackageVersion, reference: ReferenceChild) -> Counter[tuple[str, tuple[str, ...]]]:
    """Visits per family by (kind, roles), from the package's schedule for the reference child."""
    anchors = reference.anchors()
    if package.cadence is CadenceKind.GROUP:
        anchors = replace(anchors, enrollment_date=anchors.due_date)  # the course starts on its own date
    return Counter((visit.kind, visit.roles) for visit in generate_schedule(package, anchors))


def estimate_cost(
    package: PackageVersion,
    *,
    families: int,
    rates: CostRates,
    reference: ReferenceChild,
    visits_per_family: int | None = None,
    placements: int | None = None,
    placement_cost: Fraction | int | None = None,
) -> CostEstimate:
    """The estimate for `families` families a year (see the module docstring for each step)."""
    if isinstance(families, bool) or not 1 <= families <= MAX_FAMILIES:
        raise ValidationFailed.for_field("families", f"families must be between 1 and {MAX_FAMILIES}")
    if visits_per_family is not None:
        if not 0 <= visits_per_family <= 1000:
            raise ValidationFailed.for_field("visits_per_family", "visits_per_family must be between 0 and 1000")
        visits = Counter({("visit", package.roles): visits_per_family})
    else:
        if package.cadence is CadenceKind.OPEN:
            raise ValidationFailed.for_field(
                "visits_per_family",
                f"{package.code} plans its visits one at a time (open cadence): give visits_per_family",
            )
        visits = visits_of(package, reference)
    group_share = Fraction(1)
    session_kind = None
    if package.group is not None:
        group_share = Fraction(1, rates.participants_per_session or package.group.capacity)
        session_kind = package.group.session_kind
    comparison = _placements(placements, placement_cost)

    by_kind: Counter[str] = Counter()
    by_role: Counter[str] = Counter()
    visit_shares: dict[str, Fraction] = {}  # visits a role takes part in, a group session as its share
    for (kind, visit_roles), count in visits.items():
        by_kind[kind] += count
        weight = group_share if kind == session_kind else Fraction(1)
        for role in visit_roles:
            by_role[role] += count
            visit_shares[role] = visit_shares.get(role, Fraction(0)) + count * weight
    hours_per_visit = rates.minutes_per_visit / 60
    ordered = [r for r in package.roles if r in by_role] + sorted(set(by_role) - set(package.roles))
    per_role: dict[str, Fraction] = {
        role: visit_shares[role] * hours_per_visit * (1 + rates.supervision_share) for role in ordered
    }
    per_role[COORDINATOR] = rates.coordination_share * sum(per_role.values(), Fraction(0))
    roles: list[RoleCost] = []
    for role, hours in per_role.items():
        hours_per_year = hours * families
        fte = hours_per_year / rates.productive_hours_per_fte
        professionals = 0 if role == COORDINATOR else math.ceil(fte)
        roles.append(
            RoleCost(
                role=role,
                visits_per_family=by_role.get(role, 0),
                hours_per_family=hours,
                cost_per_family=hours * rates.cost_of(role),
                hours_per_year=hours_per_year,
                fte=fte,
                professionals=professionals,
                training_cost_per_year=professionals * rates.training_cost_per_professional,
            )
        )
    variable = sum((r.cost_per_family for r in roles), Fraction(0))
    training = sum((r.training_cost_per_year for r in roles), Fraction(0))
    per_year = variable * families + training
    if comparison is not None:
        comparison = replace(
            comparison,
            programme_cost_in_placements=(
                per_year / comparison.cost_per_placement if comparison.cost_per_placement else None
            ),
        )
    return CostEstimate(
        package_code=package.code,
        package_version=package.version,
        families=families,
        visits_per_family=sum(by_kind.values()),
        visits_by_kind=dict(by_kind),
        group_share=group_share,
        rates=rates,
        roles=tuple(roles),
        variable_cost_per_family=variable,
        training_cost_per_year=training,
        cost_per_year=per_year,
        cost_per_family=per_year / families,
        fte={r.role: r.fte for r in roles},
        placements=comparison,
    )


def _placements(placements: int | None, placement_cost: Fraction | int | None) -> PlacementComparison | None:
    if placements is None and placement_cost is None:
        return None
    if placements is None:
        raise ValidationFailed.for_field("placements", "Give the number of placements a year with placement_cost")
    if placement_cost is None:
        raise ValidationFailed.for_field("placement_cost", "Give the yearly cost of one placement with placements")
    if isinstance(placements, bool) or not 0 <= placements <= MAX_FAMILIES:
        raise ValidationFailed.for_field("placements", f"placements must be between 0 and {MAX_FAMILIES}")
    cost = _exact(placement_cost, "placement_cost")
    if not 0 <= cost <= 100_000_000:
        raise ValidationFailed.for_field("placement_cost", "placement_cost must be between 0 and 100,000,000")
    return PlacementComparison(
        placements=placements,
        cost_per_placement=cost,
        cost_per_year=placements * cost,
        programme_cost_in_placements=None,
    )


def rate_book_from_mapping(data: Mapping[str, Any]) -> RateBook:
    """Validate the rate defaults (parsed TOML)."""
    ref = data.get("reference_child", {})
    due = ref.get("due_date")
    if not isinstance(due, date):
        raise ValidationFailed.for_field("reference_child.due_date", "due_date must be a date")
    reference = ReferenceChild(
        due_date=due,
        enrolled_weeks_before_due=int(ref.get("enrolled_weeks_before_due", 16)),
        daycare_start=str(ref.get("daycare_start", "10m")),
        kindergarten_start=str(ref.get("kindergarten_start", "2y10m")),
        school_start=str(ref.get("school_start", "6y7m")),
    )
    raw = dict(data.get("rates", {}))
    hourly_raw = raw.pop("hourly_cost", {})
    missing = [name for name in RATE_LIMITS if name not in raw]
    if missing:
        raise ValidationFailed.for_field(f"rates.{missing[0]}", f"{missing[0]} needs a default")
    exact = {name: _exact(raw[name], f"rates.{name}") for name in RATE_LIMITS}
    base = CostRates(
        visit_minutes=exact["visit_minutes"],
        travel_minutes=exact["travel_minutes"],
        documentation_minutes=exact["documentation_minutes"],
        supervision_share=exact["supervision_share"],
        coordination_share=exact["coordination_share"],
        training_cost_per_professional=exact["training_cost_per_professional"],
        hours_per_fte=exact["hours_per_fte"],
        productive_share=exact["productive_share"],
        hourly_cost={},
    )
    defaults = _with_overrides(base, {**raw, **{f"hourly_cost_{role}": v for role, v in hourly_raw.items()}})
    packages: dict[str, dict[str, Any]] = {}
    for code, entry in data.get("packages", {}).items():
        _with_overrides(defaults, entry)  # validates the entry
        packages[code] = dict(entry)
    return RateBook(
        reference=reference,
        defaults=defaults,
        packages=packages,
        sources={str(k): str(v) for k, v in data.get("sources", {}).items()},
    )


@cache
def load_rate_book() -> RateBook:
    """The defaults shipped in `domain/catalog/rates.toml`, parsed and validated once."""
    text = resources.files("domain").joinpath("catalog", "rates.toml").read_text(encoding="utf-8")
    return rate_book_from_mapping(tomllib.loads(text))
