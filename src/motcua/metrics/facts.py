"""Keeping the index's derived data in step with the dossiers.

`compute` reads what the index needs of some dossiers (a few grouped queries for any number of
them) and `store` writes their `DossierFact` rows and recomputes, from the facts, the `Tally` rows
those dossiers fall in (their month of reception and month of end, before and after the change),
then, from the tallies, the `AgencyMonth` roll-ups of those months and agencies. Tallies and
roll-ups are recomputed, never incremented, so they cannot drift from the facts.

`refresh` (every minute, by the scheduler) finds the dossiers that changed by reading change feeds
— the control slip's events, digitizations, ratings, feedback items — from where it last stopped,
and refreshes them: a dashboard is at most a minute or so behind. `take_snapshots` records, after
each month's end, the dossiers then in progress; `rebuild` recomputes everything.
"""

from __future__ import annotations

import datetime as dt
import logging
import operator
from collections import defaultdict
from collections.abc import Iterable
from functools import reduce

from django.db import transaction
from django.db.models import CharField, Count, F, Q, StringAgg, Sum, Value
from django.db.models.functions import Cast

from motcua.agencies.models import Agency
from motcua.core import clock
from motcua.documents import facts as components
from motcua.documents.models import Digitization
from motcua.dossiers.models import Dossier, Event, Suspension
from motcua.dossiers.services import calendar_of
from motcua.dossiers.workflow import Status
from motcua.feedback.models import FeedbackItem, Rating
from motcua.payments.models import Invoice, Payment
from motcua.workdays.calendar import VN_TZ, CalendarRangeError

from . import rules
from .models import AgencyMonth, Cursor, DossierFact, OpenSnapshot, Outcome, Tally

log = logging.getLogger(__name__)

BATCH = 2000
GRACE = dt.timedelta(seconds=30)

OUTCOMES = {
    Status.PROCESSED: Outcome.RESOLVED,
    Status.RETURNED: Outcome.RESOLVED,
    Status.REFUSED: Outcome.REFUSED,
    Status.WITHDRAWN: Outcome.WITHDRAWN,
    Status.STOPPED: Outcome.STOPPED,
}
RECEIVED_SUMS = {
    "received": Count("pk"),
    "received_online": Count("pk", filter=Q(channel__in=("online", "vneid"))),
    "received_in_person": Count("pk", filter=Q(channel="in_person")),
    "received_postal": Count("pk", filter=Q(channel="postal")),
    "fee_bearing": Count("pk", filter=Q(fee_bearing=True)),
    "paid_online": Count("pk", filter=Q(fee_bearing=True, paid_online=True)),
    "digitized": Count("pk", filter=Q(digitized=True)),
    "reused": Count("pk", filter=Q(reused=True)),
    "warehouse": Count("pk", filter=Q(warehouse=True)),
    "verified": Count("pk", filter=Q(verified=True)),
}
ENDED_SUMS = {
    "ended": Count("pk"),
    "ended_late": Count("pk", filter=Q(late=True)),
    "ended_disliked": Count("pk", filter=Q(disliked=True)),
    "resolved": Count("pk", filter=Q(outcome=Outcome.RESOLVED)),
    "refused": Count("pk", filter=Q(outcome=Outcome.REFUSED)),
    "withdrawn": Count("pk", filter=Q(outcome=Outcome.WITHDRAWN)),
    "stopped": Count("pk", filter=Q(outcome=Outcome.STOPPED)),
    "with_result": Count("pk", filter=Q(has_result=True)),
    "e_result": Count("pk", filter=Q(has_result=True, e_result=True)),
    "working_days": Sum("working_days", filter=Q(outcome=Outcome.RESOLVED)),
}
TALLY_FIELDS = (*RECEIVED_SUMS, *ENDED_SUMS)


def month_of(instant: dt.datetime) -> dt.date:
    return instant.astimezone(VN_TZ).date().replace(day=1)


def month_end(month: dt.date) -> dt.datetime:
    """The instant the month ends (midnight of the next month's first day, Vietnamese time)."""
    return dt.datetime.combine(rules.next_month(month), dt.time(0), tzinfo=VN_TZ)


# -- one dossier's facts ----------------------------------------------------------------------------


def compute(dossier_ids: Iterable[int]) -> dict[int, dict]:
    """The facts of the received dossiers among `dossier_ids` (others are absent), in 7 queries."""
    ids = list(dossier_ids)
    rows = (
        components.annotate(Dossier.objects.filter(pk__in=ids, received_at__isnull=False, code__isnull=False))
        .values(
            "pk",
            "resolving_agency_id",
            "procedure_version__procedure_id",
            "channel",
            "status",
            "received_at",
            "processed_at",
            "finished_at",
            "index_due_at",
            "supplement_requests",
            "owner_id",
            "owner__citizen__id_number_verified_at",
            *(f"facts_{name}" for name in components.FIELDS),
        )
        .order_by()
    )
    rows = list(rows)
    if not rows:
        return {}
    ids = [row["pk"] for row in rows]
    fee_bearing = set(Invoice.objects.filter(dossier_id__in=ids, total__gt=0).values_list("dossier_id", flat=True))
    paid_online = set(
        Payment.objects.filter(invoice__dossier_id__in=ids, applied=True, status=Payment.Status.PAID)
        .exclude(gateway="cash")
        .values_list("invoice__dossier_id", flat=True)
    )
    disliked = set(Rating.objects.filter(dossier_id__in=ids, liked=False).values_list("dossier_id", flat=True))
    disliked |= set(FeedbackItem.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True))
    pauses: dict[int, list] = defaultdict(list)
    for dossier_id, started, ended in Suspension.objects.filter(dossier_id__in=ids, at_reception=False).values_list(
        "dossier_id", "started_at", "ended_at"
    ):
        pauses[dossier_id].append((started, ended))
    calendars = _Calendars(Agency.objects.filter(pk__in={row["resolving_agency_id"] for row in rows}))
    return {row["pk"]: _fact(row, fee_bearing, paid_online, disliked, pauses[row["pk"]], calendars) for row in rows}


class _Calendars(dict):
    """The working calendar of each resolving agency, looked up once per agency: finding an agency's
    working hours is a query, and a batch holds thousands of dossiers of a few dozen agencies."""

    def __init__(self, agencies):
        super().__init__()
        self.agencies = {agency.pk: agency for agency in agencies}

    def __missing__(self, agency_id):
        calendar = self[agency_id] = calendar_of(self.agencies[agency_id])
        return calendar


def _fact(row, fee_bearing, paid_online, disliked, pauses, calendars) -> dict:
    pk = row["pk"]
    status = Status(row["status"])
    outcome = OUTCOMES.get(status, Outcome.OPEN)
    ended_at = rules.index_end(row["processed_at"], row["finished_at"]) if outcome != Outcome.OPEN else None
    open_pause = next((start for start, end in pauses if end is None), None)
    has_result = outcome == Outcome.RESOLVED
    e_result = bool(row["facts_e_result"])
    count = row["facts_components"]
    digitized = count > 0 and row["facts_digitized"] + row["facts_exempt"] >= count and (e_result or not has_result)
    late = None
    if ended_at is not None:
        late = rules.is_late(
            due_at=row["index_due_at"],
            ended_at=ended_at,
            supplements=row["supplement_requests"],
            paused_at=None,
            at=ended_at,
        )
    return {
        "dossier_id": pk,
        "agency_id": row["resolving_agency_id"],
        "procedure_id": row["procedure_version__procedure_id"],
        "channel": row["channel"],
        "received_at": row["received_at"],
        "month": month_of(row["received_at"]),
        "ended_at": ended_at,
        "end_month": month_of(ended_at) if ended_at else None,
        "outcome": outcome,
        "due_at": row["index_due_at"],
        "supplements": row["supplement_requests"],
        "paused_at": open_pause if outcome == Outcome.OPEN else None,
        "late": late,
        "working_days": _working_days(calendars[row["resolving_agency_id"]], row["received_at"], ended_at, pauses)
        if has_result
        else None,
        "fee_bearing": pk in fee_bearing,
        "paid_online": pk in paid_online,
        "has_result": has_result,
        "e_result": e_result,
        "digitized": digitized,
        "reused": row["facts_reused"] > 0,
        "warehouse": row["facts_reused"] > 0 or (e_result and row["owner_id"] is not None),
        "verified": row["owner__citizen__id_number_verified_at"] is not None,
        "disliked": pk in disliked,
    }


def _working_days(calendar, start: dt.datetime, end: dt.datetime, pauses) -> float | None:
    """Working days from reception to result, the time waiting for supplements deducted (2.2)."""
    try:
        seconds = calendar.working_seconds_between(start, end, suspensions=pauses)
    except CalendarRangeError:
        return None
    return round(max(seconds, 0) / calendar.schedule.seconds_per_day, 4)


# -- storing facts and recomputing the tallies they fall in -------------------------------------------


def store(dossier_ids: Iterable[int]) -> int:
    """Recompute the facts of these dossiers and the tallies they fall in; returns how many facts."""
    ids = sorted(set(dossier_ids))
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            done += _store(chunk)
    return done


def _store(ids: list[int]) -> int:
    new = compute(ids)
    old = list(DossierFact.objects.filter(dossier_id__in=ids).values("month", "end_month", "agency_id", "procedure_id"))
    keys = {(row["month"], row["agency_id"], row["procedure_id"]) for row in old}
    keys |= {(row["end_month"], row["agency_id"], row["procedure_id"]) for row in old if row["end_month"]}
    keys |= {(fact["month"], fact["agency_id"], fact["procedure_id"]) for fact in new.values()}
    keys |= {(fact["end_month"], fact["agency_id"], fact["procedure_id"]) for fact in new.values() if fact["end_month"]}
    DossierFact.objects.filter(dossier_id__in=set(ids) - set(new)).delete()
    if new:
        objects = [DossierFact(**fact) for fact in new.values()]
        update = [name for name in new[next(iter(new))] if name != "dossier_id"]
        DossierFact.objects.bulk_create(
            objects, update_conflicts=True, unique_fields=["dossier"], update_fields=[*update, "updated_at"]
        )
    recompute_tallies(keys)
    return len(new)


def _sums(keys: set[tuple] | None) -> dict[tuple, dict]:
    """Tally values from the facts, for the given (month, agency, procedure) keys or for all."""
    values: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(TALLY_FIELDS, 0))
    received = DossierFact.objects.all()
    ended = DossierFact.objects.filter(end_month__isnull=False)
    if keys is not None:
        months = {key[0] for key in keys}
        agencies = {key[1] for key in keys}
        procedures = {key[2] for key in keys}
        received = received.filter(month__in=months, agency_id__in=agencies, procedure_id__in=procedures)
        ended = ended.filter(end_month__in=months, agency_id__in=agencies, procedure_id__in=procedures)
    # Annotations named apart from the fields they count (a filter on `late` must read the field).
    received_sums = {f"sum_{name}": value for name, value in RECEIVED_SUMS.items()}
    ended_sums = {f"sum_{name}": value for name, value in ENDED_SUMS.items()}
    for row in received.values("month", "agency_id", "procedure_id").annotate(**received_sums).order_by():
        key = (row["month"], row["agency_id"], row["procedure_id"])
        values[key].update({name: row[f"sum_{name}"] for name in RECEIVED_SUMS})
    for row in ended.values("end_month", "agency_id", "procedure_id").annotate(**ended_sums).order_by():
        key = (row["end_month"], row["agency_id"], row["procedure_id"])
        values[key].update({name: row[f"sum_{name}"] or 0 for name in ENDED_SUMS})
    if keys is not None:
        for key in keys:
            values[key]  # keys with no fact left get zeros
        return {key: values[key] for key in keys}
    return values


def recompute_tallies(keys: set[tuple] | None = None) -> int:
    """Write the tallies of the given keys (or of every key) from the facts, then the roll-ups of
    their months and agencies from the tallies."""
    sums = _sums(keys)
    if keys is None:
        Tally.objects.all().delete()
    rows = [
        Tally(month=month, agency_id=agency, procedure_id=procedure, **value)
        for (month, agency, procedure), value in sums.items()
    ]
    for start in range(0, len(rows), 5000):
        Tally.objects.bulk_create(
            rows[start : start + 5000],
            update_conflicts=True,
            unique_fields=["month", "agency", "procedure"],
            update_fields=list(TALLY_FIELDS),
        )
    recompute_agency_months(None if keys is None else {(month, agency) for month, agency, _ in keys})
    return len(rows)


def _listed(found: str) -> str:
    """Procedure ids as `AgencyMonth` keeps them: increasing, comma-separated ("" when none)."""
    return ",".join(map(str, sorted({int(pk) for pk in found.split(",") if pk})))


def _pairs_q(pairs: set[tuple]) -> Q:
    """The rows of these (month, agency) pairs: one condition per month (a refresh touches a few
    dozen months), each through the index that starts with the month and the agency."""
    agencies: dict[dt.date, set[int]] = defaultdict(set)
    for month, agency in pairs:
        agencies[month].add(agency)
    return reduce(operator.or_, (Q(month=month, agency_id__in=sorted(found)) for month, found in agencies.items()))


def agency_months(pairs: set[tuple] | None = None) -> dict[tuple, dict]:
    """The tallies grouped per (month, agency), for the given pairs or for all (one grouped query):
    every sum, and the procedures with a dossier received online and paid online."""
    found = Tally.objects.all()
    if pairs is not None:
        if not pairs:
            return {}
        found = found.filter(_pairs_q(pairs))
    procedure = Cast("procedure_id", output_field=CharField())
    rows = (
        found.values("month", "agency_id")
        .annotate(
            **{f"sum_{name}": Sum(name) for name in TALLY_FIELDS},
            listed_online=StringAgg(procedure, Value(","), filter=Q(received_online__gt=0), default=""),
            listed_paid=StringAgg(procedure, Value(","), filter=Q(paid_online__gt=0), default=""),
        )
        .order_by()
    )
    return {
        (row["month"], row["agency_id"]): {
            **{name: row[f"sum_{name}"] or 0 for name in TALLY_FIELDS},
            "procedures_online": _listed(row["listed_online"]),
            "procedures_paid": _listed(row["listed_paid"]),
        }
        for row in rows
    }


def recompute_agency_months(pairs: set[tuple] | None = None) -> int:
    """Write the roll-ups of the given (month, agency) pairs (or of all) from the tallies.

    A touched pair keeps its tallies (with zeros once its facts are gone, as `recompute_tallies`
    leaves them), so it keeps its roll-up row, with the same zeros; a pair with no tally left has
    its row deleted. A full rebuild (`pairs=None`) writes every row anew."""
    grouped = agency_months(pairs)
    if pairs is None:
        AgencyMonth.objects.all().delete()
    else:
        gone = pairs - set(grouped)
        if gone:
            AgencyMonth.objects.filter(_pairs_q(gone)).delete()
    rows = [AgencyMonth(month=month, agency_id=agency, **values) for (month, agency), values in grouped.items()]
    for start in range(0, len(rows), 5000):
        AgencyMonth.objects.bulk_create(
            rows[start : start + 5000],
            update_conflicts=True,
            unique_fields=["month", "agency"],
            update_fields=[*TALLY_FIELDS, "procedures_online", "procedures_paid"],
        )
    return len(rows)


# -- dossiers in progress at a month's end -----------------------------------------------------------


def late_at(at: dt.datetime) -> Q:
    """The facts (in progress at `at`) that are late then, as SQL: `rules.is_late` for open dossiers."""
    paused_then = Q(paused_at__isnull=False, paused_at__lte=at)
    return Q(supplements__gt=1) | (
        Q(due_at__isnull=False) & ((paused_then & Q(paused_at__gt=F("due_at"))) | (~paused_then & Q(due_at__lt=at)))
    )


def _open_counts(found, at: dt.datetime, agency_ids) -> dict[int, tuple[int, int]]:
    if agency_ids is not None:
        found = found.filter(agency_id__in=list(agency_ids))
    rows = found.values("agency_id").annotate(n=Count("pk"), late=Count("pk", filter=late_at(at))).order_by()
    return {row["agency_id"]: (row["n"], row["late"]) for row in rows}


def open_at(at: dt.datetime, agency_ids: Iterable[int] | None = None) -> dict[int, tuple[int, int]]:
    """Per resolving agency: (dossiers in progress at `at`, of which late then)."""
    found = DossierFact.objects.filter(received_at__lte=at).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))
    return _open_counts(found, at, agency_ids)


def open_now(now: dt.datetime, agency_ids: Iterable[int] | None = None) -> dict[int, tuple[int, int]]:
    """Per resolving agency: (dossiers in progress now, of which late now) — through the index of open facts."""
    return _open_counts(DossierFact.objects.filter(ended_at__isnull=True), now, agency_ids)


def take_snapshot(month: dt.date, now: dt.datetime | None = None) -> int:
    """Record the dossiers in progress at the end of `month` (a past month), per agency."""
    now = now or clock.now()
    end = month_end(month)
    if end > now:
        raise ValueError("The month has not ended yet.")
    counts = open_at(end)
    with transaction.atomic():
        OpenSnapshot.objects.filter(month=month).delete()
        OpenSnapshot.objects.bulk_create(
            [OpenSnapshot(month=month, agency_id=None, open=0, open_late=0, taken_at=now)]
            + [
                OpenSnapshot(month=month, agency_id=agency, open=n, open_late=late, taken_at=now)
                for agency, (n, late) in counts.items()
            ]
        )
    return len(counts)


def take_snapshots(now: dt.datetime | None = None) -> int:
    """Snapshots of every ended month since the first fact that has none yet (the monthly task)."""
    now = now or clock.now()
    first = DossierFact.objects.order_by("month").values_list("month", flat=True).first()
    if first is None:
        return 0
    taken = set(OpenSnapshot.objects.values_list("month", flat=True).distinct())
    done = 0
    for month in rules.months(first, month_of(now)):
        if month_end(month) <= now and month not in taken:
            take_snapshot(month, now)
            done += 1
    return done


# -- change feeds --------------------------------------------------------------------------------------

# (cursor name, model, field holding the dossier id): rows appended, ids increasing.
FEEDS = (
    ("events", Event, "dossier_id"),
    ("ratings", Rating, "dossier_id"),
    ("feedback", FeedbackItem, "dossier_id"),
    # An invoice is opened just after the reception commits, with no event of its own.
    ("invoices", Invoice, "dossier_id"),
)


def refresh(now: dt.datetime | None = None, *, limit: int = 20000) -> int:
    """Refresh the facts of the dossiers that changed since the last run; returns how many.

    Runs under a lock on the cursors, so two schedulers never interleave."""
    now = now or clock.now()
    changed: set[int] = set()
    with transaction.atomic():
        cursors = _cursors()
        for name, model, field in FEEDS:
            cursor = cursors[name]
            rows = list(model.objects.filter(pk__gt=cursor.position).order_by("pk").values_list("pk", field)[:limit])
            changed |= {dossier for _, dossier in rows if dossier is not None}
            cursor.position, cursor.gap_since = rules.advance(
                cursor.position, [pk for pk, _ in rows], cursor.gap_since, now, GRACE
            )
        # Digitizations change in place: read those changed since the last run (and a little before).
        digitized = cursors["digitizations"]
        since = digitized.moved_at - 2 * GRACE if digitized.moved_at else None
        found = Digitization.objects.all() if since is None else Digitization.objects.filter(updated_at__gte=since)
        changed |= set(found.values_list("document__dossier_id", flat=True))
        for cursor in cursors.values():
            cursor.moved_at = now
            cursor.save()
        store(changed)
    return len(changed)


def _cursors() -> dict[str, Cursor]:
    names = [name for name, _, _ in FEEDS] + ["digitizations"]
    Cursor.objects.bulk_create([Cursor(name=name) for name in names], ignore_conflicts=True)
    return {cursor.name: cursor for cursor in Cursor.objects.select_for_update().filter(name__in=names)}


def rebuild(*, progress=None) -> int:
    """Recompute every fact, tally and snapshot from the dossiers (after a restore, or once to start)."""
    ids = list(Dossier.objects.filter(received_at__isnull=False).order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        cursors = _cursors()
        for name, model, _ in FEEDS:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            cursors[name].position, cursors[name].gap_since = last, None
        cursors["digitizations"].moved_at = clock.now()
        for cursor in cursors.values():
            cursor.save()
    DossierFact.objects.exclude(dossier_id__in=Dossier.objects.filter(received_at__isnull=False)).delete()
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        facts = compute(chunk)
        with transaction.atomic():
            DossierFact.objects.filter(dossier_id__in=chunk).delete()
            DossierFact.objects.bulk_create(DossierFact(**fact) for fact in facts.values())
        done += len(facts)
        if progress:
            progress(done, len(ids))
    with transaction.atomic():
        recompute_tallies(None)
    OpenSnapshot.objects.all().delete()
    take_snapshots()
    return done
