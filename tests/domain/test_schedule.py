from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import holidays
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.errors import ValidationFailed
from domain.rules.catalog import CadenceKind
from domain.rules.offsets import add_months
from domain.rules.schedule import (
    REASON_NOT_IN_SCHEDULE,
    ChangeAction,
    ChildAnchors,
    ExistingVisit,
    PlannedVisit,
    generate_schedule,
    reanchor,
    visits_to_cancel_on_end,
)
from domain.rules.visit_state import VisitStatus
from domain.rules.workdays import WorkingDayCalendar
from tests.domain.strategies import (
    CATALOG,
    PLANNED_CODES,
    PROPERTY,
    SLOW_PROPERTY,
    child_anchors,
)

UNIVERSAL = CATALOG.current("universal")
MTB = CATALOG.current("minding_the_baby")
CLOSED_EXTRA = {(12, 24), (12, 31), (6, 5)}


def closed(day: date) -> bool:
    return (
        day.weekday() >= 5
        or day in holidays.country_holidays("DK", years=day.year)
        or (day.month, day.day) in CLOSED_EXTRA
    )


def by_kind(visits: tuple[PlannedVisit, ...], kind: str) -> list[PlannedVisit]:
    return [v for v in visits if v.kind == kind]


def schedule_for(code: str, anchors: ChildAnchors) -> tuple[PlannedVisit, ...]:
    package = CATALOG.current(code)
    if package.cadence is CadenceKind.GROUP and anchors.enrollment_date is None:
        with pytest.raises(ValidationFailed):
            generate_schedule(package, anchors)
        return ()
    return generate_schedule(package, anchors)


# -- worked examples ------------------------------------------------------------------------------


def test_a_family_in_ringparken_gets_extra_visits_at_6_and_18_months() -> None:
    # Born Thursday 15 March 2018. 6 months = Saturday 15 September 2018: the nearest working day
    # is Friday the 14th (1 day back; Monday is 2 days ahead). 18 months = Sunday 15 September
    # 2019: Saturday is closed, so Monday the 16th (1 day ahead) wins over Friday (2 days back).
    visits = generate_schedule(
        CATALOG.current("housing_area_extra"),
        ChildAnchors(due_date=date(2018, 3, 20), birth_date=date(2018, 3, 15)),
    )
    assert [(v.kind, v.target_date, v.earliest, v.latest) for v in visits] == [
        ("extra_6_months", date(2018, 9, 14), date(2018, 8, 15), date(2018, 10, 15)),
        ("extra_18_months", date(2019, 9, 16), date(2019, 8, 15), date(2019, 10, 15)),
    ]


def test_minding_the_baby_for_a_child_due_10_march_2025_plans_92_visits() -> None:
    # Weekly from due - 84 days (Monday 16 Dec 2024, gestational week 28) until the first birthday
    # (10 Mar 2026, birth date unknown so the due date stands in): 449 days -> occurrences at
    # 0, 7, ..., 448 = 65 weekly visits. Then every 14 days from 10 Mar 2026 until 10 Mar 2027:
    # 365 days -> occurrences at 0, 14, ..., 364 = 27 fortnightly visits. 65 + 27 = 92.
    visits = generate_schedule(MTB, ChildAnchors(due_date=date(2025, 3, 10)))
    assert len(by_kind(visits, "mtb_weekly")) == 65
    assert len(by_kind(visits, "mtb_fortnightly")) == 27
    assert len(visits) == 92
    assert visits[0].target_date == date(2024, 12, 16)
    assert all(v.roles == ("health_visitor", "family_therapist") for v in visits)


def test_minding_the_baby_turns_fortnightly_after_the_first_birthday() -> None:
    anchors = ChildAnchors(due_date=date(2025, 3, 10), birth_date=date(2025, 3, 7))
    visits = generate_schedule(MTB, anchors)
    weekly, fortnightly = by_kind(visits, "mtb_weekly"), by_kind(visits, "mtb_fortnightly")
    first_birthday, second_birthday = date(2026, 3, 7), date(2027, 3, 7)
    assert all(v.latest < first_birthday for v in weekly)
    assert all(first_birthday <= v.earliest and v.latest < second_birthday for v in fortnightly)
    gaps = [(b.target_date - a.target_date).days for a, b in pairwise(fortnightly)]
    assert sum(gaps) / len(gaps) == pytest.approx(14, abs=0.5)


def test_the_universal_programme_for_a_child_born_on_a_friday() -> None:
    anchors = ChildAnchors(due_date=date(2025, 3, 10), birth_date=date(2025, 3, 7))
    visits = {v.kind: v for v in generate_schedule(UNIVERSAL, anchors)}
    assert list(visits) == [
        "pregnancy",
        "postnatal",
        "establishment",
        "months_2_3",
        "months_4_5",
        "months_8_10",
        "months_15_18",
    ]
    # Pregnancy: due - 8 weeks = Monday 13 Jan 2025, window gestational week 30-36.
    assert visits["pregnancy"].target_date == date(2025, 1, 13)
    assert (visits["pregnancy"].earliest, visits["pregnancy"].latest) == (
        date(2024, 12, 30),
        date(2025, 2, 10),
    )
    # Postnatal: discharge defaults to the birth date (Fri 7 Mar); target Sat 8 Mar is closed,
    # Friday is 1 day back and Monday 2 ahead, so Friday; the window ends at discharge + 3 days.
    assert (visits["postnatal"].target_date, visits["postnatal"].latest) == (
        date(2025, 3, 7),
        date(2025, 3, 10),
    )
    assert visits["months_15_18"].earliest == date(2026, 6, 7)
    assert visits["months_15_18"].latest == date(2026, 9, 7)


def test_a_postnatal_window_over_easter_is_extended_to_the_next_working_day() -> None:
    # Discharged Maundy Thursday 17 April 2025: Thursday to Sunday are all closed.
    anchors = ChildAnchors(due_date=date(2025, 4, 20), birth_date=date(2025, 4, 16), discharge_date=date(2025, 4, 17))
    postnatal = by_kind(generate_schedule(UNIVERSAL, anchors), "postnatal")[0]
    assert postnatal.window_extended
    assert postnatal.target_date == postnatal.latest == date(2025, 4, 22)  # Easter Monday closed


def test_a_calendar_open_on_christmas_eve_can_plan_on_it() -> None:
    anchors = ChildAnchors(due_date=date(2025, 12, 24), discharge_date=date(2025, 12, 23))
    opened = WorkingDayCalendar(extra_closed_days=frozenset())
    default = by_kind(generate_schedule(UNIVERSAL, anchors), "postnatal")[0]
    custom = by_kind(generate_schedule(UNIVERSAL, anchors, calendar=opened), "postnatal")[0]
    assert default.target_date == date(2025, 12, 23)  # 24th closed: back to the 23rd
    assert custom.target_date == date(2025, 12, 24)


def test_a_family_moving_in_at_three_months_gets_no_pregnancy_or_early_visits() -> None:
    anchors = ChildAnchors(due_date=date(2025, 3, 10), birth_date=date(2025, 3, 10), enrollment_date=date(2025, 6, 20))
    visits = generate_schedule(UNIVERSAL, anchors)
    assert [v.kind for v in visits] == ["months_4_5", "months_8_10", "months_15_18"]
    assert all(v.earliest >= date(2025, 6, 20) for v in visits)


def test_a_window_straddling_the_enrolment_date_starts_on_it() -> None:
    anchors = ChildAnchors(due_date=date(2025, 3, 10), birth_date=date(2025, 3, 10), enrollment_date=date(2025, 7, 28))
    months_4_5 = by_kind(generate_schedule(UNIVERSAL, anchors), "months_4_5")[0]
    assert months_4_5.earliest == date(2025, 7, 28)
    assert months_4_5.latest == date(2025, 8, 10)


def test_the_horizon_leaves_out_visits_whose_window_opens_after_it() -> None:
    anchors = ChildAnchors(due_date=date(2025, 3, 10), birth_date=date(2025, 3, 10))
    visits = generate_schedule(UNIVERSAL, anchors, horizon=date(2025, 6, 1))
    assert [v.kind for v in visits] == ["pregnancy", "postnatal", "establishment", "months_2_3"]


def test_the_level_4_follow_up_is_yearly_from_enrolment_until_age_18() -> None:
    anchors = ChildAnchors(due_date=date(2020, 5, 1), birth_date=date(2020, 5, 1), enrollment_date=date(2024, 2, 12))
    visits = generate_schedule(CATALOG.current("level4_followup"), anchors)
    # 12 Feb 2024, 2025, ..., 2038: the last is before the 18th birthday on 1 May 2038.
    assert [v.sequence for v in visits] == list(range(1, 16))
    assert visits[0].earliest == date(2024, 2, 12)  # first window clipped to the enrolment
    assert visits[-1].latest < date(2038, 5, 1)
    assert all(v.roles == ("caseworker", "health_visitor") for v in visits)
    assert generate_schedule(CATALOG.current("level4_followup"), anchors, horizon=date(2026, 6, 1))[-1].sequence == 3


def test_a_mothers_group_has_8_sessions_every_14_days_from_the_course_start() -> None:
    anchors = ChildAnchors(due_date=date(2025, 1, 10), enrollment_date=date(2025, 3, 6))
    sessions = generate_schedule(CATALOG.current("mothers_group"), anchors)
    assert [v.sequence for v in sessions] == list(range(1, 9))
    # Session 4 would be Maundy Thursday 17 April: it moves to Tuesday 22 April.
    assert sessions[3].target_date == date(2025, 4, 22) and sessions[3].window_extended
    assert sessions[4].target_date == date(2025, 5, 1)


def test_a_group_course_without_a_start_date_is_an_error() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        generate_schedule(CATALOG.current("mothers_group"), ChildAnchors(due_date=date(2025, 1, 1)))
    assert excinfo.value.errors[0].field == "enrollment_date"


def test_open_cadence_plans_nothing() -> None:
    assert generate_schedule(CATALOG.current("gro"), ChildAnchors(due_date=date(2025, 1, 1))) == ()


def test_transition_visits_wait_for_their_anchor() -> None:
    package = CATALOG.current("transitions")
    anchors = ChildAnchors(due_date=date(2024, 1, 10), birth_date=date(2024, 1, 10))
    assert [v.kind for v in generate_schedule(package, anchors)] == ["joint_examination_3_years"]
    later = ChildAnchors(due_date=date(2024, 1, 10), birth_date=date(2024, 1, 10), daycare_start=date(2025, 1, 6))
    daycare = by_kind(generate_schedule(package, later), "transition_daycare")[0]
    assert daycare.target_date == date(2024, 12, 30)
    assert daycare.roles == ("health_visitor", "pedagogue")


def test_month_offsets_are_calendar_months_clamped_to_the_month_end() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 15), -12) == date(2023, 12, 15)


# -- re-anchoring and ending ----------------------------------------------------------------------


def existing(visits: tuple[PlannedVisit, ...], statuses: list[VisitStatus]) -> list[ExistingVisit]:
    return [
        ExistingVisit(v.kind, v.sequence, s, v.target_date, v.earliest, v.latest)
        for v, s in zip(visits, statuses, strict=True)
    ]


def test_a_known_birth_date_moves_planned_visits_but_not_done_ones() -> None:
    before = ChildAnchors(due_date=date(2025, 3, 10))
    after = ChildAnchors(due_date=date(2025, 3, 10), birth_date=date(2025, 2, 17))
    old = generate_schedule(UNIVERSAL, before)
    stored = existing(old, [VisitStatus.DONE] + [VisitStatus.PLANNED] * (len(old) - 1))
    changes = reanchor(stored, UNIVERSAL, after)
    assert {c.kind for c in changes} == {
        "postnatal",
        "establishment",
        "months_2_3",
        "months_4_5",
        "months_8_10",
        "months_15_18",
    }
    assert all(c.action is ChangeAction.MOVE for c in changes)
    assert "pregnancy" not in {c.kind for c in changes}


def test_a_planned_visit_the_new_schedule_lacks_is_cancelled_with_a_reason() -> None:
    before = ChildAnchors(due_date=date(2025, 3, 10))
    after = ChildAnchors(due_date=date(2025, 3, 10), birth_date=date(2025, 2, 10))
    old = generate_schedule(MTB, before)
    changes = reanchor(existing(old, [VisitStatus.PLANNED] * len(old)), MTB, after)
    cancelled = [c for c in changes if c.action is ChangeAction.CANCEL]
    # Born 4 weeks early: the weekly phase (still from due - 12 weeks) ends 4 weeks sooner.
    assert [c.sequence for c in cancelled] == [62, 63, 64, 65]
    assert all(c.kind == "mtb_weekly" and c.reason == REASON_NOT_IN_SCHEDULE for c in cancelled)


def test_ending_an_enrolment_cancels_only_its_future_planned_visits() -> None:
    old = generate_schedule(UNIVERSAL, ChildAnchors(due_date=date(2025, 3, 10)))
    statuses = [
        VisitStatus.DONE,
        VisitStatus.MISSED,
        VisitStatus.PLANNED,
        VisitStatus.PLANNED,
        VisitStatus.CANCELLED,
        VisitStatus.PLANNED,
        VisitStatus.DONE,
    ]
    stored = existing(old, statuses)
    end = old[3].target_date
    to_cancel = visits_to_cancel_on_end(stored, end)
    assert [v.kind for v in to_cancel] == [old[5].kind]


# -- properties -----------------------------------------------------------------------------------


@PROPERTY
@given(code=st.sampled_from(PLANNED_CODES), anchors=child_anchors())
def test_no_visit_falls_outside_its_window_or_on_a_closed_day(code: str, anchors: ChildAnchors) -> None:
    for v in schedule_for(code, anchors):
        assert v.earliest <= v.target_date <= v.latest
        assert not closed(v.target_date)
        if anchors.enrollment_date is not None:
            assert v.earliest >= anchors.enrollment_date


@PROPERTY
@given(code=st.sampled_from(PLANNED_CODES), anchors=child_anchors(enrolled=True))
def test_visits_are_sorted_and_never_duplicated(code: str, anchors: ChildAnchors) -> None:
    visits = schedule_for(code, anchors)
    keys = [(v.target_date, v.kind, v.sequence) for v in visits]
    assert keys == sorted(keys)
    assert len({(v.kind, v.sequence) for v in visits}) == len(visits)
    assert generate_schedule(CATALOG.current(code), anchors) == visits  # deterministic


@PROPERTY
@given(
    code=st.sampled_from(PLANNED_CODES),
    anchors=child_anchors(enrolled=True),
    horizon_days=st.integers(min_value=-100, max_value=2000),
)
def test_a_horizon_only_drops_visits_opening_after_it(code: str, anchors: ChildAnchors, horizon_days: int) -> None:
    horizon = anchors.due_date + timedelta(days=horizon_days)
    full = schedule_for(code, anchors)
    cut = generate_schedule(CATALOG.current(code), anchors, horizon=horizon)
    assert cut == tuple(v for v in full if v.earliest <= horizon)


@SLOW_PROPERTY
@given(anchors=child_anchors(enrolled=False))
def test_minding_the_baby_is_weekly_from_the_third_trimester_then_fortnightly_to_age_2(
    anchors: ChildAnchors,
) -> None:
    visits = generate_schedule(MTB, anchors)
    born = anchors.birth_date or anchors.due_date
    start = anchors.due_date - timedelta(days=84)
    first_birthday, second_birthday = add_months(born, 12), add_months(born, 24)
    weekly, fortnightly = by_kind(visits, "mtb_weekly"), by_kind(visits, "mtb_fortnightly")
    assert len(weekly) == -(-(first_birthday - start).days // 7)  # ceil
    assert len(fortnightly) == -(-(second_birthday - first_birthday).days // 14)
    assert [v.sequence for v in weekly] == list(range(1, len(weekly) + 1))
    assert weekly[0].earliest == start
    for v in weekly:
        assert start <= v.earliest and (v.latest < first_birthday or v.window_extended)
    for v in fortnightly:
        assert first_birthday <= v.earliest and (v.latest < second_birthday or v.window_extended)
    for a, b in pairwise(weekly):
        assert 1 <= (b.target_date - a.target_date).days <= 13
    for a, b in pairwise(fortnightly):
        assert 8 <= (b.target_date - a.target_date).days <= 20


@PROPERTY
@given(anchors=child_anchors(enrolled=False))
def test_the_universal_programme_has_5_visits_in_year_one_and_one_at_15_to_18_months(
    anchors: ChildAnchors,
) -> None:
    visits = generate_schedule(UNIVERSAL, anchors)
    born = anchors.birth_date or anchors.due_date
    first_year = [v for v in visits if born <= v.target_date < add_months(born, 12)]
    assert len(first_year) >= 5
    late = [v for v in visits if add_months(born, 15) <= v.target_date <= add_months(born, 18)]
    assert [v.kind for v in late] == ["months_15_18"]
    assert len([v for v in visits if v.target_date < born]) <= 1  # only the pregnancy visit


@PROPERTY
@given(
    code=st.sampled_from(PLANNED_CODES),
    before=child_anchors(enrolled=True),
    shift=st.integers(min_value=-40, max_value=40),
    data=st.data(),
)
def test_reanchoring_moves_only_planned_visits(
    code: str, before: ChildAnchors, shift: int, data: st.DataObject
) -> None:
    package = CATALOG.current(code)
    old = generate_schedule(package, before)
    assume(old)
    statuses = data.draw(st.lists(st.sampled_from(list(VisitStatus)), min_size=len(old), max_size=len(old)))
    stored = existing(old, statuses)
    after = ChildAnchors(
        due_date=before.due_date,
        birth_date=before.due_date + timedelta(days=shift),
        discharge_date=None,
        enrollment_date=before.enrollment_date,
        daycare_start=before.daycare_start,
        kindergarten_start=before.kindergarten_start,
        school_start=before.school_start,
    )
    changes = reanchor(stored, package, after)
    status_of = {(v.kind, v.sequence): v.status for v in stored}
    new_keys = {(v.kind, v.sequence) for v in generate_schedule(package, after)}
    for c in changes:
        key = (c.kind, c.sequence)
        if c.action is ChangeAction.ADD:
            assert key not in status_of and key in new_keys
        else:
            assert status_of[key] is VisitStatus.PLANNED
            assert (key in new_keys) == (c.action is ChangeAction.MOVE)
    # Every stored planned visit ends up matching the new schedule or cancelled.
    touched = {(c.kind, c.sequence) for c in changes}
    for v in stored:
        if v.status is VisitStatus.PLANNED and (v.kind, v.sequence) not in touched:
            assert (v.kind, v.sequence) in new_keys
