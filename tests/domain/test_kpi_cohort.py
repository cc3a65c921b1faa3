"""The coverage page's default cohort: the last birth year whose windows have all closed."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.rules.kpi import WINDOW_STRETCH_MARGIN, last_complete_birth_year
from domain.rules.offsets import Offset

windows = st.lists(st.builds(Offset, months=st.integers(0, 48), days=st.integers(0, 60)), min_size=1, max_size=4)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@given(days, windows)
def test_the_cohort_is_complete_and_the_next_one_is_not(today: date, closes: list[Offset]) -> None:
    year = last_complete_birth_year(today, closes)
    assert year < today.year, "never this year: it has children on 1 January as on 31 December"
    youngest = date(year, 12, 31)
    assert all(offset.apply(youngest) + WINDOW_STRETCH_MARGIN < today for offset in closes)
    if year + 1 < today.year:
        later = date(year + 1, 12, 31)
        assert any(offset.apply(later) + WINDOW_STRETCH_MARGIN >= today for offset in closes)


def test_the_extra_visits_cohort_on_the_turn_of_the_year() -> None:
    closes = [Offset(months=7), Offset(months=19)]  # the 6-month and 1½-year extra visits
    assert last_complete_birth_year(date(2026, 12, 31), closes) == 2024
    assert last_complete_birth_year(date(2027, 1, 1), closes) == 2024
    assert last_complete_birth_year(date(2026, 8, 14), closes) == 2023  # 2024's last windows close on 31 July 2026
    assert last_complete_birth_year(date(2026, 8, 15), closes) == 2024
