"""The access matrix: which role or client scope may call which operation, as data.

Every operation of the API has exactly one rule here; the app refuses to start if a route lacks one,
and a table-driven test calls every operation as every role against this matrix. Person-level rules
also require a relation to the person (caseload, enrolment, referral), checked in `api/access.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.services.actors import Role, Scope

HV, FT, CW = Role.HEALTH_VISITOR, Role.FAMILY_THERAPIST, Role.CASEWORKER
MGR, ADMIN, AUD, PED = Role.MANAGER, Role.ADMIN, Role.AUDITOR, Role.PEDAGOGUE
CARE_STAFF = frozenset({HV, FT, CW})
ALL_STAFF = frozenset(Role)


@dataclass(frozen=True, slots=True)
class AccessRule:
    roles: frozenset[str] = frozenset()
    scope: str | None = None  # the client scope that grants the operation; None: no client may call it
    person_level: bool = False  # touches a person's data: audited, relation-checked, never for managers
    public: bool = False  # needs no token (the token endpoint and the ping)
    self_only: bool = False  # staff may call it only for their own {staff_id}
    # Health-visiting data (screenings, notes): social staff see it only under consent or a legal basis.
    health_data: bool = False
    # Roles that may call this person-level operation without a relation to the person (and only this one:
    # e.g. an admin recording a legal basis, who sees no child's record otherwise).
    without_relation: frozenset[str] = frozenset()
    # The problem's detail when the caller's role does not allow the operation (a generic one if None).
    refusal: str | None = None

    def allows_role(self, roles: frozenset[str]) -> bool:
        return bool(self.roles & roles)


def _person(
    roles: frozenset[str],
    scope: str | None,
    *,
    health_data: bool = False,
    without_relation: frozenset[str] = frozenset(),
    refusal: str | None = None,
) -> AccessRule:
    return AccessRule(
        roles=roles,
        scope=scope,
        person_level=True,
        health_data=health_data,
        without_relation=without_relation,
        refusal=refusal,
    )


# Consents and legal bases open a child's health data to social staff, so only the health-visiting side
# grants them (the child's health visitor or her team; an admin, without access to anything else), never
# the social staff they benefit (also an invariant of domain/services/consents.py). Social staff request.
GRANTORS = frozenset({HV, ADMIN})
SOCIAL_STAFF = frozenset({FT, CW})
GRANT_REFUSAL = (
    "Only the child's health visitor (her own or her team's caseload) or an admin may record or withdraw a "
    "consent or legal basis; social staff may ask for sharing with POST /children/{child_id}/sharing-requests"
)


RULES: dict[tuple[str, str], AccessRule] = {
    ("POST", "/auth/token"): AccessRule(public=True),
    # Needs no bearer token to reach: it authenticates its caller itself, as the token endpoint does (client
    # credentials, or a staff member's own valid bearer token), and revokes only the caller's own tokens.
    ("POST", "/auth/revoke"): AccessRule(public=True),
    ("GET", "/ping"): AccessRule(public=True),
    ("GET", "/auth/me"): AccessRule(roles=ALL_STAFF, scope="*"),
    # catalog (no person data)
    ("GET", "/levels"): AccessRule(roles=ALL_STAFF, scope=Scope.CATALOG_READ),
    ("GET", "/packages"): AccessRule(roles=ALL_STAFF, scope=Scope.CATALOG_READ),
    ("GET", "/packages/{code}"): AccessRule(roles=ALL_STAFF, scope=Scope.CATALOG_READ),
    ("POST", "/packages/{code}/versions"): AccessRule(roles=frozenset({ADMIN})),
    ("GET", "/criteria"): AccessRule(roles=ALL_STAFF, scope=Scope.CATALOG_READ),
    ("POST", "/criteria/versions"): AccessRule(roles=frozenset({ADMIN})),
    ("POST", "/eligibility/evaluate"): AccessRule(roles=CARE_STAFF | {MGR}, scope=Scope.ELIGIBILITY_READ),
    # families and children
    ("POST", "/families"): _person(CARE_STAFF, Scope.FAMILIES_WRITE),
    ("GET", "/families"): _person(CARE_STAFF, Scope.FAMILIES_READ),
    ("GET", "/families/{family_id}"): _person(CARE_STAFF | {PED}, Scope.FAMILIES_READ),
    ("PATCH", "/families/{family_id}"): _person(CARE_STAFF, Scope.FAMILIES_WRITE),
    ("PUT", "/families/{family_id}/risk-factors"): _person(CARE_STAFF, Scope.FAMILIES_WRITE),
    ("POST", "/bulk/families"): _person(frozenset(), Scope.FAMILIES_WRITE),
    ("POST", "/children"): _person(CARE_STAFF, Scope.FAMILIES_WRITE),
    ("GET", "/children"): _person(CARE_STAFF | {PED}, Scope.FAMILIES_READ),
    ("GET", "/children/{child_id}"): _person(CARE_STAFF | {PED}, Scope.FAMILIES_READ),
    ("PATCH", "/children/{child_id}"): _person(CARE_STAFF, Scope.FAMILIES_WRITE),
    ("POST", "/children/{child_id}/birth"): _person(frozenset({HV}), Scope.FAMILIES_WRITE),
    # health data
    # Its answer is the scored screening: health data, so a client needs screenings:read too.
    ("POST", "/children/{child_id}/screenings"): _person(frozenset({HV}), Scope.SCREENINGS_WRITE, health_data=True),
    ("GET", "/children/{child_id}/screenings"): _person(CARE_STAFF, Scope.SCREENINGS_READ, health_data=True),
    ("POST", "/screenings/score"): AccessRule(roles=CARE_STAFF, scope=Scope.SCREENINGS_WRITE),
    ("GET", "/screenings/instruments"): AccessRule(roles=ALL_STAFF, scope=Scope.CATALOG_READ),
    ("GET", "/children/{child_id}/eligibility"): _person(CARE_STAFF, Scope.ELIGIBILITY_READ),
    ("POST", "/children/{child_id}/level-decisions"): _person(CARE_STAFF, Scope.LEVELS_WRITE),
    ("GET", "/children/{child_id}/level-decisions"): _person(CARE_STAFF, Scope.ELIGIBILITY_READ),
    ("POST", "/children/{child_id}/consents"): _person(
        GRANTORS, None, without_relation=frozenset({ADMIN}), refusal=GRANT_REFUSAL
    ),
    ("GET", "/children/{child_id}/consents"): _person(CARE_STAFF | {ADMIN}, None, without_relation=frozenset({ADMIN})),
    ("POST", "/consents/{consent_id}/withdraw"): _person(
        GRANTORS, None, without_relation=frozenset({ADMIN}), refusal=GRANT_REFUSAL
    ),
    ("GET", "/consents/{consent_id}"): _person(CARE_STAFF | {ADMIN}, None, without_relation=frozenset({ADMIN})),
    ("GET", "/legal-basis-kinds"): AccessRule(roles=ALL_STAFF, scope=Scope.CATALOG_READ),
    ("POST", "/children/{child_id}/sharing-requests"): _person(
        SOCIAL_STAFF,
        None,
        refusal="Only social staff (family therapists, caseworkers) request sharing; the health visitor records "
        "a consent or legal basis instead",
    ),
    ("GET", "/children/{child_id}/sharing-requests"): _person(CARE_STAFF, None),
    ("GET", "/sharing-requests/{sharing_request_id}"): _person(CARE_STAFF, None),
    ("POST", "/sharing-requests/{sharing_request_id}/decline"): _person(
        frozenset({HV}), None, refusal="Only the child's health visitor answers a request to share health data"
    ),
    # enrolments and visits
    ("POST", "/children/{child_id}/enrollments"): _person(CARE_STAFF, Scope.ENROLLMENTS_WRITE),
    ("GET", "/children/{child_id}/enrollments"): _person(CARE_STAFF, Scope.SCHEDULES_READ),
    ("GET", "/enrollments/{enrollment_id}"): _person(CARE_STAFF, Scope.SCHEDULES_READ),
    ("PATCH", "/enrollments/{enrollment_id}"): _person(CARE_STAFF, Scope.ENROLLMENTS_WRITE),
    ("GET", "/children/{child_id}/schedule"): _person(CARE_STAFF | {PED}, Scope.SCHEDULES_READ),
    ("POST", "/children/{child_id}/visits"): _person(CARE_STAFF, Scope.VISITS_WRITE),
    ("GET", "/visits"): _person(CARE_STAFF | {PED}, Scope.SCHEDULES_READ),
    ("GET", "/visits/{visit_id}"): _person(CARE_STAFF | {PED}, Scope.SCHEDULES_READ),
    ("PATCH", "/visits/{visit_id}"): _person(CARE_STAFF, Scope.VISITS_WRITE),
    ("POST", "/visits/{visit_id}/complete"): _person(CARE_STAFF, Scope.VISITS_WRITE),
    ("POST", "/visits/{visit_id}/cancel"): _person(CARE_STAFF, Scope.VISITS_WRITE),
    ("POST", "/visits/{visit_id}/missed"): _person(CARE_STAFF, Scope.VISITS_WRITE),
    ("GET", "/staff/{staff_id}/calendar.ics"): AccessRule(
        roles=CARE_STAFF | {PED}, scope=Scope.SCHEDULES_READ, person_level=True, self_only=True
    ),
    ("POST", "/staff/{staff_id}/calendar-feed"): AccessRule(roles=CARE_STAFF | {PED}, self_only=True),
    ("DELETE", "/staff/{staff_id}/calendar-feed"): AccessRule(roles=CARE_STAFF | {PED}, self_only=True),
    # referrals and groups
    ("POST", "/children/{child_id}/referrals"): _person(CARE_STAFF, Scope.REFERRALS_WRITE),
    ("GET", "/children/{child_id}/referrals"): _person(CARE_STAFF, Scope.REFERRALS_READ),
    ("PATCH", "/referrals/{referral_id}"): _person(CARE_STAFF, Scope.REFERRALS_WRITE),
    ("GET", "/referrals/{referral_id}"): _person(CARE_STAFF, Scope.REFERRALS_READ),
    ("POST", "/group-courses"): AccessRule(roles=frozenset({HV}), scope=Scope.GROUPS_WRITE),
    ("GET", "/group-courses"): AccessRule(roles=CARE_STAFF | {MGR}, scope=Scope.GROUPS_READ),
    ("GET", "/group-courses/{course_id}"): _person(CARE_STAFF, Scope.GROUPS_READ),
    ("POST", "/group-courses/{course_id}/participants"): _person(frozenset({HV}), Scope.GROUPS_WRITE),
    ("PUT", "/group-courses/{course_id}/sessions/{session_id}/attendance"): _person(
        frozenset({HV}), Scope.GROUPS_WRITE
    ),
    # reports: aggregates; drill-down to persons is person-level
    ("GET", "/reports/housing-areas"): AccessRule(roles=CARE_STAFF | {MGR}, scope=Scope.REPORTS_READ),
    ("GET", "/reports/coverage"): AccessRule(roles=CARE_STAFF | {MGR}, scope=Scope.REPORTS_READ),
    ("GET", "/reports/levels"): AccessRule(roles=CARE_STAFF | {MGR}, scope=Scope.REPORTS_READ),
    ("GET", "/reports/group-attendance"): AccessRule(roles=CARE_STAFF | {MGR}, scope=Scope.REPORTS_READ),
    ("GET", "/reports/cost-estimate"): AccessRule(roles=CARE_STAFF | {MGR}, scope=Scope.REPORTS_READ),
    ("GET", "/reports/fidelity"): AccessRule(roles=CARE_STAFF | {MGR}, scope=Scope.REPORTS_READ),
    ("GET", "/reports/capacity"): AccessRule(roles=CARE_STAFF | {MGR}, scope=Scope.REPORTS_READ),
    ("GET", "/reports/coverage/children"): _person(CARE_STAFF, Scope.FAMILIES_READ),
    ("GET", "/reports/fidelity/families"): _person(CARE_STAFF, Scope.FAMILIES_READ),
    # audit
    ("GET", "/audit"): AccessRule(roles=frozenset({AUD})),
}


# Who is shown the CPR numbers of a family's members (parents) in family answers: the health-visiting side
# and caseworkers (who handle the case), and integration clients with families:read. Family therapists and
# pedagogues see the parents' names and roles, not their CPR numbers.
MEMBER_CPR_ROLES = frozenset({HV, CW})


def rule_for(method: str, path: str) -> AccessRule | None:
    """The rule of an operation; HEAD is governed by its GET."""
    return RULES.get(("GET" if method == "HEAD" else method, path))
