"""Synthetic municipality at benchmark scale: `python -m bench.generate --size S|M|L`.

Sizes: S ~1,000 children (CI smoke), M ~60,000 children and ~0.9 M visit rows (the largest
municipality over 6 birth years), L ~350,000 children and ~5 M visit rows (national).

The database is created afresh (the SQLite file removed, or the PostgreSQL database dropped and
created), migrated with Alembic, and given the default catalog and the demo organisation (the
documented sign-ins hv1, hv2, ft1, cw1, mgr1, admin1, aud1 with password `demo` and demo-client /
demo-secret) through the service layer, grown with more teams, areas, daycares and staff so every
health visitor has a caseload of about 250 children. Everything per person is then written in bulk:
SQLAlchemy Core `insert()` with lists of dicts of identical keys on SQLite, psycopg `COPY` on
PostgreSQL, in large transactions, never one ORM object per row.

Visits come from the real schedule engine (`domain.rules.schedule.generate_schedule` with the
catalog stored in the database), so kinds, sequences, windows on Danish working days and roles are
what the service itself plans; past visits are then settled (mostly done, some missed or
cancelled, and recent ones left planned so worklists show overdue visits). Screenings are scored by
`domain.rules.screening.score_screening`. The shares are documented defaults (see `SHARES`), from the
seeds where they give a figure and assumptions otherwise.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Index, column, create_engine, insert, table, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, select
from tqdm import tqdm

from domain.clock import copenhagen_today, utc_now
from domain.rules.catalog import Anchor, PackageVersion
from domain.rules.cpr import fictional_cpr
from domain.rules.schedule import ChildAnchors, PlannedVisit, generate_schedule
from domain.rules.screening import instrument_definition, score_screening
from domain.services import demo_data, organisation
from domain.services.catalog import ensure_default_catalog, package_catalog
from domain.store.database import Database
from domain.store.migrations import upgrade_to_head
from domain.store.repositories.access import HEALTH_DATA_SCOPE
from domain.store.tables import HousingArea

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
RESULTS_DIR = BENCH_DIR / "results"
SOURCE_SYSTEM = "bench-case-system"


@dataclass(frozen=True, slots=True)
class Size:
    name: str
    children: int
    # Birth years covered: the programme runs to age 3, but records of 6 birth years are kept
    # (level-4 follow-up and 3-year visits reach past the programme's end).
    birth_years: int = 6
    # A health visitor's caseload (assumption: 200-300 children of 0-6 years in Danish municipalities).
    children_per_health_visitor: int = 250
    health_visitors_per_team: int = 10
    areas_per_team: int = 3
    # One area in eight is a designated housing area (seed 001: 2 of Slagelse's areas).
    designated_every: int = 8
    children_per_family_therapist: int = 1_500
    children_per_caseworker: int = 1_500


SIZES = {
    "S": Size("S", 1_000),
    "M": Size("M", 60_000),
    "L": Size("L", 350_000),
}

# Shares of families, children and visits. Seed figures where the seeds give one, otherwise
# assumptions in line with Danish health visiting (written down so the bench is reproducible).
SHARES: dict[str, float] = {
    "second_child": 0.25,  # families with a younger sibling in the 6 birth years
    "father_registered": 0.85,  # the rest are single parents
    "visit_done": 0.86,  # past visits done (demo municipality's default)
    "visit_missed": 0.06,
    # Past visits whose window closed in the last 60 days: a fifth not yet recorded (the backlog a
    # worklist shows as overdue), and the ones neither done nor missed also left open.
    "left_planned_days": 60,
    "recent_backlog": 0.2,
    "three_year_opt_out": 0.13,  # seed 001: 13 % opted out of the 3-year visit in 2016
    "mtb_done": 0.78,  # Minding the Baby fidelity is lower than the universal programme's
    "epds_mother": 0.92,  # of mothers whose child had the depression-screening visit
    "epds_mother_high": 0.11,  # above the Danish cut-off 11 (the validation study: ~10-12 %)
    "gotland_father": 0.45,  # fathers screened with the Gotland scale
    "gotland_father_high": 0.07,
    "adbb": 0.25,  # children observed with ADBB at the 4-5 months visit (79 of 98 municipalities)
    "adbb_high": 0.06,
    "mtb_of_level_3": 0.35,
    "mtb_of_level_4": 0.5,
    "consent_given": 0.85,  # consent to share health data with social staff, of children they work with
    "consent_withdrawn": 0.05,
    "judgement_basis": 0.45,  # seed 003: about half of municipalities rely on the professional's judgement
    "daycare": 0.85,  # children in a nursery from about 11 months
}

# Risk factors of a family, with the share in ordinary and in designated housing areas.
RISK_SHARES: tuple[tuple[str, float, float], ...] = (
    ("single_parent", 0.04, 0.10),
    ("socially_isolated", 0.025, 0.07),
    ("low_education", 0.04, 0.12),
    ("parent_experienced_neglect", 0.02, 0.05),
    ("parent_mental_illness", 0.025, 0.05),
    ("substance_use_last_2_years", 0.008, 0.02),
    ("serious_life_event", 0.02, 0.03),
    ("child_chronic_illness_or_handicap", 0.01, 0.01),
    ("birth_complications", 0.02, 0.02),
)
VULNERABLE = frozenset({"single_parent", "socially_isolated", "low_education", "parent_experienced_neglect"})

FIRST_NAMES = demo_data.FIRST_NAMES_F + demo_data.FIRST_NAMES_M
LEVEL2_NEEDS = ("Amning", "Søvn", "Spisevanskeligheder", "Psykomotorisk udvikling", "Symptomer på fødselsdepression")
CANCEL_REASONS = ("Familien fravalgte besøget", "Familien er flyttet", "Besøget blev slået sammen med et andet")
MISSED_REASON = "Familien var ikke hjemme"
NEEDS_VISIT_KIND = "needs_visit"
LATER_PACKAGES = frozenset({"level4_followup", "cos_p", "marte_meo", "joint_visits"})


def _level_of(risk: set[str], designated: bool, rng: random.Random) -> int:
    """The level a health visitor would decide from the family's risk factors (the criteria's spirit)."""
    vulnerable = len(VULNERABLE & risk)
    if "substance_use_last_2_years" in risk or vulnerable >= 3:
        return 4
    if vulnerable >= 2 or risk & {"parent_mental_illness", "child_chronic_illness_or_handicap"}:
        return 3
    if risk:
        return 2
    # A few families in designated areas get extra visits without a recorded risk factor.
    return 2 if designated and rng.random() < 0.1 else 1


# -- writing rows -----------------------------------------------------------------------------------


class Writer:
    """Writes rows of one table at a time in bulk inside the session's transaction: Core executemany
    on SQLite, COPY on PostgreSQL. Rows are tuples in the order of `COLUMNS[table]`, with values
    already in the form the database stores (see `Generator.uid` and `_day`): SQLite gets them through
    an untyped Core table, so SQLAlchemy does not run a type processor per value (that, not SQLite,
    was most of the time), and COPY parses the same text."""

    def __init__(self, session: Session, *, postgres: bool) -> None:
        self.session = session
        self.postgres = postgres
        self.counts: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self._tables: dict[str, Any] = {}

    def write(self, name: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        start = time.perf_counter()
        connection = self.session.connection()
        if self.postgres:
            raw = connection.connection.driver_connection
            assert raw is not None
            with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            if name not in self._tables:
                self._tables[name] = table(name, *(column(c) for c in columns))
            # Every dict has the same keys, so the driver gets one statement and one executemany.
            connection.execute(insert(self._tables[name]), [dict(zip(columns, row, strict=True)) for row in rows])
        self.counts[name] += len(rows)
        self.seconds[name] += time.perf_counter() - start


def _json(value: Sequence[str]) -> str:
    return json.dumps(list(value))


@functools.cache
def _json_of(value: tuple[str, ...]) -> str:
    # Roles and flags come from a handful of distinct tuples; encoding each once saves a JSON
    # encoder call per visit row.
    return _json(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _hex(value: uuid.UUID) -> str:
    # How SQLAlchemy's Uuid type stores a UUID on SQLite; PostgreSQL's uuid input reads it too.
    return value.hex


# -- the organisation -------------------------------------------------------------------------------


@dataclass
class Organisation:
    # (team id, [health visitor ids], [(area id, designated)])
    """Ids as stored (32 hex digits): (team, [health visitors], [(area, designated)]) per team."""

    teams: list[tuple[str, list[str], list[tuple[str, bool]]]] = field(default_factory=list)
    family_therapists: list[str] = field(default_factory=list)
    caseworkers: list[str] = field(default_factory=list)
    daycare_of_area: dict[str, str] = field(default_factory=dict)


def build_organisation(session: Session, size: Size) -> Organisation:
    """The demo organisation through the service layer, grown to the size's number of staff."""
    demo = demo_data.demo_organisation(session)
    areas = session.exec(select(HousingArea)).all()
    org = Organisation()
    for code, team_id in demo.teams.items():
        team_areas = [(_hex(a.id), a.designated) for a in areas if a.team_id == team_id]
        org.teams.append((_hex(team_id), [_hex(hv) for hv in demo.health_visitors[code]], team_areas))
    for area in areas:
        daycare = organisation.create_daycare(session, name=f"Vuggestuen {area.name}", area_id=area.id)
        org.daycare_of_area[_hex(area.id)] = _hex(daycare.id)
    wanted = max(1, round(size.children / size.children_per_health_visitor))
    have = sum(len(hvs) for _, hvs, _ in org.teams)
    number, area_number = 0, 0
    while have < wanted:
        number += 1
        team = organisation.create_team(session, code=f"team{number:03d}", name=f"Sundhedsplejen {number:03d}")
        team_areas = []
        for _ in range(size.areas_per_team):
            area_number += 1
            area = organisation.create_area(
                session,
                code=f"area{area_number:04d}",
                name=f"Område {area_number:04d}",
                designated=area_number % size.designated_every == 0,
                team_id=team.id,
            )
            daycare = organisation.create_daycare(session, name=f"Vuggestuen {area.name}", area_id=area.id)
            org.daycare_of_area[_hex(area.id)] = _hex(daycare.id)
            team_areas.append((_hex(area.id), area.designated))
        hvs = []
        for _ in range(min(size.health_visitors_per_team, wanted - have)):
            have += 1
            staff = organisation.create_staff(
                session, username=f"hv{have + 4}", full_name=f"Sundhedsplejerske {have + 4}", roles=["health_visitor"]
            )
            hvs.append(_hex(staff.id))
        org.teams.append((_hex(team.id), hvs, team_areas))
    org.family_therapists.append(_hex(demo.staff["ft1"].id))
    for n in range(2, max(1, size.children // size.children_per_family_therapist) + 1):
        staff = organisation.create_staff(
            session, username=f"ft{n}", full_name=f"Familiebehandler {n}", roles=["family_therapist"]
        )
        org.family_therapists.append(_hex(staff.id))
    org.caseworkers.append(_hex(demo.staff["cw1"].id))
    for n in range(2, max(1, size.children // size.children_per_caseworker) + 1):
        staff = organisation.create_staff(
            session, username=f"cw{n}", full_name=f"Sagsbehandler {n}", roles=["caseworker"]
        )
        org.caseworkers.append(_hex(staff.id))
    session.flush()
    return org


# -- people -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class ChildPlan:
    """What the later phases need of a child generated in the families phase."""

    id: str
    family_id: str
    health_visitor: str
    designated: bool
    due: date
    birth: date | None
    discharge: date | None
    level: int
    risk: frozenset[str]
    has_father: bool
    index: int
    daycare_start: date | None
    kindergarten_start: date | None
    school_start: date | None


COLUMNS: dict[str, tuple[str, ...]] = {
    "family": ("id", "created_at", "updated_at", "source_system", "external_id", "area_id", "team_id", "address"),
    "family_member": ("id", "created_at", "updated_at", "family_id", "role", "name", "cpr"),
    "child": (
        "id", "created_at", "updated_at", "family_id", "external_id", "name", "due_date", "birth_date",
        "discharge_date", "cpr", "level", "daycare_id", "daycare_start", "kindergarten_start", "school_start",
    ),
    "risk_factor": ("id", "created_at", "updated_at", "family_id", "child_id", "code", "recorded_on", "recorded_by"),
    "caseload_assignment": (
        "id", "created_at", "updated_at", "family_id", "staff_id", "role", "starts_on", "ends_on",
    ),
    "level_decision": (
        "id", "created_at", "updated_at", "child_id", "level", "effective_on", "decided_by", "decided_by_client",
        "basis", "reason", "criteria_version", "fired",
    ),
    "enrollment": (
        "id", "created_at", "updated_at", "child_id", "package_code", "package_version", "started_on", "ended_on",
        "end_reason", "enrolled_by",
    ),
    "enrollment_staff": ("id", "created_at", "updated_at", "enrollment_id", "staff_id", "role"),
    "visit": (
        "id", "created_at", "updated_at", "child_id", "enrollment_id", "package_code", "kind", "sequence",
        "target_date", "earliest", "latest", "roles", "status", "urgent", "done_on", "status_reason",
        "reschedule_reason",
    ),
    "visit_staff": (
        "id", "created_at", "updated_at", "visit_id", "staff_id", "role", "performed",
        "visit_status", "visit_target_date", "visit_latest",
    ),
    "screening": (
        "id", "created_at", "updated_at", "child_id", "visit_id", "instrument", "respondent", "administered_on",
        "administered_by", "total", "cutoff", "flags",
    ),
    "screening_item": ("id", "created_at", "updated_at", "screening_id", "position", "answer", "score"),
    "referral": (
        "id", "created_at", "updated_at", "child_id", "target", "status", "reason", "sent_on", "referred_by",
        "assigned_staff_id", "status_note",
    ),
    "consent": (
        "id", "created_at", "updated_at", "child_id", "kind", "scope", "legal_reference", "given_on", "withdrawn_at",
        "recorded_by",
    ),
}  # fmt: skip


_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


class Rows:
    """Row buffers per table for one chunk."""

    def __init__(self) -> None:
        self.buffers: dict[str, list[tuple[Any, ...]]] = {name: [] for name in COLUMNS}

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.buffers[table].append(row)

    def flush(self, writer: Writer, order: Iterable[str]) -> None:
        for name in order:
            writer.write(name, COLUMNS[name], self.buffers[name])
            self.buffers[name] = []


def _chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(count, start + size))


_ANCHORS_USED: dict[str, tuple[Anchor, ...]] = {}
_SCHEDULE_CACHE_LIMIT = 500_000


class Generator:
    def __init__(self, session: Session, writer: Writer, size: Size, *, seed: int, today: date, progress: bool) -> None:
        self.session = session
        self.writer = writer
        self.size = size
        self.rng = random.Random(seed)
        self.today = today
        self.progress = progress
        self.postgres = writer.postgres
        self.now = self.moment(utc_now())
        self.children: list[ChildPlan] = []
        self._schedules: dict[tuple[Any, ...], tuple[PlannedVisit, ...]] = {}

    def moment(self, value: datetime) -> str:
        """A UTC timestamp as stored: SQLAlchemy keeps it without the zone on SQLite."""
        return value.isoformat() if self.postgres else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def uid(self) -> str:
        """A random (seeded) version-4 UUID as 32 hex digits."""
        bits = self.rng.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET
        return f"{bits:032x}"

    def schedule(self, package: PackageVersion, anchors: ChildAnchors) -> tuple[PlannedVisit, ...]:
        """`generate_schedule`, computed once per package and the anchor dates it reads.

        A package reads only the anchors its rules name (after the birth and discharge fallbacks)
        and the enrolment date (windows are clipped to it), so children born on the same day share
        a schedule: at size L a birth date repeats ~160 times, and most packages hang on it alone.
        """
        used = _ANCHORS_USED.get(package.code)
        if used is None:
            named = {rule.anchor for rule in package.visits}
            named |= {rule.repeat.until_anchor for rule in package.visits if rule.repeat and rule.repeat.until_anchor}
            used = _ANCHORS_USED[package.code] = tuple(sorted(named | {Anchor.ENROLLMENT}, key=list(Anchor).index))
        key = (package.code, package.version, *(anchors.resolve(anchor) for anchor in used))
        planned = self._schedules.get(key)
        if planned is None:
            if len(self._schedules) >= _SCHEDULE_CACHE_LIMIT:
                self._schedules.clear()
            planned = self._schedules[key] = generate_schedule(package, anchors)
        return planned

    def bar(self, total: int, desc: str) -> tqdm[Any]:
        return tqdm(total=total, desc=f"{desc:<10}", unit=" children", unit_scale=True, disable=not self.progress)

    # -- phase: families, members, children, risk factors, caseloads --------------------------------

    def families(self, org: Organisation, *, commit: Callable[[], None]) -> None:
        rng, now, today = self.rng, self.now, self.today
        wanted = self.size.children
        first_birth = today.toordinal() - 365 * self.size.birth_years
        span = today.toordinal() + 150 - first_birth  # up to 5 months of pregnancies ahead
        serials: Counter[tuple[date, bool]] = Counter()
        hv_slots = [(hv, areas) for _, hvs, areas in org.teams for hv in hvs]
        rows = Rows()
        index = 0
        n = 0
        with self.bar(wanted, "children") as bar:
            # Families until the size's number of children (a second child may be due after the horizon).
            while len(self.children) < wanted:
                before = len(self.children)
                for _ in range(2_000):
                    if len(self.children) >= wanted:
                        break
                    n += 1
                    hv, areas = hv_slots[n % len(hv_slots)]
                    area_id, designated = areas[rng.randrange(len(areas))]
                    family_id = self.uid()
                    surname = rng.choice(demo_data.SURNAMES)
                    rows.add(
                        "family",
                        (
                            family_id, now, now, SOURCE_SYSTEM, f"FAM-{n:07d}", area_id, None,
                            f"Vej {rng.randint(1, 200)}, {rng.randint(1000, 9990)}",
                        ),
                    )  # fmt: skip
                    risk = {
                        code for code, share, share_designated in RISK_SHARES
                        if rng.random() < (share_designated if designated else share)
                    }  # fmt: skip
                    has_father = "single_parent" not in risk and rng.random() < SHARES["father_registered"] / 0.94
                    rows.add(
                        "family_member",
                        (self.uid(), now, now, family_id, "mother", f"{rng.choice(demo_data.FIRST_NAMES_F)} {surname}",
                         None),
                    )  # fmt: skip
                    if has_father:
                        rows.add(
                            "family_member",
                            (self.uid(), now, now, family_id, "father",
                             f"{rng.choice(demo_data.FIRST_NAMES_M)} {surname}", None),
                        )  # fmt: skip
                    first_due = first_birth + rng.randrange(span)
                    dues = [first_due]
                    if rng.random() < SHARES["second_child"]:
                        dues.append(first_due + rng.randint(450, 1100))
                    level = _level_of(risk, designated, rng)
                    earliest_start: date | None = None
                    latest_birth: date | None = None
                    for child_number, due_ordinal in enumerate(dues, start=1):
                        if due_ordinal > today.toordinal() + 150:
                            continue
                        due = date.fromordinal(due_ordinal)
                        birth = due + timedelta(days=rng.randint(-21, 14))
                        if birth >= today:
                            birth_or_none: date | None = None
                        else:
                            birth_or_none = birth
                        discharge = birth_or_none + timedelta(days=rng.choice((0, 1, 1, 2))) if birth_or_none else None
                        if discharge is not None and discharge > today:
                            discharge = None
                        cpr = None
                        if birth_or_none is not None:
                            female = rng.random() < 0.49
                            serial = serials[(birth_or_none, female)]
                            serials[(birth_or_none, female)] += 1
                            cpr = fictional_cpr(birth_or_none, serial, female=female)
                        starts = self._institution_starts(birth_or_none)
                        child_id = self.uid()
                        rows.add(
                            "child",
                            (
                                child_id, now, now, family_id, f"BARN-{n:07d}-{child_number}",
                                f"{rng.choice(FIRST_NAMES)} {surname}" if birth_or_none else None,
                                _day(due), _day(birth_or_none), _day(discharge), cpr, level,
                                org.daycare_of_area[area_id] if starts[0] else None, *(_day(d) for d in starts),
                            ),
                        )  # fmt: skip
                        start = min(due - timedelta(days=120), today)
                        earliest_start = start if earliest_start is None else min(earliest_start, start)
                        if birth_or_none is not None:
                            latest_birth = birth_or_none if latest_birth is None else max(latest_birth, birth_or_none)
                        self.children.append(
                            ChildPlan(
                                id=child_id, family_id=family_id, health_visitor=hv, designated=designated,
                                due=due, birth=birth_or_none, discharge=discharge, level=level,
                                risk=frozenset(risk), has_father=has_father, index=index, daycare_start=starts[0],
                                kindergarten_start=starts[1], school_start=starts[2],
                            )
                        )  # fmt: skip
                        index += 1
                    recorded_on = earliest_start or today
                    for code in sorted(risk):
                        rows.add(
                            "risk_factor", (self.uid(), now, now, family_id, None, code, _day(recorded_on), "bench")
                        )
                    # The programme ends at 3 years; the caseload with it, half a year later.
                    ends = None
                    if latest_birth is not None and latest_birth + timedelta(days=1280) < today:
                        ends = latest_birth + timedelta(days=1280)
                    rows.add(
                        "caseload_assignment",
                        (self.uid(), now, now, family_id, hv, "health_visitor", _day(recorded_on), _day(ends)),
                    )
                rows.flush(self.writer, ("family", "family_member", "child", "risk_factor", "caseload_assignment"))
                commit()
                bar.update(len(self.children) - before)

    # -- phase: levels, enrolments, visits, screenings, referrals, consents -------------------------

    def care(self, org: Organisation, packages: dict[str, PackageVersion], *, commit: Callable[[], None]) -> None:
        rng = self.rng
        ft_of = org.family_therapists
        cw_of = org.caseworkers
        order = (
            "level_decision", "enrollment", "enrollment_staff", "visit", "visit_staff", "screening",
            "screening_item", "referral", "consent",
        )  # fmt: skip
        rows = Rows()
        with self.bar(len(self.children), "care") as bar:
            for chunk in _chunks(len(self.children), 2_000):
                for n in chunk:
                    child = self.children[n]
                    staff = {
                        "health_visitor": child.health_visitor,
                        "family_therapist": ft_of[rng.randrange(len(ft_of))],
                        "caseworker": cw_of[rng.randrange(len(cw_of))],
                    }
                    self._child(rows, child, packages, staff)
                rows.flush(self.writer, order)
                commit()
                bar.update(len(chunk))

    def _institution_starts(self, birth: date | None) -> tuple[date | None, date | None, date | None]:
        """Nursery from about 11 months for most children, kindergarten at about 2 years 10 months,
        school in August of the year the child turns 6 (Model B transition visits anchor on these)."""
        if birth is None or self.rng.random() >= SHARES["daycare"]:
            return None, None, None
        nursery = birth + timedelta(days=self.rng.randint(300, 400))
        kindergarten = birth + timedelta(days=self.rng.randint(1020, 1100))
        return nursery, kindergarten, date(birth.year + 6, 8, 1)

    def _child(self, rows: Rows, child: ChildPlan, packages: dict[str, PackageVersion], staff: dict[str, str]) -> None:
        rng, now, today = self.rng, self.now, self.today
        start = min(child.due - timedelta(days=120), today)
        anchors = ChildAnchors(
            due_date=child.due,
            birth_date=child.birth,
            discharge_date=child.discharge,
            enrollment_date=start,
            daycare_start=child.daycare_start,
            kindergarten_start=child.kindergarten_start,
            school_start=child.school_start,
        )
        hv = child.health_visitor
        enrolled = ["universal", "depression_screening", "three_year_visit", "transitions"]
        if child.designated:
            enrolled.append("housing_area_extra")
        social = False
        if child.level >= 2:
            decided = min(start + timedelta(days=rng.randint(0, 60)), today)
            judgement = rng.random() < SHARES["judgement_basis"]
            fired = sorted(child.risk)
            if child.level >= 3 and rng.random() < 0.3:
                # Stepped up: first extra visits (level 2), then more.
                rows.add(
                    "level_decision",
                    (self.uid(), now, now, child.id, 2, _day(decided), hv, None, "professional_judgement",
                     "Ekstra behovsbesøg", None, _json([])),
                )  # fmt: skip
                decided = min(decided + timedelta(days=rng.randint(14, 120)), today)
            rows.add(
                "level_decision",
                (
                    self.uid(), now, now, child.id, child.level, _day(decided), hv, None,
                    "professional_judgement" if judgement else "criteria",
                    "Risikofaktorer: " + (", ".join(fired) or "udpeget boligområde"),
                    None if judgement else 1, _json([] if judgement else fired),
                ),
            )  # fmt: skip
        if child.level == 3 and rng.random() < SHARES["mtb_of_level_3"]:
            enrolled.append("minding_the_baby")
            social = True
        elif child.level == 3:
            enrolled.append(rng.choice(("cos_p", "marte_meo", "joint_visits")))
            social = True
        if child.level == 4:
            enrolled.append("level4_followup")
            if rng.random() < SHARES["mtb_of_level_4"]:
                enrolled.append("minding_the_baby")
            social = True
        depression_visit: tuple[str, date] | None = None
        adbb_visit: tuple[str, date] | None = None
        for code in enrolled:
            package = packages[code]
            enrollment_id = self.uid()
            if code in LATER_PACKAGES:
                # Measures decided after birth, when the need showed.
                started = min((child.birth or child.due) + timedelta(days=rng.randint(14, 240)), today)
                planned = self.schedule(
                    package, ChildAnchors(child.due, child.birth, child.discharge, enrollment_date=started)
                )
            else:
                started = start
                planned = self.schedule(package, anchors)
            rows.add(
                "enrollment",
                (enrollment_id, now, now, child.id, code, package.version, _day(started), None, None, hv),
            )
            roles = {role: staff[role] for role in package.roles if role in staff}
            for role, staff_id in roles.items():
                rows.add("enrollment_staff", (self.uid(), now, now, enrollment_id, staff_id, role))
            done_share = SHARES["mtb_done"] if code == "minding_the_baby" else SHARES["visit_done"]
            for visit in planned:
                visit_id, done_on = self._visit(rows, child, enrollment_id, code, visit, roles, done_share)
                if done_on is not None and visit.kind == "depression_screening":
                    depression_visit = (visit_id, done_on)
                if done_on is not None and visit.kind == "months_4_5":
                    adbb_visit = (visit_id, done_on)
        if child.level in (2, 3) and child.birth is not None:
            # Needs-based extra visits by the health visitor alone (level 2, seed 003), planned by judgement.
            for _ in range(rng.randint(2, 5)):
                target = child.birth + timedelta(days=rng.randint(10, 330))
                visit = PlannedVisit(NEEDS_VISIT_KIND, 0, target, target, target, ("health_visitor",))
                self._visit(rows, child, None, None, visit, {"health_visitor": hv}, SHARES["visit_done"])
        if depression_visit is not None:
            visit_id, on = depression_visit
            if rng.random() < SHARES["epds_mother"]:
                self._screening(rows, child, "EPDS", "mother", visit_id, on, SHARES["epds_mother_high"])
            if child.has_father and rng.random() < SHARES["gotland_father"]:
                self._screening(rows, child, "GOTLAND", "father", visit_id, on, SHARES["gotland_father_high"])
        if adbb_visit is not None and rng.random() < SHARES["adbb"]:
            self._screening(rows, child, "ADBB", "child", adbb_visit[0], adbb_visit[1], SHARES["adbb_high"])
        self._referrals_and_consent(rows, child, staff, social, start)

    def _visit(
        self,
        rows: Rows,
        child: ChildPlan,
        enrollment_id: str | None,
        package_code: str | None,
        visit: PlannedVisit,
        staff: dict[str, str],
        done_share: float,
    ) -> tuple[str, date | None]:
        rng, now, today = self.rng, self.now, self.today
        status, done_on, reason = "planned", None, None
        if visit.target_date < today:
            roll = rng.random()
            recent = visit.latest >= today - timedelta(days=SHARES["left_planned_days"])
            if visit.kind == "three_year" and roll < SHARES["three_year_opt_out"]:
                status, reason = "cancelled", CANCEL_REASONS[0]
            elif recent and rng.random() < SHARES["recent_backlog"]:
                pass  # not yet recorded: due, or overdue once the window closed
            elif roll < done_share:
                status = "done"
                shift = rng.choice((0, 0, 0, 0, 0, 0, -1, 1, 2, 3, 7))
                done_on = min(visit.target_date + timedelta(days=shift), today)
            elif roll < done_share + SHARES["visit_missed"]:
                status, reason = "missed", MISSED_REASON
            elif recent:
                pass
            else:
                status, reason = "cancelled", rng.choice(CANCEL_REASONS[1:])
        visit_id = self.uid()
        rows.add(
            "visit",
            (
                visit_id, now, now, child.id, enrollment_id, package_code, visit.kind, visit.sequence,
                _day(visit.target_date), _day(visit.earliest), _day(visit.latest), _json_of(visit.roles), status,
                False, _day(done_on), reason, None,
            ),
        )  # fmt: skip
        for role in visit.roles:
            staff_id = staff.get(role)
            if staff_id is not None:
                # The visit's status and dates are copied as the database's triggers would (a bulk load
                # that left them to the triggers would look each visit up again).
                rows.add(
                    "visit_staff",
                    (
                        self.uid(), now, now, visit_id, staff_id, role, status == "done",
                        status, _day(visit.target_date), _day(visit.latest),
                    ),
                )  # fmt: skip
        return visit_id, done_on

    def _screening(
        self, rows: Rows, child: ChildPlan, instrument: str, respondent: str, visit_id: str, on: date, high: float
    ) -> None:
        rng, now = self.rng, self.now
        definition = instrument_definition(instrument)
        top = definition.max_score
        elevated = rng.random() < high
        weights = (0.25, 0.3, 0.3, 0.15, 0.0) if elevated else (0.62, 0.3, 0.07, 0.01, 0.0)
        if top == 4:
            weights = (0.2, 0.3, 0.3, 0.15, 0.05) if elevated else (0.87, 0.12, 0.01, 0.0, 0.0)
        scores = rng.choices(range(top + 1), weights=weights[: top + 1], k=definition.item_count)
        if instrument == "EPDS":
            scores[9] = 0  # item 10 (self-harm) raises an urgent contact in the service: not generated
        answers = [top - s if number in definition.reverse_items else s for number, s in enumerate(scores, start=1)]
        scored = score_screening(instrument=instrument, respondent=respondent, items=answers)
        screening_id = self.uid()
        rows.add(
            "screening",
            (
                screening_id, now, now, child.id, visit_id, scored.instrument.value, scored.respondent.value, _day(on),
                child.health_visitor, scored.total, scored.cutoff, _json_of(tuple(scored.flags)),
            ),
        )  # fmt: skip
        for position, (answer, score) in enumerate(zip(answers, scored.item_scores, strict=True)):
            rows.add("screening_item", (self.uid(), now, now, screening_id, position, answer, score))

    def _referrals_and_consent(
        self, rows: Rows, child: ChildPlan, staff: dict[str, str], social: bool, start: date
    ) -> None:
        rng, now, today = self.rng, self.now, self.today
        referrals: list[tuple[str, str, str]] = []
        if child.level == 4:
            target = "family_outpatient_clinic" if "substance_use_last_2_years" in child.risk else "social_services"
            referrals.append((target, "Bekymring for omsorgsevne", staff["caseworker"]))
        if child.level == 3 and rng.random() < 0.5:
            referrals.append(("small_children_team", "Positiv depressionsscreening hos mor", staff["family_therapist"]))
        if rng.random() < 0.02:
            referrals.append((rng.choice(("ppr", "gp", "cos_p", "marte_meo")), "Vurdering", child.health_visitor))
        for target, reason, assigned in referrals:
            sent = min(start + timedelta(days=rng.randint(20, 200)), today)
            age = (today - sent).days
            answered = rng.choices(("accepted", "done", "declined"), weights=(0.3, 0.6, 0.1))[0]
            status = "sent" if age < 30 else answered
            rows.add(
                "referral",
                (
                    self.uid(),
                    now,
                    now,
                    child.id,
                    target,
                    status,
                    reason,
                    _day(sent),
                    child.health_visitor,
                    assigned,
                    None,
                ),
            )
        if social and rng.random() < SHARES["consent_given"]:
            given = min(start + timedelta(days=rng.randint(0, 60)), today)
            legal = child.level == 4 and rng.random() < 0.5
            withdrawn = None
            if not legal and rng.random() < SHARES["consent_withdrawn"]:
                withdrawn = self.moment(
                    datetime.combine(min(given + timedelta(days=90), today), datetime.min.time(), UTC)
                )
            rows.add(
                "consent",
                (
                    self.uid(), now, now, child.id, "legal_basis" if legal else "consent", HEALTH_DATA_SCOPE,
                    "Barnets lov § 20" if legal else None, _day(given), withdrawn, child.health_visitor,
                ),
            )  # fmt: skip


def _secondary_indexes() -> list[Index]:
    """The non-unique indexes of the tables the generator fills (unique ones check the data; SQLite
    cannot drop a table's keys)."""
    tables = SQLModel.metadata.tables
    return [index for name in COLUMNS for index in sorted(tables[name].indexes, key=str) if not index.unique]


def _detach_postgres(session: Session, tables: Iterable[str]) -> list[str]:
    """Drop the foreign keys into and out of `tables`, their primary keys, unique constraints and
    indexes; return the statements that re-create them as they were (keys, indexes, foreign keys)."""
    names = list(tables)
    connection = session.connection()
    foreign = connection.execute(
        text(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype = 'f' AND (conrelid::regclass::text = ANY(:t) OR confrelid::regclass::text = ANY(:t))"
            " ORDER BY 1, 2"
        ),
        {"t": names},
    ).all()
    keys = connection.execute(
        text(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype IN ('p', 'u') AND conrelid::regclass::text = ANY(:t) ORDER BY 1, 2"
        ),
        {"t": names},
    ).all()
    indexes = connection.execute(
        text(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index"
            " WHERE indrelid::regclass::text = ANY(:t) AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conindid = indexrelid AND c.contype IN ('p', 'u', 'x'))"
            " ORDER BY 1"
        ),
        {"t": names},
    ).all()
    for table_name, name, _ in [*foreign, *keys]:
        connection.exec_driver_sql(f"ALTER TABLE {table_name} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        connection.exec_driver_sql(f"DROP INDEX {name}")
    return [
        *(f"ALTER TABLE {t} ADD CONSTRAINT {n} {d}" for t, n, d in keys),
        *(definition for _, definition in indexes),
        *(f"ALTER TABLE {t} ADD CONSTRAINT {n} {d}" for t, n, d in foreign),
    ]


# -- the database -----------------------------------------------------------------------------------


def default_url(size: str) -> str:
    return f"sqlite:///{DATA_DIR / f'{size}.sqlite'}"


def recreate_database(url: str) -> None:
    """A new, empty database at `url`: the SQLite file removed, or the PostgreSQL database dropped."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = parsed.database
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


@dataclass
class Summary:
    size: str
    dialect: str
    today: date
    seed: int
    phases: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    write_seconds: dict[str, float] = field(default_factory=dict)
    # PostgreSQL: the slowest statements re-creating keys, indexes and foreign keys after the load.
    rebuild_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.phases.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "dialect": self.dialect,
            "today": self.today.isoformat(),
            "seed": self.seed,
            "total_seconds": round(self.total_seconds, 2),
            "phases_seconds": {k: round(v, 2) for k, v in self.phases.items()},
            "rows": self.rows,
            "write_seconds": {k: round(v, 2) for k, v in self.write_seconds.items()},
            "slowest_rebuild_seconds": {k: round(v, 2) for k, v in self.rebuild_seconds.items()},
        }

    def text(self) -> str:
        lines = [f"size {self.size} on {self.dialect}, today {self.today}, seed {self.seed}"]
        lines += [f"  phase {name:<13} {seconds:8.1f} s" for name, seconds in self.phases.items()]
        lines += [
            f"  {table:<20} {count:>10,} rows  written in {self.write_seconds.get(table, 0.0):6.1f} s"
            for table, count in self.rows.items()
        ]
        lines.append(f"  total {self.total_seconds:.1f} s")
        return "\n".join(lines)


def generate(
    database: Database, size: Size, *, seed: int = 2026, today: date | None = None, progress: bool = True
) -> Summary:
    """Fill a migrated, empty database (the default catalog may be there already)."""
    day = today or copenhagen_today()
    postgres = not database.is_sqlite
    summary = Summary(size=size.name, dialect="postgresql" if postgres else "sqlite", today=day, seed=seed)
    with database.session(write=True) as session:
        clock = time.perf_counter()
        ensure_default_catalog(session)
        org = build_organisation(session, size)
        catalog = package_catalog(session)
        packages = {
            code: catalog.current(code)
            for code in (
                "universal", "depression_screening", "three_year_visit", "housing_area_extra", "minding_the_baby",
                "level4_followup", "cos_p", "marte_meo", "joint_visits", "transitions",
            )
        }  # fmt: skip
        session.commit()
        summary.phases["organisation"] = time.perf_counter() - clock
        writer = Writer(session, postgres=postgres)
        if not postgres:
            # A 256 MB page cache for this connection: random UUID keys touch the whole of every index.
            session.connection().exec_driver_sql("PRAGMA cache_size=-262144")
        # Indexes (and on PostgreSQL the keys and foreign keys) are built after the load: one sort per
        # index and one join per foreign key instead of a random index insert and a key look-up (with a
        # row lock on the parent) per row. Every one is re-created as the migrations define it, so the
        # data is checked all the same.
        if postgres:
            rebuild = _detach_postgres(session, COLUMNS)
        else:
            indexes = _secondary_indexes()
            for index in indexes:
                session.connection().exec_driver_sql(f"DROP INDEX {index.name}")
        generator = Generator(session, writer, size, seed=seed, today=day, progress=progress)
        # SQLite: one transaction per phase (a commit per chunk would sync the WAL each time);
        # PostgreSQL: a commit per chunk keeps the transaction's footprint small.
        commit: Callable[[], None] = session.commit if postgres else (lambda: None)
        clock = time.perf_counter()
        generator.families(org, commit=commit)
        session.commit()
        summary.phases["families"] = time.perf_counter() - clock
        clock = time.perf_counter()
        generator.care(org, packages, commit=commit)
        session.commit()
        summary.phases["care"] = time.perf_counter() - clock
        clock = time.perf_counter()
        if postgres:
            # Room in memory for an index build's sort and a foreign key check's hash join (the
            # server's defaults, 64 MB and 4 MB, spill millions of rows to disk in batches).
            session.connection().exec_driver_sql("SET maintenance_work_mem = '512MB'")
            session.connection().exec_driver_sql("SET work_mem = '256MB'")
            rebuilt: dict[str, float] = {}
            for statement in tqdm(rebuild, desc=f"{'indexes':<10}", disable=not progress):
                started = time.perf_counter()
                session.connection().exec_driver_sql(statement)
                rebuilt[statement] = time.perf_counter() - started
            summary.rebuild_seconds = dict(sorted(rebuilt.items(), key=lambda item: -item[1])[:8])
        else:
            for index in tqdm(indexes, desc=f"{'indexes':<10}", disable=not progress):
                index.create(session.connection())
        session.commit()
        summary.phases["indexes"] = time.perf_counter() - clock
    clock = time.perf_counter()
    with database.write_engine.connect() as connection:
        # Fresh statistics and, on PostgreSQL, the visibility map that index-only scans need: what
        # autovacuum (or `PRAGMA optimize`) gives a live database after a while.
        if postgres:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            connection.execute(text("ANALYZE"))
            connection.commit()
    summary.phases["analyze"] = time.perf_counter() - clock
    summary.rows = dict(sorted(writer.counts.items()))
    summary.write_seconds = dict(sorted(writer.seconds.items()))
    return summary


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--database-url", help="default: SQLite at bench/data/<size>.sqlite")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD; default: today in Copenhagen")
    parser.add_argument("--children", type=int, help="override the size's number of children")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars (for logs)")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    if args.children:
        size = Size(f"{size.name}:{args.children}", args.children)
    url = args.database_url or default_url(args.size)
    clock = time.perf_counter()
    recreate_database(url)
    upgrade_to_head(url)
    migrate_seconds = time.perf_counter() - clock
    database = Database(url)
    try:
        summary = generate(database, size, seed=args.seed, today=args.today, progress=not args.no_progress)
    finally:
        database.dispose()
    summary.phases = {"migrate": migrate_seconds, **summary.phases}
    print(summary.text())
    RESULTS_DIR.mkdir(exist_ok=True)
    # A run with --children does not overwrite the size's own figures.
    out = RESULTS_DIR / f"generate_{size.name.replace(':', '-')}_{summary.dialect}.json"
    out.write_text(json.dumps(summary.as_json(), indent=2) + "\n")
    print(f"summary written to {out.relative_to(BENCH_DIR.parent)}")


if __name__ == "__main__":
    main()
