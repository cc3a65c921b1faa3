"""The one translation layer: every string a page shows comes from here (Danish first, English too)."""

from __future__ import annotations

from typing import Final

from web.messages import common, day, forms, reports

DEFAULT_LANGUAGE: Final = "da"


def _load() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module in (common, day, forms, reports):
        duplicate = merged.keys() & module.MESSAGES.keys()
        if duplicate:
            raise RuntimeError(f"message keys defined twice: {sorted(duplicate)}")
        merged |= module.MESSAGES
    return merged


MESSAGES: Final[dict[str, dict[str, str]]] = _load()


def translate(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The text for `key` in `language`, falling back to Danish, then to the key itself."""
    texts = MESSAGES.get(key)
    if texts is None:
        return key
    return texts.get(language) or texts[DEFAULT_LANGUAGE]
