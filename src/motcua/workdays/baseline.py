"""Which days are working days: Monday–Friday, minus the Labour Code holidays that the `holidays`
package computes on the Vietnamese lunar calendar, corrected by the Government's announced days
off and swapped working Saturdays (kept as data, see models.CalendarOverride)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import holidays

FIRST_YEAR = 2015
LAST_YEAR = 2045


def working_day_rule(
    overrides: Iterable[tuple[dt.date, dt.date, bool]],
    first_year: int = FIRST_YEAR,
    last_year: int = LAST_YEAR,
) -> Callable[[dt.date], bool]:
    """A predicate for working days; each override is (first day, last day, is a working day)."""
    statutory = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    forced: dict[dt.date, bool] = {}
    for first, last, working in overrides:
        day = first
        while day <= last:
            forced[day] = working
            day += dt.timedelta(days=1)

    def is_working_day(day: dt.date) -> bool:
        if day in forced:
            return forced[day]
        return day.weekday() < 5 and day not in statutory

    return is_working_day
