"""The one translation layer: every string a page shows comes from here (Danish first, English too)."""

from __future__ import annotations

from typing import Final

DEFAULT_LANGUAGE: Final = "da"

MESSAGES: Final[dict[str, dict[str, str]]] = {
    "app.title": {"da": "Tidlig indsats", "en": "Early intervention"},
    "app.tagline": {
        "da": "Sundhedspleje og tidlig indsats for gravide og børn 0–3 år",
        "en": "Health visiting and early intervention for pregnant women and children aged 0–3",
    },
    "nav.skip": {"da": "Gå til indhold", "en": "Skip to content"},
    "nav.api_docs": {"da": "API-dokumentation", "en": "API documentation"},
    "page.not_found": {"da": "Siden findes ikke", "en": "Page not found"},
    "page.not_found.body": {
        "da": "Adressen findes ikke. Gå tilbage til forsiden.",
        "en": "There is no such address. Go back to the front page.",
    },
    "page.front": {"da": "Forside", "en": "Front page"},
}


def translate(key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The text for `key` in `language`, falling back to Danish, then to the key itself."""
    texts = MESSAGES.get(key)
    if texts is None:
        return key
    return texts.get(language) or texts[DEFAULT_LANGUAGE]
