"""The health-data classification (`domain/rules/health_data.py`) against every operation of the API.

Every person-level operation whose answer holds a classified schema is found in the OpenAPI document and
called as every role — with and without a relation to the child, with and without a recorded consent —
on a child who has health data in every classified field. Where the health data is disclosed to the
caller the classified fields carry it; everywhere else they are withheld and `health_data_withheld` is
true. A new classified field, or a new operation answering a classified schema, is checked here without
changing this test; a new write operation answering one needs a request below (the test says so).
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import UnionType
from typing import Any, Union, get_args, get_origin

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

import api.schemas.families
import api.schemas.health
import api.schemas.referrals
import api.schemas.visits
from api.policy import rule_for
from domain.rules.eligibility import load_default_criteria
from domain.rules.health_data import HEALTH_FIELDS, RISK_FACTORS, WITHHELD_FLAG, HealthField, Withhold, fields_of
from domain.rules.health_data import criteria_reading_health_data as static_health_criteria
from domain.rules.workdays import next_working_day
from domain.services import organisation, visits
from tests.factories import (
    CLIENT_SECRET,
    PASSWORD,
    SELF_HARM_EPDS,
    HealthStory,
    World,
    bearer,
    client_token,
    health_story,
    token,
)

SCHEMA_MODULES = (api.schemas.families, api.schemas.health, api.schemas.referrals, api.schemas.visits)
RELATED = ("hv1", "ft1", "cw1", "ped1")  # a relation to the story's child (caseload, MtB, referral, daycare)
UNRELATED = ("hv2", "ft2", "cw2", "ped2")  # the same roles without one
NO_PERSONS = ("mgr1", "admin1", "aud1")  # roles without person-level access
CLIENTS = ("case-system", "calendar-only", "journal-feed")
COVERED_BY_ROLE = frozenset({"hv1", "case-system"})  # her own caseload; a client with screenings:read
HEALTH_CRITERIA = static_health_criteria(load_default_criteria())
# An answer that only echoes what its caller sent, before she may even see the child.
ECHOES = {("POST", "/families"): "the created family as sent"}


def _schema_classes() -> dict[str, type[BaseModel]]:
    return {
        name: value
        for module in SCHEMA_MODULES
        for name, value in vars(module).items()
        if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == module.__name__
    }


CLASSES = _schema_classes()


def _classification(schema: str) -> tuple[str | None, tuple[HealthField, ...]]:
    model = CLASSES.get(schema)
    if model is None:
        return None, ()
    return fields_of(tuple(c.__name__ for c in model.__mro__ if issubclass(c, BaseModel) and c is not BaseModel))


# --- the classification itself --------------------------------------------------------------------------


def _allows_none(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, UnionType) and type(None) in get_args(annotation)


def _is_list(annotation: Any) -> bool:
    return get_origin(annotation) is list


def test_every_classified_schema_and_field_exists_and_can_be_withheld() -> None:
    problems = []
    for schema, classified in HEALTH_FIELDS.items():
        model = CLASSES.get(schema)
        if model is None:
            problems.append(f"{schema}: no such answer schema in api/schemas")
            continue
        fields = model.model_fields
        for health_field in classified.fields:
            if health_field.withhold is Withhold.OBJECT:
                continue
            annotation = fields[health_field.name].annotation if health_field.name in fields else None
            if annotation is None:
                problems.append(f"{schema}.{health_field.name}: no such field")
            elif health_field.withhold is Withhold.VALUE and not (_allows_none(annotation) or _is_list(annotation)):
                problems.append(f"{schema}.{health_field.name}: can be neither null nor empty")
            elif health_field.withhold in (Withhold.RISK_FACTORS, Withhold.CRITERIA) and not _is_list(annotation):
                problems.append(f"{schema}.{health_field.name}: not a list")
            if health_field.when is not None and fields.get(health_field.when, None) is None:
                problems.append(f"{schema}.{health_field.name}: no field {health_field.when}")
        if classified.subject == "child_id" and "child_id" not in fields:
            problems.append(f"{schema}: names no child_id")
        withholds_fields = any(f.withhold is not Withhold.OBJECT for f in classified.fields)
        if classified.subject and withholds_fields and WITHHELD_FLAG not in fields:
            problems.append(f"{schema}: says nowhere that health data was withheld ({WITHHELD_FLAG})")
    assert problems == []


def test_every_risk_factor_of_the_shipped_criteria_is_classified() -> None:
    assert set(RISK_FACTORS) == load_default_criteria().fact_codes()
    assert {code for code, health in RISK_FACTORS.items() if health} >= {
        "parent_mental_illness",
        "postnatal_depression_symptoms",
        "postnatal_depression_diagnosed",
        "substance_use_last_2_years",
        "child_chronic_illness_or_handicap",
    }


# --- the operations answering classified schemas ----------------------------------------------------------


def _document(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/api/v1/openapi.json").json()
    return document


def _names(schema: dict[str, Any], components: dict[str, Any], seen: set[str]) -> set[str]:
    """The component schemas `schema` refers to, transitively."""
    found: set[str] = set()
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name not in seen:
            seen.add(name)
            found |= {name} | _names(components[name], components, seen)
        return found
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in schema.get(key, []):
            found |= _names(sub, components, seen)
    for sub in schema.get("properties", {}).values():
        found |= _names(sub, components, seen)
    if isinstance(schema.get("items"), dict):
        found |= _names(schema["items"], components, seen)
    return found


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    schema: dict[str, Any]  # of the success answer


def _health_operations(document: dict[str, Any]) -> list[Operation]:
    """Person-level operations whose success answer holds a classified schema."""
    components = document["components"]["schemas"]
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            rule = rule_for(method.upper(), path)
            if rule is None or not rule.person_level:
                continue
            for status in ("200", "201"):
                content = operation["responses"].get(status, {}).get("content", {})
                schema = content.get("application/json", {}).get("schema")
                if schema and any(_classification(name)[0] is not None for name in _names(schema, components, set())):
                    found.append(Operation(method.upper(), path, schema))
                    break
    return found


def test_the_operations_answering_health_data_are_found(client: TestClient) -> None:
    found = {(op.method, op.path) for op in _health_operations(_document(client))}
    assert found >= {
        ("GET", "/children/{child_id}/screenings"),
        ("GET", "/children/{child_id}/eligibility"),
        ("GET", "/children/{child_id}/level-decisions"),
        ("GET", "/children/{child_id}/schedule"),
        ("GET", "/visits"),
        ("GET", "/visits/{visit_id}"),
        ("GET", "/children/{child_id}/referrals"),
        ("GET", "/referrals/{referral_id}"),
        ("GET", "/families"),
        ("GET", "/families/{family_id}"),
        ("POST", "/visits/{visit_id}/complete"),
    }


# --- the world ---------------------------------------------------------------------------------------------


@dataclass
class Setting:
    story: HealthStory
    staff: dict[str, uuid.UUID]
    today: date
    ids: dict[str, str] = field(default_factory=dict)


def _setting(world: World, today: date, *, consent: bool) -> Setting:
    story = health_story(world, today, consent=consent, urgent_visits=3)
    with world.database.session(write=True) as session:
        other_daycare = organisation.create_daycare(session, name="Vuggestuen Skoven", area_id=None)
        for username, role in (("ft2", "family_therapist"), ("cw2", "caseworker"), ("ped2", "pedagogue")):
            organisation.create_staff(
                session,
                username=username,
                full_name=username.upper(),
                roles=[role],
                daycare_id=other_daycare.id if role == "pedagogue" else None,
                password=PASSWORD,
            )
        organisation.create_client(
            session,
            client_id="journal-feed",
            name="A journal that records screenings but may not read health data",
            secret=CLIENT_SECRET,
            scopes=["families:read", "schedules:read", "visits:write", "screenings:write", "eligibility:read"],
        )
        # An urgent contact moved out of its window, with a reason about the mother's health.
        moved_to = next_working_day(today + timedelta(days=7))
        visits.reschedule_visit(
            session,
            visit_id=story.urgent_visit_ids[1],
            target_date=moved_to,
            reason="Mor er indlagt på psykiatrisk afdeling",
            staff_ids=None,
        )
        session.commit()
    staff = {name: s.id for name, s in world.staff.items()}
    setting = Setting(story=story, staff=staff, today=today)
    setting.ids = {
        "child_id": str(story.child_id),
        "family_id": str(story.family_id),
        "visit_id": str(story.urgent_visit_ids[0]),
        "referral_id": str(story.referral_id),
    }
    return setting


# --- write requests: one per write operation answering a classified schema -----------------------------------

Body = Callable[[Setting, bool], tuple[dict[str, str], Any]]  # (path values, JSON body); bool: may screen


def _urgent(index: int) -> Callable[[Setting], dict[str, str]]:
    return lambda s: {"visit_id": str(s.story.urgent_visit_ids[index])}


WRITES: dict[tuple[str, str], Body] = {
    ("PATCH", "/visits/{visit_id}"): lambda s, _: (
        _urgent(0)(s),
        {"staff_ids": [str(s.staff["hv1"]), str(s.staff["ft1"])]},
    ),
    ("POST", "/visits/{visit_id}/complete"): lambda s, screens: (
        _urgent(0)(s),
        {
            "performed_by": [str(s.staff["hv1"])],
            "screenings": [{"instrument": "EPDS", "respondent": "mother", "items": SELF_HARM_EPDS}] if screens else [],
        },
    ),
    ("POST", "/visits/{visit_id}/cancel"): lambda s, _: (_urgent(1)(s), {"reason": "Mor er indlagt"}),
    ("POST", "/visits/{visit_id}/missed"): lambda s, _: (_urgent(2)(s), {"reason": "Ingen hjemme"}),
    ("POST", "/children/{child_id}/visits"): lambda s, _: ({}, {"target_date": next_working_day(s.today).isoformat()}),
    ("POST", "/children/{child_id}/screenings"): lambda s, _: (
        {},
        {"instrument": "EPDS", "respondent": "mother", "items": SELF_HARM_EPDS, "administered_on": s.today.isoformat()},
    ),
    ("POST", "/children/{child_id}/level-decisions"): lambda s, _: (
        {},
        {"level": 3, "basis": "professional_judgement", "reason": "Mor har fortsat fødselsdepression"},
    ),
    ("POST", "/children/{child_id}/referrals"): lambda s, _: (
        {},
        {"target": "small_children_team", "reason": "Diagnosticeret fødselsdepression"},
    ),
    ("PATCH", "/referrals/{referral_id}"): lambda s, _: ({}, {"status_note": "Modtaget"}),
    ("PATCH", "/families/{family_id}"): lambda s, _: ({}, {"address": "Ringparken 2, 4200 Slagelse"}),
    ("PUT", "/families/{family_id}/risk-factors"): lambda s, _: (
        {},
        {"risk_factors": ["single_parent", "parent_mental_illness"]},
    ),
}


def test_every_write_answering_a_classified_schema_has_a_request_here(client: TestClient) -> None:
    writes = {(op.method, op.path) for op in _health_operations(_document(client)) if op.method != "GET"}
    assert writes - set(ECHOES) == set(WRITES), "add a request to WRITES for a new write operation"


# --- what an answer shows ---------------------------------------------------------------------------------


def _objects(value: Any, schema: dict[str, Any], components: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(schema name, object) for every object of a named schema in an answer."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if isinstance(value, dict):
            yield name, value
        yield from _objects(value, components[name], components)
        return
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in schema.get(key, []):
            yield from _objects(value, sub, components)
    if isinstance(value, dict):
        for name, sub in schema.get("properties", {}).items():
            if name in value:
                yield from _objects(value[name], sub, components)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            yield from _objects(item, schema["items"], components)


def _criteria_named(value: list[Any]) -> set[str]:
    named: set[str] = set()
    for item in value:
        if isinstance(item, str):
            named.add(item)
        elif "criterion" in item:
            named.add(item["criterion"])
        else:
            named |= {r["criterion"] for r in item["reasons"]}
    return named


def _carries_health_data(health_field: HealthField, value: Any) -> bool:
    match health_field.withhold:
        case Withhold.VALUE:
            return value not in (None, [])
        case Withhold.RISK_FACTORS:
            return any(RISK_FACTORS.get(code, True) for code in value)
        case Withhold.CRITERIA:
            return bool(_criteria_named(value) & HEALTH_CRITERIA)
    return True


@dataclass
class Seen:
    checked: set[str] = field(default_factory=set)  # classified schemas about the story's child
    carried: set[tuple[str, str]] = field(default_factory=set)  # (schema, field) seen holding health data
    problems: list[str] = field(default_factory=list)


def _check(answer: Any, op: Operation, components: dict[str, Any], setting: Setting, covered: bool, seen: Seen) -> None:
    story = setting.story
    mine = {str(story.child_id), str(story.family_id)}
    where = f"{op.method} {op.path}"
    for schema, obj in _objects(answer, op.schema, components):
        subject, fields = _classification(schema)
        if subject is None:
            continue
        if subject == "child_id" and obj.get("child_id") not in mine:
            continue
        if subject == "children" and obj.get("id") not in mine:
            continue
        seen.checked.add(schema)
        if WITHHELD_FLAG in obj and obj[WITHHELD_FLAG] is covered:
            seen.problems.append(f"{where}: {schema}.{WITHHELD_FLAG} is {obj[WITHHELD_FLAG]}")
        for health_field in fields:
            if health_field.withhold is Withhold.OBJECT:
                seen.carried.add((schema, ""))
                if not covered:
                    seen.problems.append(f"{where}: {schema} shown")
                continue
            if health_field.when is not None and not obj.get(health_field.when):
                continue
            carries = _carries_health_data(health_field, obj[health_field.name])
            if carries:
                seen.carried.add((schema, health_field.name))
                if not covered:
                    seen.problems.append(f"{where}: {schema}.{health_field.name} = {obj[health_field.name]!r}")


# --- the test ---------------------------------------------------------------------------------------------

# Each case is one world. Consent matters to staff related to the child who are not health visitors; callers
# refused every operation on the child (no relation, or no person-level role) change nothing, so they share one.
CASES = [
    *[((caller,), consent) for caller in ("hv1", "ft1", "cw1", "ped1") for consent in (False, True)],
    *[((client_id,), False) for client_id in CLIENTS],
    ((*UNRELATED, *NO_PERSONS), False),
    ((*UNRELATED, *NO_PERSONS), True),
]


def _headers(client: TestClient, caller: str) -> dict[str, str]:
    return bearer(client_token(client, caller) if caller in CLIENTS else token(client, caller))


def _url(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"the test has no value for a parameter of {path}"
    return "/api/v1" + path


def _drive(client: TestClient, setting: Setting, caller: str, covered: bool) -> Seen:
    """Every operation answering a classified schema, as `caller`: reads, then one request per write."""
    headers = _headers(client, caller)
    me = client.get("/api/v1/auth/me", headers=headers).json()
    may_screen = "health_visitor" in me.get("roles", []) or "screenings:write" in me.get("scopes", [])
    document = _document(client)
    components = document["components"]["schemas"]
    operations = _health_operations(document)
    reads = [op for op in operations if op.method == "GET"]
    writes = [op for op in operations if op.method != "GET" and (op.method, op.path) not in ECHOES]
    seen = Seen()
    for op in reads:
        response = client.get(_url(op.path, setting.ids), headers=headers)
        assert response.status_code in (200, 403), f"{op.method} {op.path}: {response.status_code} {response.text}"
        if response.status_code == 200:
            _check(response.json(), op, components, setting, covered, seen)
    for op in sorted(writes, key=lambda op: list(WRITES).index((op.method, op.path))):
        values, body = WRITES[(op.method, op.path)](setting, may_screen)
        response = client.request(
            op.method, _url(op.path, {**setting.ids, **values}), json=body, headers={**headers, "If-Match": "*"}
        )
        assert response.status_code in (200, 201, 403), f"{op.method} {op.path}: {response.text}"
        if response.status_code in (200, 201):
            _check(response.json(), op, components, setting, covered, seen)
    return seen


@pytest.mark.parametrize(
    ("callers", "consent"),
    CASES,
    ids=[f"{c[0] if len(c) == 1 else 'no-relation-or-role'}-{'with' if k else 'without'}-consent" for c, k in CASES],
)
def test_classified_fields_reach_a_caller_only_where_health_data_is_disclosed_to_her(
    client: TestClient, world: World, today: date, callers: tuple[str, ...], consent: bool
) -> None:
    setting = _setting(world, today, consent=consent)
    for caller in callers:
        covered = caller in COVERED_BY_ROLE or (consent and caller in RELATED)
        seen = _drive(client, setting, caller, covered)

        assert seen.problems == [], caller
        if caller in COVERED_BY_ROLE:
            # Every classified field held health data for this caller: the world exercises the whole table.
            expected = {
                (schema, "" if f.withhold is Withhold.OBJECT else f.name)
                for schema, classified in HEALTH_FIELDS.items()
                for f in classified.fields
            }
            # A field of a base schema counts when seen on a schema built on it (VisitOut's on VisitCompleted).
            carried = {
                (base, name)
                for schema, name in seen.carried
                for base in [c.__name__ for c in CLASSES[schema].__mro__ if issubclass(c, BaseModel)]
            }
            assert expected - carried == set()
        if caller in ("ft1", "cw1", "journal-feed"):
            assert seen.checked >= {"VisitOut", "EligibilityOut", "FamilyOut"}, "the child's answers were checked"
        if caller in ("ft1", "cw1"):
            assert seen.checked >= {"ReferralOut", "LevelDecisionOut", "FactsOut"}
        if caller == "ped1":
            assert seen.checked >= {"VisitOut", "FamilyOut"}
        if caller in UNRELATED or caller in NO_PERSONS:
            assert seen.checked == set(), f"{caller} reached the child"
        if caller == "calendar-only":
            assert seen.checked == {"VisitOut"}, "a calendar client lists visits, their reasons withheld"


def test_the_filter_leaves_screenings_out_of_any_answer_and_never_answers_one(
    client: TestClient, world: World, today: date
) -> None:
    """The operations refuse screenings to those not shown them (403 before any answer), so the filter's own
    handling of a screening as a whole is checked here, on real answers, as a client without screenings:read."""
    from api.presenters import shown
    from api.schemas.common import Page
    from api.schemas.health import ScreeningOut, ScreeningRecorded
    from api.schemas.visits import VisitCompleted
    from domain.errors import Forbidden
    from domain.services.actors import Actor

    story = health_story(world, today, consent=False)
    hv1 = bearer(token(client, "hv1"))
    completed = client.post(
        f"/api/v1/visits/{story.urgent_visit_ids[0]}/complete",
        json={"screenings": [{"instrument": "EPDS", "respondent": "mother", "items": SELF_HARM_EPDS}]},
        headers=hv1,
    )
    assert completed.status_code == 200 and completed.json()["screenings"], completed.text
    listed = client.get(f"/api/v1/children/{story.child_id}/screenings", headers=hv1).json()
    blind = Actor(kind="client", id=uuid.uuid4(), username="blind", scopes=frozenset({"visits:write"}))
    with world.database.session(write=False) as session:
        visit = shown(session, blind, VisitCompleted.model_validate(completed.json()))
        assert visit.screenings == [] and visit.status_reason is None and visit.health_data_withheld
        page = shown(session, blind, Page[ScreeningOut].model_validate(listed))
        assert listed["items"] and page.items == []
        recorded = ScreeningRecorded.model_validate({**listed["items"][0], "urgent_visit_id": None})
        with pytest.raises(Forbidden):
            shown(session, blind, recorded)
