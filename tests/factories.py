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
