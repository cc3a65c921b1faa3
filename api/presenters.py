"""From stored rows and service results to the API's response models (one place per resource)."""

from __future__ import annotations

from api.schemas.families import ChildOut, FamilyOut, MemberOut
from domain.services.families import FamilyDetails
from domain.store.tables import Child


def child_out(child: Child) -> ChildOut:
    return ChildOut.model_validate(child, from_attributes=True)


def family_out(details: FamilyDetails) -> FamilyOut:
    family = details.family
    return FamilyOut(
        id=family.id,
        source_system=family.source_system,
        external_id=family.external_id,
        area=details.area,
        team=details.team,
        address=family.address,
        risk_factors=details.risk_factors,
        members=[MemberOut(id=m.id, role=m.role, name=m.name, cpr=m.cpr) for m in details.members],
        children=[child_out(c) for c in details.children],
        created_at=family.created_at,
        updated_at=family.updated_at,
    )
