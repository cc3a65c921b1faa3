"""Report pages for managers and politicians: coverage against targets (with the drill-down to the children
counted, for staff with person access), levels over time, group courses, fidelity, capacity and the cost
estimate; each with an SVG chart, the tables under it and the report's CSV as the API gives it.

Every figure comes from the API as it is; hidden figures (disclosure control) are shown the way the API's CSV
writes them: "<5" for a small count and "x" for a cell hidden so that a small count cannot be derived, or a
percentage or verdict computed from a hidden count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from domain.clock import COPENHAGEN, copenhagen_today
from domain.rules.kpi import last_complete_birth_year
from domain.rules.offsets import parse_offset
from web.charts import Bar, Series, bar_chart, danish_number, line_chart, nice_maximum
from web.client import Api, ApiError
from web.i18n import translate
from web.rendering import render
from web.session import CurrentUser, SignedInApi

router = APIRouter()

JSON = dict[str, Any]
Params = list[tuple[str, str]]
REPORT_ROLES = frozenset({"manager", "health_visitor", "family_therapist", "caseworker"})
NO_AREA = "(none)"  # the API's key for children whose family has no housing area
DRILL_PAGE = 100

Text = Annotated[str, Query(max_length=100)]
Codes = Annotated[list[str] | None, Query(max_length=50)]

# Which API report each CSV download fetches, and the file's name.
CSV_REPORTS: dict[str, str] = {
    "coverage": "/reports/coverage",
    "levels": "/reports/levels",
    "groups": "/reports/group-attendance",
    "fidelity": "/reports/fidelity",
    "capacity": "/reports/capacity",
    "cost": "/reports/cost-estimate",
}


# --- formatting ------------------------------------------------------------------------------------


def fmt_date(value: date | str | None) -> str:
    """23. nov. 2026"""
    if value is None or value == "":
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day.day}. {translate(f'reports.month.{day.month}')} {day.year}"


def fmt_month(value: str) -> str:
    """2026-03 -> mar. 2026"""
    year, month = value.split("-")
    return f"{translate(f'reports.month.{int(month)}')} {year}"


def fmt_as_of(value: str) -> str:
    """The API's UTC moment on the Copenhagen clock: 23. nov. 2026 kl. 11.50"""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(COPENHAGEN)
    return f"{fmt_date(local.date())} {translate('reports.at')} {local:%H.%M}"


def fmt_number(value: float | int, decimals: int = 0) -> str:
    return danish_number(value, decimals)


def fmt_percent(value: float | int) -> str:
    return f"{danish_number(value, 1)} %"


def fmt_target(value: float | int) -> str:
    """A target or threshold: 85 %, 12,5 %"""
    return f"{danish_number(value, 0 if float(value).is_integer() else 1)} %"


def fmt_amount(value: float | int) -> str:
    return f"{danish_number(value, 0)} kr."


def fmt_input(value: float | int | None) -> str:
    """A number as a form field shows it: no trailing zeros, a decimal comma."""
    if value is None:
        return ""
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def fmt_decimal(value: float | int) -> str:
    """Up to two decimals, without trailing zeros: 177,1; 33,5; 58"""
    text = danish_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text


# --- figures, with what disclosure control hid ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """A cell of a report: its text, or how it was hidden (small, complementary, derived); maybe a link."""

    text: str
    hidden: str = ""
    href: str = ""

    @property
    def mark(self) -> str:
        return "<5" if self.hidden == "small" else "x" if self.hidden else ""


def figure(
    value: Any,
    name: str,
    hidden: dict[str, str],
    fmt: Callable[[Any], str] = fmt_number,
    href: str = "",
) -> Figure:
    if value is None:
        reason = hidden.get(name, "")
        return Figure(text="–", hidden=reason)
    return Figure(text=fmt(value), href=href)


def verdict(value: bool | None, name: str, hidden: dict[str, str]) -> Figure:
    if value is None:
        return Figure(text=translate("reports.verdict.none"), hidden=hidden.get(name, ""))
    return Figure(text=translate("reports.verdict.met" if value else "reports.verdict.not_met"))


def bar_state(value: bool | None) -> str:
    return "" if value is None else "met" if value else "not-met"


def bar_text(
    value: float | None, name: str, hidden: dict[str, str], met: bool | None, fmt: Callable[[Any], str]
) -> str:
    if value is None:
        reason = hidden.get(name, "")
        if reason == "small":
            return "<5 " + translate("reports.chart.hidden")
        if reason:
            return "x " + translate("reports.chart.hidden")
        return translate("reports.chart.no_value")
    text = fmt(value)
    if met is not None:
        text += " – " + translate("reports.verdict.met" if met else "reports.verdict.not_met").lower()
    return text


# --- what every report page states -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Facts:
    """Period, denominator and as-of time of a report; the API's exact definitions beside the Danish ones."""

    period: str
    denominator: str
    as_of: str
    exact: list[str] = field(default_factory=list)
    disclosure: bool | None = None  # True: small counts hidden; False: exact counts; None: not about persons
    numerator: str = ""


@dataclass
class Form:
    """What the user typed into a report's form, and the errors to show next to the fields."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: str = ""

    def error_for(self, exc: ApiError, fields: Iterable[str], prefix: str = "reports.error.") -> None:
        """Put the API's field errors next to the fields (in Danish where a text exists), the rest on top."""
        known = set(fields)
        rest: list[str] = []
        for name, message in exc.field_errors().items():
            base = name.split(".")[0]  # "area.0" is the first area
            if base in known:
                key = prefix + base
                text = translate(key)
                self.errors.setdefault(base, message if text == key else text)
            else:
                rest.append(message)
        if rest or not self.errors:
            self.general = translate("reports.error.general") + (" " + " ".join(rest) if rest else "")


def reraise_unless_invalid(exc: ApiError) -> None:
    if exc.status not in (400, 422):
        raise exc


async def fetch_report(api: Api, path: str, params: Params, form: Form, fields: Iterable[str]) -> JSON | None:
    """The report, or None when the API refused the input: its field errors are then on `form`."""
    try:
        report: JSON = await api.get(path, **as_api(params))
    except ApiError as exc:
        reraise_unless_invalid(exc)
        form.error_for(exc, fields)
        return None
    return report


def query_string(params: Params) -> str:
    return urlencode([(k, v) for k, v in params if v != ""])


def csv_href(report: str, params: Params) -> str:
    query = query_string(params)
    return f"/reports/{report}.csv" + (f"?{query}" if query else "")


def split_numbers(text: str) -> list[str]:
    """'2023, 2024' or '2023 2024' -> ['2023', '2024']"""
    return [part for part in re.split(r"[\s,;]+", text.strip()) if part]


def decimal_param(text: str) -> str:
    """What a Danish user types (a decimal comma, spaces or dots between thousands) as the API reads it."""
    value = text.strip().replace(" ", "")
    if "," in value:
        return value.replace(".", "").replace(",", ".")
    if re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})+", value):  # 1.200.000: dots between thousands
        return value.replace(".", "")
    return value


def check_report_role(me: dict[str, object]) -> None:
    roles = me.get("roles") or []
    if not REPORT_ROLES & set(roles if isinstance(roles, list) else []):
        raise ApiError(status=403, detail="")


async def area_names(api: Api) -> list[JSON]:
    answer = await api.get("/reports/housing-areas")
    items: list[JSON] = answer["items"]
    return items


def area_label(code: str, names: dict[str, str]) -> str:
    if code == NO_AREA:
        return translate("reports.area.none")
    return names.get(code, code)


async def package_list(api: Api) -> list[JSON]:
    answer = await api.get("/packages", limit=200)
    items: list[JSON] = answer["items"] if isinstance(answer, dict) else answer
    return items


async def visit_kinds(api: Api, package_code: str) -> list[tuple[str, str]]:
    """(kind, Danish label) of every version of the package, in schedule order."""
    if not package_code:
        return []
    try:
        package = await api.get(f"/packages/{package_code}")
    except ApiError as exc:
        if exc.status in (404, 422):
            return []
        raise
    kinds: dict[str, str] = {}
    for version in package.get("versions", []):
        for visit in version.get("visits") or []:
            kinds.setdefault(visit["kind"], visit.get("label_da") or visit["kind"])
    return list(kinds.items())


def role_label(role: str) -> str:
    key = f"reports.role.{role}"
    text = translate(key)
    return role if text == key else text


def category_label(category: str) -> str:
    return translate(f"reports.category.{category}")


# --- the overview ----------------------------------------------------------------------------------


@router.get("/reports")
async def reports_overview(request: Request, me: CurrentUser) -> Response:
    check_report_role(me)
    names = ("coverage", "levels", "groups", "fidelity", "capacity", "cost")
    items = [(f"/reports/{n}", translate(f"reports.{n}.title"), translate(f"reports.{n}.summary")) for n in names]
    return render(request, "reports/index.html", {"me": me, "items": items})


# --- CSV of every report, as the API writes it ------------------------------------------------------


@router.get("/reports/{report}.csv")
async def report_csv(report: str, request: Request, api: SignedInApi) -> Response:
    path = CSV_REPORTS.get(report)
    if path is None:
        raise ApiError(status=404, detail="")
    params: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        if value != "":
            params.setdefault(name, []).append(value)
    text = await api.get_text(path, headers={"Accept": "text/csv"}, **params)
    filename = f"{report}-{copenhagen_today().isoformat()}.csv"
    return Response(
        content=text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- coverage --------------------------------------------------------------------------------------

MEASURES = ("visit", "universal_year_one", "depression_screening", "three_year_opt_out")
POPULATIONS = ("resident", "enrolled")
COVERAGE_FIELDS = ("measure", "package_code", "visit_kind", "area", "birth_year", "target_percent", "population")
DEFAULT_COVERAGE = {"measure": "visit", "package_code": "housing_area_extra", "visit_kind": "extra_6_months"}


@dataclass(frozen=True, slots=True)
class CoverageLine:
    label: str
    denominator: Figure
    counts: list[Figure]
    percent: Figure
    target: Figure
    required: Figure
    met: Figure


def coverage_params(
    *,
    measure: str,
    package_code: str,
    visit_kind: str,
    areas: Sequence[str],
    birth_years: Sequence[str],
    target_percent: str = "",
    population: str = "",
) -> Params:
    params: Params = [("measure", measure)]
    if measure == "visit":
        params += [("package_code", package_code), ("visit_kind", visit_kind)]
    params += [("area", a) for a in areas] + [("birth_year", y) for y in birth_years]
    params += [("target_percent", target_percent), ("population", population)]
    return [(k, v) for k, v in params if v != ""]


def as_api(params: Params) -> dict[str, Any]:
    """Query pairs as keyword arguments of the API client (repeated names as lists)."""
    result: dict[str, Any] = {}
    for name, value in params:
        if name in ("area", "birth_year", "year"):
            result.setdefault(name, []).append(value)
        else:
            result[name] = value
    return result


def _coverage_line(
    row: JSON,
    label: str,
    categories: Sequence[str],
    drill: Callable[[str | None], str] | None,
) -> CoverageLine:
    hidden = row.get("hidden") or {}
    counts = row.get("counts") or {}
    return CoverageLine(
        label=label,
        denominator=figure(row.get("denominator"), "denominator", hidden, href=drill(None) if drill else ""),
        counts=[figure(counts.get(c), c, hidden, href=drill(c) if drill and counts.get(c) else "") for c in categories],
        percent=figure(row.get("percent"), "percent", hidden, fmt_percent),
        target=figure(row.get("target_percent"), "target_percent", hidden, fmt_target),
        required=figure(row.get("required"), "required", hidden),
        met=verdict(row.get("met"), "met", hidden),
    )


def _coverage_headline(report: JSON) -> dict[str, str]:
    hidden = report.get("hidden") or {}
    numerator = figure(report.get("numerator"), report["numerator_category"], hidden)
    denominator = figure(report.get("denominator"), "denominator", hidden)
    percent = figure(report.get("percent"), "percent", hidden, fmt_percent)
    target = report.get("target_percent")
    at_most = report.get("direction") == "at_most"
    if target is None:
        goal = translate("reports.coverage.no_target")
    else:
        goal = translate("reports.coverage.target_at_most" if at_most else "reports.coverage.target_at_least").format(
            percent=fmt_target(target)
        )
        if report.get("required") is not None:
            goal += " " + translate("reports.coverage.required").format(count=fmt_number(report["required"]))
    met = report.get("met")
    if met is None:
        status, state = (
            translate("reports.coverage.status_hidden" if hidden.get("met") else "reports.coverage.status_none"),
            "",
        )
    else:
        status = translate("reports.coverage.status_met" if met else "reports.coverage.status_not_met")
        state = "met" if met else "not-met"
    still = report.get("can_still_be_met")
    later = ""
    if met is False and still is not None:
        later = translate("reports.coverage.still_yes" if still else "reports.coverage.still_no")
    return {
        "numerator": numerator.mark or numerator.text,
        "denominator": denominator.mark or denominator.text,
        "percent": percent.mark or percent.text,
        "reached": translate(f"reports.numerator.{report['measure']}"),
        "goal": goal,
        "status": status,
        "state": state,
        "later": later,
    }


async def _complete_cohort(api: Api, package_code: str) -> int:
    """The default cohort: the latest birth year whose windows for every visit of the package have closed,
    so the figures (the package's total too) are final, and the year holds children on 1 January as on
    31 December."""
    package = await api.get(f"/packages/{package_code}")
    closes = [
        parse_offset(visit["window"][1])
        for version in package.get("versions", [])
        for visit in version.get("visits") or []
        if visit.get("window")
    ]
    return last_complete_birth_year(copenhagen_today(), closes)


@router.get("/reports/coverage")
async def coverage_page(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    measure: Text = "",
    package_code: Text = "",
    visit_kind: Text = "",
    area: Codes = None,
    birth_year: Text = "",
    target_percent: Text = "",
    population: Text = "",
) -> Response:
    check_report_role(me)
    if not request.query_params:
        measure, package_code, visit_kind = (DEFAULT_COVERAGE[k] for k in ("measure", "package_code", "visit_kind"))
        birth_year = str(await _complete_cohort(api, package_code))
    measure = measure or "visit"
    areas = [a for a in (area or []) if a]
    years = split_numbers(birth_year)
    form = Form(
        values={
            "measure": measure,
            "package_code": package_code,
            "visit_kind": visit_kind,
            "area": areas,
            "birth_year": birth_year,
            "target_percent": target_percent,
            "population": population,
        }
    )
    params = coverage_params(
        measure=measure,
        package_code=package_code,
        visit_kind=visit_kind,
        areas=areas,
        birth_years=years,
        target_percent=decimal_param(target_percent),
        population=population,
    )
    all_areas = await area_names(api)
    names = {a["code"]: a["name"] for a in all_areas}
    packages = [p for p in await package_list(api) if p.get("cadence") == "fixed"]
    kinds = await visit_kinds(api, package_code) if measure == "visit" else []
    report = await fetch_report(api, "/reports/coverage", params, form, COVERAGE_FIELDS)
    context: dict[str, Any] = {
        "me": me,
        "form": form,
        "measures": [(m, translate(f"reports.measure.{m}")) for m in MEASURES],
        "populations": [(p, translate(f"reports.population.{p}")) for p in POPULATIONS],
        "packages": [(p["code"], p.get("name_da") or p["code"]) for p in packages],
        "kinds": kinds,
        "all_areas": all_areas,
        "report": None,
    }
    if report is not None:
        context |= _coverage_view(report, names, dict(kinds), params)
    return render(request, "reports/coverage.html", context, block="report")


def _coverage_view(report: JSON, names: dict[str, str], kind_labels: dict[str, str], params: Params) -> JSON:
    categories: list[str] = report["categories"]
    drill_allowed = not report["disclosure"]["applied"]
    exact_areas = set(report["disclosure"].get("exact_areas") or ())  # a health visitor's team's areas
    base = coverage_params(
        measure=report["measure"],
        package_code=report.get("package_code") or "",
        visit_kind=report.get("visit_kind") or "",
        areas=report["areas"],
        birth_years=[str(y) for y in report["birth_years"]],
        population=report["population"],
    )

    def drill_for(*, areas: Sequence[str] | None = None, year: str | None = None, kind: str | None = None):  # type: ignore[no-untyped-def]
        if not drill_allowed and not (areas and exact_areas.issuperset(areas)):
            return None
        chosen: Params = []
        for name, value in base:
            if name == "area" and areas is not None:
                continue
            if name == "birth_year" and year is not None:
                continue
            if name == "visit_kind" and kind is not None:
                continue
            chosen.append((name, value))
        chosen += [("area", a) for a in areas or []] + ([("birth_year", year)] if year else [])
        chosen += [("visit_kind", kind)] if kind else []

        def href(category: str | None) -> str:
            extra = [("category", category)] if category else []
            return "/reports/coverage/children?" + query_string(chosen + extra)

        return href

    total_row = {k: report.get(k) for k in ("denominator", "counts", "percent", "target_percent", "required", "met")}
    total_row["hidden"] = report.get("hidden") or {}
    total = _coverage_line(total_row, translate("reports.total"), categories, drill_for())
    by_area = [
        _coverage_line(
            row,
            area_label(row["key"], names),
            categories,
            drill_for(areas=[row["key"]]) if row["key"] != NO_AREA else None,
        )
        for row in report["by_area"]
    ]
    by_year = [
        _coverage_line(row, row["key"], categories, drill_for(year=row["key"])) for row in report["by_birth_year"]
    ]
    package_rows = [
        _coverage_line(
            row,
            kind_labels.get(row["key"], row["key"])
            if row["breakdown"] == "visit_kind"
            else translate("reports.coverage.package_total"),
            categories,
            drill_for(kind=row["key"]) if row["breakdown"] == "visit_kind" else None,
        )
        for row in report["package_totals"]
    ]
    target = report.get("target_percent")
    at_most = report.get("direction") == "at_most"
    bars = [
        Bar(
            label=area_label(row["key"], names),
            value=row.get("percent"),
            text=bar_text(row.get("percent"), "percent", row.get("hidden") or {}, row.get("met"), fmt_percent),
            state=bar_state(row.get("met")),
        )
        for row in report["by_area"]
    ]
    title = translate(f"reports.measure.{report['measure']}")
    if report.get("visit_kind"):
        title = kind_labels.get(report["visit_kind"], report["visit_kind"])
    chart = bar_chart(
        chart_id="coverage-chart",
        title=translate("reports.coverage.chart_title").format(title=title),
        description=translate("reports.coverage.chart_desc")
        + (
            " "
            + translate("reports.chart.target_at_most" if at_most else "reports.chart.target_at_least").format(
                percent=fmt_target(target)
            )
            if target is not None
            else ""
        ),
        bars=bars,
        maximum=100.0,
        target=target,
        target_label=(
            translate("reports.chart.ceiling" if at_most else "reports.chart.target").format(percent=fmt_target(target))
            if target is not None
            else ""
        ),
        tick_format=lambda v: f"{danish_number(v)} %",
    )
    years = report["birth_years"]
    period = (
        translate("reports.coverage.period_years").format(years=", ".join(str(y) for y in years))
        if years
        else translate("reports.coverage.period_all")
    )
    period += " " + translate("reports.coverage.judged_on").format(day=fmt_date(report["today"]))
    where = ", ".join(area_label(a, names) for a in report["areas"]) or translate("reports.area.all")
    if report["population"] == "enrolled":
        denominator = translate("reports.coverage.denominator_enrolled").format(areas=where)
    else:
        denominator = translate("reports.coverage.denominator_resident").format(areas=where)
    facts = Facts(
        period=period,
        denominator=denominator,
        numerator=translate(f"reports.numerator.{report['measure']}"),
        as_of=fmt_as_of(report["as_of"]),
        exact=[report["period"], report["denominator_definition"], report["numerator_definition"]],
        disclosure=report["disclosure"]["applied"],
    )
    return {
        "report": report,
        "title": title,
        "headline": _coverage_headline(report),
        "categories": [(c, category_label(c)) for c in categories],
        "total": total,
        "by_area": by_area,
        "by_year": by_year,
        "package_rows": package_rows,
        "chart": chart,
        "no_bars": _why_no_bars(report) if not any(bar.value is not None for bar in bars) else "",
        "facts": facts,
        "drill": drill_allowed,
        "csv": csv_href("coverage", params),
    }


def _why_no_bars(report: JSON) -> str:
    """Say in words why the chart has no bars, rather than show an empty frame."""
    if all(row.get("denominator") == 0 for row in report["by_area"]):  # a hidden count is None, not 0
        return translate("reports.coverage.no_bars_empty")
    return translate("reports.coverage.no_bars_hidden")


@router.get("/reports/coverage/visit-kinds")
async def coverage_visit_kinds(
    request: Request, api: SignedInApi, me: CurrentUser, package_code: Text = "", visit_kind: Text = ""
) -> Response:
    """The visit-kind field for another package (htmx swaps it in when the package changes); the chosen
    visit stays chosen when the package has it."""
    check_report_role(me)
    kinds = await visit_kinds(api, package_code)
    codes = [code for code, _ in kinds]
    chosen = visit_kind if visit_kind in codes else codes[0] if len(codes) == 1 else ""
    return render(
        request, "reports/visit_kind_field.html", {"form": Form(values={"visit_kind": chosen}), "kinds": kinds}
    )


@router.get("/reports/coverage/children")
async def coverage_children_page(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    measure: Text = "visit",
    package_code: Text = "",
    visit_kind: Text = "",
    area: Codes = None,
    birth_year: Annotated[list[str] | None, Query(max_length=20)] = None,
    population: Text = "",
    category: Text = "",
    cursor: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    """The children counted in a coverage figure that the user may see, each linking to the child's page."""
    check_report_role(me)
    params = coverage_params(
        measure=measure,
        package_code=package_code,
        visit_kind=visit_kind,
        areas=area or [],
        birth_years=birth_year or [],
        population=population,
    )
    query = params + ([("category", category)] if category else [])
    page = await api.get("/reports/coverage/children", **as_api(query), limit=DRILL_PAGE, cursor=cursor or None)
    names = {a["code"]: a["name"] for a in await area_names(api)}
    kinds = dict(await visit_kinds(api, package_code)) if measure == "visit" else {}
    children = [
        {
            "href": f"/children/{item['child_id']}",
            "name": item.get("name") or translate("reports.child.no_name"),
            "born": fmt_date(item.get("birth_date")) or str(item.get("birth_year", "")),
            "area": area_label(item["area"], names),
            "category": category_label(item["category"]),
        }
        for item in page["items"]
    ]
    what = kinds.get(visit_kind, visit_kind) if measure == "visit" else translate(f"reports.measure.{measure}")
    back = [(k, v) for k, v in params if k != "birth_year"]
    if birth_year:
        back.append(("birth_year", ", ".join(birth_year)))
    next_href = ""
    if page.get("next_cursor"):
        next_href = "/reports/coverage/children?" + query_string([*query, ("cursor", page["next_cursor"])])
    context = {
        "me": me,
        "children": children,
        "what": what,
        "category": category_label(category) if category else translate("reports.drill.all"),
        "areas": ", ".join(area_label(a, names) for a in area or []) or translate("reports.area.report_default"),
        "years": ", ".join(birth_year or []) or translate("reports.drill.all_years"),
        "back": "/reports/coverage?" + query_string(back),
        "next": next_href,
    }
    return render(request, "reports/coverage_children.html", context)


# --- levels over time ------------------------------------------------------------------------------

LEVELS = ("1", "2", "3", "4")
LEVEL_FIELDS = ("from_month", "to_month", "area", "max_age_years")


@router.get("/reports/levels")
async def levels_page(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    from_month: Text = "",
    to_month: Text = "",
    area: Codes = None,
    max_age_years: Text = "",
) -> Response:
    check_report_role(me)
    areas = [a for a in (area or []) if a]
    form = Form(values={"from_month": from_month, "to_month": to_month, "area": areas, "max_age_years": max_age_years})
    params: Params = [("from_month", from_month.strip()), ("to_month", to_month.strip())]
    params += [("area", a) for a in areas] + [("max_age_years", max_age_years.strip())]
    params = [(k, v) for k, v in params if v]
    all_areas = await area_names(api)
    names = {a["code"]: a["name"] for a in all_areas}
    context: dict[str, Any] = {"me": me, "form": form, "all_areas": all_areas, "report": None}
    report = await fetch_report(api, "/reports/levels", params, form, LEVEL_FIELDS)
    if report is None:
        return render(request, "reports/levels.html", context, block="report")
    months = report["months"]
    rows = []
    for m in months:
        hidden = m.get("hidden") or {}
        rows.append(
            {
                "month": fmt_month(m["month"]),
                "counted_on": fmt_date(m["counted_on"]),
                "children": figure(m.get("children"), "children", hidden),
                "levels": [figure(m["levels"].get(n), n, hidden) for n in LEVELS],
                "up": figure(m.get("steps_up"), "steps_up", hidden),
                "down": figure(m.get("steps_down"), "steps_down", hidden),
            }
        )
    hidden_all = report.get("hidden") or {}
    stays = [
        {
            "level": translate(f"reports.level.{s['level']}"),
            "stays": figure(s.get("stays"), "stays", s.get("hidden") or {}),
            "ongoing": figure(s.get("ongoing"), "ongoing", s.get("hidden") or {}),
            "average": figure(s.get("average_days"), "average_days", s.get("hidden") or {}, fmt_decimal),
        }
        for s in report["time_at_level"]
    ]
    chart = line_chart(
        chart_id="levels-chart",
        title=translate("reports.levels.chart_title"),
        description=translate("reports.levels.chart_desc").format(
            first=fmt_month(report["first_month"]), last=fmt_month(report["last_month"])
        ),
        x_labels=[fmt_month(m["month"]) for m in months],
        series=[
            Series(label=translate(f"reports.level.{n}"), values=[m["levels"].get(n) for m in months]) for n in LEVELS
        ],
    )
    where = ", ".join(area_label(a, names) for a in report["areas"]) or translate("reports.area.all")
    facts = Facts(
        period=translate("reports.levels.period").format(
            first=fmt_month(report["first_month"]),
            last=fmt_month(report["last_month"]),
            today=fmt_date(report["today"]),
        ),
        denominator=translate("reports.levels.denominator").format(areas=where, age=report["max_age_years"]),
        as_of=fmt_as_of(report["as_of"]),
        exact=[report["period"], report["denominator_definition"]],
        disclosure=report["disclosure"]["applied"],
    )
    if not from_month and not to_month:
        form.values |= {"from_month": report["first_month"], "to_month": report["last_month"]}
    if not max_age_years:
        form.values["max_age_years"] = str(report["max_age_years"])
    context |= {
        "report": report,
        "rows": rows,
        "steps_up": figure(report.get("steps_up"), "steps_up", hidden_all),
        "steps_down": figure(report.get("steps_down"), "steps_down", hidden_all),
        "stays": stays,
        "levels": [translate(f"reports.level.{n}") for n in LEVELS],
        "chart": chart,
        "facts": facts,
        "csv": csv_href("levels", params),
    }
    return render(request, "reports/levels.html", context, block="report")


# --- group courses ---------------------------------------------------------------------------------

GROUP_FIELDS = ("package_code", "year", "area")


@router.get("/reports/groups")
async def groups_page(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    package_code: Text = "",
    year: Text = "",
    area: Codes = None,
) -> Response:
    check_report_role(me)
    areas = [a for a in (area or []) if a]
    years = split_numbers(year)
    form = Form(values={"package_code": package_code, "year": year, "area": areas})
    params: Params = [("package_code", package_code)] + [("year", y) for y in years] + [("area", a) for a in areas]
    params = [(k, v) for k, v in params if v]
    all_areas = await area_names(api)
    names = {a["code"]: a["name"] for a in all_areas}
    packages = [p for p in await package_list(api) if p.get("cadence") == "group"]
    context: dict[str, Any] = {
        "me": me,
        "form": form,
        "all_areas": all_areas,
        "packages": [(p["code"], p.get("name_da") or p["code"]) for p in packages],
        "report": None,
    }
    report = await fetch_report(api, "/reports/group-attendance", params, form, GROUP_FIELDS)
    if report is None:
        return render(request, "reports/groups.html", context, block="report")
    form.values["package_code"] = report["package_code"]

    def label(row: JSON) -> str:
        if row["area"] is None:
            return translate("reports.total")
        return f"{area_label(row['area'], names)} {row['year']}"

    def line(row: JSON) -> JSON:
        h = row.get("hidden") or {}
        return {
            "label": label(row),
            "courses": figure(row["courses"], "courses", h),
            "courses_target": figure(row.get("courses_target"), "courses_target", h),
            "capacity": figure(row["capacity"], "capacity", h),
            "participants": figure(row.get("participants"), "participants", h),
            "fill": figure(row.get("fill_rate_percent"), "fill_rate_percent", h, fmt_percent),
            "not_started": figure(row.get("not_started"), "not_started", h),
            "stable": figure(row.get("stable"), "stable", h),
            "not_stable": figure(row.get("not_stable"), "not_stable", h),
            "stable_percent": figure(row.get("stable_percent"), "stable_percent", h, fmt_percent),
            "stable_met": verdict(row.get("stable_met"), "stable_met", h),
            "answered": figure(row.get("answered"), "answered", h),
            "positive": figure(row.get("positive"), "positive", h),
            "not_positive": figure(row.get("not_positive"), "not_positive", h),
            "positive_percent": figure(row.get("positive_percent"), "positive_percent", h, fmt_percent),
            "positive_met": verdict(row.get("positive_met"), "positive_met", h),
        }

    def chart(chart_id: str, name: str, met: str, target: float, title_key: str) -> Any:
        bars = [
            Bar(
                label=label(row),
                value=row.get(name),
                text=bar_text(row.get(name), name, row.get("hidden") or {}, row.get(met), fmt_percent),
                state=bar_state(row.get(met)),
            )
            for row in report["rows"]
        ]
        return bar_chart(
            chart_id=chart_id,
            title=translate(title_key),
            description=translate("reports.groups.chart_desc")
            + " "
            + translate("reports.chart.target_at_least").format(percent=fmt_target(target)),
            bars=bars,
            target=target,
            target_label=translate("reports.chart.target").format(percent=fmt_target(target)),
            tick_format=lambda v: f"{danish_number(v)} %",
        )

    years_text = ", ".join(str(y) for y in report["years"])
    facts = Facts(
        period=translate("reports.groups.period_years").format(years=years_text)
        if years_text
        else translate("reports.groups.period_all"),
        denominator=translate("reports.groups.denominator").format(share=fmt_target(report["stable_target_percent"])),
        as_of=fmt_as_of(report["as_of"]),
        exact=[report["period"], report["denominator_definition"], report["stable_definition"]],
        disclosure=report["disclosure"]["applied"],
    )
    context |= {
        "report": report,
        "rows": [line(report["total"])] + [line(r) for r in report["rows"]],
        "stable_chart": chart(
            "stable-chart",
            "stable_percent",
            "stable_met",
            report["stable_target_percent"],
            "reports.groups.stable_chart",
        ),
        "positive_chart": chart(
            "positive-chart",
            "positive_percent",
            "positive_met",
            report["questionnaire_target_percent"],
            "reports.groups.positive_chart",
        ),
        "stable_target": fmt_target(report["stable_target_percent"]),
        "positive_target": fmt_target(report["questionnaire_target_percent"]),
        "facts": facts,
        "csv": csv_href("groups", params),
    }
    return render(request, "reports/groups.html", context, block="report")


# --- fidelity --------------------------------------------------------------------------------------

FIDELITY_FIELDS = ("package_code", "version")
FIDELITY_VISITS = ("due", "done", "missed", "cancelled", "not_recorded", "pending")
FIDELITY_FAMILIES = ("enrolments", "not_started", "at_fidelity", "below_fidelity")


@router.get("/reports/fidelity")
async def fidelity_page(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    package_code: Text = "minding_the_baby",
    version: Text = "",
) -> Response:
    check_report_role(me)
    form = Form(values={"package_code": package_code, "version": version})
    params = [(k, v) for k, v in (("package_code", package_code), ("version", version.strip())) if v]
    packages = [p for p in await package_list(api) if p.get("cadence") == "fixed"]
    kinds = dict(await visit_kinds(api, package_code))
    versions = next((p.get("versions", 1) for p in packages if p["code"] == package_code), 1)
    context: dict[str, Any] = {
        "me": me,
        "form": form,
        "packages": [(p["code"], p.get("name_da") or p["code"]) for p in packages],
        "versions": [str(v) for v in range(1, int(versions) + 1)],
        "report": None,
    }
    report = await fetch_report(api, "/reports/fidelity", params, form, FIDELITY_FIELDS)
    if report is None:
        return render(request, "reports/fidelity.html", context, block="report")

    def label(row: JSON) -> str:
        if row["breakdown"] == "total":
            return translate("reports.total")
        if row["breakdown"] == "version":
            return translate("reports.fidelity.version").format(version=row["version"])
        return kinds.get(row["visit_kind"], row["visit_kind"])

    def line(row: JSON) -> JSON:
        h = row.get("hidden") or {}
        return {
            "label": label(row),
            "kind": row["breakdown"],
            "visits": [figure(row.get(n), n, h) for n in FIDELITY_VISITS],
            "delivered": figure(row.get("delivered_percent"), "delivered_percent", h, fmt_percent),
            "families": [figure(row.get(n), n, h) for n in FIDELITY_FAMILIES],
            "at_fidelity_percent": figure(row.get("at_fidelity_percent"), "at_fidelity_percent", h, fmt_percent),
        }

    rows = [line(report["total"])] + [line(r) for r in report["rows"]]
    threshold = report["threshold_percent"]
    kind_rows = [r for r in report["rows"] if r["breakdown"] == "visit_kind"]
    chart = bar_chart(
        chart_id="fidelity-chart",
        title=translate("reports.fidelity.chart_title"),
        description=translate("reports.fidelity.chart_desc").format(percent=fmt_target(threshold)),
        bars=[
            Bar(
                label=label(r),
                value=r.get("delivered_percent"),
                text=bar_text(
                    r.get("delivered_percent"), "delivered_percent", r.get("hidden") or {}, None, fmt_percent
                ),
            )
            for r in kind_rows
        ],
        target=threshold,
        target_label=translate("reports.fidelity.threshold").format(percent=fmt_target(threshold)),
        tick_format=lambda v: f"{danish_number(v)} %",
    )
    reasons = [
        {
            "status": translate(f"reports.visit_status.{r['status']}"),
            "reason": r["reason"],
            "visits": figure(r.get("visits"), "visits", r.get("hidden") or {}),
        }
        for r in report["reasons"]
    ]
    facts = Facts(
        period=translate("reports.fidelity.period").format(today=fmt_date(report["today"])),
        denominator=translate("reports.fidelity.denominator").format(percent=fmt_target(threshold)),
        as_of=fmt_as_of(report["as_of"]),
        exact=[report["period"], report["denominator_definition"]],
        disclosure=report["disclosure"]["applied"],
    )
    context |= {
        "report": report,
        "rows": rows,
        "version_rows": [r for r in rows[1:] if r["kind"] == "version"] + rows[:1],
        "reasons": reasons,
        "chart": chart if kind_rows else None,
        "threshold": fmt_target(threshold),
        "facts": facts,
        "drill": not report["disclosure"]["applied"],
        "families_href": "/reports/fidelity/families?" + query_string(params),
        "visit_columns": [translate(f"reports.fidelity.{n}") for n in FIDELITY_VISITS],
        "family_columns": [translate(f"reports.fidelity.{n}") for n in FIDELITY_FAMILIES],
        "csv": csv_href("fidelity", params),
    }
    return render(request, "reports/fidelity.html", context, block="report")


@router.get("/reports/fidelity/families")
async def fidelity_families_page(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    package_code: Text = "minding_the_baby",
    version: Text = "",
    cursor: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    """Planned versus delivered per family the user may see, each linking to the child's page."""
    check_report_role(me)
    params = [(k, v) for k, v in (("package_code", package_code), ("version", version)) if v]
    page = await api.get("/reports/fidelity/families", **as_api(params), limit=DRILL_PAGE, cursor=cursor or None)
    families = [
        {
            "href": f"/children/{f['child_id']}",
            "name": f.get("child_name") or translate("reports.child.no_name"),
            "version": f["package_version"],
            "started": fmt_date(f["started_on"]),
            "ended": fmt_date(f.get("ended_on")),
            "due": fmt_number(f["due"]),
            "done": fmt_number(f["done"]),
            "delivered": fmt_percent(f["delivered_percent"]) if f.get("delivered_percent") is not None else "–",
            "at_fidelity": translate(
                "reports.verdict.none"
                if f.get("at_fidelity") is None
                else "reports.verdict.met"
                if f["at_fidelity"]
                else "reports.verdict.not_met"
            ),
            "reasons": "; ".join(
                f"{translate('reports.visit_status.' + r['status'])}: {r['reason']} ({r['visits']})"
                for r in f.get("reasons", [])
            ),
        }
        for f in page["items"]
    ]
    next_href = ""
    if page.get("next_cursor"):
        next_href = "/reports/fidelity/families?" + query_string([*params, ("cursor", page["next_cursor"])])
    context = {
        "me": me,
        "families": families,
        "back": "/reports/fidelity?" + query_string(params),
        "next": next_href,
    }
    return render(request, "reports/fidelity_families.html", context)


# --- capacity --------------------------------------------------------------------------------------

CAPACITY_FIELDS = ("start", "weeks", "team", "weekly_visit_cap", "package_code", "caseload_cap")


@router.get("/reports/capacity")
async def capacity_page(
    request: Request,
    api: SignedInApi,
    me: CurrentUser,
    start: Text = "",
    weeks: Text = "",
    team: Text = "",
    weekly_visit_cap: Text = "",
    package_code: Text = "",
    caseload_cap: Text = "",
) -> Response:
    check_report_role(me)
    typed = {
        "start": start,
        "weeks": weeks,
        "team": team,
        "weekly_visit_cap": weekly_visit_cap,
        "package_code": package_code,
        "caseload_cap": caseload_cap,
    }
    form = Form(values=dict(typed))
    params = [(k, v.strip()) for k, v in typed.items() if v.strip()]
    packages = [p for p in await package_list(api) if p.get("cadence") == "fixed"]
    package_names = {p["code"]: p.get("name_da") or p["code"] for p in packages}
    context: dict[str, Any] = {
        "me": me,
        "form": form,
        "packages": list(package_names.items()),
        "report": None,
    }
    report = await fetch_report(api, "/reports/capacity", params, form, CAPACITY_FIELDS)
    if report is None:
        return render(request, "reports/capacity.html", context, block="report")
    weeks_list = [date.fromisoformat(w) for w in report["weeks"]]
    caps = report["caseload_caps"]
    cap = report["weekly_visit_cap"]
    over_caseload = {
        (w["username"], w["package_code"]) for w in report["warnings"] if w["kind"] == "caseload_cap_exceeded"
    }

    def label(row: JSON) -> str:
        if row["breakdown"] == "staff":
            return f"{row.get('full_name') or row['username']} ({row['username']})"
        if row["breakdown"] == "team":
            return translate("reports.capacity.team").format(team=row["team"])
        return translate("reports.total")

    rows = []
    for row in report["rows"]:
        staff = row["breakdown"] == "staff"
        rows.append(
            {
                "label": label(row),
                "kind": row["breakdown"],
                "team": row.get("team") or "",
                "weeks": [{"text": fmt_number(n), "over": staff and bool(cap) and n > cap} for n in row["weeks"]],
                "planned": fmt_number(row["planned_visits"]),
                "caseload": [
                    {
                        "text": fmt_number(row["caseload"].get(code, 0)),
                        "over": staff and (row["username"], code) in over_caseload,
                    }
                    for code in caps
                ],
            }
        )
    warnings = []
    for w in report["warnings"]:
        if w["kind"] == "caseload_cap_exceeded":
            text = translate("reports.capacity.warning_caseload").format(
                who=w["username"],
                value=w["value"],
                package=package_names.get(w["package_code"], w["package_code"]),
                cap=w["cap"],
            )
        else:
            text = translate("reports.capacity.warning_weekly").format(
                who=w["username"], value=w["value"], week=fmt_date(w["week"]), cap=w["cap"]
            )
        warnings.append(text)
    staff_rows = [r for r in report["rows"] if r["breakdown"] == "staff"]
    busiest = [max(r["weeks"], default=0) for r in staff_rows]
    maximum = nice_maximum(max([*busiest, cap], default=1) * 1.1)
    chart = bar_chart(
        chart_id="capacity-chart",
        title=translate("reports.capacity.chart_title"),
        description=translate("reports.capacity.chart_desc").format(cap=cap),
        bars=[
            Bar(
                label=r.get("full_name") or r["username"],
                value=float(b),
                text=translate("reports.capacity.bar").format(count=b)
                + (" – " + translate("reports.capacity.over") if cap and b > cap else ""),
                state=("not-met" if cap and b > cap else "met") if cap else "",
            )
            for r, b in zip(staff_rows, busiest, strict=True)
        ],
        maximum=maximum,
        target=float(cap) if cap else None,
        target_label=translate("reports.capacity.cap").format(cap=cap),
    )
    facts = Facts(
        period=translate("reports.capacity.period").format(
            first=fmt_date(weeks_list[0]), last=fmt_date(weeks_list[-1] + timedelta(days=6)), weeks=len(weeks_list)
        ),
        denominator=translate("reports.capacity.definition"),
        as_of=fmt_as_of(report["as_of"]),
        exact=[report["period"], report["definition"]],
        disclosure=None,
    )
    if not start:
        form.values["start"] = report["first_week"]
    if not weeks:
        form.values["weeks"] = str(len(weeks_list))
    if not weekly_visit_cap:
        form.values["weekly_visit_cap"] = str(cap)
    context |= {
        "report": report,
        "week_columns": [
            (translate("reports.capacity.week").format(number=w.isocalendar()[1]), fmt_date(w)) for w in weeks_list
        ],
        "caps": [(package_names.get(code, code), cap_value) for code, cap_value in caps.items()],
        "rows": rows,
        "warnings": warnings,
        "weekly_cap": cap,
        "chart": chart if staff_rows else None,
        "teams": sorted({r["team"] for r in report["rows"] if r["breakdown"] == "team" and r.get("team")}),
        "facts": facts,
        "csv": csv_href("capacity", params),
    }
    return render(request, "reports/capacity.html", context, block="report")


# --- cost estimate ---------------------------------------------------------------------------------

COST_MAIN = ("package_code", "families", "visits_per_family", "placements", "placement_cost")
RATE_NAMES = (
    "visit_minutes",
    "travel_minutes",
    "documentation_minutes",
    "supervision_share",
    "coordination_share",
    "training_cost_per_professional",
    "hours_per_fte",
    "productive_share",
    "participants_per_session",
    "hourly_cost_health_visitor",
    "hourly_cost_family_therapist",
    "hourly_cost_caseworker",
    "hourly_cost_pedagogue",
    "hourly_cost_midwife",
    "hourly_cost_psychologist",
    "hourly_cost_coordinator",
)
DEFAULT_COST = {"package_code": "minding_the_baby", "families": "20"}


def rate_label(name: str) -> str:
    if name.startswith("hourly_cost_"):
        return translate("reports.rate.hourly_cost").format(role=role_label(name.removeprefix("hourly_cost_")))
    return translate(f"reports.rate.{name}")


def rate_unit(name: str) -> str:
    if name.startswith("hourly_cost_"):
        return translate("reports.unit.hourly_cost")
    return translate(f"reports.unit.{name}")


def _same_number(typed: str, value: float | None) -> bool:
    if value is None:
        return False
    try:
        return float(decimal_param(typed)) == float(value)
    except ValueError:
        return False


async def _default_rates(api: Api, package_code: str) -> list[JSON]:
    """The rates the API would use for the package (an estimate for one family with every default)."""
    try:
        answer = await api.get("/reports/cost-estimate", package_code=package_code, families=1, visits_per_family=1)
    except ApiError as exc:
        reraise_unless_invalid(exc)
        return []
    rates: list[JSON] = answer["rates"]
    return rates


@router.get("/reports/cost")
async def cost_page(request: Request, api: SignedInApi, me: CurrentUser) -> Response:
    """What a package would cost for a number of families a year, beside placements outside the home."""
    check_report_role(me)
    query = request.query_params
    typed = {name: query.get(name, "")[:100] for name in (*COST_MAIN, *RATE_NAMES)}
    if not query:
        typed |= DEFAULT_COST
    form = Form(values=dict(typed))
    package_code = typed["package_code"].strip()
    rates_for = query.get("rates_for", "")[:100]
    notice = ""
    if rates_for and package_code and rates_for != package_code:
        # The rates on the form were the other package's: keep only those the user changed.
        old = {r["name"]: r["value"] for r in await _default_rates(api, rates_for)}
        for name in RATE_NAMES:
            if typed[name] and (name not in old or _same_number(typed[name], old[name])):
                typed[name] = ""
        notice = translate("reports.cost.rates_reset")
    params: Params = [(n, decimal_param(typed[n]) if n != "package_code" else typed[n].strip()) for n in COST_MAIN]
    params += [(n, decimal_param(typed[n])) for n in RATE_NAMES]
    params = [(k, v) for k, v in params if v]
    packages = await package_list(api)
    package_names = {p["code"]: p.get("name_da") or p["code"] for p in packages}
    estimate = await fetch_report(api, "/reports/cost-estimate", params, form, (*COST_MAIN, *RATE_NAMES))
    rates = estimate["rates"] if estimate else await _default_rates(api, package_code or DEFAULT_COST["package_code"])
    fields = []
    for rate in rates:
        name = rate["name"]
        value = typed.get(name) or fmt_input(rate["value"])
        form.values[name] = value
        fields.append({"name": name, "label": rate_label(name), "unit": rate_unit(name), "value": value})
    context: dict[str, Any] = {
        "me": me,
        "form": form,
        "packages": list(package_names.items()),
        "rate_fields": fields,
        "rates_for": package_code if estimate else rates_for,
        "notice": notice,
        "estimate": None,
    }
    if estimate is None:
        return render(request, "reports/cost.html", context, block="report")
    roles = [
        {
            "role": role_label(r["role"]),
            "visits": fmt_number(r["visits_per_family"]),
            "hours_per_family": fmt_decimal(r["hours_per_family"]),
            "cost_per_family": fmt_amount(r["cost_per_family"]),
            "hours_per_year": fmt_decimal(r["hours_per_year"]),
            "fte": danish_number(r["fte"], 2),
            "professionals": fmt_number(r["professionals"]),
            "training": fmt_amount(r["training_cost_per_year"]),
        }
        for r in estimate["roles"]
    ]
    rate_rows = [
        {
            "label": rate_label(r["name"]),
            "value": fmt_input(r["value"]),
            "unit": rate_unit(r["name"]),
            "source": r["source"],
        }
        for r in estimate["rates"]
    ]
    kinds = dict(await visit_kinds(api, estimate["package_code"]))
    by_kind = [(kinds.get(k, k), fmt_number(n)) for k, n in estimate["visits_by_kind"].items()]
    placements = estimate.get("placements")
    chart = None
    if placements:
        values = [estimate["cost_per_year"], placements["cost_per_year"]]
        top = nice_maximum(max(values) * 1.05)
        chart = bar_chart(
            chart_id="cost-chart",
            title=translate("reports.cost.chart_title"),
            description=translate("reports.cost.chart_desc"),
            bars=[
                Bar(
                    label=translate("reports.cost.programme_bar").format(families=estimate["families"]),
                    value=float(values[0]),
                    text=fmt_amount(values[0]),
                ),
                Bar(
                    label=translate("reports.cost.placements_bar").format(count=placements["placements"]),
                    value=float(values[1]),
                    text=fmt_amount(values[1]),
                ),
            ],
            maximum=top,
            tick_format=lambda v: translate("reports.cost.millions").format(value=danish_number(v / 1_000_000, 1)),
        )
    form.values["package_code"] = estimate["package_code"]
    context |= {
        "estimate": estimate,
        "package_name": package_names.get(estimate["package_code"], estimate["package_name"]),
        "summary": {
            "families": fmt_number(estimate["families"]),
            "visits": fmt_number(estimate["visits_per_family"]),
            "minutes": fmt_decimal(estimate["minutes_per_visit"]),
            "cost_per_family": fmt_amount(estimate["cost_per_family"]),
            "variable": fmt_amount(estimate["variable_cost_per_family"]),
            "cost_per_year": fmt_amount(estimate["cost_per_year"]),
            "training": fmt_amount(estimate["training_cost_per_year"]),
            "fte_total": danish_number(estimate["fte_total"], 2),
            "hours_per_fte": fmt_decimal(estimate["productive_hours_per_fte"]),
        },
        "by_kind": by_kind,
        "roles": roles,
        "rate_rows": rate_rows,
        "placements": (
            {
                "count": fmt_number(placements["placements"]),
                "each": fmt_amount(placements["cost_per_placement"]),
                "per_year": fmt_amount(placements["cost_per_year"]),
                "equivalent": (
                    danish_number(placements["programme_cost_in_placements"], 2)
                    if placements.get("programme_cost_in_placements") is not None
                    else ""
                ),
            }
            if placements
            else None
        ),
        "chart": chart,
        "as_of": fmt_as_of(estimate["as_of"]),
        "reference_child": estimate["reference_child"],
        "csv": csv_href("cost", params),
    }
    return render(request, "reports/cost.html", context, block="report")
