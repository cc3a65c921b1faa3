"""The one translation layer: every string a page shows comes from here (Danish first, English too)."""

from __future__ import annotations

from typing import Final

from jinja2 import pass_context
from jinja2.runtime import Context

from web.messages import common, day, forms, reports, sharing

DEFAULT_LANGUAGE: Final = "da"


def _load() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module in (common, day, forms, reports, sharing):
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


LANGUAGES: Final = ("da", "en")


def language_of(query_value: str | None, cookie_value: str | None) -> str:
    """The page language: `?lang=` if given, else the remembered choice, else Danish."""
    for candidate in (query_value, cookie_value):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT_LANGUAGE


@pass_context
def translate_in_context(context: Context, key: str) -> str:
    """`t("key")` in templates: the text in the page's language (`lang` in the template context)."""
    return translate(key, str(context.get("lang", DEFAULT_LANGUAGE)))
