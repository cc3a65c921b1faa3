"""Texts shared by every page: layout, navigation, sign-in and error pages."""

MESSAGES: dict[str, dict[str, str]] = {
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
    "page.forbidden": {"da": "Ingen adgang", "en": "No access"},
    "page.forbidden.body": {
        "da": "Du har ikke adgang til disse oplysninger. Adgang kræver en relation til barnet eller familien.",
        "en": "You do not have access to this information. Access needs a relation to the child or family.",
    },
    "page.error": {"da": "Noget gik galt", "en": "Something went wrong"},
    "page.csrf": {
        "da": "Formularen er udløbet. Gå tilbage, genindlæs siden og prøv igen.",
        "en": "The form has expired. Go back, reload the page and try again.",
    },
    "sign_in.title": {"da": "Log ind", "en": "Sign in"},
    "sign_in.username": {"da": "Brugernavn", "en": "Username"},
    "sign_in.password": {"da": "Adgangskode", "en": "Password"},
    "sign_in.submit": {"da": "Log ind", "en": "Sign in"},
    "sign_in.missing": {"da": "Skriv både brugernavn og adgangskode.", "en": "Enter both username and password."},
    "sign_in.wrong": {"da": "Forkert brugernavn eller adgangskode.", "en": "Wrong username or password."},
    "sign_in.too_many": {
        "da": "For mange forkerte forsøg. Vent lidt, og prøv igen.",
        "en": "Too many failed attempts. Wait a moment and try again.",
    },
    "nav.sign_out": {"da": "Log ud", "en": "Sign out"},
    "nav.my_day": {"da": "Min dag", "en": "My day"},
    "nav.search": {"da": "Søg", "en": "Search"},
    "nav.groups": {"da": "Grupper", "en": "Groups"},
    "nav.reports": {"da": "Rapporter", "en": "Reports"},
    "nav.admin": {"da": "Administration", "en": "Administration"},
    "nav.main": {"da": "Hovedmenu", "en": "Main menu"},
}
