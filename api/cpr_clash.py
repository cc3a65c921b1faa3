"""A create or change that collides with a CPR number another child holds.

The answer must not tell a caller who may not see that child that it exists: such a caller gets the same
neutral 409 whichever child holds the number, and the attempt is on record with the holder as its person,
so an auditor sees who probed whom.
"""

from __future__ import annotations

from api.deps import UnitOfWork
from domain.clock import copenhagen_today
from domain.errors import Conflict
from domain.services.actors import Actor
from domain.services.families import CprInUse
from domain.store.repositories.access import can_see_child

NEUTRAL = (
    "This CPR number cannot be registered here. If the child is known to the municipality already, the health "
    "visiting service can move the child's record; the attempt has been recorded."
)


def refuse(uow: UnitOfWork, actor: Actor, clash: CprInUse) -> Conflict:
    """The problem to raise for `clash`, after recording the attempt."""
    uow.audit.record("cpr_clash", person_id=clash.holder, outcome="refused", details={"field": clash.field_name})
    if can_see_child(uow.session, actor, clash.holder, today=copenhagen_today()):
        return Conflict(f"{clash.detail}: child {clash.holder}")
    return Conflict(NEUTRAL)
