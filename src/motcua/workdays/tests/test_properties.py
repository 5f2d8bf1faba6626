"""Properties of the working-time engine, checked with hypothesis on the shipped 2025/2026 calendar."""

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workdays.baseline import working_day_rule
from motcua.workdays.calendar import VN_TZ, Schedule, Unit, WorkCalendar

DATA = Path(__file__).resolve().parent.parent / "data" / "announced_calendar.json"
HOUR = 3600


def announced_overrides():
    rows = json.loads(DATA.read_text(encoding="utf-8"))["overrides"]
    return [
        (dt.date.fromisoformat(r["first_day"]), dt.date.fromisoformat(r["last_day"]), r["kind"] == "working_day")
        for r in rows
    ]


# Built once for the module: the default hours and an agency opening and closing later.
RULE = working_day_rule(announced_overrides())
DEFAULT = WorkCalendar(dt.date(2015, 1, 1), dt.date(2045, 12, 31), RULE)
OTHER = WorkCalendar(
    dt.date(2015, 1, 1),
    dt.date(2045, 12, 31),
    RULE,
    Schedule(periods=((7 * HOUR, 11 * HOUR), (13 * HOUR + 1800, 17 * HOUR + 1800))),
)

# Fast enough to run with the rest of the suite in a few seconds.
checks = settings(max_examples=100, deadline=None)

calendars = st.sampled_from([DEFAULT, OTHER])
# Instants arrive in Vietnam's offset, in UTC (database, timezone.now()) or in a zoneinfo zone (forms).
zones = st.sampled_from([VN_TZ, dt.UTC, ZoneInfo("Asia/Ho_Chi_Minh")])
days = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31))
# Opening, lunch, cut-off and closing times of both schedules, and a second either side of them.
edges = [
    h * HOUR + m * 60 for h, m in ((7, 0), (7, 30), (11, 0), (11, 30), (13, 0), (13, 30), (15, 0), (17, 0), (17, 30))
]
seconds_of_day = st.one_of(
    st.integers(0, 86399),
    st.sampled_from(edges).flatmap(lambda edge: st.sampled_from([edge - 1, edge, edge + 1])),
)


@st.composite
def instants(draw):
    day, second = draw(days), draw(seconds_of_day)
    local = dt.datetime(day.year, day.month, day.day, tzinfo=VN_TZ) + dt.timedelta(seconds=second)
    return local.astimezone(draw(zones))


@st.composite
def working_instants(draw, calendar):
    """An instant inside a working period of a working day of `calendar`."""
    day = calendar.next_working_day(draw(days))
    start, end = draw(st.sampled_from(calendar.schedule.periods))
    second = draw(st.integers(start, end - 1))
    return dt.datetime(day.year, day.month, day.day, tzinfo=VN_TZ) + dt.timedelta(seconds=second)


limits = st.one_of(
    st.tuples(st.integers(1, 30), st.just(Unit.WORKING_DAYS)),
    st.tuples(st.sampled_from([0.5, 1.5]), st.just(Unit.WORKING_DAYS)),
    st.tuples(st.integers(1, 80), st.just(Unit.WORKING_HOURS)),
    st.tuples(st.just(1), st.just(Unit.SAME_DAY)),
    st.tuples(st.integers(1, 60), st.just(Unit.CALENDAR_DAYS)),
    st.tuples(st.integers(1, 6), st.just(Unit.MONTHS)),
)
units = st.sampled_from(list(Unit))
# Neighbouring amounts are drawn often: a day-off rule can misorder a limit and the next one.
extras = st.one_of(st.integers(1, 2), st.integers(0, 40))


@st.composite
def suspensions(draw):
    begin = draw(instants())
    return begin, begin + dt.timedelta(seconds=draw(st.integers(0, 20 * 86400)))


# -- where deadlines fall ------------------------------------------------------------------------------


@checks
@given(calendars, instants(), limits, st.booleans(), st.lists(suspensions(), max_size=2))
def test_due_instant_is_always_inside_working_time(calendar, received, limit, paper, pauses):
    amount, unit = limit
    due = calendar.due(received, amount, unit, paper=paper, suspensions=pauses)
    assert calendar.is_working_time(due)


@checks
@given(calendars, instants(), limits, st.booleans())
def test_due_instant_is_never_before_receipt(calendar, received, limit, paper):
    amount, unit = limit
    assert calendar.due(received, amount, unit, paper=paper) >= received


@checks
@given(calendars, instants(), limits)
def test_paper_cutoff_never_brings_a_deadline_forward(calendar, received, limit):
    amount, unit = limit
    assert calendar.due(received, amount, unit, paper=True) >= calendar.due(received, amount, unit)


@checks
@given(calendars, instants(), zones)
def test_the_zone_an_instant_is_written_in_does_not_change_its_position(calendar, instant, zone):
    assert calendar.position(instant.astimezone(zone)) == calendar.position(instant)


@checks
@given(calendars, instants())
def test_position_of_the_instant_at_a_position_is_that_position(calendar, instant):
    position = calendar.position(instant)
    assert calendar.position(calendar.instant(position)) == position


# -- monotonicity --------------------------------------------------------------------------------------


@checks
@given(calendars, instants(), instants(), limits, st.booleans())
def test_later_receipt_never_gives_an_earlier_deadline(calendar, first, second, limit, paper):
    first, second = sorted([first, second])
    amount, unit = limit
    assert calendar.due(first, amount, unit, paper=paper) <= calendar.due(second, amount, unit, paper=paper)


@checks
@given(
    calendars, instants(), units, st.integers(0, 40), st.one_of(st.integers(1, 2), st.integers(0, 40)), st.booleans()
)
def test_longer_limit_never_gives_an_earlier_deadline(calendar, received, unit, shorter, extra, paper):
    longer = shorter + extra
    assert calendar.due(received, shorter, unit, paper=paper) <= calendar.due(received, longer, unit, paper=paper)


# -- additivity ------------------------------------------------------------------------------------------


@checks
@given(
    calendars,
    instants(),
    st.sampled_from([Unit.WORKING_DAYS, Unit.WORKING_HOURS]),
    st.integers(0, 30),
    st.integers(0, 30),
    st.booleans(),
)
def test_adding_working_time_in_two_steps_equals_adding_it_at_once_in_positions(calendar, received, unit, a, b, paper):
    start = calendar.clock_start(received, paper=paper)
    assert calendar.add(calendar.add(start, a, unit), b, unit) == calendar.add(start, a + b, unit)


@checks
@given(calendars, instants(), st.sampled_from([Unit.WORKING_DAYS, Unit.WORKING_HOURS]), st.integers(0, 30))
def test_adding_working_time_in_two_steps_equals_adding_it_at_once_in_instants(calendar, received, unit, a):
    # The first deadline, taken as a new online receipt, continues the count exactly where it stopped.
    for b in (0, 1, 7):
        assert calendar.due(calendar.due(received, a, unit), b, unit) == calendar.due(received, a + b, unit)


# -- suspensions and measured working time -----------------------------------------------------------------


@checks
@given(calendars, instants(), limits, st.booleans(), st.lists(suspensions(), min_size=1, max_size=3))
def test_suspension_never_shortens_a_deadline(calendar, received, limit, paper, pauses):
    amount, unit = limit
    plain = calendar.due(received, amount, unit, paper=paper)
    assert calendar.due(received, amount, unit, paper=paper, suspensions=pauses) >= plain


@checks
@given(calendars, instants(), limits, instants(), instants())
def test_open_suspension_measured_later_never_shortens_a_deadline(calendar, received, limit, begin, now):
    amount, unit = limit
    earlier, later = sorted([begin, now])
    plain = calendar.due(received, amount, unit)
    measured_then = calendar.due(received, amount, unit, suspensions=[(earlier, None)], now=later)
    assert plain <= measured_then


@checks
@given(st.data(), calendars, st.integers(1, 80))
def test_working_time_up_to_the_deadline_equals_the_limit_in_hours(data, calendar, hours):
    received = data.draw(working_instants(calendar))
    due = calendar.due(received, hours, Unit.WORKING_HOURS)
    assert calendar.working_seconds_between(received, due) == hours * HOUR
    assert calendar.working_seconds_between(due, received) == -hours * HOUR


@checks
@given(st.data(), calendars, st.integers(1, 30))
def test_working_time_up_to_the_deadline_equals_the_limit_in_days(data, calendar, days_):
    received = data.draw(working_instants(calendar))
    due = calendar.due(received, days_, Unit.WORKING_DAYS)
    assert calendar.working_seconds_between(received, due) == days_ * calendar.day_seconds


@checks
@given(st.data(), calendars, st.integers(1, 80), st.lists(suspensions(), max_size=3))
def test_working_time_up_to_a_suspended_deadline_less_the_suspensions_equals_the_limit(data, calendar, hours, pauses):
    received = data.draw(working_instants(calendar))
    due = calendar.due(received, hours, Unit.WORKING_HOURS, suspensions=pauses)
    assert calendar.working_seconds_between(received, due, suspensions=pauses) == hours * HOUR


# -- agreement with counting period by period ------------------------------------------------------------


def counted_due(calendar, received, needed, *, paper):
    """The earliest instant by which `needed` working seconds have passed, counted period by period
    from the working-day rule and the schedule alone (no working-time coordinate)."""
    periods, cutoff = calendar.schedule.periods, calendar.schedule.cutoff
    local = received.astimezone(VN_TZ)
    day, second = local.date(), local.hour * 3600 + local.minute * 60 + local.second
    if paper and RULE(day) and second > cutoff:
        day, second = day + dt.timedelta(days=1), 0
    while True:
        if RULE(day):
            for start, end in periods:
                begin = max(start, second)
                if begin < end:
                    if needed <= end - begin:
                        return dt.datetime(day.year, day.month, day.day, tzinfo=VN_TZ) + dt.timedelta(
                            seconds=begin + needed
                        )
                    needed -= end - begin
        day, second = day + dt.timedelta(days=1), 0


def counted_same_day(calendar, received, *, paper):
    periods, cutoff = calendar.schedule.periods, calendar.schedule.cutoff
    local = received.astimezone(VN_TZ)
    day, second = local.date(), local.hour * 3600 + local.minute * 60 + local.second
    closing = periods[-1][1]
    if not RULE(day) or second >= closing or (paper and second > cutoff):
        day += dt.timedelta(days=1)
    while not RULE(day):
        day += dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=VN_TZ) + dt.timedelta(seconds=closing)


@checks
@given(calendars, instants(), st.integers(1, 60), st.booleans())
def test_working_hours_agree_with_counting_period_by_period(calendar, received, hours, paper):
    expected = counted_due(calendar, received, hours * HOUR, paper=paper)
    assert calendar.due(received, hours, Unit.WORKING_HOURS, paper=paper) == expected


@checks
@given(calendars, instants(), st.integers(1, 30), st.booleans())
def test_working_days_agree_with_counting_period_by_period(calendar, received, days_, paper):
    expected = counted_due(calendar, received, days_ * calendar.day_seconds, paper=paper)
    assert calendar.due(received, days_, Unit.WORKING_DAYS, paper=paper) == expected


@checks
@given(calendars, instants(), st.booleans())
def test_same_day_agrees_with_the_closing_time_of_the_first_day_counted(calendar, received, paper):
    assert calendar.due(received, 1, Unit.SAME_DAY, paper=paper) == counted_same_day(calendar, received, paper=paper)
