"""The fictional municipality the embedded demo runs on, built through the service layer.

Dates are relative to today, so every demo sign-in has a real day: visits today, overdue visits,
open referrals and group courses running. Names and CPR numbers are fictional (valid in form only).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from domain.clock import copenhagen_today
from domain.rules.cpr import fictional_cpr
from domain.rules.kpi import last_complete_birth_year
from domain.rules.screening import instrument_definition
from domain.rules.visit_state import VisitStatus
from domain.rules.workdays import DEFAULT_CALENDAR
from domain.services import families, groups, levels, organisation, referrals, schedules, screenings, visits
from domain.services.actors import ALL_SCOPES
from domain.services.catalog import ensure_default_catalog, package_version
from domain.store.database import Database
from domain.store.tables import CaseloadAssignment, Child, Staff, Visit

DEMO_PASSWORD = "demo"  # noqa: S105  (the documented demo sign-in, created only in demo mode)
DEMO_CLIENT_SECRET = "demo-secret"  # noqa: S105
DEMO_SIGN_INS = ("hv1", "hv2", "ft1", "cw1", "mgr1", "admin1", "aud1")
DEMO_SOURCE = "demo-case-system"
#: The visit the coverage page shows by default, and how many of its default cohort each area missed.
REPORTED_VISIT = ("housing_area_extra", "extra_6_months")
REPORTED_MISSED = {"ringparken": 5, "motalavej": 0}

FIRST_NAMES_F = ("Emma", "Ida", "Freja", "Clara", "Alma", "Sofie", "Agnes", "Ella", "Karla", "Nora", "Laura", "Maja")
FIRST_NAMES_M = ("William", "Noah", "Oscar", "Lucas", "Carl", "Alfred", "Emil", "Malthe", "Aksel", "Valdemar")
SURNAMES = ("Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen")
AREAS = (
    ("ringparken", "Ringparken", True, "nord"),
    ("motalavej", "Motalavej", True, "nord"),
    ("centrum", "Centrum", False, "syd"),
    ("skovbyen", "Skovbyen", False, "syd"),
    ("havnen", "Havnen", False, "syd"),
)


@dataclass
class DemoOrganisation:
    teams: dict[str, uuid.UUID] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    health_visitors: dict[str, list[uuid.UUID]] = field(default_factory=dict)


def is_loaded(session: Session) -> bool:
    return session.exec(select(Staff.id).where(Staff.username == "hv1")).first() is not None


def ensure_demo_data(database: Database, *, families_count: int = 300, seed: int = 2026) -> int:
    """Load the demo municipality once; answers how many families were created (0 if present)."""
    with database.session(write=True) as session:
        ensure_default_catalog(session)
        if is_loaded(session):
            session.commit()
            return 0
        created = build_demo(session, families_count=families_count, seed=seed, today=copenhagen_today())
        session.commit()
        return created


def demo_organisation(session: Session) -> DemoOrganisation:
    """The demo teams, housing areas, staff (the documented sign-ins, password `demo`) and the
    integration client; also the core of the synthetic benchmark municipality (bench/generate.py)."""
    org = DemoOrganisation()
    for code, name in (("nord", "Sundhedsplejen Nord"), ("syd", "Sundhedsplejen Syd")):
        org.teams[code] = organisation.create_team(session, code=code, name=name).id
    for code, name, designated, team in AREAS:
        organisation.create_area(session, code=code, name=name, designated=designated, team_id=org.teams[team])
    people = (
        ("hv1", "Hanne Vestergaard", ["health_visitor"], "nord"),
        ("hv3", "Birgitte Holm", ["health_visitor"], "nord"),
        ("hv2", "Helle Vinther", ["health_visitor"], "syd"),
        ("hv4", "Lone Kjær", ["health_visitor"], "syd"),
        ("ft1", "Frederik Thomsen", ["family_therapist"], "nord"),
        ("cw1", "Camilla Winther", ["caseworker"], None),
        ("mgr1", "Mette Graversen", ["manager"], None),
        ("admin1", "Anders Dahl", ["admin"], None),
        ("aud1", "Aase Udsen", ["auditor"], None),
    )
    for username, name, roles, team in people:
        staff = organisation.create_staff(
            session,
            username=username,
            full_name=name,
            roles=roles,
            team_id=org.teams[team] if team else None,
            password=DEMO_PASSWORD,
        )
        org.staff[username] = staff
        if "health_visitor" in roles and team:
            org.health_visitors.setdefault(team, []).append(staff.id)
    organisation.create_client(
        session, client_id="demo-client", name="Demo case system", secret=DEMO_CLIENT_SECRET, scopes=sorted(ALL_SCOPES)
    )
    return org


def _stage_dates(rng: random.Random, today: date, stage: str) -> tuple[date, date | None]:
    """(due date, birth date) for a child at a stage of the programme."""
    if stage == "pregnant":
        due = today + timedelta(days=rng.randint(14, 150))
        return due, None
    age_days = {"newborn": (3, 100), "one": (100, 560), "older": (560, 1340)}[stage]
    born = today - timedelta(days=rng.randint(*age_days))
    return born + timedelta(days=rng.randint(-14, 14)), born


def _reported_cohort_outcomes(
    session: Session, today: date, births: list[tuple[str, date | None]]
) -> dict[int, VisitStatus]:
    """The outcome of the reported visit (the coverage page's default) for each family of its default
    cohort, by family index: in Ringparken five were missed (when it has ten or more children), so the area
    misses its target; in Motalavej all were done, as were the package's other visits. Left to chance, areas
    of this size get counts of 1-4, which disclosure control hides together with the area's share, and the
    manager's default chart would be empty."""
    package = package_version(session, REPORTED_VISIT[0], on=today)
    cohort = last_complete_birth_year(today, (rule.latest for rule in package.visits))
    outcomes: dict[int, VisitStatus] = {}
    for area_code, missed in REPORTED_MISSED.items():
        members = [i for i, (area, born) in enumerate(births) if area == area_code and born and born.year == cohort]
        missed_here = set(members[:missed]) if len(members) >= 2 * missed else set()
        outcomes |= {i: VisitStatus.MISSED if i in missed_here else VisitStatus.DONE for i in members}
    return outcomes


def _settle_past_visits(
    session: Session,
    rng: random.Random,
    child: Child,
    today: date,
    performer: uuid.UUID,
    reported: VisitStatus | None = None,
) -> None:
    """Most past visits were done, a few missed, and some are left open so worklists show overdue;
    the reported visit of the default cohort gets the outcome `reported` chosen for it."""
    for visit in visits.visits_of_child(session, child.id):
        if visit.status != VisitStatus.PLANNED.value or visit.target_date >= today:
            continue
        roll = rng.random()
        if reported is not None and visit.package_code == REPORTED_VISIT[0]:
            missed = reported is VisitStatus.MISSED and visit.kind == REPORTED_VISIT[1]
            roll = 0.9 if missed else 0.0
        if roll < 0.86:
            done_on = min(visit.target_date, today)
            assigned = [row.staff_id for row in visits.visit_staff(session, [visit.id])[visit.id]] or [performer]
            visits.complete_visit(session, visit_id=visit.id, done_on=done_on, performed_by=assigned, today=today)
        elif roll < 0.92:
            visits.close_visit(session, visit_id=visit.id, status=VisitStatus.MISSED, reason="Familien var ikke hjemme")
        elif visit.latest >= today - timedelta(days=40):
            continue  # left planned: overdue or still due
        else:
            visits.close_visit(
                session, visit_id=visit.id, status=VisitStatus.CANCELLED, reason="Familien fravalgte besøget"
            )


def build_demo(session: Session, *, families_count: int, seed: int, today: date) -> int:
    org = demo_organisation(session)
    hv_of_team = org.health_visitors
    ft1, cw1 = org.staff["ft1"].id, org.staff["cw1"].id
    serials: dict[date, int] = {}
    epds = instrument_definition("EPDS")
    # Older children (to 3 2/3 years) get two shares: the coverage page's default cohort is the last birth
    # year whose 1½-year visits are all over, so its children are 1 2/3 to 3 2/3 years old.
    stages = ("pregnant", "newborn", "one", "older", "older")
    designated_children: dict[str, list[Child]] = {"ringparken": [], "motalavej": []}
    # Each family draws from its own stream: a date that moves one family's visits (a weekend, a holiday)
    # changes nothing for the others, so the demo looks alike on every day it is loaded.
    rngs = [random.Random(f"{seed}:{index}") for index in range(families_count)]  # noqa: S311  (not security)
    stage_of = [stages[(i // len(AREAS)) % len(stages)] for i in range(families_count)]  # every stage in every area
    dates = [_stage_dates(rngs[i], today, stage_of[i]) for i in range(families_count)]
    reported = _reported_cohort_outcomes(
        session, today, [(AREAS[i % len(AREAS)][0], born) for i, (_, born) in enumerate(dates)]
    )
    for index in range(families_count):
        rng = rngs[index]
        area_code, _, designated, team = AREAS[index % len(AREAS)]
        surname = rng.choice(SURNAMES)
        mother = f"{rng.choice(FIRST_NAMES_F)} {surname}"
        father = f"{rng.choice(FIRST_NAMES_M)} {surname}"
        due, born = dates[index]
        risk = sorted(
            code
            for code, share in (
                ("single_parent", 0.15 if designated else 0.07),
                ("socially_isolated", 0.12 if designated else 0.05),
                ("low_education", 0.2 if designated else 0.08),
                ("parent_experienced_neglect", 0.08),
                ("parent_mental_illness", 0.08),
                ("substance_use_last_2_years", 0.03),
                ("serious_life_event", 0.04),
            )
            if rng.random() < share
        )
        child_cpr = None
        if born is not None:
            serial = serials.get(born, 0)
            serials[born] = serial + 1
            child_cpr = fictional_cpr(born, serial, female=rng.random() < 0.5)
        family = families.create_family(
            session,
            data=families.FamilyData(
                source_system=DEMO_SOURCE,
                external_id=f"FAM-{index + 1:05d}",
                area=area_code,
                address=f"{area_code.capitalize()} {rng.randint(1, 120)}, 4700 Næstved",
                risk_factors=tuple(risk),
                members=(
                    families.MemberData(role="mother", name=mother),
                    *((families.MemberData(role="father", name=father),) if "single_parent" not in risk else ()),
                ),
                children=(
                    families.ChildData(
                        name=None if born is None else f"{rng.choice(FIRST_NAMES_F + FIRST_NAMES_M)} {surname}",
                        external_id=f"BARN-{index + 1:05d}",
                        due_date=due,
                        birth_date=born,
                        discharge_date=born + timedelta(days=rng.choice((0, 1, 2))) if born else None,
                        cpr=child_cpr,
                    ),
                ),
            ),
            today=today,
            recorded_by="demo",
        )
        team_hvs = hv_of_team[team]
        # hv1 and hv2 carry most of their teams' families so their own day is full.
        health_visitor = team_hvs[0] if rng.random() < 0.7 else team_hvs[1]
        session.add(
            CaseloadAssignment(
                family_id=family.id, staff_id=health_visitor, role="health_visitor", starts_on=today - timedelta(400)
            )
        )
        session.flush()
        child = session.exec(select(Child).where(Child.family_id == family.id)).one()
        start = min(due - timedelta(days=120), today)
        schedules.enroll(session, child_id=child.id, package_code="universal", start_date=start, dry_run=False)
        if designated:
            schedules.enroll(
                session, child_id=child.id, package_code="housing_area_extra", start_date=start, dry_run=False
            )
            if born is not None and (today - born).days < 365:
                designated_children[area_code].append(child)
        level = 1
        vulnerable = {"single_parent", "socially_isolated", "low_education", "parent_experienced_neglect"} & set(risk)
        if "substance_use_last_2_years" in risk or (len(vulnerable) >= 3 and index % 3 == 0):
            level = 4
        elif len(vulnerable) >= 2 or "parent_mental_illness" in risk:
            level = 3
        elif risk or designated:
            level = 2
        if level > 1:
            levels.decide_level(
                session,
                child_id=child.id,
                level=level,
                basis="criteria" if index % 4 else "professional_judgement",
                reason="Risikofaktorer: " + (", ".join(risk) or "udpeget boligområde"),
                effective_on=min(start + timedelta(days=7), today),
                decided_by=health_visitor,
            )
        if level >= 3 and index % 2 == 0:
            schedules.enroll(
                session,
                child_id=child.id,
                package_code="minding_the_baby",
                start_date=start,
                dry_run=False,
                staff_ids={"health_visitor": health_visitor, "family_therapist": ft1},
            )
        if level == 4:
            schedules.enroll(
                session,
                child_id=child.id,
                package_code="level4_followup",
                start_date=start,
                dry_run=False,
                staff_ids={"health_visitor": health_visitor, "caseworker": cw1},
            )
            referrals.create_referral(
                session,
                child_id=child.id,
                target="social_services" if index % 2 else "family_outpatient_clinic",
                reason="Bekymring for rusmiddelbrug og omsorgsevne",
                sent_on=today - timedelta(days=rng.randint(1, 30)),
                referred_by=health_visitor,
                assigned_staff_id=cw1,
                today=today,
            )
        if born is not None:
            _settle_past_visits(session, rng, child, today, health_visitor, reported.get(index))
            if (today - born).days > 42:
                scores = [rng.choice((0, 0, 1, 1, 2)) for _ in range(9)] + [1 if index % 37 == 0 else 0]
                # Forms post the position of the printed answer; reverse-scored items print 3 first.
                answers = [3 - sc if number in epds.reverse_items else sc for number, sc in enumerate(scores, start=1)]
                screenings.record_screening(
                    session,
                    child_id=child.id,
                    instrument="EPDS",
                    respondent="mother",
                    items=answers,
                    administered_on=born + timedelta(days=42),
                    administered_by=health_visitor,
                    visit_id=None,
                    today=today,
                )
        if level == 3 and index % 5 == 0:
            referrals.create_referral(
                session,
                child_id=child.id,
                target="small_children_team",
                reason="Positiv depressionsscreening hos mor",
                sent_on=today - timedelta(days=rng.randint(1, 20)),
                referred_by=health_visitor,
                assigned_staff_id=ft1,
                today=today,
            )
    _visits_today(session, org, today)
    _group_courses(session, org, designated_children, today)
    return families_count


def _visits_today(session: Session, org: DemoOrganisation, today: date) -> None:
    """Move a few planned visits whose window allows it to the day's work, so each day starts with work:
    today, or on a weekend or holiday the next working day (what *Min dag* shows then)."""
    today = DEFAULT_CALENDAR.next_working_day(today)
    for username in ("hv1", "hv2", "ft1", "cw1"):
        staff_id = org.staff[username].id
        candidates = [
            visit
            for visit in session.exec(select(Visit).where(Visit.status == VisitStatus.PLANNED.value))
            if visit.earliest <= today <= visit.latest and visit.target_date != today
        ]
        mine = [
            v for v in candidates if staff_id in {row.staff_id for row in visits.visit_staff(session, [v.id])[v.id]}
        ]
        for visit in mine[:4]:
            visits.reschedule_visit(session, visit_id=visit.id, target_date=today, reason=None, staff_ids=None)


def _group_courses(session: Session, org: DemoOrganisation, children: dict[str, list[Child]], today: date) -> None:
    for area_code, area_children in children.items():
        course = groups.create_course(
            session,
            package_code="mothers_group",
            title=f"Mødregruppe {area_code.capitalize()} efterår",
            area_code=area_code,
            starts_on=today - timedelta(days=42),
            facilitator_id=org.staff["hv1"].id,
            location=f"Fælleshuset, {area_code.capitalize()}",
        )
        participants = [
            groups.add_participant(
                session, course_id=course.id, child_id=child.id, member_id=None, joined_on=course.starts_on
            )
            for child in area_children[: course.capacity]
        ]
        for number, group_session in enumerate(groups.sessions_of(session, course.id)):
            if group_session.held_on >= today:
                break
            groups.set_attendance(
                session,
                course_id=course.id,
                session_id=group_session.id,
                present={p.id: (number + i) % 5 != 0 for i, p in enumerate(participants)},
                today=today,
            )
