"""Working-time arithmetic (ngày làm việc, giờ làm việc): pure functions over a built calendar.

Every instant is mapped to a *working-time coordinate*: the number of working seconds between
the start of the calendar and that instant. Adding working days or hours, measuring the working
time between two instants and pausing for suspensions then become integer arithmetic, so a due
date costs a few list look-ups whatever the distance. Instants are aware datetimes; they are
read in Vietnam's time (UTC+7, no daylight saving since 1975).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")
# The same zone by name, for the databases' date truncation (SQLite and PostgreSQL both know it).
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def days_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants a run of days spans in Vietnam: from 00:00 of `first` to 00:00 after `last`
    (the end excluded)."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=VN_TZ)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=VN_TZ)


_DAY = dt.timedelta(days=1)
_SECOND = dt.timedelta(seconds=1)


class Unit(StrEnum):
    """How a procedure's time limit is counted (đơn vị tính thời hạn)."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    SAME_DAY = "same_day"  # giải quyết trong ngày
    CALENDAR_DAYS = "calendar_days"
    MONTHS = "months"


# Members hash and compare like their values, so one look-up accepts a Unit or its stored string;
# calling Unit(...) on every due date costs more than the rest of the arithmetic.
_UNITS: dict[str, Unit] = {unit: unit for unit in Unit}


class CalendarRangeError(ValueError):
    """The instant lies outside the years the calendar was built for."""


@dataclass(frozen=True, slots=True)
class Schedule:
    """An agency's working hours (giờ làm việc), e.g. 7:30–11:30 and 13:00–17:00.

    `periods` are (start, end) seconds after midnight, sorted and disjoint; `cutoff` is the time
    after which a paper dossier counts from the next working day (15:00 unless configured).
    """

    periods: tuple[tuple[int, int], ...] = ((7 * 3600 + 1800, 11 * 3600 + 1800), (13 * 3600, 17 * 3600))
    cutoff: int = 15 * 3600

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("A schedule needs at least one working period.")
        previous_end = -1
        for start, end in self.periods:
            if not 0 <= start < end <= 86400 or start < previous_end:
                raise ValueError("Working periods must be sorted, disjoint and inside one day.")
            previous_end = end

    @classmethod
    def from_times(cls, periods: Iterable[tuple[dt.time, dt.time]], cutoff: dt.time) -> Schedule:
        def secs(t: dt.time) -> int:
            return t.hour * 3600 + t.minute * 60 + t.second

        return cls(tuple((secs(a), secs(b)) for a, b in periods), secs(cutoff))

    @property
    def seconds_per_day(self) -> int:
        return sum(end - start for start, end in self.periods)

    def worked_before(self, second: int) -> int:
        """Working seconds of a working day that lie before the given second of that day."""
        total = 0
        for start, end in self.periods:
            if second <= start:
                break
            total += min(second, end) - start
        return total

    def clock_at(self, worked: int) -> int:
        """Second of the day at which `worked` working seconds have elapsed (0 < worked ≤ day)."""
        for start, end in self.periods:
            length = end - start
            if worked <= length:
                return start + worked
            worked -= length
        return self.periods[-1][1]


@functools.lru_cache(maxsize=32)
def _worked_before_table(schedule: Schedule) -> array:
    """`schedule.worked_before(second)` for every second of a day, so the hot path does no loop."""
    pieces: list[Iterable[int]] = []
    second = worked = 0
    for start, end in schedule.periods:
        pieces.append(itertools.repeat(worked, start - second))
        pieces.append(range(worked, worked + end - start))
        worked += end - start
        second = end
    pieces.append(itertools.repeat(worked, 86400 - second))
    return array("l", itertools.chain.from_iterable(pieces))


@functools.lru_cache(maxsize=32)
def _clock_table(schedule: Schedule) -> list[dt.timedelta]:
    """For 0 … seconds_per_day worked seconds, the time of day reached, as a ready timedelta.

    Building a timedelta costs more than the rest of `instant`; these are built once per
    schedule by repeated addition, which is much cheaper than calling the constructor.
    """
    periods = schedule.periods
    table = [dt.timedelta(seconds=periods[0][0])]  # nothing worked yet: the opening time
    for start, end in periods:
        moment = dt.timedelta(seconds=start)
        for _ in range(end - start):
            moment += _SECOND
            table.append(moment)
    return table


class WorkCalendar:
    """Working days of a span of years plus one schedule, indexed for constant-time arithmetic."""

    def __init__(self, first: dt.date, last: dt.date, is_working_day, schedule: Schedule | None = None):
        self.first, self.last = first, last
        self.schedule = schedule or Schedule()
        self.day_seconds = self.schedule.seconds_per_day
        self._base = first.toordinal()
        span = last.toordinal() - self._base + 1
        self._span = span
        self._working_ordinals: list[int] = []
        # For every calendar day: the index of the first working day on or after it.
        self._next_index: list[int] = [0] * span
        self._is_working: list[bool] = [False] * span
        pending: list[int] = []
        for offset in range(span):
            day = first + dt.timedelta(days=offset)
            pending.append(offset)
            if is_working_day(day):
                self._is_working[offset] = True
                index = len(self._working_ordinals)
                self._working_ordinals.append(self._base + offset)
                for waiting in pending:
                    self._next_index[waiting] = index
                pending.clear()
        if not self._working_ordinals:
            raise ValueError("The calendar holds no working day.")
        # Days after the last working day have no next working day inside the span.
        self._beyond = len(self._working_ordinals)
        for waiting in pending:
            self._next_index[waiting] = self._beyond

        # Tables for the hot path (position, instant): plain list look-ups, no date objects.
        # Position of the start of each calendar day (of the next working day, for a day off).
        self._day_position = [index * self.day_seconds for index in self._next_index]
        self._worked_before = _worked_before_table(self.schedule)
        self._clock = _clock_table(self.schedule)
        # Midnight, Vietnam time, of the first calendar day and of every working day.
        self._epoch = dt.datetime(first.year, first.month, first.day, tzinfo=VN_TZ)
        midnights = []
        midnight = self._epoch
        for working in self._is_working:
            if working:
                midnights.append(midnight)
            midnight += _DAY
        self._midnights = midnights
        # Subtracting two datetimes that share one tzinfo object skips both UTC offsets, which
        # is the costly part; keep the epoch in each fixed-offset zone met (UTC from Django, ICT).
        self._epochs: dict[dt.tzinfo, dt.datetime] = {VN_TZ: self._epoch, dt.UTC: self._epoch.astimezone(dt.UTC)}

    # -- questions about days ------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        return self._is_working[self._offset(day.toordinal())]

    def next_working_day(self, day: dt.date, *, include: bool = True) -> dt.date:
        """The first working day on (or strictly after, with include=False) the given day."""
        offset = self._offset(day.toordinal() + (0 if include else 1))
        index = self._next_index[offset]
        if index >= self._beyond:
            raise CalendarRangeError(f"No working day after {day} within the calendar.")
        return dt.date.fromordinal(self._working_ordinals[index])

    def is_working_time(self, instant: dt.datetime) -> bool:
        """Inside a working period of a working day, both ends included."""
        local = instant.astimezone(VN_TZ)
        if not self.is_working_day(local.date()):
            return False
        second = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return any(start <= second <= end for start, end in self.schedule.periods)

    # -- the working-time coordinate -------------------------------------------------------

    def _offset(self, ordinal: int) -> int:
        offset = ordinal - self._base
        if not 0 <= offset < self._span:
            raise CalendarRangeError(
                f"{dt.date.fromordinal(max(ordinal, 1))} is outside the calendar ({self.first} – {self.last})."
            )
        return offset

    def _local(self, instant: dt.datetime) -> tuple[int, int]:
        """(calendar day offset, second of that day) of an instant in Vietnam's time.

        Microseconds are dropped: positions count whole seconds.
        """
        epoch = self._epochs.get(instant.tzinfo)
        if epoch is None:
            tz = instant.tzinfo
            if type(tz) is dt.timezone:
                epoch = self._epochs[tz] = self._epoch.astimezone(tz)
            else:
                # Zones with rules (zoneinfo) and naive instants (read as the machine's local time).
                instant, epoch = instant.astimezone(VN_TZ), self._epoch
        delta = instant - epoch
        offset = delta.days
        if not 0 <= offset < self._span:
            self._offset(self._base + offset)  # raises with the date in the message
        return offset, delta.seconds

    def position(self, instant: dt.datetime) -> int:
        """Working seconds from the start of the calendar to `instant` (later instants never less)."""
        offset, second = self._local(instant)
        if self._is_working[offset]:
            return self._day_position[offset] + self._worked_before[second]
        return self._day_position[offset]

    def instant(self, position: int) -> dt.datetime:
        """The instant at a working-time coordinate.

        A position on the boundary between two working days is shown as the end of the earlier
        day (17:00 rather than 7:30 next morning): a deadline "within N days" ends with the day.
        """
        index, worked = divmod(position, self.day_seconds)
        if worked == 0 and index > 0:
            index, worked = index - 1, self.day_seconds
        if not 0 <= index < self._beyond:
            if index < 0:
                raise CalendarRangeError("The position lies before the start of the calendar.")
            raise CalendarRangeError("The deadline falls beyond the end of the calendar.")
        return self._midnights[index] + self._clock[worked]

    # -- arithmetic ----------------------------------------------------------------------------

    def clock_start(self, received_at: dt.datetime, *, paper: bool = False) -> int:
        """Position from which a limit is counted for a dossier received at `received_at`.

        Outside working time the clock starts with the next working period; a paper dossier
        received after the cut-off (15:00) counts from the next working day.
        """
        offset, second = self._local(received_at)
        day_start = self._day_position[offset]
        if not self._is_working[offset]:
            return day_start
        if paper and second > self.schedule.cutoff:  # "sau 15 giờ": 15:00 itself is still in time
            # The start of the next working day, counted from this day's own start: after
            # closing time the position is already on that boundary, one day must not be
            # skipped twice.
            return day_start + self.day_seconds
        return day_start + self._worked_before[second]

    def add(self, start: int, amount: int | float, unit: Unit | str) -> int:
        """Position of the deadline `amount` units after the position `start`."""
        unit = _UNITS.get(unit) or Unit(unit)
        if amount < 0:
            raise ValueError("A time limit cannot be negative.")
        day_seconds = self.day_seconds
        if unit is Unit.WORKING_DAYS:
            return start + round(amount * day_seconds)
        if unit is Unit.SAME_DAY:
            # By the end of the working day on which the clock starts.
            return (start // day_seconds + 1) * day_seconds
        if unit is Unit.WORKING_HOURS:
            return start + round(amount * 3600)
        return self._add_calendar(start, math.ceil(amount), unit)

    def _add_calendar(self, start: int, amount: int, unit: Unit) -> int:
        """Calendar days and months end with their last day (Civil Code Art. 147–148).

        A clock started during a working day leaves that day out and counts from the next
        day; a clock started at the beginning of a working day (receipt before opening, on a
        day off, or on paper after the cut-off) counts that day as the first. The limit ends at
        the close of its last day, or of the next working day when the last day is a day off.
        A fraction of a day or month still counts as a whole one (a limit never ends early).
        """
        index, worked = divmod(start, self.day_seconds)
        if index >= self._beyond:
            raise CalendarRangeError("The deadline falls beyond the end of the calendar.")
        # The day before the first day counted.
        reference = self._working_ordinals[index] - (0 if worked else 1)
        if unit is Unit.CALENDAR_DAYS:
            last = reference + amount
        else:
            last = _add_months(dt.date.fromordinal(reference), amount).toordinal()
        end = (self._next_index[self._offset(last)] + 1) * self.day_seconds
        return max(end, start)

    def due(
        self,
        received_at: dt.datetime,
        amount: int | float,
        unit: Unit | str,
        *,
        paper: bool = False,
        suspensions: Iterable[tuple[dt.datetime, dt.datetime | None]] = (),
        now: dt.datetime | None = None,
    ) -> dt.datetime:
        """Due instant of a limit counted from a receipt, extended by every suspension.

        A suspension (tạm dừng: waiting for a supplement, for example) that starts before the
        running deadline pushes it back by the working time it lasts; an open suspension lasts
        until `now`.
        """
        start = self.clock_start(received_at, paper=paper)
        end = self.add(start, amount, unit)
        if suspensions:
            end = self._extend(start, end, suspensions, now)
        return self.instant(end)

    def _extend(self, start: int, end: int, suspensions, now) -> int:
        for pause_start, pause_end in self._merged(suspensions, now):
            pause_start = max(pause_start, start)
            if pause_start >= end:
                break
            if pause_end > pause_start:
                end += pause_end - pause_start
        return end

    def _merged(self, suspensions, now) -> list[tuple[int, int]]:
        intervals = []
        for begin, finish in suspensions:
            if finish is None:
                if now is None:
                    raise ValueError("An open suspension needs `now` to be measured.")
                finish = now
            if finish < begin:
                raise ValueError("A suspension cannot end before it starts.")
            intervals.append((self.position(begin), self.position(finish)))
        intervals.sort()
        merged: list[tuple[int, int]] = []
        for begin, finish in intervals:
            if merged and begin <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
            else:
                merged.append((begin, finish))
        return merged

    def working_seconds_between(
        self,
        start: dt.datetime,
        end: dt.datetime,
        *,
        suspensions: Iterable[tuple[dt.datetime, dt.datetime | None]] = (),
    ) -> int:
        """Working time from `start` to `end` (negative when `end` is earlier), less suspensions."""
        a, b = self.position(start), self.position(end)
        low, high = min(a, b), max(a, b)
        paused = sum(max(0, min(finish, high) - max(begin, low)) for begin, finish in self._merged(suspensions, end))
        total = high - low - paused
        return total if b >= a else -total


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    days_in_month = (dt.date(year + month // 12, month % 12 + 1, 1) - _DAY).day
    return day.replace(year=year, month=month, day=min(day.day, days_in_month))
