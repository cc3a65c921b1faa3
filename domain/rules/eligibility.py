"""Eligibility: explicit, versioned criteria that suggest a level, packages and referrals.

Criteria are data (`domain/catalog/criteria.toml`), the same for health and social staff, and every
suggestion says which criteria fired (seed 003 asks for fixed, shared, explainable criteria). A
suggestion is only a suggestion: staff may override it by professional judgement with a reason
(see `levels.py`).

The condition language has no negation, so evaluation is monotone: adding a risk factor, a
screening, a flag or a higher screening total can only make more criteria fire, and the suggested
level is the highest level among the fired criteria. The only non-monotone facts are the child's
age, gestational week and housing area, which are not risk factors.

Conditions (each a table with one operator key):

    { always = true }
    { fact = "single_parent" }
    { all_of = [cond, ...] }            { any_of = [cond, ...] }
    { min_count = 2, of = ["single_parent", "low_education", ...] }
    { screening = "EPDS", [respondent = "mother"], flag = "above_cutoff" }   # or "self_harm"
    { screening = "ADBB", min_total = 5 }
    { designated_area = true }          { housing_area_in = ["ringparken", "motalavej"] }
    { age_days = [0, 365] }             { gestational_week = [28, 42] }      # inclusive ranges

The service passes the CURRENT screenings (the latest per instrument and respondent), so a newer,
better screening does lower the suggestion; within one set of facts, more is never less.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, TypeAlias

from domain.errors import FieldError, ValidationFailed
from domain.rules.catalog import PackageCatalog, parse_date_value
from domain.rules.levels import InterventionLevel
from domain.rules.screening import Flag, Instrument, Respondent

# -- facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScreeningFact:
    """A scored screening as the criteria see it."""

    instrument: Instrument
    respondent: Respondent
    total: int
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ChildFacts:
    """Everything the criteria read about one child and family."""

    risk_factors: frozenset[str] = frozenset()
    screenings: tuple[ScreeningFact, ...] = ()
    housing_area: str | None = None
    designated_area: bool = False
    age_days: int | None = None
    gestational_week: int | None = None


def gestational_week(due_date: date, on: date) -> int:
    """Completed gestational weeks on `on` for a pregnancy due on `due_date` (40 + 0 at term)."""
    return (280 - (due_date - on).days) // 7


def age_in_days(birth_date: date, on: date) -> int:
    """The child's age in days on `on` (0 on the birth date)."""
    return (on - birth_date).days


# -- conditions ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Always:
    """True for every child."""


@dataclass(frozen=True, slots=True)
class HasFact:
    """True when the risk factor is present."""

    code: str


@dataclass(frozen=True, slots=True)
class AllOf:
    """True when every part is true."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """True when at least one part is true."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class MinCount:
    """True when at least `count` of the risk factors are present."""

    count: int
    of: frozenset[str]


@dataclass(frozen=True, slots=True)
class ScreeningCondition:
    """True when some current screening of the instrument (and respondent) meets the test."""

    instrument: Instrument
    respondent: Respondent | None = None
    flag: str | None = None
    min_total: int | None = None


@dataclass(frozen=True, slots=True)
class InDesignatedArea:
    """True when the family lives in a designated housing area."""


@dataclass(frozen=True, slots=True)
class HousingAreaIn:
    """True when the family's housing area code is one of `areas`."""

    areas: frozenset[str]


@dataclass(frozen=True, slots=True)
class AgeDaysBetween:
    """True when the child's age in days is known and within [low, high]."""

    low: int
    high: int


@dataclass(frozen=True, slots=True)
class GestationalWeekBetween:
    """True when the gestational week is known and within [low, high]."""

    low: int
    high: int


Condition: TypeAlias = (
    Always
    | HasFact
    | AllOf
    | AnyOf
    | MinCount
    | ScreeningCondition
    | InDesignatedArea
    | HousingAreaIn
    | AgeDaysBetween
    | GestationalWeekBetween
)
_Test = Callable[[ChildFacts], bool]


def _compile(cond: Condition) -> _Test:
    """A predicate for one condition, built once so evaluation is plain closure calls."""
    match cond:
        case Always():
            return lambda f: True
        case HasFact(code=code):
            return lambda f: code in f.risk_factors
        case AllOf(parts=parts):
            tests = tuple(_compile(p) for p in parts)
            return lambda f: all(t(f) for t in tests)
        case AnyOf(parts=parts):
            tests = tuple(_compile(p) for p in parts)
            return lambda f: any(t(f) for t in tests)
        case MinCount(count=count, of=of):
            return lambda f: len(of & f.risk_factors) >= count
        case ScreeningCondition(instrument=inst, respondent=resp, flag=flag, min_total=low):

            def screening_test(f: ChildFacts) -> bool:
                for s in f.screenings:
                    if s.instrument != inst or (resp is not None and s.respondent != resp):
                        continue
                    if flag is not None and flag not in s.flags:
                        continue
                    if low is not None and s.total < low:
                        continue
                    return True
                return False

            return screening_test
        case InDesignatedArea():
            return lambda f: f.designated_area
        case HousingAreaIn(areas=areas):
            return lambda f: f.housing_area is not None and f.housing_area in areas
        case AgeDaysBetween(low=lo, high=hi):
            return lambda f: f.age_days is not None and lo <= f.age_days <= hi
        case GestationalWeekBetween(low=lo, high=hi):
            return lambda f: f.gestational_week is not None and lo <= f.gestational_week <= hi
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


# -- criteria --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactDefinition:
    """A risk-factor code the criteria may read, with its texts."""

    code: str
    text_da: str
    text_en: str


@dataclass(frozen=True, slots=True)
class ReferralDefinition:
    """A place a child can be referred to (small-children team, family outpatient clinic, ...)."""

    code: str
    name_da: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Criterion:
    """One explicit criterion: when it fires and what it suggests."""

    code: str
    text_da: str
    text_en: str
    when: Condition
    level: InterventionLevel | None = None
    packages: tuple[str, ...] = ()
    referrals: tuple[str, ...] = ()
    urgent: bool = False
    _test: _Test = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_test", _compile(self.when))

    def applies_to(self, facts: ChildFacts) -> bool:
        """Whether this criterion fires for `facts`."""
        return self._test(facts)


@dataclass(frozen=True, slots=True)
class CriteriaSet:
    """One version of the shared criteria."""

    version: int
    valid_from: date
    facts: tuple[FactDefinition, ...]
    referrals: tuple[ReferralDefinition, ...]
    criteria: tuple[Criterion, ...]

    def fact_codes(self) -> frozenset[str]:
        """Every risk-factor code this set knows."""
        return frozenset(f.code for f in self.facts)

    def referral_codes(self) -> frozenset[str]:
        """Every referral code this set knows."""
        return frozenset(r.code for r in self.referrals)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something was suggested: the criterion that fired and its text."""

    criterion: str
    text_da: str
    text_en: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested package or referral with every reason for it."""

    code: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class EligibilitySuggestion:
    """The outcome of evaluating the criteria for one child."""

    suggested_level: InterventionLevel
    criteria_version: int
    packages: tuple[Suggestion, ...]
    referrals: tuple[Suggestion, ...]
    fired: tuple[str, ...]
    urgent: tuple[Reason, ...] = ()


UNIVERSAL_PACKAGE = "universal"
_UNIVERSAL_REASON = Reason("universal_offer", "Tilbydes alle familier.", "Offered to all families.")


def evaluate_eligibility(facts: ChildFacts, criteria_set: CriteriaSet) -> EligibilitySuggestion:
    """Suggest a level, packages and referrals from `facts`, naming the criteria that fired.

    The level is the highest among the fired criteria (level 1 when none sets one), and the
    universal programme is always suggested.
    """
    level = InterventionLevel.UNIVERSAL
    packages: dict[str, list[Reason]] = {}
    referrals: dict[str, list[Reason]] = {}
    fired: list[str] = []
    urgent: list[Reason] = []
    for criterion in criteria_set.criteria:
        if not criterion._test(facts):
            continue
        fired.append(criterion.code)
        reason = Reason(criterion.code, criterion.text_da, criterion.text_en)
        if criterion.level is not None and criterion.level > level:
            level = criterion.level
        for code in criterion.packages:
            packages.setdefault(code, []).append(reason)
        for code in criterion.referrals:
            referrals.setdefault(code, []).append(reason)
        if criterion.urgent:
            urgent.append(reason)
    if UNIVERSAL_PACKAGE not in packages:
        packages = {UNIVERSAL_PACKAGE: [_UNIVERSAL_REASON], **packages}
    return EligibilitySuggestion(
        suggested_level=level,
        criteria_version=criteria_set.version,
        packages=tuple(Suggestion(code, tuple(rs)) for code, rs in packages.items()),
        referrals=tuple(Suggestion(code, tuple(rs)) for code, rs in referrals.items()),
        fired=tuple(fired),
        urgent=tuple(urgent),
    )


# -- loading and validation ------------------------------------------------------------------------

_OPERATORS = (
    "always",
    "fact",
    "all_of",
    "any_of",
    "min_count",
    "screening",
    "designated_area",
    "housing_area_in",
    "age_days",
    "gestational_week",
)
_QUALIFIERS = {"min_count": {"of"}, "screening": {"respondent", "flag", "min_total"}}


class _Checker:
    def __init__(self, fact_codes: frozenset[str]) -> None:
        self.fact_codes = fact_codes
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def fact(self, value: object, path: str) -> str | None:
        if not isinstance(value, str) or value not in self.fact_codes:
            self.add(path, f"unknown fact code {value!r}")
            return None
        return value

    def int_range(self, value: object, path: str) -> tuple[int, int] | None:
        if (
            not isinstance(value, (list, tuple))
            or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or value[0] > value[1]
        ):
            self.add(path, "must be a range [low, high] of whole numbers with low <= high")
            return None
        return int(value[0]), int(value[1])

    def condition(self, raw: object, path: str) -> Condition | None:
        if not isinstance(raw, Mapping):
            self.add(path, 'a condition must be an object such as {fact = "single_parent"}')
            return None
        ops = [k for k in raw if k in _OPERATORS]
        if len(ops) != 1:
            self.add(path, f"a condition needs exactly one of {', '.join(_OPERATORS)}")
            return None
        op = ops[0]
        extra = set(raw) - {op} - _QUALIFIERS.get(op, set())
        if extra:
            self.add(path, f"unexpected keys for {op}: {', '.join(sorted(extra))}")
            return None
        value = raw[op]
        at = f"{path}.{op}"
        if op == "always" or op == "designated_area":
            if value is not True:
                self.add(at, f"{op} must be true")
                return None
            return Always() if op == "always" else InDesignatedArea()
        if op == "fact":
            code = self.fact(value, at)
            return HasFact(code) if code is not None else None
        if op in ("all_of", "any_of"):
            if not isinstance(value, (list, tuple)) or not value:
                self.add(at, f"{op} must be a non-empty list of conditions")
                return None
            parts = [self.condition(p, f"{at}.{i}") for i, p in enumerate(value)]
            if any(p is None for p in parts):
                return None
            kept = tuple(p for p in parts if p is not None)
            return AllOf(kept) if op == "all_of" else AnyOf(kept)
        if op == "min_count":
            of = raw.get("of")
            if not isinstance(of, (list, tuple)) or not of:
                self.add(f"{path}.of", "min_count needs of = [fact codes]")
                return None
            codes = [self.fact(c, f"{path}.of.{i}") for i, c in enumerate(of)]
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= len(of):
                self.add(at, f"min_count must be between 1 and {len(of)}")
                return None
            if any(c is None for c in codes):
                return None
            return MinCount(value, frozenset(c for c in codes if c is not None))
        if op == "screening":
            return self.screening(raw, path)
        if op == "housing_area_in":
            if not isinstance(value, (list, tuple)) or not all(isinstance(a, str) for a in value):
                self.add(at, "housing_area_in must be a list of area codes")
                return None
            return HousingAreaIn(frozenset(value))
        bounds = self.int_range(value, at)
        if bounds is None:
            return None
        if op == "age_days":
            return AgeDaysBetween(*bounds)
        return GestationalWeekBetween(*bounds)

    def screening(self, raw: Mapping[str, Any], path: str) -> Condition | None:
        try:
            instrument = Instrument(raw["screening"])
        except ValueError:
            names = ", ".join(i.value for i in Instrument)
            self.add(f"{path}.screening", f"screening must be one of {names}")
            return None
        respondent: Respondent | None = None
        if raw.get("respondent") is not None:
            try:
                respondent = Respondent(raw["respondent"])
            except ValueError:
                self.add(f"{path}.respondent", "respondent must be mother, father or child")
                return None
        flag = raw.get("flag")
        min_total = raw.get("min_total")
        if (flag is None) == (min_total is None):
            self.add(path, "a screening condition needs either flag or min_total")
            return None
        if flag is not None and flag not in {f.value for f in Flag}:
            self.add(f"{path}.flag", "flag must be above_cutoff or self_harm")
            return None
        if min_total is not None and (isinstance(min_total, bool) or not isinstance(min_total, int) or min_total < 0):
            self.add(f"{path}.min_total", "min_total must be a whole number >= 0")
            return None
        return ScreeningCondition(instrument, respondent, flag, min_total)


def _text(m: Mapping[str, Any], key: str, path: str, checker: _Checker) -> str:
    value = m.get(key)
    if not isinstance(value, str) or not value.strip():
        checker.add(f"{path}{key}", f"{key} must be a non-empty text")
        return ""
    return value


def _codes(
    m: Mapping[str, Any],
    key: str,
    path: str,
    checker: _Checker,
    known: frozenset[str] | None,
    what: str,
) -> tuple[str, ...]:
    value = m.get(key, [])
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        checker.add(f"{path}{key}", f"{key} must be a list of {what} codes")
        return ()
    for i, code in enumerate(value):
        if known is not None and code not in known:
            checker.add(f"{path}{key}.{i}", f"unknown {what} code {code!r}")
    return tuple(value)


def criteria_from_mapping(mapping: Mapping[str, Any], *, catalog: PackageCatalog | None = None) -> CriteriaSet:
    """Validate a criteria set (parsed TOML or JSON); package codes are checked against `catalog`.

    Raises `ValidationFailed` listing every problem by dotted path, e.g. `criteria.3.when.fact`.
    """
    checker = _Checker(frozenset())
    if not isinstance(mapping, Mapping):
        raise ValidationFailed.for_field("", "a criteria set must be an object")
    version = mapping.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        checker.add("version", "version must be a whole number >= 1")
        version = 1
    valid_from = parse_date_value(mapping.get("valid_from"))
    if valid_from is None:
        checker.add("valid_from", "valid_from must be a date (YYYY-MM-DD)")
        valid_from = date(1970, 1, 1)

    facts: list[FactDefinition] = []
    raw_facts = mapping.get("facts")
    if not isinstance(raw_facts, (list, tuple)) or not raw_facts:
        checker.add("facts", "facts must be a non-empty list of {code, text_da, text_en}")
        raw_facts = []
    for i, item in enumerate(raw_facts):
        if not isinstance(item, Mapping) or not isinstance(item.get("code"), str):
            checker.add(f"facts.{i}", "each fact needs code, text_da and text_en")
            continue
        facts.append(
            FactDefinition(
                item["code"],
                _text(item, "text_da", f"facts.{i}.", checker),
                _text(item, "text_en", f"facts.{i}.", checker),
            )
        )
    fact_codes = frozenset(f.code for f in facts)
    if len(fact_codes) != len(facts):
        checker.add("facts", "fact codes must be unique")
    checker.fact_codes = fact_codes

    referrals: list[ReferralDefinition] = []
    raw_refs = mapping.get("referrals", [])
    if not isinstance(raw_refs, (list, tuple)):
        checker.add("referrals", "referrals must be a list of {code, name_da, name_en}")
        raw_refs = []
    for i, item in enumerate(raw_refs):
        if not isinstance(item, Mapping) or not isinstance(item.get("code"), str):
            checker.add(f"referrals.{i}", "each referral needs code, name_da and name_en")
            continue
        referrals.append(
            ReferralDefinition(
                item["code"],
                _text(item, "name_da", f"referrals.{i}.", checker),
                _text(item, "name_en", f"referrals.{i}.", checker),
            )
        )
    referral_codes = frozenset(r.code for r in referrals)
    package_codes = frozenset(catalog.codes()) if catalog is not None else None

    criteria: list[Criterion] = []
    raw_criteria = mapping.get("criteria")
    if not isinstance(raw_criteria, (list, tuple)) or not raw_criteria:
        checker.add("criteria", "criteria must be a non-empty list")
        raw_criteria = []
    seen: set[str] = set()
    for i, item in enumerate(raw_criteria):
        path = f"criteria.{i}."
        if not isinstance(item, Mapping):
            checker.add(f"criteria.{i}", "each criterion must be an object")
            continue
        before = len(checker.errors)
        code = item.get("code")
        if not isinstance(code, str) or not code:
            checker.add(f"{path}code", "code is required")
            code = ""
        elif code in seen:
            checker.add(f"{path}code", f"criterion code {code!r} is used twice")
        seen.add(code)
        text_da = _text(item, "text_da", path, checker)
        text_en = _text(item, "text_en", path, checker)
        when = checker.condition(item.get("when"), f"{path}when")
        level: InterventionLevel | None = None
        if item.get("level") is not None:
            raw_level = item["level"]
            if isinstance(raw_level, bool) or raw_level not in (1, 2, 3, 4):
                checker.add(f"{path}level", "level must be between 1 and 4")
            else:
                level = InterventionLevel(raw_level)
        packages = _codes(item, "packages", path, checker, package_codes, "package")
        refs = _codes(item, "referrals", path, checker, referral_codes, "referral")
        urgent = item.get("urgent", False)
        if not isinstance(urgent, bool):
            checker.add(f"{path}urgent", "urgent must be true or false")
        if item.get("level") is None and not packages and not refs:
            checker.add(path.rstrip("."), "a criterion must suggest a level, packages or referrals")
        if len(checker.errors) == before and when is not None:
            criteria.append(Criterion(code, text_da, text_en, when, level, packages, refs, bool(urgent)))
    if checker.errors:
        raise ValidationFailed("the criteria set is invalid", checker.errors)
    return CriteriaSet(version, valid_from, tuple(facts), tuple(referrals), tuple(criteria))


def _condition_to_mapping(cond: Condition) -> dict[str, Any]:
    match cond:
        case Always():
            return {"always": True}
        case HasFact(code=code):
            return {"fact": code}
        case AllOf(parts=parts):
            return {"all_of": [_condition_to_mapping(p) for p in parts]}
        case AnyOf(parts=parts):
            return {"any_of": [_condition_to_mapping(p) for p in parts]}
        case MinCount(count=count, of=of):
            return {"min_count": count, "of": sorted(of)}
        case ScreeningCondition(instrument=inst, respondent=resp, flag=flag, min_total=low):
            out: dict[str, Any] = {"screening": inst.value}
            if resp is not None:
                out["respondent"] = resp.value
            if flag is not None:
                out["flag"] = flag
            if low is not None:
                out["min_total"] = low
            return out
        case InDesignatedArea():
            return {"designated_area": True}
        case HousingAreaIn(areas=areas):
            return {"housing_area_in": sorted(areas)}
        case AgeDaysBetween(low=lo, high=hi):
            return {"age_days": [lo, hi]}
        case GestationalWeekBetween(low=lo, high=hi):
            return {"gestational_week": [lo, hi]}
    raise TypeError(f"unknown condition {cond!r}")  # pragma: no cover


def criteria_to_mapping(criteria_set: CriteriaSet) -> dict[str, Any]:
    """A JSON-ready mapping of a criteria set; `criteria_from_mapping` reads it back unchanged."""
    return {
        "version": criteria_set.version,
        "valid_from": criteria_set.valid_from.isoformat(),
        "facts": [{"code": f.code, "text_da": f.text_da, "text_en": f.text_en} for f in criteria_set.facts],
        "referrals": [{"code": r.code, "name_da": r.name_da, "name_en": r.name_en} for r in criteria_set.referrals],
        "criteria": [
            {
                "code": c.code,
                "text_da": c.text_da,
                "text_en": c.text_en,
                "when": _condition_to_mapping(c.when),
                **({"level": int(c.level)} if c.level is not None else {}),
                "packages": list(c.packages),
                "referrals": list(c.referrals),
                "urgent": c.urgent,
            }
            for c in criteria_set.criteria
        ],
    }


@cache
def load_default_criteria() -> CriteriaSet:
    """The criteria shipped in `domain/catalog/criteria.toml`, validated against the default catalog."""
    from domain.rules.catalog import load_default_catalog

    text = resources.files("domain").joinpath("catalog", "criteria.toml").read_text(encoding="utf-8")
    return criteria_from_mapping(tomllib.loads(text), catalog=load_default_catalog())


def child_facts_from_mapping(mapping: Mapping[str, Any], criteria_set: CriteriaSet) -> ChildFacts:
    """Validate facts posted to the stateless evaluation endpoint; unknown fact codes are errors."""
    errors: list[FieldError] = []
    known = criteria_set.fact_codes()
    raw_risks = mapping.get("risk_factors", [])
    risks: set[str] = set()
    if not isinstance(raw_risks, (list, tuple)):
        errors.append(FieldError("risk_factors", "risk_factors must be a list of fact codes"))
        raw_risks = []
    for i, code in enumerate(raw_risks):
        if not isinstance(code, str) or code not in known:
            errors.append(FieldError(f"risk_factors.{i}", f"unknown fact code {code!r}"))
        else:
            risks.add(code)
    screenings: list[ScreeningFact] = []
    raw_screenings = mapping.get("screenings", [])
    if not isinstance(raw_screenings, (list, tuple)):
        errors.append(FieldError("screenings", "screenings must be a list"))
        raw_screenings = []
    for i, item in enumerate(raw_screenings):
        path = f"screenings.{i}"
        if not isinstance(item, Mapping):
            errors.append(FieldError(path, "each screening must be an object"))
            continue
        try:
            instrument = Instrument(str(item.get("instrument")))
            respondent = Respondent(str(item.get("respondent")))
        except ValueError:
            errors.append(FieldError(path, "instrument or respondent is not known"))
            continue
        total = item.get("total")
        flags = item.get("flags", [])
        if isinstance(total, bool) or not isinstance(total, int) or total < 0:
            errors.append(FieldError(f"{path}.total", "total must be a whole number >= 0"))
            continue
        if not isinstance(flags, (list, tuple)) or not all(f in set(Flag) for f in flags):
            errors.append(FieldError(f"{path}.flags", "flags must be above_cutoff or self_harm"))
            continue
        screenings.append(ScreeningFact(instrument, respondent, total, frozenset(flags)))
    area = mapping.get("housing_area")
    if area is not None and not isinstance(area, str):
        errors.append(FieldError("housing_area", "housing_area must be an area code"))
        area = None
    designated = mapping.get("designated_area", False)
    if not isinstance(designated, bool):
        errors.append(FieldError("designated_area", "designated_area must be true or false"))
        designated = False
    ints: dict[str, int | None] = {}
    for key in ("age_days", "gestational_week"):
        value = mapping.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors.append(FieldError(key, f"{key} must be a whole number"))
            value = None
        ints[key] = value
    if errors:
        raise ValidationFailed("the facts are invalid", errors)
    return ChildFacts(
        risk_factors=frozenset(risks),
        screenings=tuple(screenings),
        housing_area=area,
        designated_area=designated,
        age_days=ints["age_days"],
        gestational_week=ints["gestational_week"],
    )


def screening_facts(scores: Sequence[Any]) -> tuple[ScreeningFact, ...]:
    """ScreeningFacts from scored screenings (anything with instrument, respondent, total, flags)."""
    return tuple(ScreeningFact(s.instrument, s.respondent, s.total, frozenset(s.flags)) for s in scores)
