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
from api.idempotency import REPLAY_DETAILS, REPLAY_SCOPE_KEY, StoredAnswer
from api.policy import AccessRule, rule_for
from domain.clock import copenhagen_today
from domain.errors import DomainError, Forbidden
from domain.services import groups
from domain.services.actors import Actor
from domain.store.database import Database
from domain.store.repositories import access
from domain.store.tables import Consent, Enrollment, Referral, SharingRequest, Visit

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
    if isinstance(exc, StoredAnswer):  # a repeat the access rule allowed: its reads are on record as done
        _finish(uow)
        return
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
    "sharing_request_id": SharingRequest,
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
    stored: StoredAnswer | None = request.scope.get(REPLAY_SCOPE_KEY)
    if rule.public:
        if stored is not None:
            raise stored
        return None
    # The checks query the database: one hop to the thread pool for all of them.
    actor = await run_in_threadpool(_check_access, request, uow, rule, credentials)
    if stored is not None:
        # A repeated POST (Idempotency-Key): the rule passed again; the stored answer goes out instead of the
        # handler running twice, once the persons it shows are checked and their reads recorded.
        await run_in_threadpool(_check_replay, request, uow, actor, stored)
        raise stored
    return actor


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
        detail = rule.refusal if rule.refusal and actor.is_staff else f"Your {who} does not allow this operation"
        raise _refuse(uow, person_id, detail)
    if rule.self_only and actor.is_staff and str(path_params.get("staff_id")) != str(actor.id):
        raise _refuse(uow, None, "Staff may only use their own calendar")
    if person is not None:
        kind, pid = person
        today = copenhagen_today()
        # A role the rule lets in without a relation (e.g. an admin recording a legal basis) skips only this.
        exempt = actor.is_staff and actor.has_role(*rule.without_relation)
        visible = exempt or (
            access.can_see_child(uow.session, actor, pid, today=today)
            if kind == "child"
            else access.can_see_family(uow.session, actor, pid, today=today)
        )
        if not visible:
            raise _refuse(uow, pid, "This person is not on your caseload or assigned to you")
        if (
            rule.health_data
            and kind == "child"
            and pid not in access.health_data_covered(uow.session, actor, [pid], today=today)
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
        replay: StoredAnswer | None = request.scope.get(REPLAY_SCOPE_KEY)
        action = "read" if request.method in SAFE_METHODS or replay is not None else "write"
        if person_id is not None and (replay is None or replay.shows_data):
            uow.audit.record(action, person_id=person_id, details=dict(REPLAY_DETAILS) if replay is not None else None)
    return actor


def _check_replay(request: Request, uow: UnitOfWork, actor: Actor, stored: StoredAnswer) -> None:
    """The persons a stored answer shows beyond the one in the path (a created family or child, a bulk
    upsert's families, a course's new participant): the caller must still see each; each look is a read."""
    route_path = getattr(request.scope.get("route"), "path", "")
    persons = stored.persons(route_path)
    if not persons:
        return
    today = copenhagen_today()
    for kind, person_id in persons:
        visible = (
            access.can_see_child(uow.session, actor, person_id, today=today)
            if kind == "child"
            else access.can_see_family(uow.session, actor, person_id, today=today)
        )
        if not visible:
            raise _refuse(uow, person_id, "This person is not on your caseload or assigned to you")
    for _, person_id in persons:
        uow.audit.record("read", person_id=person_id, details=dict(REPLAY_DETAILS))


Authorized = Annotated[Actor | None, Depends(authorize)]


async def current_actor(actor: Authorized) -> Actor:
    """The authenticated caller of a non-public operation."""
    if actor is None:
        raise NotAuthenticated("A bearer token is required")
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
