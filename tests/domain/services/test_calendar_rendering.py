"""The calendar feed writes its events out directly (icalendar takes half a millisecond an event): the
bytes must be exactly what icalendar itself writes for the same event, whatever the text holds."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from domain.services.calendar import _event, _event_ical
from domain.store.repositories.worklists import CalendarVisit

# Text with everything that is escaped or folded: separators, backslashes, line breaks and characters
# of two, three and four octets (a fold must never split one); a backslash before N makes icalendar's
# "\\N" line break.
awkward_text = st.text(alphabet=st.sampled_from(list("abcN XYZ,;:\\\n\r^\"'æøåÆØÅ–€😀\t")), max_size=120)
utc_moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC))


def _visit(*, created: datetime, changed_after: timedelta, area: str | None, target: date) -> CalendarVisit:
    return CalendarVisit(
        visit_id=uuid.uuid4(),
        child_id=uuid.uuid4(),
        package_code="universal",
        package_version=1,
        kind="months_2_3",
        target_date=target,
        earliest=target - timedelta(days=10),
        latest=target + timedelta(days=20),
        created_at=created,
        updated_at=created + changed_after,
        area_name=area,
    )


@settings(max_examples=300, deadline=None)
@given(
    label=awkward_text,
    area=st.none() | awkward_text,
    created=utc_moments,
    changed_after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=900)),
    target=st.dates(min_value=date(2000, 1, 1), max_value=date(2045, 12, 31)),
)
def test_an_event_is_byte_for_byte_what_icalendar_writes(
    label: str, area: str | None, created: datetime, changed_after: timedelta, target: date
) -> None:
    visit = _visit(created=created, changed_after=changed_after, area=area, target=target)
    assert _event_ical(visit, label) == _event(visit, label).to_ical()


def test_an_event_stamped_in_another_time_zone_is_left_to_icalendar() -> None:
    copenhagen_winter = timezone(timedelta(hours=1))
    visit = _visit(
        created=datetime(2026, 1, 5, 9, 30, tzinfo=copenhagen_winter),
        changed_after=timedelta(hours=2),
        area="Ringparken",
        target=date(2026, 2, 2),
    )
    assert _event_ical(visit, "Etableringsbesøg") == _event(visit, "Etableringsbesøg").to_ical()


def test_a_long_label_is_folded_and_reads_back_unchanged() -> None:
    label = "Hjemmebesøg ved 15-18 måneder; med far, mor og søskende – " * 3
    visit = _visit(
        created=datetime(2026, 3, 1, tzinfo=UTC), changed_after=timedelta(0), area="Øst", target=date(2026, 3, 2)
    )
    written = _event_ical(visit, label)
    assert all(len(line) <= 75 for line in written.split(b"\r\n"))
    parsed = Calendar.from_ical(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + written + b"END:VCALENDAR\r\n")
    (event,) = parsed.walk("VEVENT")
    assert str(event["summary"]) == f"Hjemmebesøg: {label} – Øst"
