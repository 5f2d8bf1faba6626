"""Catalogue rules that need no database: process shares and fees per channel and date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from motcua.workdays.calendar import Unit

# A same-day procedure's process is split in working hours of the one working day.
SAME_DAY_HOURS = Decimal(8)


def process_total(steps: Iterable[tuple[int, Decimal]]) -> Decimal:
    """Time a process takes: stages follow each other, steps of one stage run in parallel."""
    longest: dict[int, Decimal] = {}
    for stage, share in steps:
        longest[stage] = max(longest.get(stage, Decimal(0)), Decimal(share))
    return sum(longest.values(), Decimal(0))


def expected_total(amount: Decimal, unit: Unit | str) -> Decimal:
    return SAME_DAY_HOURS if Unit(unit) is Unit.SAME_DAY else Decimal(amount)


def share_error(steps: Iterable[tuple[int, Decimal]], amount: Decimal, unit: Unit | str) -> str | None:
    """Why the shares do not add up to the time limit, or None when they do."""
    steps = list(steps)
    if not steps:
        return "the process has no step"
    total, expected = process_total(steps), expected_total(amount, unit)
    if total != expected:
        return f"the shares add up to {total.normalize():f}, the time limit is {expected.normalize():f}"
    return None


@dataclass(frozen=True)
class FeeLine:
    name: str
    kind: str
    channel: str
    amount: int
    effective_from: dt.date


def applicable_fees(lines: Iterable[FeeLine], channel: str, on: dt.date) -> list[FeeLine]:
    """The fee lines due for a dossier submitted through `channel` on a date.

    For each named line the newest amount in force wins; a line for the exact channel (online,
    or in person which also covers post) beats one for any channel.
    """
    wanted = "online" if channel == "online" else "in_person"
    best: dict[tuple[str, str], FeeLine] = {}
    for line in lines:
        if line.effective_from > on or line.channel not in (wanted, "any"):
            continue
        key = (line.name, line.kind)
        current = best.get(key)
        rank = (line.channel == wanted, line.effective_from)
        if current is None or rank > (current.channel == wanted, current.effective_from):
            best[key] = line
    return sorted(best.values(), key=lambda line: (line.kind, line.name))
