"""The one place tests build their data: small typed builders over the real service layer."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from domain.rules.cpr import fictional_cpr
from domain.services import families, levels, organisation
from domain.services.actors import ALL_SCOPES
from domain.store.database import Database
from domain.store.tables import CaseloadAssignment, Child, Family, Staff, Team

PASSWORD = "correct horse battery staple"
CLIENT_SECRET = "client-secret-for-tests"
_serials = itertools.count()


@dataclass
class World:
    """A small municipality: two teams, areas, one of each staff role and an integration client."""

    database: Database
    team_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)

    def staff_id(self, username: str) -> uuid.UUID:
        return self.staff[username].id


STAFF_ROLES = {
    "hv1": (["health_visitor"], "nord"),
    "hv2": (["health_visitor"], "syd"),
    "ft1": (["family_therapist"], None),
    "cw1": (["caseworker"], None),
    "mgr1": (["manager"], None),
    "admin1": (["admin"], None),
    "aud1": (["auditor"], None),
    "ped1": (["pedagogue"], None),
}


def build_world(database: Database) -> World:
    world = World(database=database)
    with database.session(write=True) as session:
        for code in ("nord", "syd"):
            world.team_ids[code] = organisation.create_team(session, code=code, name=f"Team {code}").id
        organisation.create_area(
            session, code="ringparken", name="Ringparken", designated=True, team_id=world.team_ids["nord"]
        )
        organisation.create_area(
            session, code="motalavej", name="Motalavej", designated=True, team_id=world.team_ids["nord"]
        )
        organisation.create_area(session, code="centrum", name="Centrum", team_id=world.team_ids["syd"])
        daycare = organisation.create_daycare(session, name="Vuggestuen Ringen", area_id=None)
        for username, (roles, team) in STAFF_ROLES.items():
            world.staff[username] = organisation.create_staff(
                session,
                username=username,
                full_name=username.upper(),
                roles=roles,
                team_id=world.team_ids[team] if team else None,
                daycare_id=daycare.id if "pedagogue" in roles else None,
                password=PASSWORD,
            )
        organisation.create_client(
            session, client_id="case-system", name="Case system", secret=CLIENT_SECRET, scopes=sorted(ALL_SCOPES)
        )
        organisation.create_client(
            session, client_id="calendar-only", name="Calendar", secret=CLIENT_SECRET, scopes=["schedules:read"]
        )
        session.commit()
    return world


def load_world(database: Database) -> World:
    """The municipality `build_world` made, as found in a database copied from its template."""
    world = World(database=database)
    with database.session(write=False) as session:
        world.team_ids = {team.code: team.id for team in session.exec(select(Team))}
        world.staff = {staff.username: staff for staff in session.exec(select(Staff))}
        session.expunge_all()  # keep the loaded rows usable after the session closes
    assert set(world.staff) >= set(STAFF_ROLES), "the database holds the test municipality"
    return world


def make_family(
    session: Session,
    *,
    today: date,
    area: str = "ringparken",
    risk_factors: tuple[str, ...] = (),
    due_date: date | None = None,
    birth_date: date | None = None,
    with_cpr: bool = True,
    health_visitor: uuid.UUID | None = None,
    external_id: str | None = None,
) -> tuple[Family, Child]:
    """A family with a mother and one child (unborn when only `due_date` is given), recorded on `today`."""
    if due_date is None and birth_date is None:
        due_date = today + timedelta(days=90)
    serial = next(_serials)
    cpr = fictional_cpr(birth_date, serial % 500, female=True) if birth_date and with_cpr else None
    family = families.create_family(
        session,
        data=families.FamilyData(
            source_system="tests",
            external_id=external_id or f"F-{uuid.uuid4().hex[:10]}",
            area=area,
            risk_factors=risk_factors,
            members=(families.MemberData(role="mother", name="Mor Testesen"),),
            children=(
                families.ChildData(
                    name="Barn Testesen" if birth_date else None,
                    external_id="C-1",
                    due_date=due_date or birth_date,
                    birth_date=birth_date,
                    cpr=cpr,
                ),
            ),
        ),
        today=today,
        recorded_by="tests",
    )
    if health_visitor is not None:
        session.add(
            CaseloadAssignment(family_id=family.id, staff_id=health_visitor, role="health_visitor", starts_on=today)
        )
        session.flush()
    child = session.exec(select(Child).where(Child.family_id == family.id)).one()
    return family, child


def decide_level(session: Session, world: World, child_id: uuid.UUID, level: int, on: date) -> None:
    """A level decision on the criteria by hv1, effective `on`."""
    levels.decide_level(
        session,
        child_id=child_id,
        level=level,
        basis="criteria",
        reason="criteria fired",
        effective_on=on,
        decided_by=world.staff_id("hv1"),
    )


def token(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post(
        "/api/v1/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def client_token(client: TestClient, client_id: str = "case-system", scope: str | None = None) -> str:
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": CLIENT_SECRET}
    if scope:
        data["scope"] = scope
    response = client.post("/api/v1/auth/token", data=data)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}


SELF_HARM_EPDS = [0] * 10  # item 10's first printed answer scores 3: thoughts of self-harm
ADBB_ABOVE_CUTOFF = [1, 1, 1, 1, 1, 0, 0, 0]  # total 5


@dataclass
class HealthStory:
    """A family whose child carries health data in every field that can hold it, with a sibling only
    the health-visiting side sees (see `health_story`)."""

    family_id: uuid.UUID
    child_id: uuid.UUID
    sibling_id: uuid.UUID
    mother_id: uuid.UUID
    mother_cpr: str
    father_cpr: str
    sibling_cpr: str
    urgent_visit_ids: list[uuid.UUID]
    referral_id: uuid.UUID
    consent: bool


def health_story(world: World, today: date, *, consent: bool, urgent_visits: int = 1) -> HealthStory:
    """A 200-day-old on hv1's caseload in Ringparken (designated), in Minding the Baby with ft1, referred
    to cw1 ("Positiv depressionsscreening hos mor"), in ped1's daycare with a transitions enrolment; the
    family has a social and a health-related risk factor (single_parent, parent_mental_illness), the mother
    an EPDS with thoughts of self-harm (each of `urgent_visits` screenings creates an urgent contact, the
    first assigned to ft1 too), the child an ADBB above the cut-off, a level decided by judgement ("Mor har
    fødselsdepression") and then by the criteria. A sibling of 2½ years, with a risk factor recorded for
    him only (placed_outside_home), is seen by the health visitor alone. With `consent`, a consent shares
    the child's health data with social staff."""
    from domain.services import referrals, schedules, screenings, visits
    from domain.services.eligibility import eligibility_for_child
    from domain.store.tables import Consent, RiskFactor

    hv1, ft1 = world.staff_id("hv1"), world.staff_id("ft1")
    born, sibling_born = today - timedelta(days=200), today - timedelta(days=900)
    serial = next(_serials)
    mother_cpr = fictional_cpr(date(1994, 3, 14), serial % 500, female=True)
    father_cpr = fictional_cpr(date(1991, 9, 2), serial % 500, female=False)
    child_cpr = fictional_cpr(born, serial % 500, female=True)
    sibling_cpr = fictional_cpr(sibling_born, serial % 500, female=False)
    with world.database.session(write=True) as session:
        family = families.create_family(
            session,
            data=families.FamilyData(
                source_system="tests",
                external_id=f"F-{uuid.uuid4().hex[:10]}",
                area="ringparken",
                risk_factors=("single_parent", "parent_mental_illness"),
                members=(
                    families.MemberData(role="mother", name="Nora Holm", cpr=mother_cpr),
                    families.MemberData(role="father", name="Jonas Holm", cpr=father_cpr),
                ),
                children=(
                    families.ChildData(name="Alma Holm", external_id="C-1", birth_date=born, cpr=child_cpr),
                    families.ChildData(
                        name="Storebror Holm", external_id="C-2", birth_date=sibling_born, cpr=sibling_cpr
                    ),
                ),
            ),
            today=today,
            recorded_by="tests",
        )
        children = {c.external_id: c for c in session.exec(select(Child).where(Child.family_id == family.id))}
        child, sibling = children["C-1"], children["C-2"]
        mother = next(m for m in families.family_details(session, [family])[0].members if m.role == "mother")
        session.add(RiskFactor(family_id=family.id, child_id=sibling.id, code="placed_outside_home", recorded_on=today))
        session.add(CaseloadAssignment(family_id=family.id, staff_id=hv1, role="health_visitor", starts_on=today))
        ped = session.get(Staff, world.staff_id("ped1"))
        assert ped is not None
        child.daycare_id = ped.daycare_id
        child.daycare_start = today + timedelta(days=30)
        session.add(child)
        session.flush()
        schedules.enroll(
            session,
            child_id=child.id,
            package_code="minding_the_baby",
            start_date=today - timedelta(days=100),
            dry_run=False,
            staff_ids={"family_therapist": ft1},
        )
        schedules.enroll(session, child_id=child.id, package_code="transitions", start_date=today, dry_run=False)
        referral = referrals.create_referral(
            session,
            child_id=child.id,
            target="social_services",
            reason="Positiv depressionsscreening hos mor",
            sent_on=today,
            referred_by=hv1,
            assigned_staff_id=world.staff_id("cw1"),
        )
        urgent: list[uuid.UUID] = []
        for _ in range(urgent_visits):
            recorded = screenings.record_screening(
                session,
                child_id=child.id,
                instrument="EPDS",
                respondent="mother",
                items=SELF_HARM_EPDS,
                administered_on=today,
                administered_by=hv1,
                visit_id=None,
                today=today,
            )
            assert recorded.urgent_visit is not None
            urgent.append(recorded.urgent_visit.id)
        visits.reschedule_visit(session, visit_id=urgent[0], target_date=None, reason=None, staff_ids=[hv1, ft1])
        screenings.record_screening(
            session,
            child_id=child.id,
            instrument="ADBB",
            respondent="child",
            items=ADBB_ABOVE_CUTOFF,
            administered_on=today,
            administered_by=hv1,
            visit_id=None,
            today=today,
        )
        levels.decide_level(
            session,
            child_id=child.id,
            level=3,
            basis="professional_judgement",
            reason="Mor har fødselsdepression",
            effective_on=today - timedelta(days=10),
            decided_by=hv1,
        )
        suggested = eligibility_for_child(session, child_id=child.id, today=today).suggestion.suggested_level
        levels.decide_level_for_child(
            session,
            child_id=child.id,
            level=int(suggested),
            basis="criteria",
            reason="",
            effective_on=today,
            decided_by=hv1,
            today=today,
        )
        if consent:
            session.add(Consent(child_id=child.id, kind="consent", scope="health_data_to_social", given_on=today))
        session.commit()
        return HealthStory(
            family_id=family.id,
            child_id=child.id,
            sibling_id=sibling.id,
            mother_id=mother.id,
            mother_cpr=mother_cpr,
            father_cpr=father_cpr,
            sibling_cpr=sibling_cpr,
            urgent_visit_ids=urgent,
            referral_id=referral.id,
            consent=consent,
        )
