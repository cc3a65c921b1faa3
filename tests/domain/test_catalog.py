from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from domain.errors import NotFound, ValidationFailed
from domain.rules.catalog import (
    REQUIRED_PACKAGE_CODES,
    CadenceKind,
    PackageCatalog,
    load_default_catalog,
    package_from_mapping,
    package_to_mapping,
)
from domain.rules.levels import InterventionLevel


def definition(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "code": "sleep_support",
        "valid_from": "2025-01-01",
        "name_da": "Søvnstøtte",
        "name_en": "Sleep support",
        "level_min": 2,
        "level_max": 2,
        "roles": ["health_visitor"],
        "target_group_da": "Familier med søvnproblemer",
        "target_group_en": "Families with sleep problems",
        "legal_basis": [{"valid_from": "2007-01-01", "text": "Sundhedsloven § 122"}],
        "cadence": "fixed",
        "visits": [{"kind": "sleep_visit", "anchor": "enrollment", "target": "1w", "window": ["0d", "2w"]}],
    }
    base.update(changes)
    return base


def test_the_default_catalog_defines_every_package_named_in_the_domain() -> None:
    catalog = load_default_catalog()
    assert set(REQUIRED_PACKAGE_CODES) <= set(catalog.codes())


def test_the_default_catalog_is_parsed_once() -> None:
    assert load_default_catalog() is load_default_catalog()


def test_minding_the_baby_needs_a_health_visitor_and_a_family_therapist_together() -> None:
    mtb = load_default_catalog().current("minding_the_baby")
    assert (mtb.level_min, mtb.level_max) == (InterventionLevel.TARGETED, InterventionLevel.INDICATED)
    assert all(set(rule.roles) == {"health_visitor", "family_therapist"} for rule in mtb.visits)


def test_the_mothers_group_is_8_sessions_14_days_apart_for_at_most_6_mothers() -> None:
    group = load_default_catalog().current("mothers_group").group
    assert group is not None
    assert (group.sessions, group.interval_days, group.capacity) == (8, 14, 6)


def test_gro_has_an_open_cadence() -> None:
    gro = load_default_catalog().current("gro")
    assert gro.cadence is CadenceKind.OPEN and gro.visits == ()


def test_the_legal_basis_moves_to_barnets_lov_on_1_january_2024() -> None:
    mtb = load_default_catalog().current("minding_the_baby")
    assert "Serviceloven" in (mtb.legal_basis_on(date(2023, 12, 31)) or "")
    assert "Barnets lov" in (mtb.legal_basis_on(date(2024, 1, 1)) or "")
    assert mtb.legal_basis_on(date(2000, 1, 1)) is None


def test_every_default_package_round_trips_through_json() -> None:
    catalog = load_default_catalog()
    for code in catalog.codes():
        pv = catalog.current(code)
        assert package_from_mapping(json.loads(json.dumps(package_to_mapping(pv)))) == pv


def test_a_new_version_gets_the_next_number_and_leaves_the_old_one_alone() -> None:
    catalog = load_default_catalog()
    old = catalog.current("housing_area_extra")
    mapping = package_to_mapping(old)
    del mapping["version"]
    mapping["valid_from"] = "2026-01-01"
    mapping["visits"][0]["window"] = ["5m", "8m"]
    new_catalog, new = catalog.with_new_version(mapping)
    assert new.version == 2
    assert new_catalog.version("housing_area_extra", 1) == old
    assert new_catalog.current("housing_area_extra") == new
    assert new_catalog.current("housing_area_extra", on=date(2025, 6, 1)) == old
    assert catalog.current("housing_area_extra") == old  # the original catalog is unchanged


def test_a_municipality_can_add_a_package_of_its_own() -> None:
    catalog, pv = load_default_catalog().with_new_version(definition())
    assert pv.version == 1 and "sleep_support" in catalog


def test_a_stated_version_must_be_the_next_one() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        load_default_catalog().with_new_version(definition(code="universal", version=5))
    assert excinfo.value.errors[0].field == "version"


def test_a_new_version_may_not_start_before_the_current_one() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        load_default_catalog().with_new_version(definition(code="universal", valid_from="2010-01-01"))
    assert excinfo.value.errors[0].field == "valid_from"


def test_a_bad_definition_lists_every_field_at_fault() -> None:
    bad = definition(
        code="Bad Code",
        level_min=5,
        roles=["health_visitor", "wizard"],
        cadence="sometimes",
        visits=[
            {"kind": "a_visit", "anchor": "moon", "target": "8x", "window": ["0d"]},
            {"kind": "b_visit", "anchor": "birth", "target": "3m", "window": ["4m", "5m"]},
        ],
    )
    with pytest.raises(ValidationFailed) as excinfo:
        package_from_mapping(bad)
    fields = {e.field for e in excinfo.value.errors}
    assert {
        "code",
        "level_min",
        "roles.1",
        "cadence",
        "visits.0.anchor",
        "visits.0.target",
        "visits.0.window",
        "visits.1.window",
    } <= fields


def test_a_series_needs_either_an_end_or_a_count() -> None:
    visit = {"kind": "weekly", "anchor": "birth", "start": "0d", "every": "1w", "tolerance": ["-1d", "1d"]}
    with pytest.raises(ValidationFailed) as excinfo:
        package_from_mapping(definition(visits=[visit]))
    assert excinfo.value.errors[0].field == "visits.0.until"


def test_a_series_must_move_forward() -> None:
    visit = {"kind": "weekly", "anchor": "birth", "start": "0d", "every": "0d", "count": 3, "tolerance": ["0d", "0d"]}
    with pytest.raises(ValidationFailed) as excinfo:
        package_from_mapping(definition(visits=[visit]))
    assert [e.field for e in excinfo.value.errors] == ["visits.0.every"]


def test_a_window_that_may_not_hold_its_target_in_february_is_refused() -> None:
    # "1m" after 31 January is 28 February, which is before "30d" after it.
    visit = {"kind": "x_visit", "anchor": "birth", "target": "30d", "window": ["0d", "1m"]}
    with pytest.raises(ValidationFailed) as excinfo:
        package_from_mapping(definition(visits=[visit]))
    assert excinfo.value.errors[0].field == "visits.0.window"


def test_open_and_group_packages_are_checked_for_their_shape() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        package_from_mapping(definition(cadence="open"))
    assert excinfo.value.errors[0].field == "visits"
    with pytest.raises(ValidationFailed) as excinfo:
        package_from_mapping(definition(cadence="group"))
    assert excinfo.value.errors[0].field == "group"


def test_catalog_lookups_of_unknown_codes_and_versions_raise_not_found() -> None:
    catalog = load_default_catalog()
    with pytest.raises(NotFound):
        catalog.current("nope")
    with pytest.raises(NotFound):
        catalog.version("universal", 2)


def test_a_catalog_refuses_gaps_in_version_numbers() -> None:
    pv = package_from_mapping(definition(version=2))
    with pytest.raises(ValidationFailed):
        PackageCatalog((pv,))
