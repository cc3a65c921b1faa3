"""Every operation of the OpenAPI document, called as every role and without a token, against the access
matrix in `api/policy.py`. A new endpoint without a rule makes the app refuse to start, and one whose
answer does not match its rule fails here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.policy import AccessRule, rule_for
from domain.services import groups, referrals, schedules
from domain.settings import Settings
from domain.store.database import Database
from domain.store.tables import Consent, SharingRequest, Staff, Visit
from tests.factories import World, bearer, client_token, make_family, token

STAFF = ("hv1", "hv2", "ft1", "cw1", "mgr1", "admin1", "aud1", "ped1")
# hv2 is a health visitor of the other team: her role allows person-level operations, but she has no
# relation to the shared child, so those are refused by the relation check.
WITHOUT_RELATION = frozenset({"hv2"})
PERSON_PARAMS = (
    "{child_id}",
    "{family_id}",
    "{visit_id}",
    "{enrollment_id}",
    "{referral_id}",
    "{consent_id}",
    "{sharing_request_id}",
    "{course_id}",
)
CLIENTS = ("case-system", "calendar-only")


@dataclass
class Ids:
    values: dict[str, str]


def _shared_child(world: World, today: date) -> Ids:
    """One child every role with a relation can reach: hv1's caseload, in Minding the Baby with ft1,
    referred to cw1, in ped1's daycare with a transitions enrolment, with consent to share health data and a
    pending request by ft1 to share it."""
    with world.database.session(write=True) as session:
        family, child = make_family(
            session, today=today, birth_date=today - timedelta(days=200), health_visitor=world.staff_id("hv1")
        )
        ped = session.get(Staff, world.staff_id("ped1"))
        assert ped is not None
        child.daycare_id = ped.daycare_id
        child.daycare_start = today + timedelta(days=30)
        session.add(child)
        session.flush()
        mtb = schedules.enroll(
            session,
            child_id=child.id,
            package_code="minding_the_baby",
            start_date=today - timedelta(days=100),
            dry_run=False,
            staff_ids={"family_therapist": world.staff_id("ft1")},
        )
        schedules.enroll(session, child_id=child.id, package_code="transitions", start_date=today, dry_run=False)
        referral = referrals.create_referral(
            session,
            child_id=child.id,
            target="social_services",
            reason="test",
            sent_on=today,
            referred_by=world.staff_id("hv1"),
            assigned_staff_id=world.staff_id("cw1"),
        )
        consent = Consent(child_id=child.id, kind="consent", scope="health_data_to_social", given_on=today)
        session.add(consent)
        sharing_request = SharingRequest(
            child_id=child.id, scope="health_data_to_social", reason="test", requested_by=world.staff_id("ft1")
        )
        session.add(sharing_request)
        course = groups.create_course(
            session,
            package_code="mothers_group",
            title="Test",
            area_code="ringparken",
            starts_on=today,
            facilitator_id=world.staff_id("hv1"),
            location=None,
        )
        first_session = groups.sessions_of(session, course.id)[0]
        groups.add_participant(session, course_id=course.id, child_id=child.id, member_id=None, joined_on=today)
        visit: Visit = next(d.visit for d in mtb.visits if d.visit.target_date >= today)
        session.flush()
        ids = {
            "child_id": str(child.id),
            "family_id": str(family.id),
            "visit_id": str(visit.id),
            "enrollment_id": str(mtb.enrollment.id if mtb.enrollment else ""),
            "referral_id": str(referral.id),
            "consent_id": str(consent.id),
            "sharing_request_id": str(sharing_request.id),
            "course_id": str(course.id),
            "session_id": str(first_session.id),
            "code": "universal",
        }
        session.commit()
    return Ids(ids)


def _operations(client: TestClient) -> list[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _url(path: str, ids: Ids, staff_id: str) -> str:
    values = {**ids.values, "staff_id": staff_id}
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, f"the matrix test does not know a parameter of {path}"
    return "/api/v1" + path


def _expected_allowed(rule: AccessRule, caller: str, roles: frozenset[str], scopes: frozenset[str]) -> bool:
    if rule.public:
        return True
    if caller in CLIENTS:
        return rule.scope == "*" or (rule.scope is not None and rule.scope in scopes)
    return rule.allows_role(roles)


def _call(client: TestClient, method: str, url: str, headers: dict[str, str]) -> Any:
    body: Any = [] if url.endswith("/attendance") or url.endswith("/bulk/families") else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.request(method, url, json=body if method != "DELETE" else None, headers=headers)


@pytest.mark.parametrize("caller", [*STAFF, *CLIENTS, "anonymous"])
def test_every_operation_answers_each_caller_as_the_matrix_says(
    client: TestClient, world: World, today: date, caller: str
) -> None:
    ids = _shared_child(world, today)
    if caller == "anonymous":
        headers: dict[str, str] = {}
    elif caller in CLIENTS:
        headers = bearer(client_token(client, caller))
    else:
        headers = bearer(token(client, caller))
    me = client.get("/api/v1/auth/me", headers=headers).json() if headers else {}
    roles, scopes = frozenset(me.get("roles", [])), frozenset(me.get("scopes", []))
    own_id = me.get("id", str(uuid.uuid4()))
    mismatches = []
    operations = _operations(client)
    assert len(operations) >= 40, "the contract's operations are all in the OpenAPI document"
    for method, path in operations:
        rule = rule_for(method, path)
        assert rule is not None, f"{method} {path} has no access rule"
        if rule.public:
            continue
        response = _call(client, method, _url(path, ids, own_id), headers)
        if caller == "anonymous":
            if response.status_code != 401:
                mismatches.append(f"{method} {path}: {response.status_code}, expected 401 without a token")
            continue
        allowed = _expected_allowed(rule, caller, roles, scopes)
        if caller in WITHOUT_RELATION and rule.person_level and any(p in path for p in PERSON_PARAMS):
            allowed = False
        refused = response.status_code in (401, 403)
        if allowed and refused:
            mismatches.append(f"{method} {path}: {response.status_code} {response.text[:120]}, expected access")
        if not allowed and response.status_code != 403:
            mismatches.append(f"{method} {path}: {response.status_code}, expected 403")
        if response.status_code >= 500:
            mismatches.append(f"{method} {path}: server error {response.status_code}")
    assert mismatches == []


def test_the_app_refuses_to_start_with_an_operation_that_has_no_rule(settings: Settings, database: Database) -> None:
    from fastapi import APIRouter

    from api import app as app_module
    from api.routers import ROUTERS

    stray = APIRouter()

    @stray.get("/unruled")
    def unruled() -> dict[str, str]:
        return {}

    ROUTERS.append(stray)
    try:
        with pytest.raises(RuntimeError, match="GET /unruled"):
            app_module.create_api(database=database, settings=settings)
    finally:
        ROUTERS.remove(stray)
