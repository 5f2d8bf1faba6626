"""The calendar's data in the database: shipped announcements, override validation, cache refresh."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation

from motcua.workdays import services
from motcua.workdays.calendar import VN_TZ, Schedule, Unit
from motcua.workdays.models import CalendarOverride, WorkingSchedule

DATA = Path(__file__).resolve().parent.parent / "data" / "announced_calendar.json"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Messages are checked against their source text; the site itself speaks Vietnamese (below).
    with translation.override("en"):
        yield


def at(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def rows():
    return set(CalendarOverride.objects.values_list("first_day", "last_day", "kind", "name"))


def override(first, last, kind=CalendarOverride.Kind.DAY_OFF, name="Nghỉ thử"):
    return CalendarOverride(first_day=first, last_day=last, kind=kind, name=name)


# -- what the migration ships ------------------------------------------------------------------------------


def test_migration_loads_every_announced_override_of_2025_and_2026():
    shipped = json.loads(DATA.read_text(encoding="utf-8"))["overrides"]
    expected = {
        (dt.date.fromisoformat(r["first_day"]), dt.date.fromisoformat(r["last_day"]), r["kind"], r["name"])
        for r in shipped
    }
    assert rows() == expected
    assert {first.year for first, *_ in expected} == {2025, 2026}


def test_migration_loads_the_swapped_saturdays_as_working_days():
    working = set(
        CalendarOverride.objects.filter(kind=CalendarOverride.Kind.WORKING_DAY).values_list("first_day", flat=True)
    )
    assert working == {dt.date(2025, 4, 26), dt.date(2026, 1, 10), dt.date(2026, 8, 22)}


def test_migration_creates_the_default_working_hours():
    default = WorkingSchedule.objects.get(is_default=True)
    assert default.as_schedule() == Schedule()


def test_calendar_from_the_database_follows_the_announcements():
    calendar = services.calendar_for()
    assert calendar.is_working_day(dt.date(2026, 1, 10))
    assert not calendar.is_working_day(dt.date(2026, 1, 2))
    assert not calendar.is_working_day(dt.date(2026, 8, 31))
    # Thu 12/02/2026 10:00 + 5 working days, Tết 16–20/02 skipped: Thu 26/02 10:00.
    assert calendar.due(at(2026, 2, 12, 10), 5, Unit.WORKING_DAYS) == at(2026, 2, 26, 10)


# -- validation through services.save_override ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (dt.date(2026, 2, 13), dt.date(2026, 2, 16)),  # runs into Tết 16–20/02
        (dt.date(2026, 2, 20), dt.date(2026, 2, 23)),  # runs out of it
        (dt.date(2026, 2, 17), dt.date(2026, 2, 18)),  # inside it
        (dt.date(2026, 2, 10), dt.date(2026, 2, 25)),  # around it
        (dt.date(2026, 2, 20), dt.date(2026, 2, 20)),  # its last day alone
    ],
)
def test_overlapping_override_is_refused_naming_the_clash_and_nothing_is_saved(first, last):
    before = rows()
    with pytest.raises(ValidationError) as refused:
        services.save_override(override(first, last))
    [message] = refused.value.message_dict[NON_FIELD_ERRORS]
    assert "overlap" in message
    assert "16/02/2026–20/02/2026" in message
    assert rows() == before


def test_overlap_is_explained_in_vietnamese_to_the_administrator():
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.save_override(override(dt.date(2026, 2, 13), dt.date(2026, 2, 16)))
    [message] = refused.value.message_dict[NON_FIELD_ERRORS]
    assert message.startswith("Các ngày này trùng với khoảng đã có: 16/02/2026–20/02/2026 — Tết Nguyên đán Bính Ngọ")


def test_overlapping_swapped_saturday_is_refused():
    # Sat 10/01/2026 is already a swapped working day; declaring it a day off as well is a clash.
    with pytest.raises(ValidationError, match="10/01/2026"):
        services.save_override(override(dt.date(2026, 1, 10), dt.date(2026, 1, 11)))
    assert not CalendarOverride.objects.filter(name="Nghỉ thử").exists()


def test_override_next_to_another_is_accepted():
    # Sat 21/02/2026 follows the Tết range (16–20/02) without overlapping it.
    saved = services.save_override(override(dt.date(2026, 2, 21), dt.date(2026, 2, 21)))
    assert CalendarOverride.objects.filter(pk=saved.pk).exists()


def test_editing_an_override_does_not_clash_with_itself():
    tet = CalendarOverride.objects.get(first_day=dt.date(2026, 2, 16))
    tet.last_day = dt.date(2026, 2, 23)
    services.save_override(tet)
    tet.refresh_from_db()
    assert tet.last_day == dt.date(2026, 2, 23)


def test_range_in_the_wrong_order_is_refused_and_nothing_is_saved():
    before = rows()
    with pytest.raises(ValidationError) as refused:
        services.save_override(override(dt.date(2027, 3, 10), dt.date(2027, 3, 9)))
    assert "The last day cannot be before the first day." in refused.value.message_dict["last_day"]
    assert rows() == before


def test_range_longer_than_sixty_days_is_refused():
    with pytest.raises(ValidationError, match="60 days"):
        services.save_override(override(dt.date(2027, 1, 1), dt.date(2027, 3, 31)))


# -- the cached calendars ---------------------------------------------------------------------------------------


def test_new_day_off_changes_due_dates_once_the_cache_is_cleared(django_capture_on_commit_callbacks):
    # Mon 09/03/2026 9:00 + 3 working days: Thu 12/03 9:00.
    assert services.calendar_for().due(at(2026, 3, 9, 9), 3, Unit.WORKING_DAYS) == at(2026, 3, 12, 9)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.save_override(override(dt.date(2026, 3, 10), dt.date(2026, 3, 10)))
    # The commit clears the cache, so the new day off is counted: Wed 11 (1), Thu 12 (2), Fri 13/03 9:00 (3).
    assert callbacks
    calendar = services.calendar_for()
    assert not calendar.is_working_day(dt.date(2026, 3, 10))
    assert calendar.due(at(2026, 3, 9, 9), 3, Unit.WORKING_DAYS) == at(2026, 3, 13, 9)


def test_calendar_stays_cached_until_the_cache_is_cleared():
    assert services.calendar_for().is_working_day(dt.date(2026, 3, 10))
    # Written behind the service's back (no commit hook): the cached calendar still has the old days.
    CalendarOverride.objects.create(
        first_day=dt.date(2026, 3, 10), last_day=dt.date(2026, 3, 10), kind="day_off", name="Nghỉ thử"
    )
    assert services.calendar_for().is_working_day(dt.date(2026, 3, 10))
    services.clear_cache()
    assert not services.calendar_for().is_working_day(dt.date(2026, 3, 10))


def test_new_swapped_saturday_counts_for_every_schedule_once_the_cache_is_cleared():
    other_hours = Schedule(periods=((7 * 3600, 11 * 3600), (13 * 3600 + 1800, 17 * 3600 + 1800)))
    assert not services.calendar_for(other_hours).is_working_day(dt.date(2026, 3, 14))
    services.save_override(override(dt.date(2026, 3, 14), dt.date(2026, 3, 14), CalendarOverride.Kind.WORKING_DAY))
    services.clear_cache()
    # Fri 13/03/2026 16:00 + 8 working hours: 16:00–17:30 (1.5 h), Sat 14/03 7:00–11:00 (5.5 h), 13:30 + 2.5 h.
    assert services.calendar_for(other_hours).due(at(2026, 3, 13, 16), 8, Unit.WORKING_HOURS) == at(2026, 3, 14, 16)
    assert services.calendar_for().is_working_day(dt.date(2026, 3, 14))


# -- working hours --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "times",
    [
        # morning start, morning end, afternoon start, afternoon end
        (dt.time(11, 30), dt.time(7, 30), dt.time(13, 0), dt.time(17, 0)),  # morning backwards
        (dt.time(7, 30), dt.time(13, 30), dt.time(13, 0), dt.time(17, 0)),  # morning runs into the afternoon
        (dt.time(13, 0), dt.time(17, 0), dt.time(7, 30), dt.time(11, 30)),  # afternoon before the morning
        (dt.time(7, 30), dt.time(11, 30), dt.time(17, 0), dt.time(13, 0)),  # afternoon backwards
    ],
)
def test_working_schedule_with_periods_out_of_order_is_refused(times):
    morning_start, morning_end, afternoon_start, afternoon_end = times
    schedule = WorkingSchedule(
        name="Giờ sai",
        morning_start=morning_start,
        morning_end=morning_end,
        afternoon_start=afternoon_start,
        afternoon_end=afternoon_end,
    )
    with pytest.raises(ValidationError, match="must be in order"):
        schedule.clean()


def test_working_schedule_in_order_is_accepted_and_used():
    schedule = WorkingSchedule(
        name="Giờ mùa hè",
        morning_start=dt.time(7, 0),
        morning_end=dt.time(11, 0),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(17, 30),
    )
    schedule.full_clean()
    schedule.save()
    # Same day: by the agency's own closing time.
    assert services.calendar_for(schedule.as_schedule()).due(at(2026, 3, 9, 10), 1, Unit.SAME_DAY) == at(
        2026, 3, 9, 17, 30
    )
