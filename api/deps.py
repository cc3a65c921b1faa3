"""Request-scoped dependencies, declared once as `Annotated` aliases: the unit of work (one commit per
request, at the edge) and `authorize`, the one place every operation's access rule is enforced."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.audit import AuditTrail
from api.authentication import NotAuthenticated, actor_from_feed_token, actor_from_token
from api.policy import AccessRule, rule_for
from domain.clock import copenhagen_today
from domain.errors import DomainError, Forbidden
from domain.services import groups
from domain.services.actors import Actor, Role
from domain.store.database import Database
from domain.store.repositories import access
from domain.store.tables import Consent, Enrollment, Referral, Visit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
bearer_scheme = HTTPBearer(auto_error=False, description="An access token from POST /api/v1/auth/token")


@dataclass
class UnitOfWork:
    session: Session
    audit: AuditTrail
    database: Database
    writes: bool
    # Set by the sign-in operation: its failure counter must be kept even though the request fails.
    commit_on_domain_error: bool = False


def _finish(uow: UnitOfWork) -> None:
    """After the handler returned: a change commits with its audit events; a read commits nothing but
    its audit events, written before the response leaves."""
    session, trail = uow.session, uow.audit
    if uow.writes:
        trail.write(session)
        session.commit()
        return
    if not trail.events:
        session.rollback()
        return
    if uow.database.is_sqlite:
        # End the read transaction first: on SQLite a read transaction cannot safely become a write
        # one (another writer may have committed since its snapshot), but a fresh transaction that
        # starts with the insert waits for the lock like any writer.
        session.rollback()
    # On PostgreSQL the events join the read's own transaction: one commit, and no second checkout of
    # a pooled connection (each costs a round trip for the pre-ping).
    trail.write(session)
    session.commit()


def _fail(uow: UnitOfWork, exc: Exception) -> None:
    """The handler raised: undo its changes and record the attempt as refused or failed."""
    session, trail = uow.session, uow.audit
    if uow.commit_on_domain_error and isinstance(exc, DomainError):
        trail.mark_failed("refused")
        trail.write(session)
        session.commit()
        return
    session.rollback()
    refused = isinstance(exc, Forbidden | NotAuthenticated) or (
        isinstance(exc, StarletteHTTPException) and exc.status_code in (401, 403)
    )
    trail.mark_failed("refused" if refused else "failed")
    if trail.events:
        trail.write(session)
        session.commit()


def _close(session: Session) -> None:
    try:
        if session.in_transaction():
            session.rollback()
    finally:
        session.close()


async def unit_of_work(request: Request) -> AsyncIterator[UnitOfWork]:
    """One session per request. Writes commit once, here, after the handler returned; reads commit
    nothing but their audit events.

    Async on purpose: opening a session does no I/O, so only the end (commit, audit events) hops to
    the thread pool, and not at all when the request never touched the database (e.g. a refusal
    before any query, or GET /ping).
    """
    database: Database = request.app.state.database
    route = request.scope.get("route")
    resource = f"{request.method} {getattr(route, 'path', request.url.path)}"
    purpose = (request.headers.get("x-purpose") or "").strip()[:300] or None
    writes = request.method not in SAFE_METHODS
    trail = AuditTrail(request_id=getattr(request.state, "request_id", None), resource=resource, purpose=purpose)
    session = database.open_session(write=writes)
    uow = UnitOfWork(session=session, audit=trail, database=database, writes=writes)
    try:
        try:
            yield uow
        except Exception as exc:
            await run_in_threadpool(_fail, uow, exc)
            raise
        if session.in_transaction() or trail.events:
            await run_in_threadpool(_finish, uow)
    finally:
        if not session.in_transaction():
            session.close()  # no connection is held: nothing to send to the database
        else:
            try:
                await run_in_threadpool(_close, session)
            except BaseException:
                session.close()
                raise


UnitOfWorkDep = Annotated[UnitOfWork, Depends(unit_of_work, scope="function")]

_OWNER_TABLES: dict[str, type] = {
    "visit_id": Visit,
    "enrollment_id": Enrollment,
    "referral_id": Referral,
    "consent_id": Consent,
}


def _person_of(session: Session, path_params: dict[str, Any]) -> tuple[str, uuid.UUID] | None:
    """Which person the path names: ("child", id) or ("family", id)."""
    try:
        if "child_id" in path_params:
            return "child", uuid.UUID(str(path_params["child_id"]))
        if "family_id" in path_params:
            return "family", uuid.UUID(str(path_params["family_id"]))
        for name, table in _OWNER_TABLES.items():
            if name in path_params:
                child_id = access.child_of(session, table, uuid.UUID(str(path_params[name])))
                return ("child", child_id) if child_id else None
    except ValueError:
        return None  # not a UUID: the route's own validation answers 422
    return None


def _allowed(rule: AccessRule, actor: Actor) -> bool:
    if actor.is_client:
        return rule.scope == "*" or (rule.scope is not None and rule.scope in actor.scopes)
    return rule.allows_role(actor.roles)


def _refuse(uow: UnitOfWork, person_id: uuid.UUID | None, reason: str, **context: str) -> Forbidden:
    uow.audit.record("access", person_id=person_id, outcome="refused", details={"reason": reason, **context})
    return Forbidden(reason)


async def authorize(
    request: Request,
    uow: UnitOfWorkDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Actor | None:
    """Authenticate the caller and apply the operation's rule from `api.policy.RULES`."""
    route = request.scope.get("route")
    rule = rule_for(request.method, getattr(route, "path", ""))
    if rule is None:
        raise Forbidden("This operation has no access rule")
    if rule.public:
        return None
    # The checks query the database: one hop to the thread pool for all of them.
    return await run_in_threadpool(_check_access, request, uow, rule, credentials)


def _check_access(
    request: Request, uow: UnitOfWork, rule: AccessRule, credentials: HTTPAuthorizationCredentials | None
) -> Actor:
    path_params: dict[str, Any] = request.path_params
    feed_token = request.query_params.get("feed_token") if rule.self_only else None
    if credentials is not None:
        actor = actor_from_token(uow.session, request.app.state.token_verifiers, credentials.credentials)
    elif feed_token:
        actor = actor_from_feed_token(uow.session, path_params.get("staff_id"), feed_token)
    else:
        raise NotAuthenticated("A bearer token is required")
    uow.audit.actor = actor
    person = _person_of(uow.session, path_params) if rule.person_level else None
    person_id = person[1] if person else None
    if not _allowed(rule, actor):
        who = "client scope" if actor.is_client else "role"
        raise _refuse(uow, person_id, f"Your {who} does not allow this operation")
    if rule.self_only and actor.is_staff and str(path_params.get("staff_id")) != str(actor.id):
        raise _refuse(uow, None, "Staff may only use their own calendar")
    if person is not None:
        kind, pid = person
        today = copenhagen_today()
        visible = (
            access.can_see_child(uow.session, actor, pid, today=today)
            if kind == "child"
            else access.can_see_family(uow.session, actor, pid, today=today)
        )
        if not visible:
            raise _refuse(uow, pid, "This person is not on your caseload or assigned to you")
        if (
            rule.health_data
            and kind == "child"
            and actor.is_staff
            and not actor.has_role(Role.HEALTH_VISITOR)
            and not access.health_data_shared(uow.session, pid, today=today)
        ):
            raise _refuse(uow, pid, "No recorded consent or legal basis lets you see this child's health data")
    if rule.person_level and "course_id" in path_params and actor.is_staff:
        # A course is not a person, but it lists persons: the caller must be allowed to see the course.
        try:
            course_id = uuid.UUID(str(path_params["course_id"]))
        except ValueError:
            course_id = None  # not a UUID: the route's own validation answers 422
        if course_id is not None:
            try:
                groups.assert_course_visible(uow.session, actor, course_id, copenhagen_today())
            except Forbidden as refused:
                raise _refuse(uow, None, refused.detail, course_id=str(course_id)) from None
    if rule.person_level:
        action = "read" if request.method in SAFE_METHODS else "write"
        if person_id is not None:
            uow.audit.record(action, person_id=person_id)
    return actor


Authorized = Annotated[Actor | None, Depends(authorize)]


async def current_actor(actor: Authorized) -> Actor:
    """The authenticated caller of a non-public operation."""
    if actor is None:
        raise NotAuthenticated("A bearer token is required")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
