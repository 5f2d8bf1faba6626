"""Due dates worked out by hand on the 2025/2026 calendars (the shipped announcements, no database).

Facts used below, from data/announced_calendar.json and the `holidays` package:
- 2025: Sat 26/04 is worked (swap), Wed 30/04–Fri 02/05 are off.
- 2026: Thu 01/01 and Fri 02/01 are off, Sat 10/01 is worked; Tết: Mon 16/02–Fri 20/02 off;
  Mon 27/04 off (Hùng Kings fell on Sunday); Thu 30/04 and Fri 01/05 off; Sat 22/08 worked,
  Mon 31/08–Wed 02/09 off.
- Weekdays: 01/02/2026 and 01/03/2026 are Sundays, 01/08/2026 is a Saturday.
- Default hours 7:30–11:30 and 13:00–17:00: a working day is 8 hours; paper cut-off 15:00.
"""

import datetime as dt
import json
from pathlib import Path

import pytest

from motcua.workdays.baseline import working_day_rule
from motcua.workdays.calendar import VN_TZ, CalendarRangeError, Schedule, Unit, WorkCalendar

DATA = Path(__file__).resolve().parent.parent / "data" / "announced_calendar.json"
HOUR = 3600
DAY = 8 * HOUR


def announced_overrides():
    rows = json.loads(DATA.read_text(encoding="utf-8"))["overrides"]
    return [
        (dt.date.fromisoformat(r["first_day"]), dt.date.fromisoformat(r["last_day"]), r["kind"] == "working_day")
        for r in rows
    ]


def build(schedule=None):
    return WorkCalendar(dt.date(2015, 1, 1), dt.date(2045, 12, 31), working_day_rule(announced_overrides()), schedule)


@pytest.fixture(scope="module")
def cal():
    return build()


def at(year, month, day, hour=0, minute=0, second=0):
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)


# -- which days are worked -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 1, 10), True),  # swapped Saturday
        (dt.date(2026, 8, 22), True),  # swapped Saturday
        (dt.date(2025, 4, 26), True),  # swapped Saturday
        (dt.date(2026, 1, 2), False),  # the day swapped against 10/01
        (dt.date(2026, 8, 31), False),  # the day swapped against 22/08
        (dt.date(2026, 2, 16), False),  # Tết
        (dt.date(2026, 2, 20), False),  # Tết
        (dt.date(2026, 4, 27), False),  # compensatory day for Hùng Kings on a Sunday
        (dt.date(2026, 2, 14), False),  # an ordinary Saturday
        (dt.date(2026, 2, 23), True),  # back to work after Tết
    ],
)
def test_announced_days_off_and_swapped_saturdays_decide_working_days(cal, day, working):
    assert cal.is_working_day(day) is working


# -- working days ----------------------------------------------------------------------------------


def test_working_days_keep_the_time_of_day(cal):
    # Mon 09/03/2026 9:00 + 3 working days: Tue 9:00 (1), Wed 9:00 (2), Thu 9:00 (3).
    assert cal.due(at(2026, 3, 9, 9), 3, Unit.WORKING_DAYS) == at(2026, 3, 12, 9)


def test_working_days_skip_the_tet_holiday(cal):
    # Thu 12/02/2026 10:00 + 5: Fri 13/02 10:00 (1); Sat 14–Sun 22 are off; Mon 23/02 (2),
    # Tue 24 (3), Wed 25 (4), Thu 26/02 10:00 (5).
    assert cal.due(at(2026, 2, 12, 10), 5, Unit.WORKING_DAYS) == at(2026, 2, 26, 10)
    # The same dossier on paper before 15:00 is not affected by the cut-off.
    assert cal.due(at(2026, 2, 12, 10), 5, Unit.WORKING_DAYS, paper=True) == at(2026, 2, 26, 10)


def test_working_days_count_the_swapped_saturday_of_january_2026(cal):
    # Thu 08/01/2026 9:00 + 3: Fri 09/01 (1), Sat 10/01 worked (2), Mon 12/01 9:00 (3).
    assert cal.due(at(2026, 1, 8, 9), 3, Unit.WORKING_DAYS) == at(2026, 1, 12, 9)


def test_working_days_skip_new_year_and_its_swapped_friday(cal):
    # Wed 31/12/2025 14:00 + 2: Thu 01/01 and Fri 02/01 off, weekend; Mon 05/01 14:00 (1), Tue 06/01 14:00 (2).
    assert cal.due(at(2025, 12, 31, 14), 2, Unit.WORKING_DAYS) == at(2026, 1, 6, 14)


def test_working_days_count_the_swapped_saturday_and_skip_national_day_2026(cal):
    # Thu 20/08/2026 9:00 + 10: Fri 21 (1), Sat 22 worked (2), Mon 24–Fri 28 (3–7);
    # Sat 29–Wed 02/09 off; Thu 03/09 (8), Fri 04/09 (9), Mon 07/09 9:00 (10).
    assert cal.due(at(2026, 8, 20, 9), 10, Unit.WORKING_DAYS) == at(2026, 9, 7, 9)
    # Fri 21/08/2026 16:00 online + 1: Sat 22/08 16:00.
    assert cal.due(at(2026, 8, 21, 16), 1, Unit.WORKING_DAYS) == at(2026, 8, 22, 16)


def test_working_days_count_the_swapped_saturday_of_april_2025(cal):
    # Fri 25/04/2025 9:00 + 2: Sat 26/04 worked (1), Mon 28/04 9:00 (2).
    assert cal.due(at(2025, 4, 25, 9), 2, Unit.WORKING_DAYS) == at(2025, 4, 28, 9)
    # + 4: Tue 29/04 (3); Wed 30/04–Sun 04/05 off; Mon 05/05 9:00 (4).
    assert cal.due(at(2025, 4, 25, 9), 4, Unit.WORKING_DAYS) == at(2025, 5, 5, 9)


def test_deadline_on_a_day_boundary_is_shown_at_the_end_of_the_earlier_day(cal):
    # Received before opening on Mon 09/03/2026: the clock starts at 7:30, one day runs to 17:00
    # that day, not to 7:30 on Tuesday.
    assert cal.due(at(2026, 3, 9, 6), 1, Unit.WORKING_DAYS) == at(2026, 3, 9, 17)
    # Thu 12/02/2026 before opening + 2: Thu and Fri, so Fri 13/02 17:00 rather than Mon 23/02 7:30.
    assert cal.due(at(2026, 2, 12, 7), 2, Unit.WORKING_DAYS) == at(2026, 2, 13, 17)


def test_half_working_day_from_the_morning_ends_at_the_lunch_break(cal):
    # Mon 09/03/2026 7:30 + 0.5 day = 4 working hours = the whole morning: 11:30.
    assert cal.due(at(2026, 3, 9, 7, 30), 0.5, Unit.WORKING_DAYS) == at(2026, 3, 9, 11, 30)


# -- the paper cut-off and receipt outside working time --------------------------------------------------


def test_paper_dossier_after_the_cutoff_counts_from_the_next_working_day(cal):
    # Tue 03/03/2026 15:30 on paper + 2: the clock starts Wed 04/03 at 7:30; Wed (1), Thu (2): Thu 05/03 17:00.
    assert cal.due(at(2026, 3, 3, 15, 30), 2, Unit.WORKING_DAYS, paper=True) == at(2026, 3, 5, 17)


def test_online_dossier_after_the_cutoff_counts_from_its_arrival(cal):
    # The same dossier online: Wed 15:30 (1), Thu 05/03 15:30 (2).
    assert cal.due(at(2026, 3, 3, 15, 30), 2, Unit.WORKING_DAYS) == at(2026, 3, 5, 15, 30)


def test_paper_dossier_before_the_cutoff_counts_from_its_arrival(cal):
    # Tue 03/03/2026 14:59 on paper + 2: Thu 05/03 14:59.
    assert cal.due(at(2026, 3, 3, 14, 59), 2, Unit.WORKING_DAYS, paper=True) == at(2026, 3, 5, 14, 59)


def test_paper_dossier_after_the_cutoff_before_tet_counts_from_after_tet(cal):
    # Fri 13/02/2026 15:30 on paper + 1: next working day is Mon 23/02, so due Mon 23/02 17:00.
    assert cal.due(at(2026, 2, 13, 15, 30), 1, Unit.WORKING_DAYS, paper=True) == at(2026, 2, 23, 17)


@pytest.mark.parametrize("hour", [17, 18, 23])
def test_paper_dossier_received_after_closing_time_loses_only_one_working_day(cal, hour):
    # Tue 03/03/2026 in the evening on paper + 1: the clock starts Wed 04/03 7:30; due Wed 17:00
    # (a bug counted from Thursday: the end of Tuesday already sits on Wednesday's start).
    assert cal.due(at(2026, 3, 3, hour), 1, Unit.WORKING_DAYS, paper=True) == at(2026, 3, 4, 17)
    assert cal.due(at(2026, 3, 3, hour), 1, Unit.WORKING_DAYS) == at(2026, 3, 4, 17)


def test_receipt_on_a_sunday_counts_from_monday_morning(cal):
    # Sun 08/03/2026 10:00 + 1: Mon 09/03 7:30–17:00.
    assert cal.due(at(2026, 3, 8, 10), 1, Unit.WORKING_DAYS) == at(2026, 3, 9, 17)
    assert cal.due(at(2026, 3, 8, 10), 1, Unit.WORKING_DAYS, paper=True) == at(2026, 3, 9, 17)


def test_receipt_on_a_holiday_counts_from_the_next_working_day(cal):
    # Wed 18/02/2026 (Tết) + 3: Mon 23, Tue 24, Wed 25/02 17:00.
    assert cal.due(at(2026, 2, 18, 9), 3, Unit.WORKING_DAYS) == at(2026, 2, 25, 17)


def test_receipt_in_the_evening_counts_from_the_next_morning(cal):
    # Mon 09/03/2026 19:00 online + 2 working hours: Tue 10/03 7:30 + 2 h = 9:30.
    assert cal.due(at(2026, 3, 9, 19), 2, Unit.WORKING_HOURS) == at(2026, 3, 10, 9, 30)


def test_receipt_at_lunch_counts_from_the_afternoon(cal):
    # Mon 09/03/2026 12:00 + 1 working hour: 13:00 + 1 h = 14:00.
    assert cal.due(at(2026, 3, 9, 12), 1, Unit.WORKING_HOURS) == at(2026, 3, 9, 14)


def test_clock_start_of_a_late_paper_dossier_is_the_next_working_morning(cal):
    # Fri 09/01/2026 15:30 on paper: the next working day is the swapped Saturday 10/01.
    start = cal.clock_start(at(2026, 1, 9, 15, 30), paper=True)
    assert start == cal.position(at(2026, 1, 10, 7, 30))
    assert cal.clock_start(at(2026, 1, 9, 15, 30)) == cal.position(at(2026, 1, 9, 15, 30))


# -- same day ----------------------------------------------------------------------------------------


def test_same_day_procedure_is_due_at_the_end_of_the_day_of_receipt(cal):
    assert cal.due(at(2026, 3, 9, 10), 1, Unit.SAME_DAY, paper=True) == at(2026, 3, 9, 17)
    assert cal.due(at(2026, 3, 9, 16, 30), 1, Unit.SAME_DAY) == at(2026, 3, 9, 17)


def test_same_day_procedure_received_on_paper_after_the_cutoff_is_due_next_working_day(cal):
    assert cal.due(at(2026, 3, 9, 15, 30), 1, Unit.SAME_DAY, paper=True) == at(2026, 3, 10, 17)
    # Fri 21/08/2026 16:00 on paper: the next working day is the swapped Saturday 22/08.
    assert cal.due(at(2026, 8, 21, 16), 1, Unit.SAME_DAY, paper=True) == at(2026, 8, 22, 17)


def test_same_day_procedure_received_outside_working_time_is_due_next_working_day(cal):
    # Online Mon 09/03/2026 17:30 → Tue 10/03 17:00; Sat 14/02/2026 → after Tết, Mon 23/02 17:00.
    assert cal.due(at(2026, 3, 9, 17, 30), 1, Unit.SAME_DAY) == at(2026, 3, 10, 17)
    assert cal.due(at(2026, 2, 14, 10), 1, Unit.SAME_DAY) == at(2026, 2, 23, 17)


def test_same_day_procedure_on_a_swapped_saturday_is_due_that_saturday(cal):
    assert cal.due(at(2026, 1, 10, 10), 1, Unit.SAME_DAY) == at(2026, 1, 10, 17)


# -- working hours -------------------------------------------------------------------------------------


def test_eight_working_hours_from_late_afternoon_end_next_afternoon(cal):
    # Mon 09/03/2026 16:00: 16–17 (1 h); Tue 7:30–11:30 (5 h); 13:00–16:00 (8 h) → Tue 16:00.
    assert cal.due(at(2026, 3, 9, 16), 8, Unit.WORKING_HOURS) == at(2026, 3, 10, 16)


def test_eight_working_hours_before_tet_end_after_tet(cal):
    # Fri 13/02/2026 16:00: 1 h on Friday, then Mon 23/02: 4 h morning (5 h), 3 h afternoon → 16:00.
    assert cal.due(at(2026, 2, 13, 16), 8, Unit.WORKING_HOURS) == at(2026, 2, 23, 16)


def test_working_hours_skip_the_lunch_break(cal):
    # Mon 09/03/2026 10:00 + 2 h: 10:00–11:30 (1.5 h), 13:00–13:30 (2 h).
    assert cal.due(at(2026, 3, 9, 10), 2, Unit.WORKING_HOURS) == at(2026, 3, 9, 13, 30)
    # + 1.5 h ends exactly at the break: shown as 11:30, not 13:00.
    assert cal.due(at(2026, 3, 9, 10), 1.5, Unit.WORKING_HOURS) == at(2026, 3, 9, 11, 30)


# -- calendar days and months ----------------------------------------------------------------------------


def test_calendar_days_ending_on_a_working_day_end_with_that_day(cal):
    # Mon 09/03/2026 10:00 + 10 calendar days: the day of receipt is not counted (Civil Code
    # Art. 147), so 10/03 … 19/03; Thu 19/03 is worked: due at its end, 17:00.
    assert cal.due(at(2026, 3, 9, 10), 10, Unit.CALENDAR_DAYS) == at(2026, 3, 19, 17)


def test_calendar_days_ending_on_tet_run_to_the_end_of_the_next_working_day(cal):
    # Thu 12/02/2026 10:00 + 5 calendar days: 13/02 … 17/02; Tue 17/02 is Tết, next working day Mon 23/02.
    assert cal.due(at(2026, 2, 12, 10), 5, Unit.CALENDAR_DAYS) == at(2026, 2, 23, 17)


def test_calendar_days_ending_on_national_day_run_to_the_end_of_the_next_working_day(cal):
    # Tue 18/08/2026 10:00 + 14: 19/08 … 01/09; Tue 01/09 and Wed 02/09 are off → Thu 03/09 17:00.
    assert cal.due(at(2026, 8, 18, 10), 14, Unit.CALENDAR_DAYS) == at(2026, 9, 3, 17)


def test_calendar_days_counted_from_a_morning_start_include_that_day(cal):
    # Received Sun 01/03/2026: the clock starts Mon 02/03 at 7:30, so Monday is the first day.
    # 5 days: Mon 02 … Fri 06/03 → Fri 17:00 (a bug ran this to the following Monday).
    assert cal.due(at(2026, 3, 1, 10), 5, Unit.CALENDAR_DAYS) == at(2026, 3, 6, 17)
    # 7 days: Mon 02 … Sun 08/03, a day off → Mon 09/03 17:00 (the bug gave Fri 06/03, earlier
    # than the 5-day limit).
    assert cal.due(at(2026, 3, 1, 10), 7, Unit.CALENDAR_DAYS) == at(2026, 3, 9, 17)


def test_calendar_days_from_a_late_paper_dossier_count_from_the_next_working_day(cal):
    # Tue 03/03/2026 15:30 on paper: the clock starts Wed 04/03 7:30; 2 days: Wed, Thu → Thu 05/03 17:00.
    assert cal.due(at(2026, 3, 3, 15, 30), 2, Unit.CALENDAR_DAYS, paper=True) == at(2026, 3, 5, 17)


def test_months_end_on_the_corresponding_day(cal):
    # Mon 12/01/2026 10:00 + 1 month: Thu 12/02/2026, worked → 17:00.
    assert cal.due(at(2026, 1, 12, 10), 1, Unit.MONTHS) == at(2026, 2, 12, 17)


def test_months_ending_on_tet_run_to_the_end_of_the_next_working_day(cal):
    # Fri 16/01/2026 10:00 + 1 month: Mon 16/02/2026 is Tết → Mon 23/02 17:00.
    assert cal.due(at(2026, 1, 16, 10), 1, Unit.MONTHS) == at(2026, 2, 23, 17)


def test_months_from_the_end_of_a_month_stop_at_the_last_day_of_a_shorter_month(cal):
    # Fri 30/01/2026 + 1 month: February has 28 days → Sat 28/02, off → Mon 02/03 17:00.
    assert cal.due(at(2026, 1, 30, 10), 1, Unit.MONTHS) == at(2026, 3, 2, 17)
    # + 3 months: Thu 30/04 off, Fri 01/05 off, weekend → Mon 04/05/2026 17:00.
    assert cal.due(at(2026, 1, 30, 10), 3, Unit.MONTHS) == at(2026, 5, 4, 17)


def test_months_counted_from_a_morning_start_end_the_day_before_the_corresponding_day(cal):
    # Received Sun 11/01/2026, clock starts Mon 12/01 at 7:30: one month covers 12/01 … 11/02 → Wed 11/02 17:00.
    assert cal.due(at(2026, 1, 11, 10), 1, Unit.MONTHS) == at(2026, 2, 11, 17)


# -- suspensions -----------------------------------------------------------------------------------------

RECEIVED = at(2026, 3, 9, 9)  # Mon 09/03/2026 9:00; + 5 working days = Mon 16/03 9:00


def test_without_suspension_the_reference_dossier_is_due_the_next_monday(cal):
    # Tue 10 (1), Wed 11 (2), Thu 12 (3), Fri 13 (4), Mon 16/03 9:00 (5).
    assert cal.due(RECEIVED, 5, Unit.WORKING_DAYS) == at(2026, 3, 16, 9)


def test_closed_suspension_pushes_the_deadline_back_by_its_working_time(cal):
    # Wed 11/03 10:00 → Thu 12/03 10:00 is one working day: Tue 17/03 9:00.
    pause = [(at(2026, 3, 11, 10), at(2026, 3, 12, 10))]
    assert cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=pause) == at(2026, 3, 17, 9)


def test_open_suspension_is_measured_until_now(cal):
    # Started Wed 11/03 10:00, still open on Fri 13/03 10:00: two working days → Wed 18/03 9:00.
    pause = [(at(2026, 3, 11, 10), None)]
    assert cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=pause, now=at(2026, 3, 13, 10)) == at(2026, 3, 18, 9)


def test_open_suspension_without_now_is_refused(cal):
    with pytest.raises(ValueError, match="now"):
        cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=[(at(2026, 3, 11, 10), None)])


def test_suspension_spanning_the_deadline_resumes_with_the_time_that_was_left(cal):
    # Paused Fri 13/03 14:00 with 4.5 h left (14–17, then 7:30–9:00 Monday); resumed Wed 18/03 14:00:
    # 14–17 (3 h) and Thu 19/03 7:30–9:00 (1.5 h) → Thu 19/03 9:00.
    pause = [(at(2026, 3, 13, 14), at(2026, 3, 18, 14))]
    assert cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=pause) == at(2026, 3, 19, 9)


def test_suspension_after_the_deadline_changes_nothing(cal):
    pause = [(at(2026, 3, 17, 10), at(2026, 3, 20, 10))]
    assert cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=pause) == at(2026, 3, 16, 9)


def test_suspension_over_a_weekend_costs_no_working_time(cal):
    pause = [(at(2026, 3, 14, 8), at(2026, 3, 15, 20))]
    assert cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=pause) == at(2026, 3, 16, 9)


def test_several_suspensions_add_up(cal):
    # Tue 10/03 9:00–13:00 = 2.5 h (9:00–11:30); Thu 12/03 13:00–17:00 = 4 h; 6.5 h in all.
    # Mon 16/03 9:00 + 6.5 h: 9:00–11:30 (2.5 h), 13:00–17:00 (4 h) → Mon 16/03 17:00.
    pauses = [(at(2026, 3, 12, 13), at(2026, 3, 12, 17)), (at(2026, 3, 10, 9), at(2026, 3, 10, 13))]
    assert cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=pauses) == at(2026, 3, 16, 17)


def test_overlapping_suspensions_count_once(cal):
    # Wed 11/03 10:00–Thu 12/03 10:00 and Wed 11/03 14:00–Wed 11/03 16:00 lie inside it: one day.
    pauses = [(at(2026, 3, 11, 10), at(2026, 3, 12, 10)), (at(2026, 3, 11, 14), at(2026, 3, 11, 16))]
    assert cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=pauses) == at(2026, 3, 17, 9)


def test_suspension_ending_before_it_starts_is_refused(cal):
    with pytest.raises(ValueError, match="end before"):
        cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=[(at(2026, 3, 12, 10), at(2026, 3, 11, 10))])


def test_suspension_before_receipt_only_counts_after_the_clock_starts(cal):
    # Sat 07/03 → Mon 09/03 10:00 overlaps the running time only from 9:00 to 10:00: Mon 16/03 10:00.
    pause = [(at(2026, 3, 7, 10), at(2026, 3, 9, 10))]
    assert cal.due(RECEIVED, 5, Unit.WORKING_DAYS, suspensions=pause) == at(2026, 3, 16, 10)


# -- working time between two instants -----------------------------------------------------------------------


def test_working_time_between_two_instants_a_day_apart(cal):
    assert cal.working_seconds_between(at(2026, 3, 9, 9), at(2026, 3, 10, 9)) == DAY


def test_working_time_between_two_instants_across_tet(cal):
    # Fri 13/02/2026 16:00–17:00 (1 h) and Mon 23/02 7:30–8:30 (1 h).
    assert cal.working_seconds_between(at(2026, 2, 13, 16), at(2026, 2, 23, 8, 30)) == 2 * HOUR


def test_working_time_between_two_instants_is_negative_backwards(cal):
    assert cal.working_seconds_between(at(2026, 2, 23, 8, 30), at(2026, 2, 13, 16)) == -2 * HOUR


def test_working_time_between_two_instants_counts_the_swapped_saturday(cal):
    # Fri 09/01/2026 9:00 → Sat 10/01 9:00 → Mon 12/01 9:00: two working days.
    assert cal.working_seconds_between(at(2026, 1, 9, 9), at(2026, 1, 12, 9)) == 2 * DAY


def test_working_time_between_two_instants_leaves_out_suspensions(cal):
    # Paused Fri 13/02 16:30 → Mon 23/02 8:00: 0.5 h on Friday and 0.5 h on Monday; 2 h − 1 h.
    pause = [(at(2026, 2, 13, 16, 30), at(2026, 2, 23, 8))]
    assert cal.working_seconds_between(at(2026, 2, 13, 16), at(2026, 2, 23, 8, 30), suspensions=pause) == HOUR


def test_working_time_between_two_instants_counts_an_open_suspension_until_the_end(cal):
    # Open since Mon 09/03 13:00, measured to Mon 09/03 17:00: the whole afternoon is paused.
    pause = [(at(2026, 3, 9, 13), None)]
    assert cal.working_seconds_between(at(2026, 3, 9, 7, 30), at(2026, 3, 9, 17), suspensions=pause) == 4 * HOUR


def test_working_time_between_instants_outside_working_hours_is_zero(cal):
    assert cal.working_seconds_between(at(2026, 3, 9, 18), at(2026, 3, 10, 7)) == 0
    assert cal.working_seconds_between(at(2026, 2, 14, 0), at(2026, 2, 22, 23, 59)) == 0


def test_working_time_is_read_in_vietnam_time_whatever_the_zone_of_the_instant(cal):
    # 02:00 UTC is 9:00 in Hanoi.
    utc = dt.datetime(2026, 3, 9, 2, tzinfo=dt.UTC)
    assert cal.position(utc) == cal.position(at(2026, 3, 9, 9))
    assert cal.due(utc, 3, Unit.WORKING_DAYS) == at(2026, 3, 12, 9)


# -- range and arguments ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("instant", [at(2014, 12, 31, 10), at(2046, 1, 2, 10)])
def test_instants_outside_the_calendar_raise_a_range_error(cal, instant):
    with pytest.raises(CalendarRangeError):
        cal.due(instant, 1, Unit.WORKING_DAYS)
    with pytest.raises(CalendarRangeError):
        cal.position(instant)
    with pytest.raises(CalendarRangeError):
        cal.working_seconds_between(at(2026, 3, 9, 9), instant)


def test_deadline_beyond_the_end_of_the_calendar_raises_a_range_error(cal):
    with pytest.raises(CalendarRangeError):
        cal.due(at(2045, 12, 20, 10), 30, Unit.WORKING_DAYS)
    with pytest.raises(CalendarRangeError):
        cal.due(at(2045, 12, 20, 10), 1, Unit.MONTHS)


def test_position_before_the_calendar_raises_a_range_error(cal):
    with pytest.raises(CalendarRangeError):
        cal.instant(-1)


def test_negative_time_limit_is_refused(cal):
    with pytest.raises(ValueError, match="negative"):
        cal.due(RECEIVED, -1, Unit.WORKING_DAYS)


def test_unit_may_be_given_by_its_stored_value(cal):
    assert cal.due(RECEIVED, 5, "working_days") == at(2026, 3, 16, 9)
    with pytest.raises(ValueError, match="fortnights"):
        cal.due(RECEIVED, 5, "fortnights")


# -- an agency with other hours ----------------------------------------------------------------------------------

OTHER_HOURS = Schedule(periods=((7 * HOUR, 11 * HOUR), (13 * HOUR + 1800, 17 * HOUR + 1800)))


@pytest.fixture(scope="module")
def other():
    return build(OTHER_HOURS)


def test_other_hours_eight_working_hours_from_late_afternoon(other):
    # 7:00–11:00 and 13:30–17:30. Mon 09/03/2026 16:00: 16:00–17:30 (1.5 h), Tue 7:00–11:00 (5.5 h),
    # 13:30 + 2.5 h = 16:00.
    assert other.due(at(2026, 3, 9, 16), 8, Unit.WORKING_HOURS) == at(2026, 3, 10, 16)


def test_other_hours_same_day_ends_at_their_closing_time(other):
    assert other.due(at(2026, 3, 9, 10), 1, Unit.SAME_DAY) == at(2026, 3, 9, 17, 30)


def test_other_hours_count_from_their_own_opening_and_closing(other, cal):
    # 7:15 is working time here (2 h → 9:15) but before opening with the default hours (7:30 + 2 h = 9:30).
    assert other.due(at(2026, 3, 9, 7, 15), 2, Unit.WORKING_HOURS) == at(2026, 3, 9, 9, 15)
    assert cal.due(at(2026, 3, 9, 7, 15), 2, Unit.WORKING_HOURS) == at(2026, 3, 9, 9, 30)
    # 17:15 is still open here: 15 min on Monday, 45 min from Tue 7:00 → 7:45; with the default hours
    # it counts from Tue 7:30 → 8:30.
    assert other.due(at(2026, 3, 9, 17, 15), 1, Unit.WORKING_HOURS) == at(2026, 3, 10, 7, 45)
    assert cal.due(at(2026, 3, 9, 17, 15), 1, Unit.WORKING_HOURS) == at(2026, 3, 10, 8, 30)


def test_other_hours_keep_the_time_of_day_across_the_swapped_saturday(other):
    # Fri 09/01/2026 7:10 + 1 working day: Sat 10/01 7:10.
    assert other.due(at(2026, 1, 9, 7, 10), 1, Unit.WORKING_DAYS) == at(2026, 1, 10, 7, 10)


def test_schedule_with_periods_out_of_order_is_refused():
    with pytest.raises(ValueError, match="sorted"):
        Schedule(periods=((13 * HOUR, 17 * HOUR), (7 * HOUR, 11 * HOUR)))
    with pytest.raises(ValueError, match="sorted"):
        Schedule(periods=((11 * HOUR, 7 * HOUR),))


def test_paper_dossier_received_at_15_00_sharp_is_still_in_time(cal):
    # "Sau 15 giờ" is strictly after 15:00: a dossier stamped 15:00:00 counts from that moment,
    # one stamped 15:00:01 from the next working day.
    on_time = dt.datetime(2026, 3, 2, 15, 0, 0, tzinfo=VN_TZ)
    after = dt.datetime(2026, 3, 2, 15, 0, 1, tzinfo=VN_TZ)
    assert cal.due(on_time, 0, Unit.SAME_DAY, paper=True) == dt.datetime(2026, 3, 2, 17, 0, tzinfo=VN_TZ)
    assert cal.due(after, 0, Unit.SAME_DAY, paper=True) == dt.datetime(2026, 3, 3, 17, 0, tzinfo=VN_TZ)
