"""The kinds of legal basis for sharing health data are data: listed, labelled in Danish and English,
dated, and nothing outside the list is accepted."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import ValidationFailed
from domain.rules.legal_bases import legal_bases_from_mapping, legal_basis_kind, load_legal_bases


def test_the_shipped_list_names_the_child_protection_investigation_under_barnets_lov_20() -> None:
    kinds = {k.code: k for k in load_legal_bases()}
    investigation = kinds["child_protection_investigation"]
    assert investigation.provision == "Barnets lov § 20"
    assert investigation.label_da == "Børnefaglig undersøgelse"
    assert investigation.valid_from == date(2024, 1, 1)
    assert all(k.label_da and k.label_en and k.provision for k in kinds.values())


def test_a_listed_kind_in_force_on_the_day_is_found() -> None:
    found = legal_basis_kind("child_protection_investigation", given_on=date(2026, 3, 1))
    assert found.code == "child_protection_investigation"


def test_an_unknown_kind_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as refused:
        legal_basis_kind("anything", given_on=date(2026, 3, 1))
    assert [e.field for e in refused.value.errors] == ["legal_basis_kind"]
    assert "child_protection_investigation" in refused.value.errors[0].message


def test_a_provision_not_yet_in_force_on_the_day_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="not in force on 2023-12-31"):
        legal_basis_kind("child_protection_investigation", given_on=date(2023, 12, 31))


def test_a_provision_no_longer_in_force_is_refused() -> None:
    kinds = legal_bases_from_mapping(
        {
            "legal_basis": [
                {
                    "code": "old",
                    "label_da": "Gammel",
                    "label_en": "Old",
                    "provision": "Serviceloven § 50",
                    "valid_until": date(2023, 12, 31),
                }
            ]
        }
    )
    assert legal_basis_kind("old", given_on=date(2023, 12, 31), kinds=kinds).code == "old"
    with pytest.raises(ValidationFailed):
        legal_basis_kind("old", given_on=date(2024, 1, 1), kinds=kinds)


@pytest.mark.parametrize(
    ("entries", "field"),
    [
        ([{"code": "a", "label_da": "A", "label_en": "A"}], "legal_basis.0.provision"),
        (
            [{"code": "a", "label_da": "A", "label_en": "A", "provision": "P", "valid_from": "2024"}],
            "legal_basis.0.valid_from",
        ),
        (
            [
                {"code": "a", "label_da": "A", "label_en": "A", "provision": "P"},
                {"code": "a", "label_da": "B", "label_en": "B", "provision": "Q"},
            ],
            "legal_basis.1.code",
        ),
        ([], "legal_basis"),
    ],
)
def test_a_broken_list_is_refused_naming_the_entry(entries: list[dict[str, object]], field: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        legal_bases_from_mapping({"legal_basis": entries})
    assert field in [e.field for e in refused.value.errors]
