"""Teams, housing areas, daycares, staff and integration clients."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from domain.errors import Conflict, NotFound, ValidationFailed
from domain.services.actors import ALL_SCOPES, Role
from domain.services.credentials import hash_secret
from domain.store.tables import Daycare, HousingArea, IntegrationClient, Staff, Team

KNOWN_ROLES = frozenset(r.value for r in Role)


def create_team(session: Session, *, code: str, name: str) -> Team:
    team = Team(code=code, name=name)
    session.add(team)
    session.flush()
    return team


def create_area(
    session: Session, *, code: str, name: str, designated: bool = False, team_id: uuid.UUID | None = None
) -> HousingArea:
    area = HousingArea(code=code, name=name, designated=designated, team_id=team_id)
    session.add(area)
    session.flush()
    return area


def create_daycare(session: Session, *, name: str, area_id: uuid.UUID | None) -> Daycare:
    daycare = Daycare(name=name, area_id=area_id)
    session.add(daycare)
    session.flush()
    return daycare


def area_by_code(session: Session, code: str) -> HousingArea:
    area = session.exec(select(HousingArea).where(HousingArea.code == code)).first()
    if area is None:
        raise NotFound(f"No housing area with code {code!r}")
    return area


def create_staff(
    session: Session,
    *,
    username: str,
    full_name: str,
    roles: list[str],
    team_id: uuid.UUID | None = None,
    daycare_id: uuid.UUID | None = None,
    password: str | None = None,
    external_subject: str | None = None,
) -> Staff:
    unknown = set(roles) - KNOWN_ROLES
    if unknown:
        raise ValidationFailed.for_field("roles", f"Unknown roles: {', '.join(sorted(unknown))}")
    if session.exec(select(Staff.id).where(Staff.username == username)).first():
        raise Conflict(f"A staff member with username {username!r} exists")
    staff = Staff(
        username=username,
        full_name=full_name,
        roles=sorted(roles),
        team_id=team_id,
        daycare_id=daycare_id,
        password_hash=hash_secret(password) if password else None,
        external_subject=external_subject,
    )
    session.add(staff)
    session.flush()
    return staff


def create_client(session: Session, *, client_id: str, name: str, secret: str, scopes: list[str]) -> IntegrationClient:
    unknown = set(scopes) - ALL_SCOPES
    if unknown:
        raise ValidationFailed.for_field("scopes", f"Unknown scopes: {', '.join(sorted(unknown))}")
    client = IntegrationClient(client_id=client_id, name=name, secret_hash=hash_secret(secret), scopes=sorted(scopes))
    session.add(client)
    session.flush()
    return client
