"""The catalog over HTTP: levels, packages with every version, criteria; admins add versions, and a new
version never changes what was planned under an earlier one."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import func, select

from domain.rules.catalog import REQUIRED_PACKAGE_CODES, load_default_catalog, package_to_mapping
from domain.services import schedules
from domain.store.tables import CriteriaVersionRecord, Enrollment, PackageVersionRecord
from tests.factories import World, bearer, client_token, make_family, token


def stored_versions(world: World) -> tuple[int, int]:
    with world.database.session(write=False) as session:
        return (
            session.exec(select(func.count()).select_from(PackageVersionRecord)).one(),
            session.exec(select(func.count()).select_from(CriteriaVersionRecord)).one(),
        )


def next_version(client: TestClient, code: str = "housing_area_extra", **changes: Any) -> dict[str, Any]:
    """The current definition of a package as GET answers it, changed, without its version number."""
    current = client.get(f"/api/v1/packages/{code}", headers=bearer(token(client, "hv1"))).json()["versions"][-1]
    definition = {k: v for k, v in current.items() if k != "version"}
    return {**definition, **changes}


def test_the_four_levels_have_danish_and_english_names(client: TestClient, world: World) -> None:
    response = client.get("/api/v1/levels", headers=bearer(token(client, "mgr1")))
    assert response.status_code == 200
    levels = response.json()["items"]
    assert [level["level"] for level in levels] == [1, 2, 3, 4]
    assert levels[0]["name_da"] == "Universelle tilbud"
    assert all(level["name_en"] and level["description_da"] and level["description_en"] for level in levels)


def test_the_package_list_summarises_each_package_as_in_force_today(client: TestClient, world: World) -> None:
    headers = bearer(client_token(client))
    items = client.get("/api/v1/packages", headers=headers).json()["items"]
    assert {p["code"] for p in items} >= set(REQUIRED_PACKAGE_CODES)
    mothers = next(p for p in items if p["code"] == "mothers_group")
    assert (mothers["cadence"], mothers["level_min"], mothers["roles"]) == ("group", 2, ["health_visitor"])
    assert mothers["name_da"] == "Boligsocial mødregruppe" and mothers["target_group_en"]
    parent_group = next(p for p in items if p["code"] == "parent_group")
    assert parent_group["legal_basis"].startswith("Barnets lov")  # in force since 2024, not Serviceloven
    assert "visits" not in mothers


def test_the_package_list_pages_by_code_without_gaps(client: TestClient, world: World) -> None:
    headers = bearer(token(client, "hv1"))
    codes: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/packages", params=params, headers=headers).json()
        codes += [p["code"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert codes == sorted(load_default_catalog().codes())
    bad = client.get("/api/v1/packages", params={"cursor": "garbage!"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"


def test_a_package_answers_every_version_in_full_with_an_etag(client: TestClient, world: World) -> None:
    headers = bearer(token(client, "ped1"))
    response = client.get("/api/v1/packages/universal", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["current_version"] == 1
    assert body["versions"] == [package_to_mapping(pv) for pv in load_default_catalog().versions_of("universal")]
    assert response.headers["etag"] == client.get("/api/v1/packages/universal", headers=headers).headers["etag"]
    assert client.get("/api/v1/packages/no_such_package", headers=headers).status_code == 404


def test_an_admin_adds_a_version_and_an_earlier_enrolment_keeps_its_version(
    client: TestClient, world: World, today: date
) -> None:
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, birth_date=today - timedelta(days=30))
        before = schedules.enroll(
            session, child_id=child.id, package_code="housing_area_extra", start_date=today, dry_run=False
        )
        assert before.enrollment is not None
        earlier_enrolment = before.enrollment.id
        session.commit()
    headers = bearer(token(client, "admin1"))
    etag_before = client.get("/api/v1/packages/housing_area_extra", headers=headers).headers["etag"]
    definition = next_version(client, valid_from=today.isoformat(), name_en="Housing-area extra visits (2nd ed.)")
    definition["visits"] = [
        *definition["visits"],
        {"kind": "extra_3_years", "anchor": "birth", "target": "3y", "window": ["35m", "37m"]},
    ]
    created = client.post("/api/v1/packages/housing_area_extra/versions", json=definition, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 2
    assert created.headers["location"] == "/api/v1/packages/housing_area_extra"
    read = client.get("/api/v1/packages/housing_area_extra", headers=headers)
    assert read.headers["etag"] != etag_before
    versions = read.json()["versions"]
    assert [v["version"] for v in versions] == [1, 2] and read.json()["current_version"] == 2
    assert versions[0] == package_to_mapping(load_default_catalog().version("housing_area_extra", 1))
    assert [v["kind"] for v in versions[1]["visits"]][-1] == "extra_3_years"
    with world.database.session(write=True) as session:
        _, newcomer = make_family(session, today=today, birth_date=today - timedelta(days=30))
        after = schedules.enroll(
            session, child_id=newcomer.id, package_code="housing_area_extra", start_date=today, dry_run=False
        )
        assert after.enrollment is not None and after.enrollment.package_version == 2
        kept = session.get(Enrollment, earlier_enrolment)
        assert kept is not None and kept.package_version == 1
        session.commit()


def test_the_body_code_must_be_the_paths(client: TestClient, world: World) -> None:
    headers = bearer(token(client, "admin1"))
    before = stored_versions(world)
    response = client.post("/api/v1/packages/mothers_group/versions", json=next_version(client), headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["code"]
    assert stored_versions(world) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"visits": [{"kind": "extra_6_months", "anchor": "birth", "target": "8m", "window": ["5m", "7m"]}]},
            "visits.0.window",
        ),
        (
            {"visits": [{"kind": "extra_6_months", "anchor": "moon", "target": "6m", "window": ["5m", "7m"]}]},
            "visits.0.anchor",
        ),
        (
            {"visits": [{"kind": "extra_6_months", "anchor": "birth", "target": "9999y", "window": ["5m", "7m"]}]},
            "visits.0.target",
        ),
        ({"roles": ["wizard"]}, "roles.0"),
        ({"level_min": 3, "level_max": 2}, "level_max"),
        ({"cadence": "weekly"}, "cadence"),
        ({"valid_from": "2001-01-01"}, "valid_from"),
        ({"version": 5}, "version"),
        ({"favourite": True}, "favourite"),
    ],
)
def test_an_invalid_package_definition_is_refused_naming_the_field(
    client: TestClient, world: World, change: dict[str, Any], field: str
) -> None:
    before = stored_versions(world)
    response = client.post(
        "/api/v1/packages/housing_area_extra/versions",
        json=next_version(client, **change),
        headers=bearer(token(client, "admin1")),
    )
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert stored_versions(world) == before


def test_an_admin_may_add_a_municipalitys_own_package(client: TestClient, world: World) -> None:
    definition = {**next_version(client), "code": "baby_massage", "cadence": "group", "visits": []}
    definition["group"] = {"sessions": 5, "interval_days": 7, "capacity": 8}
    response = client.post(
        "/api/v1/packages/baby_massage/versions", json=definition, headers=bearer(token(client, "admin1"))
    )
    assert response.status_code == 201, response.text
    assert response.json()["version"] == 1 and response.json()["group"]["session_kind"] == "group_session"


def test_only_admins_add_package_or_criteria_versions(client: TestClient, world: World) -> None:
    definition = next_version(client)
    criteria = client.get("/api/v1/criteria", headers=bearer(token(client, "hv1"))).json()["criteria"]
    for caller in ("hv1", "mgr1", "aud1"):
        headers = bearer(token(client, caller))
        assert (
            client.post("/api/v1/packages/housing_area_extra/versions", json=definition, headers=headers).status_code
            == 403
        )
        assert client.post("/api/v1/criteria/versions", json=criteria, headers=headers).status_code == 403
    client_headers = bearer(client_token(client))
    assert client.post("/api/v1/criteria/versions", json=criteria, headers=client_headers).status_code == 403


def test_the_criteria_answer_the_current_version_in_full_and_the_list_of_versions(
    client: TestClient, world: World
) -> None:
    headers = bearer(token(client, "ft1"))
    response = client.get("/api/v1/criteria", headers=headers)
    assert response.status_code == 200 and response.headers["etag"]
    body = response.json()
    assert body["current_version"] == 1 and body["criteria"]["version"] == 1
    assert [v["version"] for v in body["versions"]] == [1]
    assert "single_parent" in {f["code"] for f in body["criteria"]["facts"]}
    all_families = next(c for c in body["criteria"]["criteria"] if c["code"] == "all_families")
    assert all_families["when"] == {"always": True}


def test_an_admin_adds_a_criteria_version_that_becomes_current(client: TestClient, world: World) -> None:
    headers = bearer(token(client, "admin1"))
    current = client.get("/api/v1/criteria", headers=headers).json()["criteria"]
    definition = copy.deepcopy(current)
    del definition["version"]
    definition["facts"].append({"code": "teen_parent", "text_da": "Ung forælder", "text_en": "Teenage parent"})
    definition["criteria"].append(
        {
            "code": "teen_parent_support",
            "text_da": "Ung forælder",
            "text_en": "Teenage parent",
            "when": {"fact": "teen_parent"},
            "level": 2,
            "packages": ["housing_area_extra"],
        }
    )
    created = client.post("/api/v1/criteria/versions", json=definition, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["current_version"] == 2
    assert created.headers["location"] == "/api/v1/criteria?version=2"
    now = client.get("/api/v1/criteria", headers=headers).json()
    assert now["criteria"]["version"] == 2 and [v["version"] for v in now["versions"]] == [1, 2]
    assert now["versions"][1]["created_by"] == "staff:admin1"
    earlier = client.get("/api/v1/criteria", params={"version": 1}, headers=headers).json()
    assert earlier["criteria"] == current and earlier["current_version"] == 2
    assert client.get("/api/v1/criteria", params={"version": 9}, headers=headers).status_code == 404
    evaluated = client.post(
        "/api/v1/eligibility/evaluate", json={"risk_factors": ["teen_parent"]}, headers=bearer(token(client, "hv1"))
    )
    assert evaluated.status_code == 200 and "teen_parent_support" in evaluated.json()["fired"]


@pytest.mark.parametrize("mistake", ["package", "fact", "referral", "version"])
def test_unknown_codes_in_criteria_are_named_and_nothing_is_stored(
    client: TestClient, world: World, mistake: str
) -> None:
    headers = bearer(token(client, "admin1"))
    definition = copy.deepcopy(client.get("/api/v1/criteria", headers=headers).json()["criteria"])
    del definition["version"]
    index = len(definition["criteria"])
    rule = {"code": "new_rule", "text_da": "Ny", "text_en": "New", "when": {"fact": "single_parent"}, "level": 2}
    if mistake == "package":
        rule["packages"] = ["no_such_package"]
        field = f"criteria.{index}.packages.0"
    elif mistake == "fact":
        rule["when"] = {"fact": "likes_jazz"}
        field = f"criteria.{index}.when.fact"
    elif mistake == "referral":
        rule["referrals"] = ["witch_doctor"]
        field = f"criteria.{index}.referrals.0"
    else:
        definition["version"] = 7
        field = "version"
    definition["criteria"].append(rule)
    before = stored_versions(world)
    response = client.post("/api/v1/criteria/versions", json=definition, headers=headers)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]]
    assert stored_versions(world) == before
