"""Concurrent writers and repeated requests: SQLite writers queue instead of failing, and a repeat of a
POST still being processed answers 409."""

from __future__ import annotations

import hashlib
import threading
import time

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from domain.store.database import Database
from domain.store.repositories import idempotency
from domain.store.tables import Team
from tests.databases import is_postgres
from tests.factories import World, bearer, token


def _read_then_write(database: Database, name: str, *, write: bool, errors: list[str]) -> None:
    try:
        with database.session(write=write) as session:
            count = session.exec(select(func.count()).select_from(Team)).one()
            time.sleep(0.05)  # both transactions hold their read before either writes
            session.add(Team(code=f"{name}-{count}", name=name))
            session.commit()
    except OperationalError as exc:
        errors.append(str(exc.orig))


def _race(database: Database, *, write: bool) -> list[str]:
    errors: list[str] = []
    threads = [
        threading.Thread(target=_read_then_write, args=(database, f"t{i}"), kwargs={"write": write, "errors": errors})
        for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_writers_wait_for_each_other_instead_of_failing(database: Database) -> None:
    assert _race(database, write=True) == []
    with database.session(write=False) as session:
        assert session.exec(select(func.count()).select_from(Team)).one() == 6
    if not is_postgres():
        # The same work in deferred transactions is what fails without BEGIN IMMEDIATE: a read lock
        # cannot be upgraded while another reader holds one, and SQLite gives up at once.
        assert any("locked" in error for error in _race(database, write=False))


def test_a_repeat_while_the_first_request_is_still_running_answers_409(client: TestClient, world: World) -> None:
    headers = {**bearer(token(client, "hv1")), "Idempotency-Key": "slow-request-1"}
    body = b'{"source_system": "esdh", "external_id": "F-9", "area": "ringparken"}'
    with world.database.session(write=True) as session:
        # What the middleware records when the first request starts, before it has an answer.
        claimed = idempotency.claim(
            session,
            principal=f"staff:{world.staff_id('hv1')}",
            key="slow-request-1",
            method="POST",
            path="/api/v1/families",
            body_hash=hashlib.sha256(body).hexdigest(),
        )
        assert claimed
        session.commit()
    response = client.post("/api/v1/families", content=body, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/families", headers=bearer(token(client, "hv1"))).json()["items"] == []
