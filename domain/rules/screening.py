"""Scoring of the screening instruments EPDS, Gotland and ADBB.

Clients post, for each item, the POSITION of the chosen answer as printed on the form (0 = the first
option), so they need not know the scoring key. The server turns positions into scores here,
reverse-scored items included.

Cut-offs are configuration with published defaults:
- EPDS (Cox, Holden & Sagovsky 1987): >= 11 for mothers, following the Danish validation study
  (Smith-Nielsen J, Matthey S, Lange T, Væver MS. Validation of the Edinburgh Postnatal Depression
  Scale against both DSM-5 and ICD-10 diagnostic criteria for depression. BMC Psychiatry
  2018;18:393, doi:10.1186/s12888-018-1965-7), which proposes 11 or more for Danish mothers
  (Denmark has no national cut-off; municipalities use 9-14); >= 10 for fathers, the lower cut-off
  used in studies of fathers, who report fewer EPDS symptoms than mothers.
- Gotland Male Depression Scale (Zierau, Bille, Rutz & Bech 2002): >= 13.
- ADBB, Alarm Distress Baby Scale (Guedeney & Fermanian 2001, Infant Ment Health J 22:559-575):
  >= 5, sustained withdrawal reaction.
EPDS item 10 (thoughts of self-harm) scored above 0 raises `self_harm` whatever the total: it needs
action the same day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import FieldError, ValidationFailed


class Instrument(StrEnum):
    """The screening instruments the service scores."""

    EPDS = "EPDS"
    GOTLAND = "GOTLAND"
    ADBB = "ADBB"


class Respondent(StrEnum):
    """Who the screening is about: a parent (self-report) or the child (observed)."""

    MOTHER = "mother"
    FATHER = "father"
    CHILD = "child"


class Flag(StrEnum):
    """Flags a scored screening can raise."""

    ABOVE_CUTOFF = "above_cutoff"
    SELF_HARM = "self_harm"


@dataclass(frozen=True, slots=True)
class InstrumentDefinition:
    """What a form needs to render an instrument and what the scorer needs to score it."""

    instrument: Instrument
    title_da: str
    title_en: str
    item_count: int
    option_count: int
    #: 1-based item numbers whose printed answer order runs from the highest score to 0.
    reverse_items: frozenset[int]
    respondents: frozenset[Respondent]
    item_labels_da: tuple[str, ...]
    item_labels_en: tuple[str, ...]
    observer_rated: bool

    @property
    def max_score(self) -> int:
        """Highest possible score of one item."""
        return self.option_count - 1


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Totals at or above which a screening is flagged `above_cutoff`."""

    epds_mother: int = 11
    epds_father: int = 10
    gotland: int = 13
    adbb: int = 5

    def for_screening(self, instrument: Instrument, respondent: Respondent) -> int:
        """The cut-off for one instrument and respondent."""
        if instrument is Instrument.EPDS:
            return self.epds_father if respondent is Respondent.FATHER else self.epds_mother
        if instrument is Instrument.GOTLAND:
            return self.gotland
        return self.adbb


DEFAULT_CUTOFFS = Cutoffs()


@dataclass(frozen=True, slots=True)
class ScreeningScore:
    """A scored screening: total, each item's score, flags raised and the cut-off applied."""

    instrument: Instrument
    respondent: Respondent
    total: int
    item_scores: tuple[int, ...]
    flags: tuple[str, ...]
    cutoff: int


_DEFINITIONS: dict[Instrument, InstrumentDefinition] = {
    Instrument.EPDS: InstrumentDefinition(
        instrument=Instrument.EPDS,
        title_da="Edinburgh Postnatal Depression Scale (EPDS)",
        title_en="Edinburgh Postnatal Depression Scale (EPDS)",
        item_count=10,
        option_count=4,
        # Published EPDS: items 1, 2 and 4 are printed 0,1,2,3; items 3 and 5-10 are printed 3,2,1,0.
        reverse_items=frozenset({3, 5, 6, 7, 8, 9, 10}),
        respondents=frozenset({Respondent.MOTHER, Respondent.FATHER}),
        item_labels_da=(
            "Kunnet le og se det morsomme i tingene",
            "Set frem til ting med glæde",
            "Bebrejdet mig selv unødigt, når noget gik galt",
            "Været nervøs eller bekymret uden grund",
            "Følt mig bange eller panikagtig uden grund",
            "Haft svært ved at overskue tingene",
            "Været så ked af det, at jeg har haft svært ved at sove",
            "Følt mig trist eller elendig",
            "Været så ulykkelig, at jeg har grædt",
            "Tanken om at gøre skade på mig selv har strejfet mig",
        ),
        item_labels_en=(
            "Able to laugh and see the funny side of things",
            "Looked forward with enjoyment to things",
            "Blamed myself unnecessarily when things went wrong",
            "Anxious or worried for no good reason",
            "Felt scared or panicky for no very good reason",
            "Things have been getting on top of me",
            "So unhappy that I have had difficulty sleeping",
            "Felt sad or miserable",
            "So unhappy that I have been crying",
            "The thought of harming myself has occurred to me",
        ),
        observer_rated=False,
    ),
    Instrument.GOTLAND: InstrumentDefinition(
        instrument=Instrument.GOTLAND,
        title_da="Gotland-skalaen for mandlig depression",
        title_en="Gotland Male Depression Scale",
        item_count=13,
        option_count=4,
        reverse_items=frozenset(),
        respondents=frozenset({Respondent.FATHER}),
        item_labels_da=(
            "Lavere stresstærskel, mere stresset end før",
            "Mere aggressiv, svært ved at styre mig",
            "Udbrændt og tom",
            "Konstant, uforklarlig træthed",
            "Mere irritabel, rastløs og frustreret",
            "Svært ved at træffe almindelige beslutninger",
            "Søvnproblemer",
            "Uro, angst eller ubehag især om morgenen",
            "Overforbrug af alkohol, piller eller lignende",
            "Ændret adfærd: hyperaktiv, rastløs, overarbejde",
            "Dyster, negativ eller præget af håbløshed",
            "Større tendens til selvmedlidenhed eller klager",
            "Depression eller misbrug i den biologiske familie",
        ),
        item_labels_en=(
            "Lower stress threshold, more stressed than usual",
            "More aggressive, difficulty keeping self-control",
            "Feeling burned out and empty",
            "Constant, inexplicable tiredness",
            "More irritable, restless and frustrated",
            "Difficulty making ordinary everyday decisions",
            "Sleep problems",
            "Disquiet, anxiety or uneasiness, especially in the morning",
            "Overconsumption of alcohol, pills or the like",
            "Changed behaviour: hyperactive, restless, overworking",
            "Gloomy, negative or characterised by hopelessness",
            "Greater tendency to self-pity or complaining",
            "Depression or substance abuse in the biological family",
        ),
        observer_rated=False,
    ),
    Instrument.ADBB: InstrumentDefinition(
        instrument=Instrument.ADBB,
        title_da="Alarm Distress Baby Scale (ADBB)",
        title_en="Alarm Distress Baby Scale (ADBB)",
        item_count=8,
        option_count=5,
        reverse_items=frozenset(),
        respondents=frozenset({Respondent.CHILD}),
        item_labels_da=(
            "Ansigtsudtryk",
            "Øjenkontakt",
            "Generelt aktivitetsniveau",
            "Selvstimulerende bevægelser",
            "Vokalisering",
            "Hurtighed i reaktion på stimulation",
            "Relation til observatøren",
            "Tiltrækningskraft (hvor let barnet er at komme i kontakt med)",
        ),
        item_labels_en=(
            "Facial expression",
            "Eye contact",
            "General level of activity",
            "Self-stimulating gestures",
            "Vocalisation",
            "Briskness of response to stimulation",
            "Relationship with the observer",
            "Attractiveness (how easy the infant is to engage)",
        ),
        observer_rated=True,
    ),
}


def instrument_definition(instrument: Instrument | str) -> InstrumentDefinition:
    """Item count, options, reverse items, respondents and labels of an instrument."""
    return _DEFINITIONS[_instrument(instrument)]


def all_instruments() -> tuple[InstrumentDefinition, ...]:
    """The definitions of every instrument, in enum order."""
    return tuple(_DEFINITIONS[i] for i in Instrument)


def _instrument(value: Instrument | str) -> Instrument:
    try:
        return Instrument(value)
    except ValueError:
        names = ", ".join(i.value for i in Instrument)
        raise ValidationFailed.for_field("instrument", f"instrument must be one of {names}") from None


def _respondent(value: Respondent | str) -> Respondent:
    try:
        return Respondent(value)
    except ValueError:
        names = ", ".join(r.value for r in Respondent)
        raise ValidationFailed.for_field("respondent", f"respondent must be one of {names}") from None


def score_screening(
    *,
    instrument: Instrument | str,
    respondent: Respondent | str,
    items: Sequence[int],
    cutoffs: Cutoffs = DEFAULT_CUTOFFS,
) -> ScreeningScore:
    """Score answer positions (0 = first printed option) and raise `above_cutoff`/`self_harm`."""
    inst = _instrument(instrument)
    resp = _respondent(respondent)
    definition = _DEFINITIONS[inst]
    if resp not in definition.respondents:
        allowed = " or ".join(sorted(r.value for r in definition.respondents))
        raise ValidationFailed.for_field(
            "respondent", f"{inst.value} is answered for the {allowed}, not the {resp.value}"
        )
    if isinstance(items, (str, bytes)) or len(items) != definition.item_count:
        raise ValidationFailed.for_field(
            "items", f"{inst.value} needs exactly {definition.item_count} items, got {len(items)}"
        )
    top = definition.max_score
    errors: list[FieldError] = []
    scores: list[int] = []
    for index, position in enumerate(items):
        number = index + 1
        # bool is an int subclass; a JSON true/false is not an answer position.
        if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= top:
            errors.append(FieldError(f"items.{index}", f"item {number} must be between 0 and {top}"))
            continue
        scores.append(top - position if number in definition.reverse_items else position)
    if errors:
        detail = errors[0].message if len(errors) == 1 else "some items are out of range"
        raise ValidationFailed(detail, errors)
    total = sum(scores)
    cutoff = cutoffs.for_screening(inst, resp)
    flags: list[str] = []
    if total >= cutoff:
        flags.append(Flag.ABOVE_CUTOFF.value)
    if inst is Instrument.EPDS and scores[9] > 0:
        flags.append(Flag.SELF_HARM.value)
    return ScreeningScore(
        instrument=inst,
        respondent=resp,
        total=total,
        item_scores=tuple(scores),
        flags=tuple(flags),
        cutoff=cutoff,
    )
