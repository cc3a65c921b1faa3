"""Texts of the child's page section on sharing health data with social staff: consents, legal bases and
requests for sharing (web/routes/sharing_forms.py, templates/partials/sharing.html)."""

MESSAGES: dict[str, dict[str, str]] = {
    "sharing.heading": {"da": "Deling af sundhedsdata", "en": "Sharing health data"},
    "sharing.page_title": {"da": "Deling af sundhedsdata: {child}", "en": "Sharing health data: {child}"},
    "sharing.intro": {
        "da": "Familiebehandlere og sagsbehandlere ser barnets screeninger kun, mens forældrenes samtykke eller "
        "en lovhjemmel gælder. Kun sundhedsplejersken (eller en administrator) registrerer og tilbagekalder det.",
        "en": "Family therapists and caseworkers see the child's screenings only while the parents' consent or a "
        "legal basis is in force. Only the health visitor (or an admin) records and withdraws it.",
    },
    "sharing.now_shared": {
        "da": "Sundhedsdata deles nu med familiebehandlere og sagsbehandlere med relation til barnet.",
        "en": "Health data is now shared with the family therapists and caseworkers related to the child.",
    },
    "sharing.not_shared": {
        "da": "Sundhedsdata deles ikke med familiebehandlere og sagsbehandlere.",
        "en": "Health data is not shared with family therapists and caseworkers.",
    },
    "sharing.refused": {
        "da": "Du kan ikke se samtykker og lovhjemler for dette barn.",
        "en": "You cannot see the consents and legal bases of this child.",
    },
    "sharing.records": {"da": "Samtykker og lovhjemler", "en": "Consents and legal bases"},
    "sharing.records.none": {
        "da": "Der er ikke registreret samtykke eller lovhjemmel.",
        "en": "No consent or legal basis has been recorded.",
    },
    "sharing.col.basis": {"da": "Grundlag", "en": "Basis"},
    "sharing.col.reference": {"da": "Reference", "en": "Reference"},
    "sharing.col.given": {"da": "Givet", "en": "Given"},
    "sharing.col.recorded": {"da": "Registreret", "en": "Recorded"},
    "sharing.col.status": {"da": "Status", "en": "Status"},
    "sharing.col.asked": {"da": "Anmodet", "en": "Asked"},
    "sharing.col.reason": {"da": "Begrundelse", "en": "Reason"},
    "sharing.col.answer": {"da": "Svar", "en": "Answer"},
    "sharing.kind.consent": {"da": "Forældrenes samtykke", "en": "Parental consent"},
    "sharing.kind.legal_basis": {"da": "Lovhjemmel", "en": "Legal basis"},
    "sharing.kind.unnamed": {"da": "Lovhjemmel (art ikke angivet)", "en": "Legal basis (kind not named)"},
    "sharing.by": {"da": "af", "en": "by"},
    "sharing.at": {"da": "kl.", "en": "at"},
    "sharing.active": {"da": "Gælder", "en": "In force"},
    "sharing.withdrawn": {"da": "Tilbagekaldt", "en": "Withdrawn"},
    "sharing.withdraw": {"da": "Tilbagekald", "en": "Withdraw"},
    "sharing.withdraw.label": {
        "da": "Tilbagekald {basis} givet {date}",
        "en": "Withdraw {basis} given {date}",
    },
    "sharing.requests": {"da": "Anmodninger om deling", "en": "Requests for sharing"},
    "sharing.requests.none": {"da": "Der er ingen anmodninger.", "en": "There are no requests."},
    "sharing.requests.pending_for_you": {
        "da": "{count} anmodning(er) venter på dit svar.",
        "en": "{count} request(s) wait for your answer.",
    },
    "sharing.status.pending": {"da": "Venter på svar", "en": "Waiting for an answer"},
    "sharing.status.answered": {"da": "Besvaret: deling registreret", "en": "Answered: sharing recorded"},
    "sharing.status.declined": {"da": "Afvist", "en": "Declined"},
    "sharing.answer": {"da": "Svar ved at registrere samtykke eller lovhjemmel", "en": "Answer by recording"},
    "sharing.decline": {"da": "Afvis", "en": "Decline"},
    "sharing.decline.reason": {"da": "Begrundelse for afvisning", "en": "Reason for declining"},
    "sharing.record.heading": {"da": "Registrér samtykke eller lovhjemmel", "en": "Record consent or legal basis"},
    "sharing.record.kind": {"da": "Grundlag", "en": "Basis"},
    "sharing.record.legal_basis_kind": {"da": "Lovhjemmel", "en": "Legal basis"},
    "sharing.record.legal_basis_kind.hint": {
        "da": "Kun ved lovhjemmel.",
        "en": "Only for a legal basis.",
    },
    "sharing.record.choose": {"da": "Vælg lovhjemmel", "en": "Choose a legal basis"},
    "sharing.record.reference": {"da": "Reference (journalnummer)", "en": "Reference (journal number)"},
    "sharing.record.reference.hint": {
        "da": "Skal udfyldes ved lovhjemmel; kan udfyldes ved samtykke.",
        "en": "Required for a legal basis; optional for a consent.",
    },
    "sharing.record.given_on": {"da": "Givet den", "en": "Given on"},
    "sharing.record.answers": {"da": "Svar på anmodning", "en": "Answers request"},
    "sharing.record.answers.none": {"da": "Ingen anmodning", "en": "No request"},
    "sharing.record.submit": {"da": "Registrér", "en": "Record"},
    "sharing.request.heading": {"da": "Anmod om deling af sundhedsdata", "en": "Request sharing of health data"},
    "sharing.request.hint": {
        "da": "Sundhedsplejersken ser din anmodning og beslutter. En anmodning giver ikke adgang.",
        "en": "The health visitor sees your request and decides. A request gives no access.",
    },
    "sharing.request.reason": {"da": "Hvorfor har du brug for sundhedsdata?", "en": "Why do you need health data?"},
    "sharing.request.submit": {"da": "Send anmodning", "en": "Send request"},
    "sharing.saved.recorded": {"da": "Registreret.", "en": "Recorded."},
    "sharing.saved.withdrawn": {"da": "Tilbagekaldt.", "en": "Withdrawn."},
    "sharing.saved.requested": {
        "da": "Anmodningen er sendt til sundhedsplejersken.",
        "en": "The request has been sent to the health visitor.",
    },
    "sharing.saved.declined": {"da": "Anmodningen er afvist.", "en": "The request has been declined."},
    "sharing.error.summary": {"da": "Ret de markerede felter.", "en": "Correct the marked fields."},
    "sharing.error.kind": {"da": "Vælg samtykke eller lovhjemmel.", "en": "Choose consent or legal basis."},
    "sharing.error.legal_basis_kind": {
        "da": "Vælg en lovhjemmel fra listen, der gjaldt den dag.",
        "en": "Choose a legal basis from the list that was in force on that day.",
    },
    "sharing.error.legal_reference": {
        "da": "Skriv referencen, fx journalnummeret.",
        "en": "Enter the reference, e.g. the journal number.",
    },
    "sharing.error.given_on": {
        "da": "Skriv en dato, der ikke ligger i fremtiden.",
        "en": "Enter a date that is not in the future.",
    },
    "sharing.error.sharing_request_id": {
        "da": "Anmodningen findes ikke for dette barn.",
        "en": "The request does not exist for this child.",
    },
    "sharing.error.reason": {"da": "Skriv en begrundelse.", "en": "Enter a reason."},
    "sharing.error.general": {"da": "Det kunne ikke gemmes.", "en": "It could not be saved."},
    "sharing.error.conflict": {
        "da": "Det er allerede besvaret, tilbagekaldt eller delt. Se den aktuelle status nedenfor.",
        "en": "It has already been answered, withdrawn or shared. See the current state below.",
    },
    "sharing.requests.yours_pending": {
        "da": "Din anmodning venter på sundhedsplejerskens svar.",
        "en": "Your request is waiting for the health visitor's answer.",
    },
}
