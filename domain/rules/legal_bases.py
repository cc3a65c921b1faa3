"""The kinds of legal basis that let social staff see a child's health-visiting data, as data.

The list lives in `domain/catalog/legal_bases.toml`: each kind has a stable code, Danish and English
labels, the provision it rests on, and optionally the dates it is in force (Barnets lov from 2024). A
legal basis recorded for a child must name one of these codes; a parental consent names none.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from domain.errors import FieldError, ValidationFailed

FIELD = "legal_basis_kind"


@dataclass(frozen=True, slots=True)
class LegalBasisKind:
    code: str
    label_da: str
    label_en: str
    provision: str
    valid_from: date | None = None
    valid_until: date | None = None

    def in_force_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


def legal_bases_from_mapping(data: Mapping[str, Any]) -> tuple[LegalBasisKind, ...]:
    """Validate the `[[legal_basis]]` tables of the catalog file: codes unique, every text present."""
    kinds: list[LegalBasisKind] = []
    errors: list[FieldError] = []
    for index, raw in enumerate(data.get("legal_basis", [])):
        where = f"legal_basis.{index}"
        texts = {name: str(raw.get(name) or "").strip() for name in ("code", "label_da", "label_en", "provision")}
        missing = [name for name, text in texts.items() if not text]
        errors.extend(FieldError(f"{where}.{name}", f"{name} is required") for name in missing)
        dates = {name: raw.get(name) for name in ("valid_from", "valid_until")}
        for name, value in dates.items():
            if value is not None and not isinstance(value, date):
                errors.append(FieldError(f"{where}.{name}", f"{name} must be a date"))
        if missing or any(v is not None and not isinstance(v, date) for v in dates.values()):
            continue
        if any(k.code == texts["code"] for k in kinds):
            errors.append(FieldError(f"{where}.code", f"code {texts['code']} is listed twice"))
            continue
        kinds.append(
            LegalBasisKind(
                code=texts["code"],
                label_da=texts["label_da"],
                label_en=texts["label_en"],
                provision=texts["provision"],
                valid_from=dates["valid_from"],
                valid_until=dates["valid_until"],
            )
        )
    if not kinds and not errors:
        errors.append(FieldError("legal_basis", "the list of legal bases is empty"))
    if errors:
        raise ValidationFailed("The list of legal bases is invalid", errors)
    return tuple(kinds)


@cache
def load_legal_bases() -> tuple[LegalBasisKind, ...]:
    """The legal bases shipped in `domain/catalog/legal_bases.toml`, parsed and validated once."""
    text = resources.files("domain").joinpath("catalog", "legal_bases.toml").read_text(encoding="utf-8")
    return legal_bases_from_mapping(tomllib.loads(text))


def legal_basis_kind(code: str, *, given_on: date, kinds: tuple[LegalBasisKind, ...] | None = None) -> LegalBasisKind:
    """The kind named `code`, in force on `given_on`; a validation failure naming `legal_basis_kind` otherwise."""
    listed = {k.code: k for k in (kinds if kinds is not None else load_legal_bases())}
    found = listed.get(code)
    if found is None:
        raise ValidationFailed.for_field(FIELD, f"legal_basis_kind must be one of {', '.join(listed)}")
    if not found.in_force_on(given_on):
        raise ValidationFailed.for_field(
            FIELD, f"{found.provision} was not in force on {given_on.isoformat()}; choose the provision of that day"
        )
    return found
