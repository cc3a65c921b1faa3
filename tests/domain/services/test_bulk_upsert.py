"""The set-based bulk upsert against the item-by-item path it replaced: the same batches, on two copies
of one database, must give the same outcomes and leave the same data."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert
from sqlmodel import Session, select

from domain.rules.cpr import fictional_cpr
from domain.services import families, schedules
from domain.services.families import ChildData, FamilyData, MemberData, UpsertItem, UpsertOutcome
from domain.store.database import Database
from domain.store.tables import Child, Family, FamilyMember, HousingArea, RiskFactor, Team, Visit
from tests.databases import TemplateDatabases

TODAY = date(2027, 3, 1)
AREAS = ["ringparken", "motalavej", "centrum", None]
FACTS = ["single_parent", "socially_isolated", "parent_experienced_neglect"]


@pytest.fixture
def twin_databases(databases: TemplateDatabases) -> Iterator[tuple[Database, Database]]:
    with databases.fresh(with_world=True) as fast, databases.fresh(with_world=True) as slow:
        yield fast, slow


def _cpr_pool(rng: random.Random) -> list[tuple[date, str]]:
    """Few CPR numbers for many children, so batches collide on them."""
    pool = []
    for serial in range(12):
        born = date(2026, 6, 1) + timedelta(days=rng.randrange(200))
        pool.append((born, fictional_cpr(born, serial, female=bool(serial % 2))))
    return pool


def _child(rng: random.Random, pool: list[tuple[date, str]], external_id: str | None) -> ChildData:
    if rng.random() < 0.5:
        born, cpr = rng.choice(pool)
        return ChildData(
            external_id=external_id,
            name=rng.choice([None, "Alma", "Noah"]),
            due_date=born + timedelta(days=rng.randint(-10, 10)),
            birth_date=born,
            cpr=cpr if rng.random() < 0.8 else None,
            discharge_date=born + timedelta(days=2) if rng.random() < 0.3 else None,
        )
    return ChildData(external_id=external_id, due_date=TODAY + timedelta(days=rng.randrange(200)))


def _family(rng: random.Random, pool: list[tuple[date, str]], number: int) -> UpsertItem:
    members = tuple(
        MemberData(role=rng.choice(["mother", "father", "co_parent"]), name=rng.choice(["Ida", "Ole", "Sara"]))
        for _ in range(rng.randint(0, 2))
    )
    children = tuple(
        _child(rng, pool, rng.choice([f"C-{n}", None]) if rng.random() < 0.9 else None)
        for n in range(rng.randint(0, 2))
    )
    risk = rng.random() < 0.7
    return UpsertItem(
        FamilyData(
            source_system=rng.choice(["esdh", "esdh", "other"]),
            external_id=f"F-{number}",
            area=rng.choice(AREAS) if rng.random() < 0.95 else "atlantis",
            address=rng.choice([None, "Ringparken 1", "Motalavej 2"]),
            risk_factors=tuple(rng.sample(FACTS, rng.randint(0, 2))) if risk else (),
            members=members,
            children=children,
        ),
        risk_factors_given=risk,
    )


def _batch(rng: random.Random, pool: list[tuple[date, str]], families_known: int, size: int) -> list[UpsertItem]:
    numbers = rng.sample(range(families_known + size), size)  # distinct families: the set-based path
    return [_family(rng, pool, n) for n in numbers]


def _state(database: Database) -> list[Any]:
    """Everything the upsert decides, without generated ids and timestamps."""
    with database.session(write=False) as session:
        areas = {a.id: a.code for a in session.exec(select(HousingArea))}
        teams = {t.id: t.code for t in session.exec(select(Team))}
        out = []
        for family in session.exec(select(Family).order_by(Family.source_system, Family.external_id)):
            members = sorted(
                (m.role, m.name, m.cpr or "")
                for m in session.exec(select(FamilyMember).where(FamilyMember.family_id == family.id))
            )
            risks = sorted(
                (r.code, r.recorded_on, r.recorded_by or "")
                for r in session.exec(select(RiskFactor).where(RiskFactor.family_id == family.id))
            )
            children = sorted(
                repr((c.external_id, c.name, c.due_date, c.birth_date, c.discharge_date, c.cpr, c.level, c.daycare_id))
                for c in session.exec(select(Child).where(Child.family_id == family.id))
            )
            out.append(
                (
                    family.source_system,
                    family.external_id,
                    areas.get(family.area_id) if family.area_id else None,
                    teams.get(family.team_id) if family.team_id else None,
                    family.address,
                    members,
                    risks,
                    children,
                )
            )
        return out


def _run(database: Database, batch: list[UpsertItem], *, fast: bool) -> list[tuple[str, tuple[Any, ...]]]:
    with database.session(write=True) as session:
        run = families.upsert_families if fast else families.upsert_families_one_by_one
        outcomes = run(session, batch, today=TODAY)
        session.commit()
    return [_comparable(o) for o in outcomes]


def _comparable(outcome: UpsertOutcome) -> tuple[str, tuple[Any, ...]]:
    return outcome.status, tuple((e.field, e.message) for e in outcome.errors)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_set_based_upsert_decides_and_stores_what_the_item_by_item_path_does(
    twin_databases: tuple[Database, Database], seed: int
) -> None:
    fast, slow = twin_databases
    rng = random.Random(seed)
    pool = _cpr_pool(rng)
    statuses: set[str] = set()
    batches = [_batch(rng, pool, families_known=40 * n, size=60) for n in range(4)]
    # Each batch is sent twice: the repeat is mostly "unchanged" (children without ids come again).
    for round_number, batch in enumerate(b for sent in batches for b in (sent, sent)):
        fast_outcomes = _run(fast, batch, fast=True)
        assert fast_outcomes == _run(slow, batch, fast=False), f"round {round_number}"
        assert _state(fast) == _state(slow), f"round {round_number}"
        statuses |= {status for status, _ in fast_outcomes}
    # The scenario really mixes every outcome, CPR conflicts included.
    assert statuses == {"created", "updated", "unchanged", "error"}


def test_two_items_claiming_one_cpr_the_later_fails_and_a_released_cpr_can_be_taken(database: Database) -> None:
    born = date(2026, 9, 1)
    first, second = fictional_cpr(born, 1, female=True), fictional_cpr(born, 2, female=True)

    def item(external_id: str, cpr: str, child: str = "C") -> UpsertItem:
        child_data = ChildData(external_id=child, due_date=born, birth_date=born, cpr=cpr)
        return UpsertItem(FamilyData("esdh", external_id, children=(child_data,)), risk_factors_given=False)

    with database.session(write=True) as session:
        outcomes = families.upsert_families(session, [item("A", first), item("B", first)], today=TODAY)
        session.commit()
    assert [o.status for o in outcomes] == ["created", "error"]
    assert outcomes[1].errors[0].message == "Another child already has this CPR number (children.0.cpr)"

    # A corrects its child's CPR number; B, later in the same batch, takes the number A gave up.
    with database.session(write=True) as session:
        outcomes = families.upsert_families(session, [item("A", second), item("B", first)], today=TODAY)
        session.commit()
    assert [o.status for o in outcomes] == ["updated", "created"]
    with database.session(write=False) as session:
        holders = {c.cpr: c.family_id for c in session.exec(select(Child))}
    assert holders == {second: outcomes[0].family_id, first: outcomes[1].family_id}


def test_a_family_sent_twice_in_one_batch_gets_the_later_data(database: Database) -> None:
    def item(address: str) -> UpsertItem:
        return UpsertItem(FamilyData("esdh", "TWICE", address=address), risk_factors_given=False)

    with database.session(write=True) as session:
        outcomes = families.upsert_families(session, [item("Vej 1"), item("Vej 2")], today=TODAY)
        session.commit()
    assert [o.status for o in outcomes] == ["created", "updated"]
    with database.session(write=False) as session:
        assert [f.address for f in session.exec(select(Family))] == ["Vej 2"]


def test_a_constraint_failing_on_write_falls_back_to_the_item_by_item_path(database: Database, now: datetime) -> None:
    """Another writer stores the same family between our read and our write (possible on PostgreSQL;
    here its insert runs on our connection just before the write savepoint)."""
    other_writer_done = False

    def other_writer(connection: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal other_writer_done
        if statement.startswith("SAVEPOINT") and not other_writer_done:
            other_writer_done = True
            row = {"id": uuid.uuid4(), "source_system": "esdh", "external_id": "RACE", "address": "Their address"}
            connection.execute(insert(Family).values(**row, created_at=now, updated_at=now))

    batch = [
        UpsertItem(FamilyData("esdh", "CALM", address="Vej 1"), risk_factors_given=False),
        UpsertItem(FamilyData("esdh", "RACE", address="Our address"), risk_factors_given=False),
    ]
    event.listen(database.write_engine, "before_cursor_execute", other_writer)
    try:
        with database.session(write=True) as session:
            outcomes = families.upsert_families(session, batch, today=TODAY)
            session.commit()
    finally:
        event.remove(database.write_engine, "before_cursor_execute", other_writer)
    assert other_writer_done
    # The fast path's insert of RACE hit the other writer's row; the fallback updated that row instead.
    assert [o.status for o in outcomes] == ["created", "updated"]
    with database.session(write=False) as session:
        stored = {f.external_id: (f.id, f.address) for f in session.exec(select(Family))}
    assert stored["RACE"] == (outcomes[1].family_id, "Our address")
    assert stored["CALM"][1] == "Vej 1"


def test_a_birth_sent_in_bulk_moves_the_planned_visits_of_an_enrolment(database: Database) -> None:
    due = TODAY + timedelta(days=20)
    unborn = ChildData(external_id="C", due_date=due)
    with database.session(write=True) as session:
        created = families.upsert_families(
            session, [UpsertItem(FamilyData("esdh", "BIRTH", children=(unborn,)), False)], today=TODAY
        )
        child_id = session.exec(select(Child.id).where(Child.family_id == created[0].family_id)).one()
        schedules.enroll(session, child_id=child_id, package_code="universal", start_date=TODAY, dry_run=False)
        session.commit()
        before = _planned(session, child_id)
    born = due - timedelta(days=12)
    birth = ChildData(external_id="C", birth_date=born, cpr=fictional_cpr(born, 5, female=False))
    with database.session(write=True) as session:
        outcomes = families.upsert_families(
            session, [UpsertItem(FamilyData("esdh", "BIRTH", children=(birth,)), False)], today=TODAY
        )
        session.commit()
        after = _planned(session, child_id)
    assert outcomes[0].status == "updated"
    assert before and after != before


def _planned(session: Session, child_id: uuid.UUID) -> list[tuple[str, int, date]]:
    visits = session.exec(select(Visit).where(Visit.child_id == child_id, Visit.status == "planned"))
    return sorted((v.kind, v.sequence, v.target_date) for v in visits)
