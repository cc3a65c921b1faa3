"""The report pages against a known population built through the services (the builders of
tests/api/test_reports.py): the figures shown, what each report states, suppression for a manager, the
drill-down for staff with person access, CSV downloads equal to the API's, and form errors next to the field."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

from fastapi.testclient import TestClient

from domain.rules.kpi import last_complete_birth_year
from domain.rules.offsets import parse_offset
from tests.api.test_reports import SIX, done, enrolled, seed_001_population, visit_of
from tests.factories import World, bearer, decide_level, make_family, token
from tests.web.test_sign_in import sign_in

COVERAGE_PAGE = "/reports/coverage?measure=visit&package_code=housing_area_extra&visit_kind=extra_6_months"


def page_as(client: TestClient, username: str, url: str) -> str:
    sign_in(client, username)
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["vary"] == "HX-Request"
    return response.text


def text_of(page: str) -> str:
    """The page's visible text, tags removed and spaces collapsed."""
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    return re.sub(r"\( ", "(", re.sub(r" ([).,;])", r"\1", text))


def row_of(page: str, label: str) -> str:
    """The text of the first table row whose header cell is `label`."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        if re.search(rf'<th scope="row">\s*(<a [^>]*>)?{re.escape(label)}(</a>)?\s*</th>', row):
            return text_of(row).strip()
    raise AssertionError(f"no row {label!r}")


def words(text: str) -> list[str]:
    return text.split()


def section(page: str, caption_id: str) -> str:
    start = page.index(f'id="{caption_id}"')
    return page[start : page.index("</table>", start)]


# -- the overview and who gets it ---------------------------------------------------------------------


def test_the_overview_links_every_report_for_a_manager(client: TestClient, world: World) -> None:
    page = page_as(client, "mgr1", "/reports")
    for href in ("coverage", "levels", "groups", "fidelity", "capacity", "cost"):
        assert f'href="/reports/{href}"' in page
    assert 'href="/reports"' in page, "the nav links the reports"


def test_roles_without_reports_get_no_access(client: TestClient, world: World) -> None:
    sign_in(client, "admin1")
    for url in ("/reports", COVERAGE_PAGE, "/reports/cost"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Ingen adgang" in response.text


# -- coverage ---------------------------------------------------------------------------------------


def test_coverage_shows_seed_001_figures_against_the_target(client: TestClient, world: World, today: date) -> None:
    seed_001_population(world, today=today)
    page = page_as(client, "hv1", COVERAGE_PAGE + "&birth_year=2023")
    text = text_of(page)
    assert "52 af 61 børn (85,2 %) fik besøget inden for vinduet." in text
    assert "Mål: mindst 85 %. Det svarer til 52 børn." in text
    assert "Målet er nået." in text
    # What the report states: period, denominator, as-of time, and the API's exact definitions.
    assert "Børn født i 2023." in text
    assert "Alle børn, hvis familie bor i Motalavej, Ringparken" in text
    assert "children born 2023-01-01 to 2023-12-31" in text
    assert re.search(rf"Data opgjort {today.day}\. \S+ {today.year} kl\. \d\d\.\d\d", text)
    assert "Præcise tal" in text
    # Table under the chart, per area: Motalavej 21 of 30 in window, 3 late, 6 not done.
    assert row_of(section(page, "by-area-caption"), "Motalavej").split() == (
        words("Motalavej 30 21 3 0 0 6 0 70,0 % 85 % 26 Ikke nået")
    )
    assert row_of(section(page, "by-area-caption"), "Ringparken").split()[1:3] == ["31", "31"]
    # The package's visits: 52 + 46 = 98 of 122.
    package = section(page, "package-caption")
    assert row_of(package, "Pakken i alt").split()[3:5] == ["122", "98"]
    assert "Nået" in row_of(package, "Pakken i alt")


def test_the_coverage_chart_has_a_bar_per_area_and_the_target_line(
    client: TestClient, world: World, today: date
) -> None:
    seed_001_population(world, today=today)
    page = page_as(client, "hv1", COVERAGE_PAGE + "&birth_year=2023")
    svg = page[page.index("<svg") : page.index("</svg>") + 6]
    assert 'role="img"' in svg and 'aria-labelledby="coverage-chart-title coverage-chart-desc"' in svg
    assert re.findall(r'<rect class="bar bar-(\S+)"[^>]*data-value="([\d.]+)"', svg) == [
        ("not-met", "70"),
        ("met", "100"),
    ]
    assert "70,0 % – ikke nået" in svg and "100,0 % – nået" in svg
    assert re.search(r'<line class="target-line" x1="442"', svg)
    assert ">Mål 85 %</text>" in svg


def test_a_health_visitor_drills_down_to_the_children_missing(client: TestClient, world: World, today: date) -> None:
    seed_001_population(world, today=today)
    page = page_as(client, "hv1", COVERAGE_PAGE + "&birth_year=2023")
    motalavej = section(page, "by-area-caption")
    links = re.findall(r'href="(/reports/coverage/children\?[^"]+)"', motalavej)
    not_done = next(html.unescape(link) for link in links if "category=not_done" in link and "area=motalavej" in link)
    assert ("birth_year", "2023") in parse_qsl(urlsplit(not_done).query)
    listing = client.get(not_done)
    assert listing.status_code == 200
    children = re.findall(r'<a href="/children/([0-9a-f-]{36})">', listing.text)
    assert len(children) == 6
    assert all(uuid.UUID(c) for c in children)
    assert "Ikke udført" in listing.text and "Motalavej" in listing.text


def test_a_manager_sees_small_counts_hidden_and_no_drill_down(client: TestClient, world: World, today: date) -> None:
    seed_001_population(world, centrum=3, today=today)
    url = COVERAGE_PAGE + "&birth_year=2023&area=ringparken&area=motalavej&area=centrum"
    page = page_as(client, "mgr1", url)
    text = text_of(page)
    # The designated areas' total is the package's headline (52 of 61); with it published, the three areas'
    # total would give Centrum's 4 children away (65 - 61), so it is hidden.
    assert "x af x børn (x) fik besøget inden for vinduet." in text
    assert "52 af 61 børn" in text_of(page_as(client, "mgr1", COVERAGE_PAGE + "&birth_year=2023"))
    centrum = row_of(section(page, "by-area-caption"), "Centrum")
    assert centrum.startswith("Centrum <5 (under 5, skjult) <5 (under 5, skjult)")
    assert "x (skjult, se forklaringen)" in centrum
    assert "Små tal er skjult" in text and "Skjulte tal" in text
    assert "/reports/coverage/children" not in page
    assert "x (skjult)" in page[page.index("<svg") : page.index("</svg>")]
    # The drill-down itself is refused to a manager.
    refused = client.get("/reports/coverage/children?" + SIX_QUERY + "&category=not_done")
    assert refused.status_code == 403 and "Ingen adgang" in refused.text


SIX_QUERY = "measure=visit&package_code=housing_area_extra&visit_kind=extra_6_months&birth_year=2023"


def test_a_health_visitor_sees_another_team_s_area_as_a_manager_does(
    client: TestClient, world: World, today: date
) -> None:
    seed_001_population(world, centrum=3, today=today)
    page = page_as(client, "hv1", COVERAGE_PAGE + "&birth_year=2023&area=ringparken&area=motalavej&area=centrum")
    by_area = section(page, "by-area-caption")
    # Centrum is team syd's: its small counts are hidden from hv1 (team nord), and it has no drill-down.
    assert row_of(by_area, "Centrum").startswith("Centrum <5 (under 5, skjult) <5 (under 5, skjult)")
    assert "area=centrum" not in by_area
    # Her own team's areas stay exact, with the drill-down to the children.
    assert row_of(by_area, "Motalavej").split()[:3] == ["Motalavej", "30", "21"]
    assert "area=motalavej" in html.unescape(by_area)


def test_the_coverage_csv_download_is_the_api_csv(client: TestClient, world: World, today: date) -> None:
    seed_001_population(world, centrum=3, today=today)
    params = {**SIX, "area": ["ringparken", "motalavej", "centrum"]}
    page = page_as(client, "mgr1", COVERAGE_PAGE + "&birth_year=2023&area=ringparken&area=motalavej&area=centrum")
    href = html.unescape(re.search(r'href="(/reports/coverage\.csv\?[^"]+)"', page).group(1))  # type: ignore[union-attr]
    download = client.get(href)
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(
        r'attachment; filename="coverage-\d{4}-\d\d-\d\d\.csv"', download.headers["content-disposition"]
    )
    api = client.get(
        "/api/v1/reports/coverage", params=params, headers={**bearer(token(client, "mgr1")), "Accept": "text/csv"}
    )
    assert download.content == api.content
    assert "<5" in download.text


def test_coverage_form_errors_appear_next_to_the_field_with_the_typed_values(client: TestClient, world: World) -> None:
    page = page_as(client, "mgr1", COVERAGE_PAGE + "&birth_year=1066&target_percent=90&area=ringparken")
    assert 'id="birth_year-error"' in page
    assert re.search(r'<input id="birth_year"[^>]*value="1066"[^>]*aria-invalid="true"', page)
    assert "Skriv fødselsår med fire cifre" in page
    assert re.search(r'<input id="target_percent"[^>]*value="90"', page)
    assert re.search(r'value="ringparken" checked', page)
    assert "Resultat" not in page
    wrong_kind = page_as(
        client, "mgr1", "/reports/coverage?measure=visit&package_code=universal&visit_kind=extra_6_months"
    )
    assert re.search(r'<select id="visit_kind" name="visit_kind" aria-invalid="true"', wrong_kind)
    assert "Vælg et af pakkens besøg." in wrong_kind


def test_htmx_asks_for_the_report_fragment_only(client: TestClient, world: World) -> None:
    sign_in(client, "mgr1")
    response = client.get(COVERAGE_PAGE, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="report">') and "<html" not in response.text
    kinds = client.get("/reports/coverage/visit-kinds?package_code=housing_area_extra", headers={"HX-Request": "true"})
    assert 'value="extra_18_months"' in kinds.text


# -- levels -----------------------------------------------------------------------------------------


def test_levels_over_time_show_each_month_and_the_lines(client: TestClient, world: World, today: date) -> None:
    with world.database.session(write=True) as session:
        a = make_family(session, today=today, birth_date=date(2025, 6, 10))[1].id
        b = make_family(session, today=today, birth_date=date(2025, 9, 1))[1].id
        make_family(session, today=today, birth_date=date(2025, 11, 30))
        make_family(session, today=today, birth_date=date(2026, 2, 15))
        decide_level(session, world, a, 2, date(2026, 1, 10))
        decide_level(session, world, b, 4, date(2026, 2, 1))
        decide_level(session, world, a, 3, date(2026, 2, 20))
        decide_level(session, world, a, 2, date(2026, 3, 5))
        session.commit()
    url = "/reports/levels?from_month=2026-01&to_month=2026-03&area=ringparken"
    page = page_as(client, "hv1", url)
    months = section(page, "months-caption")
    assert row_of(months, "jan. 2026").split() == words("jan. 2026 31. jan. 2026 3 2 1 0 0 1 0")
    assert row_of(months, "feb. 2026").split() == words("feb. 2026 28. feb. 2026 4 2 0 1 1 2 0")
    assert row_of(months, "mar. 2026").split() == words("mar. 2026 31. mar. 2026 4 2 1 0 1 0 1")
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count('<g class="series ') == 4
    assert "Niveau 1: 2" in svg and "Niveau 4: 1" in svg
    assert "Ringparken" in text_of(page) and "2026-01-01 to 2026-03-31" in page
    manager = page_as(client, "mgr1", url)
    assert row_of(section(manager, "months-caption"), "jan. 2026").split()[5] == "<5"


def test_a_bad_month_is_shown_next_to_the_field(client: TestClient, world: World) -> None:
    page = page_as(client, "mgr1", "/reports/levels?from_month=2026-13&to_month=")
    assert 'id="from_month-error"' in page and re.search(r'<input id="from_month"[^>]*value="2026-13"', page)


# -- groups, fidelity, capacity ---------------------------------------------------------------------


def test_the_other_reports_render_for_a_manager_with_their_facts(client: TestClient, world: World, today: date) -> None:
    seed_001_population(world, today=today)
    sign_in(client, "mgr1")
    for url, heading in (
        ("/reports/groups", "Gruppeforløb"),
        ("/reports/fidelity?package_code=minding_the_baby", "Fidelitet"),
        ("/reports/capacity", "Kapacitet"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = text_of(response.text)
        assert f"<h1>{heading}</h1>" in response.text
        assert "Periode" in text and "Data opgjort" in text, url
        assert re.search(r'href="/reports/\w+\.csv', response.text), url


def test_fidelity_shows_planned_against_delivered_with_the_reasons(
    client: TestClient, world: World, today: date
) -> None:
    due = date(2024, 1, 10)
    from tests.api.test_reports import cancelled, done, missed, stored

    with world.database.session(write=True) as session:
        for delivered in (80, 40):
            _, child = make_family(session, today=today, birth_date=due, health_visitor=world.staff_id("hv1"))
            result = enrolled(
                session, child.id, "minding_the_baby", due - timedelta(weeks=13), family_therapist=world.staff_id("ft1")
            )
            ordered = sorted(stored(result), key=lambda v: v.target_date)
            for visit in ordered[:delivered]:
                done(session, world, visit, today=today)
            if delivered == 80:
                for visit in ordered[80:87]:
                    missed(session, visit)
                for visit in ordered[87:]:
                    cancelled(session, visit, "family ill")
        session.commit()
    page = page_as(client, "hv1", "/reports/fidelity?package_code=minding_the_baby")
    visits = section(page, "visits-caption")
    assert row_of(visits, "Version 1").split()[2:10] == words("184 120 7 5 52 0 65,2 %")
    reasons = section(page, "reasons-caption")
    assert "family not at home" in reasons and "family ill" in reasons
    assert 'href="/reports/fidelity/families?package_code=minding_the_baby"' in page
    families = client.get("/reports/fidelity/families?package_code=minding_the_baby")
    assert len(re.findall(r'<a href="/children/', families.text)) == 2


def test_capacity_shows_the_warnings_over_the_caps(client: TestClient, world: World, today: date) -> None:
    due = today + timedelta(weeks=8)
    due += timedelta(days=(2 - due.weekday()) % 7)
    with world.database.session(write=True) as session:
        for _ in range(2):
            _, child = make_family(session, today=today, due_date=due, health_visitor=world.staff_id("hv1"))
            enrolled(session, child.id, "minding_the_baby", today, family_therapist=world.staff_id("ft1"))
        session.commit()
    page = page_as(client, "mgr1", "/reports/capacity?package_code=minding_the_baby&caseload_cap=1&weekly_visit_cap=1")
    text = text_of(page)
    assert "hv1 har 2 familier i Minding the Baby; loftet er 1." in text
    assert "ft1 har 2 familier i Minding the Baby; loftet er 1." in text
    assert re.search(r"hv1 har 2 planlagte besøg i ugen fra \d+\. \S+ \d{4}; loftet er 1\.", text)
    assert 'class="over-cap"' in page
    assert re.search(r'<line class="target-line"', page)


# -- cost estimate ----------------------------------------------------------------------------------


def test_the_cost_page_prefills_the_default_rates_and_shows_the_estimate(client: TestClient, world: World) -> None:
    page = page_as(client, "mgr1", "/reports/cost")
    assert re.search(r'<option value="minding_the_baby" selected>', page)
    assert re.search(r'<input id="families"[^>]*value="20"', page)
    assert re.search(r'<input id="hourly_cost_health_visitor"[^>]*value="365"', page)
    assert re.search(r'<input id="coordination_share"[^>]*value="0,125"', page)
    text = text_of(page)
    assert "Pris om året 3.063.295 kr." in text and "Pris pr. familie 153.165 kr." in text
    assert "Årsværk i alt 5,18" in text
    assert row_of(section(page, "roles-caption"), "Sundhedsplejerske").split()[1:3] == ["92", "177,1"]


def test_the_cost_estimate_is_set_beside_placements(client: TestClient, world: World) -> None:
    url = "/reports/cost?package_code=minding_the_baby&families=20&placements=12&placement_cost=1.200.000"
    page = page_as(client, "mgr1", url)
    text = text_of(page)
    assert "12 anbringelser à 1.200.000 kr. koster 14.400.000 kr. om året." in text
    assert "Programmet koster det samme som 2,55 anbringelser om året." in text
    assert page.count('<rect class="bar"') == 2
    href = html.unescape(re.search(r'href="(/reports/cost\.csv\?[^"]+)"', page).group(1))  # type: ignore[union-attr]
    download = client.get(href)
    api = client.get(
        "/api/v1/reports/cost-estimate",
        params=dict(parse_qsl(urlsplit(href).query)),
        headers={**bearer(token(client, "mgr1")), "Accept": "text/csv"},
    )
    assert download.content == api.content and "3063295" in download.text


def test_cost_errors_appear_next_to_the_fields_with_the_typed_values(client: TestClient, world: World) -> None:
    url = "/reports/cost?package_code=minding_the_baby&families=0&visit_minutes=45&rates_for=minding_the_baby"
    page = page_as(client, "mgr1", url)
    assert re.search(r'<input id="families"[^>]*value="0"[^>]*aria-invalid="true"', page)
    assert 'id="families-error"' in page and "Skriv et helt antal familier" in page
    assert re.search(r'<input id="visit_minutes"[^>]*value="45"', page)
    assert "Pris om året" not in page
    bad_rate = page_as(client, "mgr1", url.replace("families=0", "families=20") + "&travel_minutes=abc")
    assert re.search(r'<input id="travel_minutes"[^>]*value="abc"[^>]*aria-invalid="true"', bad_rate)
    assert "Skriv minutter mellem 0 og 1440." in bad_rate
    fixed = page_as(client, "mgr1", url.replace("families=0", "families=20") + "&travel_minutes=0")
    assert "Pris om året" in fixed and 'aria-invalid="true"' not in fixed
    assert re.search(r'<input id="visit_minutes"[^>]*value="45"', fixed)


def test_changing_the_package_resets_the_rates_left_at_the_old_defaults(client: TestClient, world: World) -> None:
    url = (
        "/reports/cost?package_code=housing_area_extra&families=20&rates_for=minding_the_baby"
        "&visit_minutes=60&travel_minutes=10"
    )
    page = page_as(client, "mgr1", url)
    assert "Satserne er sat til standardværdierne" in page
    assert re.search(r'<input id="travel_minutes"[^>]*value="10"', page), "a changed rate is kept"
    assert not re.search(r'id="hourly_cost_family_therapist"', page), "the new package has no family therapist"


def test_the_coverage_page_opens_on_the_last_complete_birth_year_and_says_why_it_has_no_bars(
    client: TestClient, world: World, today: date
) -> None:
    # The 6-month and 1½-year extra visits close 7 and 19 months after birth: the default cohort is the last
    # birth year whose every window has closed (never this year, so it holds children on 1 January too).
    cohort = last_complete_birth_year(today, [parse_offset("7m"), parse_offset("19m")])
    page = page_as(client, "mgr1", "/reports/coverage")
    assert f'name="birth_year" value="{cohort}"' in page or re.search(rf'id="birth_year"[^>]*value="{cohort}"', page), (
        "the form shows the default cohort"
    )
    text = text_of(page)
    assert f"Børn født i {cohort}." in text
    # The test municipality has no children born then: the chart says so in words.
    assert "Ingen søjler: der er ingen børn i de valgte områder og årgange." in text
    assert 'class="bar ' not in page


def test_a_chart_whose_every_share_is_hidden_says_so(client: TestClient, world: World, today: date) -> None:
    # Two children in each designated area, both visited: every area's count is below 5.
    with world.database.session(write=True) as session:
        for area in ("ringparken", "ringparken", "motalavej", "motalavej"):
            _, child = make_family(session, today=today, area=area, birth_date=date(2023, 6, 1))
            six = visit_of(enrolled(session, child.id, "housing_area_extra", date(2023, 6, 1)), "extra_6_months")
            done(session, world, six, today=today)
        session.commit()
    page = page_as(client, "mgr1", COVERAGE_PAGE + "&birth_year=2023")
    assert "Ingen søjler: hvert områdes andel bygger på tal under 5 og er skjult" in text_of(page)
    assert 'class="bar ' not in page
    staff = page_as(client, "hv1", COVERAGE_PAGE + "&birth_year=2023")
    assert 'id="no-bars"' not in staff and 'class="bar ' in staff, "staff with person access see the bars"
