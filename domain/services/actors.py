"""Who is acting: a staff member or an integration client, as the services see them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    HEALTH_VISITOR = "health_visitor"
    FAMILY_THERAPIST = "family_therapist"
    CASEWORKER = "caseworker"
    MANAGER = "manager"
    ADMIN = "admin"
    AUDITOR = "auditor"
    PEDAGOGUE = "pedagogue"


class Scope(StrEnum):
    FAMILIES_READ = "families:read"
    FAMILIES_WRITE = "families:write"
    SCREENINGS_READ = "screenings:read"
    SCREENINGS_WRITE = "screenings:write"
    ELIGIBILITY_READ = "eligibility:read"
    LEVELS_WRITE = "levels:write"
    ENROLLMENTS_WRITE = "enrollments:write"
    SCHEDULES_READ = "schedules:read"
    VISITS_WRITE = "visits:write"
    REFERRALS_READ = "referrals:read"
    REFERRALS_WRITE = "referrals:write"
    GROUPS_READ = "groups:read"
    GROUPS_WRITE = "groups:write"
    REPORTS_READ = "reports:read"
    CATALOG_READ = "catalog:read"


ALL_SCOPES: frozenset[str] = frozenset(s.value for s in Scope)


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller. `id` is the staff id for staff and the client's id for clients."""

    kind: str  # "staff" | "client"
    id: uuid.UUID
    username: str
    roles: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    team_id: uuid.UUID | None = None
    daycare_id: uuid.UUID | None = None

    @property
    def is_client(self) -> bool:
        return self.kind == "client"

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    def has_role(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def audit_name(self) -> str:
        return f"{self.kind}:{self.username}"
