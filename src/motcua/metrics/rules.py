"""The rules of the service-quality index (Decision 766/QĐ-TTg and the national portal's formula
description), as plain functions of plain values: when a dossier is on time, each indicator's rate
from counted figures, and the points a rate earns under an indicator's points and threshold.

Nothing here reads the database; `facts` gathers the values and `index` adds them up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal


def index_end(processed_at: dt.datetime | None, finished_at: dt.datetime | None) -> dt.datetime | None:
    """End of processing for the index: the result ready ("đã xử lý xong") if there is one, else
    the end of the dossier (returned, refused, stopped, withdrawn)."""
    return processed_at or finished_at


def is_late(
    *,
    due_at: dt.datetime | None,
    ended_at: dt.datetime | None,
    supplements: int,
    paused_at: dt.datetime | None,
    at: dt.datetime,
) -> bool:
    """Late for the index as seen at `at` (a period's end, or now).

    - more than one supplement request after acceptance: late, whatever the dates;
    - ended by `at`: late if it ended after the index's appointment (which has the time spent
      waiting for a supplement deducted);
    - in progress and waiting for its one supplement: the request counts as the end;
    - in progress otherwise: late once `at` is past the appointment;
    - no appointment yet (the time limit waits for the fees): not late.
    """
    if supplements > 1:
        return True
    if due_at is None:
        return False
    if ended_at is not None and ended_at <= at:
        end = ended_at
    elif paused_at is not None and paused_at <= at:
        end = paused_at
    else:
        end = at
    return end > due_at


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s month to `last`'s month, both included."""
    out, month = [], month_of(first)
    while month <= month_of(last):
        out.append(month)
        month = next_month(month)
    return out


@dataclass
class Totals:
    """Counted figures of a scope and period; adding two scopes' or months' totals adds each figure."""

    # dossiers received in the period (by month of reception)
    received: int = 0
    received_online: int = 0
    received_in_person: int = 0
    received_postal: int = 0
    fee_bearing: int = 0
    paid_online: int = 0
    digitized: int = 0
    reused: int = 0
    warehouse: int = 0
    verified: int = 0
    # dossiers whose processing ended in the period (by month of end)
    ended: int = 0
    ended_late: int = 0
    ended_disliked: int = 0
    resolved: int = 0
    refused: int = 0
    withdrawn: int = 0
    stopped: int = 0
    with_result: int = 0
    e_result: int = 0
    working_days: float = 0.0
    # dossiers still in progress at the period's end
    open: int = 0
    open_late: int = 0
    # feedback items (phản ánh, kiến nghị) received in the period
    feedback: int = 0
    feedback_closed: int = 0
    feedback_on_time: int = 0
    feedback_unsatisfied: int = 0
    feedback_about_procedures: int = 0
    feedback_about_conduct: int = 0
    # the catalogue of the scope (as it stands)
    procedures: int = 0
    procedures_online: int = 0
    procedures_complete: int = 0
    online_procedures_used: int = 0
    fee_procedures: int = 0
    fee_procedures_online: int = 0
    fee_procedures_paid_online: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def add(self, values: dict) -> None:
        for name, value in values.items():
            setattr(self, name, getattr(self, name) + (value or 0))


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator ÷ denominator, or None when there is nothing to measure."""
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Measured:
    """What a measure gives: its rate (0–1, None when nothing to measure), the two counts it was
    made of, and whether motcua measures it at all."""

    rate: float | None
    numerator: float = 0
    denominator: float = 0
    measured: bool = True
    value: float | None = None  # a figure that is not a rate (the average resolution time)


def _share(numerator: str, denominator: str):
    def measure(t: Totals) -> Measured:
        num, den = getattr(t, numerator), getattr(t, denominator)
        return Measured(ratio(num, den), num, den)

    return measure


def on_time(t: Totals) -> Measured:
    """2.1: dossiers ended on time in the period plus those in progress and not late at its end,
    over dossiers ended in the period plus those in progress at its end."""
    population = t.ended + t.open
    good = (t.ended - t.ended_late) + (t.open - t.open_late)
    return Measured(ratio(good, population), good, population)


def resolution_time(t: Totals) -> Measured:
    """2.2: average working days from reception to result of the resolved dossiers (not scored)."""
    average = t.working_days / t.resolved if t.resolved else None
    return Measured(None, t.working_days, t.resolved, value=average)


def dossier_satisfaction(t: Totals) -> Measured:
    """5.4: 100 % − (late rate + rate of dossiers with a "dislike" or a feedback item)."""
    timing = on_time(t)
    if timing.rate is None and not t.ended:
        return Measured(None)
    late_rate = 1 - timing.rate if timing.rate is not None else 0.0
    disliked_rate = t.ended_disliked / t.ended if t.ended else 0.0
    rate = max(0.0, 1 - (late_rate + disliked_rate))
    return Measured(rate, rate, 1)


def feedback_satisfaction(t: Totals) -> Measured:
    """5.3: feedback items handled (closed) without a late answer, a "dislike" or a reopening,
    over the items handled."""
    good = t.feedback_closed - t.feedback_unsatisfied
    return Measured(ratio(good, t.feedback_closed), good, t.feedback_closed)


def feedback_classified(t: Totals) -> Measured:
    """5.1: share of feedback about regulations and procedures (the rest is about conduct); monitored."""
    return Measured(
        ratio(t.feedback_about_procedures, t.feedback_about_procedures + t.feedback_about_conduct),
        t.feedback_about_procedures,
        t.feedback_about_procedures + t.feedback_about_conduct,
    )


def not_measured(t: Totals) -> Measured:
    return Measured(None, measured=False)


# Each measure an indicator of a scheme may name, with what it counts.
MEASURES = {
    "procedures_announced": not_measured,  # 1.1: announcing decisions are not recorded in motcua
    "procedures_updated": not_measured,  # 1.2: publication dates on the national database are not recorded
    "procedures_complete": _share("procedures_complete", "procedures"),  # 1.3
    "dossiers_synced": not_measured,  # 1.4: no synchronisation with the national portal yet
    "on_time": on_time,  # 2.1
    "resolution_time": resolution_time,  # 2.2
    "procedures_online": _share("procedures_online", "procedures"),  # 3.1
    "online_procedures_used": _share("online_procedures_used", "procedures_online"),  # 3.2
    "online_share": _share("received_online", "received"),  # 3.3
    "fee_procedures_online": _share("fee_procedures_online", "fee_procedures"),  # 3.5
    "fee_procedures_paid_online": _share("fee_procedures_paid_online", "fee_procedures"),  # 3.5b
    "paid_online": _share("paid_online", "fee_bearing"),  # 3.6
    "e_result": _share("e_result", "with_result"),  # 4.1
    "digitized": _share("digitized", "received"),  # 4.2
    "certified_copies": not_measured,  # certified electronic copies are not issued by motcua yet
    "reused": _share("reused", "received"),  # 4.3
    "warehouse": _share("warehouse", "received"),  # 4.4
    "population_data": _share("verified", "received"),  # 4.5
    "feedback_classified": feedback_classified,  # 5.1
    "feedback_on_time": _share("feedback_on_time", "feedback_closed"),  # 5.2
    "feedback_satisfaction": feedback_satisfaction,  # 5.3
    "dossier_satisfaction": dossier_satisfaction,  # 5.4
}

TWO_PLACES = Decimal("0.01")


def score(rate: float | None, points: Decimal, threshold: Decimal, *, when_empty: str = "full") -> Decimal:
    """Points earned: at or above the threshold (a percentage), all the points; below it,
    points × rate ÷ threshold. Nothing to measure: all the points or none, as configured."""
    points = Decimal(points)
    if rate is None:
        return points if when_empty == "full" else Decimal(0)
    limit = Decimal(threshold) / 100
    achieved = Decimal(str(rate))
    if limit <= 0 or achieved >= limit:
        return points
    return (points * achieved / limit).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def advance(position: int, ids: list[int], gap_since: dt.datetime | None, now: dt.datetime, grace: dt.timedelta):
    """Where a change feed's cursor goes after reading `ids` (sorted, all > position).

    Ids are handed out before commit: a missing id may be a transaction that has not committed yet
    (its rows will appear) or one that rolled back (they never will). The cursor moves over
    consecutive ids only; past a gap it waits `grace` from when the gap was first seen, rereading
    what follows it (refreshing a dossier twice is harmless), then moves on.
    Returns (new position, gap_since)."""
    if not ids:
        return position, None
    run_end = _run_end(position, ids)
    if run_end >= ids[-1]:
        return ids[-1], None
    if gap_since is None or now - gap_since < grace:
        return run_end, gap_since or now
    # The oldest gap has waited long enough: move past it, to the end of the run that follows it.
    after = [found for found in ids if found > run_end]
    position = _run_end(after[0] - 1, after)
    return position, (None if position >= ids[-1] else now)


def _run_end(position: int, ids: list[int]) -> int:
    """The last id of the run of consecutive ids that starts right after `position`."""
    expected = position + 1
    for found in ids:
        if found < expected:
            continue
        if found != expected:
            break
        expected = found + 1
    return expected - 1
