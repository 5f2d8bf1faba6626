"""Due-date computations per second on one core, for the working-time engine alone.

Run with `.venv/bin/python bench/bench_deadlines.py [seconds]`. No database: the calendar is built
the way `services.calendar_for` builds it, from the `holidays` package and the announced days off
shipped in `data/announced_calendar.json`. The workload is drawn once, before timing, so the figure
measures `WorkCalendar.due` and not the random-number generator.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

SRC = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SRC))

from motcua.workdays.baseline import FIRST_YEAR, LAST_YEAR, working_day_rule  # noqa: E402
from motcua.workdays.calendar import VN_TZ, Unit, WorkCalendar  # noqa: E402

GOAL = 200_000  # due dates per second
# Django hands instants over in UTC (database, timezone.now()) or in the current zone (forms).
ZONES = (dt.UTC, ZoneInfo("Asia/Ho_Chi_Minh"))
DATA = SRC / "motcua" / "workdays" / "data" / "announced_calendar.json"
CASES = 50_000


def announced_overrides() -> list[tuple[dt.date, dt.date, bool]]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))["overrides"]
    return [
        (dt.date.fromisoformat(r["first_day"]), dt.date.fromisoformat(r["last_day"]), r["kind"] == "working_day")
        for r in rows
    ]


def build_calendar() -> WorkCalendar:
    rule = working_day_rule(announced_overrides())
    return WorkCalendar(dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31), rule)


def workload(rng: random.Random, n: int) -> list[tuple]:
    """Receipts spread over 2025–2026 at any second of any day (nights and holidays included)."""
    first = dt.datetime(2025, 1, 1, tzinfo=VN_TZ)
    span = int((dt.datetime(2027, 1, 1, tzinfo=VN_TZ) - first).total_seconds())
    cases = []
    for _ in range(n):
        zone = rng.choice(ZONES)
        received = (first + dt.timedelta(seconds=rng.randrange(span))).astimezone(zone)
        draw = rng.random()
        if draw < 0.70:
            amount, unit = rng.randint(1, 30), Unit.WORKING_DAYS
        elif draw < 0.85:
            amount, unit = 1, Unit.SAME_DAY
        else:
            amount, unit = rng.choice((2, 4, 8, 16, 24, 40)), Unit.WORKING_HOURS
        paper = rng.random() < 0.5
        suspensions: tuple = ()
        if rng.random() < 0.10:
            # Waiting for a supplement: asked within a few days, answered hours to weeks later.
            begin = received + dt.timedelta(seconds=rng.randrange(5 * 86400))
            end = begin + dt.timedelta(seconds=rng.randrange(1800, 20 * 86400))
            suspensions = ((begin.astimezone(zone), end.astimezone(zone)),)
        cases.append((received, amount, unit, paper, suspensions))
    return cases


def run(calendar: WorkCalendar, cases: list[tuple], seconds: float) -> tuple[int, float]:
    due = calendar.due
    done = 0
    started = time.perf_counter()
    while True:
        for received, amount, unit, paper, suspensions in cases:
            due(received, amount, unit, paper=paper, suspensions=suspensions)
        done += len(cases)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return done, elapsed


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    if hasattr(os, "sched_setaffinity"):
        # One core, as a web worker would have it.
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    builds = []
    for _ in range(5):
        started = time.perf_counter()
        calendar = build_calendar()
        builds.append(time.perf_counter() - started)
    print(
        f"calendar build ({FIRST_YEAR}–{LAST_YEAR}, holidays package + announced overrides): "
        f"median {statistics.median(builds) * 1000:.1f} ms over {len(builds)} builds (first {builds[0] * 1000:.1f} ms)"
    )

    cases = workload(random.Random(20260212), CASES)
    run(calendar, cases[:2000], 0.0)  # warm-up
    done, elapsed = run(calendar, cases, seconds)
    rate = done / elapsed
    verdict = "meets the goal" if rate >= GOAL else "BELOW the goal"
    print(f"due dates: {done:,} in {elapsed:.2f} s on one core = {rate:,.0f}/s (goal ≥ {GOAL:,}/s: {verdict})")
    print(f"mean cost per due date: {elapsed / done * 1e6:.2f} µs")


if __name__ == "__main__":
    main()
