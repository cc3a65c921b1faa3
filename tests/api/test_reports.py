"""Reports over HTTP against a known population built through the services: every figure checked
exactly (seed 001's 61 children -> 52 and 46 visits, 98 in all), disclosure control for roles without
person access, drill-downs within what the caller may see, and CSV with the same figures as JSON."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from domain.rules.visit_state import VisitStatus, overdue_if_latest_before
from domain.services import families, groups, schedules, screenings, visits
from domain.store.repositories import reports as report_repo
from domain.store.repositories.reports import ChildFilter
from domain.store.tables import AuditEvent, GroupParticipant, Visit
from tests.domain.test_kpi_filters import RowSpace
from tests.factories import World, bearer, client_token, decide_level, make_family, token

COVERAGE = "/api/v1/reports/coverage"
SIX = {"package_code": "housing_area_extra", "visit_kind": "extra_6_months", "birth_year": 2023}


# -- building the population through the services ---------------------------------------------------


def born(i: int) -> date:
    return date(2023, 1, 2) + timedelta(days=5 * i)


def stored(result: schedules.EnrollmentResult) -> list[Visit]:
    return [details.visit for details in result.visits]


def visit_of(result: schedules.EnrollmentResult, kind: str) -> Visit:
    return next(v for v in stored(result) if v.kind == kind)


def done(session: Session, world: World, visit: Visit, on: date | None = None, *, today: date) -> None:
    visits.complete_visit(
        session,
        visit_id=visit.id,
        done_on=on or visit.target_date,
        performed_by=[world.staff_id("hv1")],
        today=today,
    )


def missed(session: Session, visit: Visit, reason: str = "family not at home") -> None:
    visits.close_visit(session, visit_id=visit.id, status=VisitStatus.MISSED, reason=reason)


def cancelled(session: Session, visit: Visit, reason: str) -> None:
    visits.close_visit(session, visit_id=visit.id, status=VisitStatus.CANCELLED, reason=reason)


def enrolled(
    session: Session, child_id: uuid.UUID, code: str, start: date, **staff: uuid.UUID
) -> schedules.EnrollmentResult:
    return schedules.enroll(
        session, child_id=child_id, package_code=code, start_date=start, dry_run=False, staff_ids=staff
    )


def seed_001_population(world: World, *, centrum: int = 0, today: date) -> None:
    """Seed 001: 61 children born 2023 in Ringparken (31) and Motalavej (30), enrolled in the housing-area
    extra visits. 6 months: 52 in window (31 + 21), 3 late and 6 missed (Motalavej). 18 months: 46 in window
    (31 + 15), 5 late, 10 left planned and now overdue (Motalavej). Outside the figure: a Ringparken child
    born 2022 and a Centrum child (not a designated area). `centrum` adds that many more Centrum children
    born 2023: all but the last get the 6-month visit in window, the last misses it."""
    with world.database.session(write=True) as session:
        for i in range(61):
            _, child = make_family(
                session, today=today, area="ringparken" if i < 31 else "motalavej", birth_date=born(i)
            )
            result = enrolled(session, child.id, "housing_area_extra", born(i))
            six, eighteen = visit_of(result, "extra_6_months"), visit_of(result, "extra_18_months")
            if i < 52:
                done(session, world, six, today=today)
            elif i < 55:
                done(session, world, six, six.latest + timedelta(days=14), today=today)
            else:
                missed(session, six)
            if i < 46:
                done(session, world, eighteen, today=today)
            elif i < 51:
                done(session, world, eighteen, eighteen.latest + timedelta(days=3), today=today)
        for area, birth in (("ringparken", date(2022, 6, 1)), ("centrum", date(2023, 6, 1))):
            _, child = make_family(session, today=today, area=area, birth_date=birth)
            done(
                session,
                world,
                visit_of(enrolled(session, child.id, "housing_area_extra", birth), "extra_6_months"),
                today=today,
            )
        for i in range(centrum):
            _, child = make_family(session, today=today, area="centrum", birth_date=born(i))
            six = visit_of(enrolled(session, child.id, "housing_area_extra", born(i)), "extra_6_months")
            if i < centrum - 1:
                done(session, world, six, today=today)
            else:
                missed(session, six)
        session.commit()


def rows_of(report: dict[str, Any]) -> list[dict[str, Any]]:
    total = {k: report[k] for k in ("denominator", "counts", "numerator", "percent", "target_percent", "required")}
    total |= {"met": report["met"], "can_still_be_met": report["can_still_be_met"], "hidden": report["hidden"]}
    total |= {"breakdown": "total", "key": "all"}
    return [total, *report["by_area"], *report["by_birth_year"], *report["package_totals"]]


def csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def as_cell(value: Any, name: str, hidden: dict[str, str]) -> str:
    if value is None:
        return {"small": "<5", "complementary": "x", "derived": "x", "filter": "x"}.get(hidden.get(name, ""), "")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- coverage ---------------------------------------------------------------------------------------


def test_seed_001_coverage_of_the_6_month_visit_is_counted_exactly(
    client: TestClient, world: World, today: date
) -> None:
    seed_001_population(world, today=today)
    response = client.get(COVERAGE, params=SIX, headers=bearer(token(client, "hv1")))
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["numerator"], report["denominator"]) == (52, 61)
    assert report["percent"] == 85.2
    assert report["target_percent"] == 85.0
    assert report["required"] == 52
    assert report["met"] is True
    assert report["counts"] == {
        "in_window": 52,
        "late": 3,
        "early": 0,
        "pending": 0,
        "not_done": 6,
        "not_planned": 0,
    }
    assert report["population"] == "resident"
    assert report["areas"] == ["motalavej", "ringparken"]
    by_area = {row["key"]: row for row in report["by_area"]}
    assert by_area["ringparken"]["counts"]["in_window"] == 31
    assert by_area["ringparken"]["denominator"] == 31
    assert by_area["ringparken"]["percent"] == 100.0
    assert by_area["motalavej"]["counts"] | {} == {
        "in_window": 21,
        "late": 3,
        "early": 0,
        "pending": 0,
        "not_done": 6,
        "not_planned": 0,
    }
    assert (by_area["motalavej"]["percent"], by_area["motalavej"]["met"]) == (70.0, False)
    assert [(r["key"], r["denominator"]) for r in report["by_birth_year"]] == [("2023", 61)]
    assert report["period"] == "children born 2023-01-01 to 2023-12-31"
    assert "ringparken" in report["denominator_definition"]
    assert report["as_of"] and report["today"] == today.isoformat()
    assert report["disclosure"]["applied"] is False


def test_seed_001_the_18_month_visit_and_the_package_reach_46_and_98_in_all(
    client: TestClient, world: World, today: date
) -> None:
    seed_001_population(world, today=today)
    params = {**SIX, "visit_kind": "extra_18_months"}
    report = client.get(COVERAGE, params=params, headers=bearer(token(client, "hv1"))).json()
    assert (report["numerator"], report["denominator"], report["percent"]) == (46, 61, 75.4)
    assert (report["target_percent"], report["required"], report["met"]) == (75.0, 46, True)
    assert report["counts"]["late"] == 5 and report["counts"]["not_done"] == 10
    kinds = {row["key"]: row for row in report["package_totals"]}
    assert kinds["extra_6_months"]["numerator"] == 52 and kinds["extra_6_months"]["required"] == 52
    assert kinds["extra_18_months"]["numerator"] == 46 and kinds["extra_18_months"]["required"] == 46
    package = kinds["housing_area_extra"]
    assert (package["numerator"], package["denominator"], package["required"], package["met"]) == (98, 122, 98, True)


def test_a_higher_target_given_in_the_request_is_not_met(client: TestClient, world: World, today: date) -> None:
    seed_001_population(world, today=today)
    report = client.get(COVERAGE, params={**SIX, "target_percent": 90}, headers=bearer(token(client, "hv1"))).json()
    assert (report["target_percent"], report["required"], report["met"]) == (90.0, 55, False)


def test_bad_report_parameters_are_refused_by_field(client: TestClient, world: World) -> None:
    headers = bearer(token(client, "mgr1"))
    cases = [
        ({**SIX, "visit_kind": "extra_9_months"}, "visit_kind"),
        ({**SIX, "area": "atlantis"}, "area.0"),
        ({**SIX, "target_percent": 150}, "target_percent"),
        ({**SIX, "measure": "happiness"}, "measure"),
        ({"visit_kind": "extra_6_months"}, "package_code"),
        ({"package_code": "housing_area_extra"}, "visit_kind"),
        ({**SIX, "package_code": "no_such_package"}, "package_code"),
        ({**SIX, "birth_year": 1066}, "birth_year.0"),
    ]
    for params, field_name in cases:
        response = client.get(COVERAGE, params=params, headers=headers)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field_name in [e["field"] for e in response.json()["errors"]], (params, response.json())


def _published_lines(
    report: dict[str, Any],
) -> tuple[dict[Hashable, int | None], list[tuple[Hashable, list[Hashable]]]]:
    """The published cells of a coverage answer and the sums a reader knows hold between them."""
    cells: dict[Hashable, int | None] = {}
    lines: list[tuple[Hashable, list[Hashable]]] = []
    categories = report["categories"]
    groups_of = {"total": [rows_of(report)[0]], "area": report["by_area"], "birth_year": report["by_birth_year"]}
    for name, rows in groups_of.items():
        for row in rows:
            rid = (name, row["key"])
            cells[(rid, "denominator")] = row["denominator"]
            for c in categories:
                cells[(rid, c)] = row["counts"][c]
            lines.append(((rid, "denominator"), [(rid, c) for c in categories]))
    for name in ("area", "birth_year"):
        for c in [*categories, "denominator"]:
            lines.append(((("total", "all"), c), [((name, r["key"]), c) for r in groups_of[name]]))
    return cells, lines


def test_a_manager_sees_small_counts_hidden_and_they_cannot_be_derived_from_the_totals(
    client: TestClient, world: World, today: date
) -> None:
    seed_001_population(world, centrum=3, today=today)
    params = {**SIX, "area": ["ringparken", "motalavej", "centrum"]}
    manager = client.get(COVERAGE, params=params, headers=bearer(token(client, "mgr1"))).json()
    assert manager["disclosure"]["applied"] is True
    # The package counts in the designated areas: their total is its headline and stays exact (52 of 61, a
    # manager's default view). With it published, the total of the three areas (55 of 65) would give Centrum's
    # 4 children away (65 - 61), whichever answer showed it: so that total is hidden.
    assert (manager["numerator"], manager["denominator"]) == (None, None)
    assert manager["hidden"]["denominator"] == "complementary"
    designated = client.get(COVERAGE, params=SIX, headers=bearer(token(client, "mgr1"))).json()
    assert (designated["numerator"], designated["denominator"], designated["percent"]) == (52, 61, 85.2)
    centrum = next(r for r in manager["by_area"] if r["key"] == "centrum")
    assert centrum["counts"]["in_window"] is None and centrum["hidden"]["in_window"] == "small"
    assert centrum["denominator"] is None and centrum["hidden"]["denominator"] == "small"
    assert centrum["percent"] is None and centrum["hidden"]["percent"] == "derived"
    # A row whose denominator is hidden hides its zeros too: beside "<5" children a zero tells which category
    # those few are not in, and would let the answers of other visit kinds pin the hidden denominator down.
    assert centrum["counts"]["early"] is None and centrum["hidden"]["early"] == "complementary"
    # A reader solving every sum with one unknown recovers none of the hidden cells.
    cells, lines = _published_lines(manager)
    known = {k: v for k, v in cells.items() if v is not None}
    progress = True
    while progress:
        progress = False
        for total, parts in lines:
            unknown = [k for k in (total, *parts) if k not in known]
            if len(unknown) == 1:
                key = unknown[0]
                rest = sum(known[p] for p in parts if p in known)
                known[key] = rest if key == total else known[total] - rest
                progress = True
    assert all(cells[k] is not None for k in known if k in cells), "a hidden count was derivable"
    # A health visitor sees her team's areas exactly (Ringparken and Motalavej are team nord's), and Centrum (team
    # syd's) as a manager does: never an exact small count of children she has no access to.
    hv1 = client.get(COVERAGE, params=params, headers=bearer(token(client, "hv1"))).json()
    assert hv1["disclosure"]["applied"] is True and hv1["disclosure"]["exact_areas"] == ["motalavej", "ringparken"]
    rows = {r["key"]: r for r in hv1["by_area"]}
    assert (rows["ringparken"]["denominator"], rows["motalavej"]["counts"]["not_done"]) == (31, 6)
    assert rows["centrum"]["counts"]["in_window"] is None and rows["centrum"]["hidden"]["in_window"] == "small"
    # The total less her own areas would be Centrum's 4 children: she does not get the total.
    assert hv1["denominator"] is None and hv1["hidden"]["denominator"] == "small"
    # hv2's team (syd) covers Centrum: she sees Centrum exactly, and the other areas as a manager does.
    hv2 = client.get(COVERAGE, params=params, headers=bearer(token(client, "hv2"))).json()
    centrum_exact = next(r for r in hv2["by_area"] if r["key"] == "centrum")
    assert (centrum_exact["counts"]["in_window"], centrum_exact["denominator"]) == (3, 4)
    assert hv2["disclosure"]["exact_areas"] == ["centrum"]
    # Within her own areas only, every count is exact.
    own = client.get(COVERAGE, params={**SIX, "area": ["centrum"]}, headers=bearer(token(client, "hv2"))).json()
    assert own["disclosure"]["applied"] is False and own["counts"]["not_done"] == 1


def _equations(report: dict[str, Any], areas: list[str]) -> list[tuple[dict[Hashable, int], int | None]]:
    """Every figure of a coverage answer as an equation over the children per (visit kind, area, category):
    its coefficients and its published value (None when hidden)."""
    chosen = report["areas"] or areas
    kind = report["visit_kind"]
    kinds = [r["key"] for r in report["package_totals"] if r["breakdown"] == "visit_kind"] or [kind]

    def row_equations(row: dict[str, Any], row_kinds: list[str], row_areas: list[str]) -> list[Any]:
        found = []
        for column in [*report["categories"], "denominator"]:
            categories = report["categories"] if column == "denominator" else [column]
            vector = {(k, a, c): 1 for k in row_kinds for a in row_areas for c in categories}
            value = row["denominator"] if column == "denominator" else row["counts"][column]
            found.append((vector, value))
        return found

    total = rows_of(report)[0]
    equations = row_equations(total, [kind], chosen)
    for row in report["by_area"]:
        equations += row_equations(row, [kind], [row["key"]])
    for row in report["by_birth_year"]:
        equations += row_equations(row, [kind], chosen)
    for row in report["package_totals"]:
        row_kinds = [row["key"]] if row["breakdown"] == "visit_kind" else kinds
        equations += row_equations(row, row_kinds, chosen)
    return equations


def test_two_answers_with_different_areas_no_longer_give_a_hidden_count_away(
    client: TestClient, world: World, today: date
) -> None:
    """The reported attack: Centrum has 6 children visited in window and 1 not (the last one missed). Asked
    for Ringparken, Motalavej and Centrum, and then for Ringparken and Motalavej, a manager used to get the
    totals in window 58 and 52 and Centrum's denominator 7: 58 - 52 = 6 in window, so 7 - 6 = 1 not done."""
    seed_001_population(world, centrum=6, today=today)
    manager = bearer(token(client, "mgr1"))
    areas = ["ringparken", "motalavej", "centrum"]
    three = client.get(COVERAGE, params={**SIX, "area": areas}, headers=manager).json()
    two = client.get(COVERAGE, params={**SIX, "area": areas[:2]}, headers=manager).json()
    centrum = next(r for r in three["by_area"] if r["key"] == "centrum")
    assert centrum["counts"]["not_done"] is None and centrum["hidden"]["not_done"] == "small"
    # What the reader knows: every published figure of both answers, and that a row's categories add up to
    # its denominator in every visit kind (the same children).
    space = RowSpace()
    kinds = ["extra_6_months", "extra_18_months"]
    for a in areas:
        same = {(kinds[0], a, c): 1 for c in three["categories"]} | {(kinds[1], a, c): -1 for c in three["categories"]}
        space.add(same)
    published = 0
    for report in (three, two):
        for vector, value in _equations(report, areas):
            if value is not None:
                space.add(vector)
                published += 1
    assert published > 20, "most figures are still published"
    for c in three["categories"]:
        if centrum["counts"][c] is None:
            assert not space.determines({("extra_6_months", "centrum", c): 1}), f"Centrum's {c} can be computed"
    if centrum["denominator"] is None:
        assert not space.determines({("extra_6_months", "centrum", c): 1 for c in three["categories"]})
    # The totals of both answers cannot both be shown: one of them is hidden, as `filter` or as a small count.
    assert None in (three["numerator"], two["numerator"]) or None in (three["denominator"], two["denominator"])
    hidden_reasons = {r for report in (three, two) for row in rows_of(report) for r in row["hidden"].values()}
    assert "filter" in hidden_reasons


def test_the_counts_by_enrolment_are_both_populations_in_one_statement(world: World, today: date) -> None:
    """The table disclosure control works on counts both populations at once: every row (resident) and the
    rows marked enrolled (enrolled) are what the two filtered queries count."""
    seed_001_population(world, centrum=3, today=today)
    with world.database.session(write=True) as session:  # resident children never enrolled
        make_family(session, today=today, area="ringparken", birth_date=born(3))
        make_family(session, today=today, area="centrum", birth_date=born(4))
        session.commit()
    kinds = ("extra_6_months", "extra_18_months")
    package = "housing_area_extra"
    cutoff = overdue_if_latest_before(today)
    resident, enrolled = ChildFilter(birth_years=(2023,)), ChildFilter(birth_years=(2023,), enrolled_in=package)
    with world.database.session(write=False) as session:
        marked = report_repo.visit_outcome_counts_by_enrolment(
            session, package_code=package, kinds=kinds, cutoff=cutoff, children=resident, enrolled_in=package
        )
        for kind in kinds:
            every, only = Counter[tuple[str, int, int]](), Counter[tuple[str, int, int]]()
            for is_enrolled, area, year, rank, n in marked[kind]:
                every[(area, year, rank)] += n
                if is_enrolled:
                    only[(area, year, rank)] += n
            for children, counted in ((resident, every), (enrolled, only)):
                plain = report_repo.visit_outcome_counts(
                    session, package_code=package, kinds=kinds, cutoff=cutoff, children=children
                )
                assert counted == Counter({(a, y, r): n for a, y, r, n in plain[kind]}), (kind, children)
        rank = report_repo.universal_year_one_rank(packages=("universal",), min_visits=5, today=today)
        rows = report_repo.measure_counts_by_enrolment(session, rank=rank, children=resident, enrolled_in=package)
        every = Counter({(a, y, r): 0 for _e, a, y, r, _n in rows})
        for _e, a, y, r, n in rows:
            every[(a, y, r)] += n
        plain_rows = report_repo.measure_counts(session, rank=rank, children=resident)
        assert +every == Counter({(a, y, r): n for a, y, r, n in plain_rows})
        assert sum(n for e, *_, n in rows if e) == 61 + 4  # seed 001's 61 and Centrum's 4 are enrolled


def test_an_integration_client_with_reports_read_only_gets_suppressed_counts(
    client: TestClient, world: World, today: date
) -> None:
    seed_001_population(world, centrum=3, today=today)
    params = {**SIX, "area": ["ringparken", "motalavej", "centrum"]}
    reports_only = bearer(client_token(client, "case-system", scope="reports:read"))
    answer = client.get(COVERAGE, params=params, headers=reports_only).json()
    assert answer["disclosure"]["applied"] is True
    assert client.get(f"{COVERAGE}/children", params=params, headers=reports_only).status_code == 403
    full = bearer(client_token(client, "case-system"))
    assert client.get(COVERAGE, params=params, headers=full).json()["disclosure"]["applied"] is False


def test_coverage_as_csv_has_the_same_figures_as_json(client: TestClient, world: World, today: date) -> None:
    seed_001_population(world, centrum=3, today=today)
    params = {**SIX, "area": ["ringparken", "motalavej", "centrum"]}
    for user in ("mgr1", "hv1", "hv2"):
        headers = bearer(token(client, user))
        report = client.get(COVERAGE, params=params, headers=headers).json()
        response = client.get(COVERAGE, params=params, headers={**headers, "Accept": "text/csv"})
        assert response.status_code == 200
        assert response.headers["vary"] == "Accept"
        table = csv_rows(response)
        expected = rows_of(report)
        assert len(table) == len(expected)
        for line, row in zip(table, expected, strict=True):
            assert (line["breakdown"], line["key"]) == (row["breakdown"], row["key"])
            for name, value in {**row, **row["counts"]}.items():
                if name in ("counts", "hidden", "breakdown", "key"):
                    continue
                assert line[name] == as_cell(value, name, row["hidden"]), (user, row["key"], name)
    centrum = next(line for line in table if line["key"] == "centrum")  # the last user's (hv2, team syd) table
    assert centrum["in_window"] == "3"


def test_the_drill_down_lists_the_children_missing_within_what_the_caller_may_see(
    client: TestClient, world: World, today: date
) -> None:
    seed_001_population(world, today=today)
    url = f"{COVERAGE}/children"
    params = {**SIX, "category": "not_done"}
    hv1 = client.get(url, params=params, headers=bearer(token(client, "hv1")))
    assert hv1.status_code == 200, hv1.text
    items = hv1.json()["items"]
    assert len(items) == 6
    assert {i["area"] for i in items} == {"motalavej"} and {i["category"] for i in items} == {"not_done"}
    assert client.get(url, params=params, headers=bearer(token(client, "hv2"))).json()["items"] == []
    assert client.get(url, params=params, headers=bearer(token(client, "mgr1"))).status_code == 403
    page = client.get(url, params={**SIX, "limit": 50}, headers=bearer(token(client, "hv1"))).json()
    assert len(page["items"]) == 50 and page["next_cursor"]
    rest = client.get(url, params={**SIX, "cursor": page["next_cursor"]}, headers=bearer(token(client, "hv1"))).json()
    assert len(rest["items"]) == 11 and rest["next_cursor"] is None
    bad = client.get(url, params={**SIX, "category": "lost"}, headers=bearer(token(client, "hv1")))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "category"
    with world.database.session(write=False) as session:
        searched = set(
            session.exec(
                select(AuditEvent.person_id).where(
                    AuditEvent.action == "search", AuditEvent.actor_id == str(world.staff_id("hv1"))
                )
            ).all()
        )
    assert searched >= {uuid.UUID(i["child_id"]) for i in items}


# -- the extra measures -----------------------------------------------------------------------------


def family_with_parents(session: Session, *, area: str, birth: date, father: bool, today: date) -> uuid.UUID:
    members = [families.MemberData(role="mother", name="Mor")]
    if father:
        members.append(families.MemberData(role="father", name="Far"))
    family = families.create_family(
        session,
        data=families.FamilyData(
            source_system="tests",
            external_id=f"P-{uuid.uuid4().hex[:8]}",
            area=area,
            members=tuple(members),
            children=(families.ChildData(external_id="C-1", due_date=birth, birth_date=birth),),
        ),
        today=today,
        recorded_by="tests",
    )
    return families.family_details(session, [family])[0].children[0].id


EPDS_NOTHING = [0, 0, 3, 0, 3, 3, 3, 3, 3, 3]  # every item scored 0
GOTLAND_NOTHING = [0] * 13


def screened(session: Session, child_id: uuid.UUID, respondent: str, on: date, *, today: date) -> None:
    instrument, items = ("EPDS", EPDS_NOTHING) if respondent == "mother" else ("GOTLAND", GOTLAND_NOTHING)
    screenings.record_screening(
        session,
        child_id=child_id,
        instrument=instrument,
        respondent=respondent,
        items=items,
        administered_on=on,
        administered_by=None,
        visit_id=None,
        today=today,
    )


def test_the_extra_measures_count_year_one_visits_parents_screened_and_opt_outs(
    client: TestClient, world: World, today: date
) -> None:
    birth = date(2022, 3, 10)
    with world.database.session(write=True) as session:
        # Universal programme: one child with its 5 first-year visits, one with 3, one never enrolled.
        for visits_done in (5, 3, None):
            _, child = make_family(session, today=today, area="centrum", birth_date=birth)
            if visits_done is None:
                continue
            planned = stored(enrolled(session, child.id, "universal", birth - timedelta(days=90)))
            year_one = [v for v in planned if v.kind not in ("pregnancy", "months_15_18")]
            for visit in year_one[:visits_done]:
                done(session, world, visit, today=today)
        # Depression screening: both parents in time; mother only where a father is registered; mother
        # alone in a family without a father; the father screened too late.
        both = family_with_parents(session, area="ringparken", birth=birth, father=True, today=today)
        screened(session, both, "mother", birth + timedelta(days=30), today=today)
        screened(session, both, "father", birth + timedelta(days=40), today=today)
        mother_only = family_with_parents(session, area="ringparken", birth=birth, father=True, today=today)
        screened(session, mother_only, "mother", birth + timedelta(days=30), today=today)
        single = family_with_parents(session, area="ringparken", birth=birth, father=False, today=today)
        screened(session, single, "mother", date(2022, 5, 9), today=today)  # the last day before 2 months
        late = family_with_parents(session, area="ringparken", birth=birth, father=True, today=today)
        screened(session, late, "mother", birth + timedelta(days=20), today=today)
        screened(session, late, "father", date(2022, 5, 10), today=today)  # 2 months old that day
        # The 3-year visit: one opt-out, one done, one cancelled for another reason, one never offered.
        for outcome in ("opt_out", "done", "moved", None):
            _, child = make_family(session, today=today, area="motalavej", birth_date=birth)
            if outcome is None:
                continue
            visit = visit_of(enrolled(session, child.id, "three_year_visit", birth), "three_year")
            if outcome == "opt_out":
                cancelled(session, visit, "Familien har fravalgt 3-årsbesøget")
            elif outcome == "done":
                done(session, world, visit, today=today)
            else:
                cancelled(session, visit, "moved away")
        session.commit()
    headers = bearer(token(client, "hv1"))
    base = {"birth_year": 2022}
    # Centrum is team syd's: hv2 sees its children, so its counts exactly (hv1 would get them suppressed).
    universal = client.get(
        COVERAGE,
        params={**base, "measure": "universal_year_one", "area": "centrum"},
        headers=bearer(token(client, "hv2")),
    ).json()
    assert universal["counts"] == {"reached": 1, "pending": 0, "not_reached": 2}
    assert (universal["numerator"], universal["denominator"], universal["percent"]) == (1, 3, 33.3)
    assert universal["target_percent"] is None and universal["met"] is None
    screening = client.get(
        COVERAGE, params={**base, "measure": "depression_screening", "area": "ringparken"}, headers=headers
    ).json()
    assert screening["counts"] == {"complete": 2, "pending": 0, "mother_only": 2, "father_only": 0, "neither": 0}
    opt_out = client.get(
        COVERAGE, params={**base, "measure": "three_year_opt_out", "area": "motalavej"}, headers=headers
    ).json()
    assert opt_out["counts"] == {
        "done": 1,
        "opted_out": 1,
        "cancelled_other": 1,
        "pending": 0,
        "not_done": 0,
        "not_planned": 1,
    }
    assert (opt_out["percent"], opt_out["target_percent"], opt_out["direction"]) == (25.0, 13.0, "at_most")
    assert opt_out["met"] is False
    assert "fravalg" in opt_out["numerator_definition"]


# -- levels -----------------------------------------------------------------------------------------


def test_levels_per_month_steps_and_time_at_each_level(client: TestClient, world: World, today: date) -> None:
    with world.database.session(write=True) as session:
        a = make_family(session, today=today, birth_date=date(2025, 6, 10))[1].id
        b = make_family(session, today=today, birth_date=date(2025, 9, 1))[1].id
        make_family(session, today=today, birth_date=date(2025, 11, 30))
        make_family(session, today=today, birth_date=date(2026, 2, 15))
        old = make_family(session, today=today, birth_date=date(2019, 1, 1))[1].id  # past the age limit (6) in 2026
        decide_level(session, world, old, 3, date(2025, 1, 1))
        decide_level(session, world, a, 2, date(2026, 1, 10))
        decide_level(session, world, b, 4, date(2026, 2, 1))
        decide_level(session, world, a, 3, date(2026, 2, 20))
        decide_level(session, world, a, 2, date(2026, 3, 5))
        session.commit()
    params = {"from_month": "2026-01", "to_month": "2026-03", "area": "ringparken"}
    report = client.get("/api/v1/reports/levels", params=params, headers=bearer(token(client, "hv1"))).json()
    months = {m["month"]: m for m in report["months"]}
    assert months["2026-01"]["levels"] == {"1": 2, "2": 1, "3": 0, "4": 0}
    assert months["2026-02"]["levels"] == {"1": 2, "2": 0, "3": 1, "4": 1}
    assert months["2026-03"]["levels"] == {"1": 2, "2": 1, "3": 0, "4": 1}
    assert [m["children"] for m in report["months"]] == [3, 4, 4]
    assert [(m["steps_up"], m["steps_down"]) for m in report["months"]] == [(1, 0), (2, 0), (0, 1)]
    assert (report["steps_up"], report["steps_down"]) == (3, 1)
    stays = {s["level"]: s for s in report["time_at_level"]}
    assert (stays[2]["stays"], stays[2]["ongoing"], stays[2]["average_days"]) == (2, 1, 33.5)  # 41 and 26 days
    assert (stays[3]["stays"], stays[3]["average_days"]) == (2, 233.5)  # 13 days, and 454 for the older child
    assert (stays[4]["stays"], stays[4]["average_days"]) == (1, 58.0)
    assert stays[1]["stays"] == 0 and stays[1]["average_days"] is None
    manager = client.get("/api/v1/reports/levels", params=params, headers=bearer(token(client, "mgr1"))).json()
    january = next(m for m in manager["months"] if m["month"] == "2026-01")
    assert january["levels"]["1"] is None and january["hidden"]["1"] == "small"
    assert january["levels"]["3"] == 0
    table = csv_rows(
        client.get(
            "/api/v1/reports/levels", params=params, headers={**bearer(token(client, "hv1")), "Accept": "text/csv"}
        )
    )
    assert [line["level_1"] for line in table if line["section"] == "month"] == ["2", "2", "2"]
    bad = client.get("/api/v1/reports/levels", params={"from_month": "2026-13"}, headers=bearer(token(client, "hv1")))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "from_month"


# -- group courses ----------------------------------------------------------------------------------


def record_questionnaire(session: Session, participant_id: uuid.UUID, positive: bool) -> None:
    # No service records the end-of-course questionnaire yet (the groups API owns it); set the answer
    # on the participant through the session, as that service will.
    participant = session.get(GroupParticipant, participant_id)
    assert participant is not None
    participant.questionnaire_positive = positive
    session.add(participant)
    session.flush()


def test_group_attendance_fill_rate_stable_attendance_and_questionnaire(
    client: TestClient, world: World, today: date
) -> None:
    later = today + timedelta(days=30)
    with world.database.session(write=True) as session:
        course = groups.create_course(
            session,
            package_code="mothers_group",
            title="Mødregruppe Ringparken",
            area_code="ringparken",
            starts_on=date(2026, 1, 5),
            facilitator_id=world.staff_id("hv1"),
            location="Fælleshuset",
        )
        participants = [
            groups.add_participant(
                session,
                course_id=course.id,
                child_id=make_family(session, today=today, birth_date=date(2025, 10, 1))[1].id,
                member_id=None,
                joined_on=date(2026, 1, 5),
            )
            for _ in range(6)
        ]
        presence = [8, 7, 6, 6, 5, 2]  # sessions attended of 8: the first four are stable (>= 75 %)
        for number, group_session in enumerate(groups.sessions_of(session, course.id)):
            groups.set_attendance(
                session,
                course_id=course.id,
                session_id=group_session.id,
                present={p.id: number < presence[i] for i, p in enumerate(participants)},
            )
        for i, p in enumerate(participants[:5]):
            record_questionnaire(session, p.id, positive=i < 4)
        upcoming = groups.create_course(
            session,
            package_code="mothers_group",
            title="Mødregruppe Motalavej",
            area_code="motalavej",
            starts_on=later,
            facilitator_id=None,
            location=None,
        )
        for _ in range(2):
            child = make_family(session, today=today, area="motalavej", birth_date=date(2026, 5, 1))[1]
            groups.add_participant(session, course_id=upcoming.id, child_id=child.id, member_id=None, joined_on=later)
        session.commit()
    url = "/api/v1/reports/group-attendance"
    report = client.get(url, headers=bearer(token(client, "hv1"))).json()
    rows = {(r["area"], r["year"]): r for r in report["rows"]}
    ring = rows[("ringparken", 2026)]
    assert (ring["courses"], ring["courses_target"], ring["capacity"], ring["participants"]) == (1, 2, 6, 6)
    assert ring["fill_rate_percent"] == 100.0
    assert (ring["stable"], ring["not_stable"], ring["stable_percent"], ring["stable_met"]) == (4, 2, 66.7, False)
    assert (ring["answered"], ring["positive"], ring["positive_percent"], ring["positive_met"]) == (5, 4, 80.0, True)
    mota = rows[("motalavej", later.year)]
    assert (mota["participants"], mota["not_started"], mota["stable_percent"]) == (2, 2, None)
    total = report["total"]
    assert (total["courses"], total["capacity"], total["participants"], total["stable"]) == (2, 12, 8, 4)
    assert report["stable_target_percent"] == 75.0 and report["questionnaire_target_percent"] == 80.0
    assert "75.0 %" in report["stable_definition"]
    manager = client.get(url, headers=bearer(token(client, "mgr1"))).json()
    ring_m = next(r for r in manager["rows"] if r["area"] == "ringparken")
    assert ring_m["stable"] is None and ring_m["hidden"]["stable"] == "small"
    assert ring_m["stable_percent"] is None and ring_m["hidden"]["stable_percent"] == "derived"
    assert (ring_m["courses"], ring_m["capacity"]) == (1, 6)  # courses and places are no counts of persons
    # Motalavej's 2 participants are small, so one more area's participants are hidden beside them.
    assert ring_m["participants"] is None and ring_m["hidden"]["participants"] == "complementary"
    assert manager["total"]["participants"] == 8
    lines = csv_rows(client.get(url, headers={**bearer(token(client, "mgr1")), "Accept": "text/csv"}))
    ring_line = next(line for line in lines if line["area"] == "ringparken")
    assert (ring_line["stable"], ring_line["stable_percent"], ring_line["participants"]) == ("<5", "x", "x")


# -- fidelity and capacity --------------------------------------------------------------------------


def test_fidelity_counts_planned_against_delivered_with_the_reasons(
    client: TestClient, world: World, today: date
) -> None:
    due = date(2024, 1, 10)
    with world.database.session(write=True) as session:
        for delivered in (80, 40):
            _, child = make_family(session, today=today, birth_date=due, health_visitor=world.staff_id("hv1"))
            result = enrolled(
                session, child.id, "minding_the_baby", due - timedelta(weeks=13), family_therapist=world.staff_id("ft1")
            )
            ordered = sorted(stored(result), key=lambda v: v.target_date)
            assert len(ordered) == 92
            for visit in ordered[:delivered]:
                done(session, world, visit, today=today)
            if delivered == 80:
                for visit in ordered[80:87]:
                    missed(session, visit)
                for visit in ordered[87:]:
                    cancelled(session, visit, "family ill")
        session.commit()
    url = "/api/v1/reports/fidelity"
    report = client.get(url, params={"package_code": "minding_the_baby"}, headers=bearer(token(client, "hv1"))).json()
    rows = {(r["breakdown"], r["visit_kind"]): r for r in report["rows"]}
    weekly = rows[("visit_kind", "mtb_weekly")]
    assert (weekly["due"], weekly["done"], weekly["not_recorded"], weekly["delivered_percent"]) == (130, 105, 25, 80.8)
    fortnightly = rows[("visit_kind", "mtb_fortnightly")]
    assert (fortnightly["done"], fortnightly["missed"], fortnightly["cancelled"], fortnightly["not_recorded"]) == (
        15,
        7,
        5,
        27,
    )
    version = rows[("version", None)]
    assert (version["due"], version["done"], version["enrolments"], version["at_fidelity"]) == (184, 120, 2, 1)
    assert version["at_fidelity_percent"] == 50.0
    assert {(r["status"], r["reason"], r["visits"]) for r in report["reasons"]} == {
        ("missed", "family not at home", 7),
        ("cancelled", "family ill", 5),
    }
    manager = client.get(url, params={"package_code": "minding_the_baby"}, headers=bearer(token(client, "mgr1")))
    assert manager.status_code == 200
    assert manager.json()["total"]["enrolments"] is None and manager.json()["total"]["due"] == 184
    families_url = "/api/v1/reports/fidelity/families"
    listed = client.get(families_url, params={"package_code": "minding_the_baby"}, headers=bearer(token(client, "ft1")))
    assert listed.status_code == 200
    assert sorted((f["done"], f["due"], f["at_fidelity"]) for f in listed.json()["items"]) == [
        (40, 92, False),
        (80, 92, True),
    ]
    assert (
        client.get(
            families_url, params={"package_code": "minding_the_baby"}, headers=bearer(token(client, "mgr1"))
        ).status_code
        == 403
    )
    assert (
        client.get(
            families_url, params={"package_code": "minding_the_baby"}, headers=bearer(token(client, "hv2"))
        ).json()["items"]
        == []
    )
    bad = client.get(
        url, params={"package_code": "minding_the_baby", "version": 9}, headers=bearer(token(client, "hv1"))
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "version"


def test_capacity_shows_the_coming_weeks_and_warns_over_the_caps(client: TestClient, world: World, today: date) -> None:
    due = today + timedelta(weeks=8)
    due += timedelta(days=(2 - due.weekday()) % 7)  # a Wednesday: every weekly visit falls Monday-Friday that week
    children = []
    with world.database.session(write=True) as session:
        for _ in range(2):
            _, child = make_family(session, today=today, due_date=due, health_visitor=world.staff_id("hv1"))
            enrolled(session, child.id, "minding_the_baby", today, family_therapist=world.staff_id("ft1"))
            children.append(child.id)
        session.commit()
        planned = session.exec(select(Visit.target_date).where(Visit.child_id.in_(children))).all()  # type: ignore[attr-defined]
    params = {"package_code": "minding_the_baby", "caseload_cap": 1, "weekly_visit_cap": 1}
    response = client.get("/api/v1/reports/capacity", params=params, headers=bearer(token(client, "mgr1")))
    assert response.status_code == 200, response.text
    report = response.json()
    hv1 = next(r for r in report["rows"] if r["username"] == "hv1")
    # Two children with a weekly visit each: two a week, but a visit moved off a closed day (Christmas, say)
    # lands in the next week, so count what was planned, on or after today, in each week.
    per_week = [
        sum(
            1
            for day in planned
            if today <= day and date.fromisoformat(week) <= day < date.fromisoformat(week) + timedelta(7)
        )
        for week in report["weeks"]
    ]
    assert hv1["weeks"] == per_week
    assert sum(per_week[1:]) >= 12, "about two a week for seven weeks"
    assert hv1["caseload"] == {"minding_the_baby": 2}
    team = next(r for r in report["rows"] if r["breakdown"] == "team" and r["team"] == "nord")
    assert team["weeks"] == hv1["weeks"]
    warnings = {(w["kind"], w["username"], w["value"], w["cap"]) for w in report["warnings"]}
    assert ("caseload_cap_exceeded", "hv1", 2, 1) in warnings
    assert ("caseload_cap_exceeded", "ft1", 2, 1) in warnings
    assert ("weekly_visit_cap_exceeded", "hv1", 2, 1) in warnings
    quiet = client.get("/api/v1/reports/capacity", headers=bearer(token(client, "mgr1"))).json()
    assert quiet["warnings"] == [] and quiet["caseload_caps"] == {"minding_the_baby": 25}
    bad = client.get("/api/v1/reports/capacity", params={"weeks": 99}, headers=bearer(token(client, "mgr1")))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "weeks"


# -- cost estimate ----------------------------------------------------------------------------------


def test_what_minding_the_baby_would_cost_for_20_families_a_year(client: TestClient, world: World) -> None:
    # The hand calculation is written out in tests/domain/test_cost.py: 92 visits x 1.75 h x 1.1 per
    # professional; DKK 145,664.75 a family in staff time, 150,000 a year in training.
    params = {"package_code": "minding_the_baby", "families": 20, "placements": 12, "placement_cost": 1_200_000}
    response = client.get("/api/v1/reports/cost-estimate", params=params, headers=bearer(token(client, "mgr1")))
    assert response.status_code == 200, response.text
    e = response.json()
    assert (e["visits_per_family"], e["cost_per_family"], e["cost_per_year"]) == (92, 153165, 3063295)
    assert e["variable_cost_per_family"] == 145665 and e["training_cost_per_year"] == 150000
    assert e["fte"] == {"health_visitor": 2.3, "family_therapist": 2.3, "coordinator": 0.58}
    assert e["placements"] == {
        "placements": 12,
        "cost_per_placement": 1200000,
        "cost_per_year": 14400000,
        "programme_cost_in_placements": 2.55,
    }
    rates = {r["name"]: r for r in e["rates"]}
    assert rates["hourly_cost_health_visitor"]["value"] == 365.0 and rates["hourly_cost_health_visitor"]["source"]
    assert rates["coordination_share"]["value"] == 0.125 and "seed 001" in rates["coordination_share"]["source"]
    cheaper = client.get(
        "/api/v1/reports/cost-estimate",
        params={**params, "travel_minutes": 0},
        headers=bearer(token(client, "mgr1")),
    ).json()
    assert cheaper["cost_per_year"] < e["cost_per_year"]
    table = csv_rows(
        client.get(
            "/api/v1/reports/cost-estimate",
            params=params,
            headers={**bearer(token(client, "mgr1")), "Accept": "text/csv"},
        )
    )
    roles = {line["role"]: line for line in table if line["section"] == "role"}
    json_roles = {r["role"]: r for r in e["roles"]}
    for role, line in roles.items():
        for name in ("visits_per_family", "hours_per_family", "cost_per_family", "fte", "professionals"):
            assert line[name] == str(json_roles[role][name])
    total = next(line for line in table if line["section"] == "total")
    assert total["cost_per_year"] == "3063295"
    for bad_params, field_name in (
        ({"families": 0}, "families"),
        ({"package_code": "nope"}, "package_code"),
        ({"supervision_share": 2}, "supervision_share"),
        ({"placement_cost": None, "placements": 3}, "placement_cost"),
        ({"package_code": "gro"}, "visits_per_family"),
        ({"families": "many"}, "families"),
    ):
        query = {k: v for k, v in {**params, **bad_params}.items() if v is not None}
        bad = client.get("/api/v1/reports/cost-estimate", params=query, headers=bearer(token(client, "mgr1")))
        assert bad.status_code == 422, (bad_params, bad.text)
        assert field_name in [err["field"] for err in bad.json()["errors"]]


# -- who gets what ----------------------------------------------------------------------------------


@dataclass
class Calls:
    aggregate: list[tuple[str, dict[str, Any]]] = field(
        default_factory=lambda: [
            (COVERAGE, SIX),
            (COVERAGE, {"measure": "depression_screening"}),
            ("/api/v1/reports/levels", {}),
            ("/api/v1/reports/group-attendance", {}),
            ("/api/v1/reports/fidelity", {"package_code": "minding_the_baby"}),
            ("/api/v1/reports/capacity", {}),
            ("/api/v1/reports/cost-estimate", {"package_code": "minding_the_baby", "families": 20}),
        ]
    )
    person_level: list[tuple[str, dict[str, Any]]] = field(
        default_factory=lambda: [
            (f"{COVERAGE}/children", SIX),
            ("/api/v1/reports/fidelity/families", {"package_code": "minding_the_baby"}),
        ]
    )


def test_a_manager_gets_every_aggregate_report_and_no_person_level_data(
    client: TestClient, world: World, today: date
) -> None:
    seed_001_population(world, today=today)
    manager = bearer(token(client, "mgr1"))
    calls = Calls()
    for url, params in calls.aggregate:
        response = client.get(url, params=params, headers=manager)
        assert response.status_code == 200, (url, response.text)
        assert "child_id" not in response.text and "family_id" not in response.text
        as_csv = client.get(url, params=params, headers={**manager, "Accept": "text/csv"})
        assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv"), url
    for url, params in calls.person_level:
        assert client.get(url, params=params, headers=manager).status_code == 403, url
    for url, params in calls.aggregate:  # a pedagogue and an admin have no report access
        assert client.get(url, params=params, headers=bearer(token(client, "admin1"))).status_code == 403
