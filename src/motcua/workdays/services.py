"""Calendars built from the database, cached per process, and the overrides' only writer."""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.db import transaction

from .baseline import FIRST_YEAR, LAST_YEAR, working_day_rule
from .calendar import Schedule, WorkCalendar
from .models import CalendarOverride, WorkingSchedule

# Several web nodes each keep their own copy; an edit reaches all of them within this time.
CACHE_SECONDS = 60

_lock = threading.Lock()
_cache: dict[Schedule, tuple[float, WorkCalendar]] = {}
_rule: tuple[float, object] | None = None
_default: tuple[float, Schedule] | None = None


def clear_cache() -> None:
    global _rule, _default
    with _lock:
        _cache.clear()
        _rule = None
        _default = None


def _working_day_rule():
    global _rule
    now = time.monotonic()
    if _rule is None or now - _rule[0] > CACHE_SECONDS:
        overrides = [
            (o.first_day, o.last_day, o.kind == CalendarOverride.Kind.WORKING_DAY)
            for o in CalendarOverride.objects.only("first_day", "last_day", "kind")
        ]
        _rule = (now, working_day_rule(overrides))
    return _rule[1]


def default_schedule() -> Schedule:
    # Kept like the calendars: every due date needs it, and it changes once in years.
    global _default
    cached = _default
    if cached is None or time.monotonic() - cached[0] > CACHE_SECONDS:
        row = WorkingSchedule.objects.filter(is_default=True).first()
        cached = _default = (time.monotonic(), row.as_schedule() if row else Schedule())
    return cached[1]


def calendar_for(schedule: Schedule | None = None) -> WorkCalendar:
    """The working calendar for a schedule (the default schedule when none is given)."""
    schedule = schedule or default_schedule()
    now = time.monotonic()
    with _lock:
        cached = _cache.get(schedule)
        if cached and now - cached[0] <= CACHE_SECONDS:
            return cached[1]
        rule = _working_day_rule()
        calendar = WorkCalendar(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31), rule, schedule)
        _cache[schedule] = (now, calendar)
        return calendar


@transaction.atomic
def save_override(override: CalendarOverride) -> CalendarOverride:
    """Validate (no overlap with another override) and save, then drop cached calendars."""
    # Serialise writers on one row every deployment has (the default schedule, made by a
    # migration), so two overlapping overrides saved at once cannot both pass the check.
    list(WorkingSchedule.objects.select_for_update().filter(is_default=True))
    override.full_clean()
    override.save()
    transaction.on_commit(clear_cache)
    return override
