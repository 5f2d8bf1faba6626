"""The data of the registers and periodic reports (sổ theo dõi, báo cáo thống kê): the rows of a
centre's dossier register (Form 07) for a period, read in chunks, and the statistics on reception
and resolution of an agency and the units under it, by agency, field and channel.

Lateness here is the law's: the result is compared with the legal appointment (`Dossier.due_at`,
counted again in full once a requested supplement arrives). The service-quality index judges
differently (`Dossier.index_due_at`: the waiting time deducted, more than one supplement late);
each report says so in its footnote. Nothing here writes; `exports` turns these into files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Case, Count, DateTimeField, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.agencies.models import Agency
from motcua.agencies.services import subtree
from motcua.dossiers.forms import ENDED_WITHOUT_RESULT, REGISTER_FIELDS, RETURN_METHODS
from motcua.dossiers.models import Channel, Dossier, Suspension
from motcua.dossiers.workflow import Status
from motcua.workdays.calendar import VN_TZ, ZONE, days_bounds

CHUNK = 500  # register rows read per query


# -- periods -----------------------------------------------------------------------------------------


def month_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def quarter_period(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first, _last = month_period(year, 3 * quarter - 2)
    _first, last = month_period(year, 3 * quarter)
    return first, last


def year_period(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def last_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The month before `today`'s: what a monthly report is asked for by default."""
    previous = today.replace(day=1) - dt.timedelta(days=1)
    return month_period(previous.year, previous.month)


def one_year_after(day: dt.date) -> dt.date:
    """The same day a year later (29 February gives 1 March)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return dt.date(day.year + 1, 3, 1)


QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
# What the period picker offers: "m1"–"m12" a month, "q1"–"q4" a quarter, "y" the year, and
# "custom" the two days typed.
PICKS = (*(f"m{n}" for n in range(1, 13)), *(f"q{n}" for n in range(1, 5)), "y", "custom")


def picked_period(pick: str, year: int) -> tuple[dt.date, dt.date]:
    """The days of a month, quarter or year picked with its year ("custom" is not handled here)."""
    if pick == "y":
        return year_period(year)
    if pick[:1] == "m" and pick in PICKS:
        return month_period(year, int(pick[1:]))
    if pick[:1] == "q" and pick in PICKS:
        return quarter_period(year, int(pick[1:]))
    raise ValueError(pick)


def pick_of(first: dt.date, last: dt.date) -> str:
    """The picker's value for a period ("custom" when it is not a month, a quarter or a year)."""
    if first.year == last.year:
        for pick in PICKS[:-1]:
            if picked_period(pick, first.year) == (first, last):
                return pick
    return "custom"


def describe_period(first: dt.date, last: dt.date) -> str:
    """ "Month 1/2026", "Quarter I/2026", "Year 2026", or the two dates, in the active language."""
    if first.day == 1 and first.year == last.year:
        if (first, last) == month_period(first.year, first.month):
            return _("Month %(month)s/%(year)s") % {"month": first.month, "year": first.year}
        if first.month % 3 == 1 and (first, last) == quarter_period(first.year, (first.month + 2) // 3):
            return _("Quarter %(quarter)s/%(year)s") % {
                "quarter": QUARTER_NAMES[(first.month + 2) // 3],
                "year": first.year,
            }
        if (first, last) == year_period(first.year):
            return _("Year %(year)s") % {"year": first.year}
    return dates_line(first, last)


def dates_line(first: dt.date, last: dt.date) -> str:
    return _("From %(first)s to %(last)s") % {"first": f"{first:%d/%m/%Y}", "last": f"{last:%d/%m/%Y}"}


# -- the register (Form 07) --------------------------------------------------------------------------


def register_queryset(agency: Agency, first: dt.date, last: dt.date) -> QuerySet[Dossier]:
    """The dossiers of the register, as `dossiers.forms.register_rows` selects them: received in
    the centre's subtree between the two dates (inclusive)."""
    start, end = days_bounds(first, last)
    return Dossier.objects.filter(receiving_agency__in=subtree(agency), received_at__gte=start, received_at__lt=end)


def register_size(agency: Agency, first: dt.date, last: dt.date, *, limit: int | None = None) -> int:
    """How many rows the register has; with `limit`, counting stops just past it (a cheap check
    before refusing a register too large to print)."""
    rows = register_queryset(agency, first, last)
    if limit is not None:
        return len(rows.order_by().values_list("pk", flat=True)[: limit + 1])
    # One indexed range over the period: the progress bar needs the total.
    return rows.aggregate(n=Count("pk"))["n"]


def _local(instant: dt.datetime | None) -> dt.datetime | None:
    """Vietnam wall-clock time without a zone (spreadsheets keep no zones)."""
    return instant.astimezone(VN_TZ).replace(tzinfo=None) if instant else None


def register_chunks(agency: Agency, first: dt.date, last: dt.date, *, size: int = CHUNK) -> Iterator[list[dict]]:
    """The register's rows in order of receipt, `size` at a time: each chunk is one short query
    that starts after the last row of the previous one (keyset), so a year of a large centre is
    never held in memory nor behind one long-open cursor.

    Each row holds Form 07's eleven columns: times as Vietnam datetimes, "returned" the time the
    result was returned or why the dossier ended without one.
    """
    rows = register_queryset(agency, first, last).order_by("received_at", "id")
    number, after = 0, None
    while True:
        page = rows
        if after is not None:
            received, pk = after
            page = rows.filter(Q(received_at__gt=received) | Q(received_at=received, id__gt=pk))
        batch = list(page.values("id", *REGISTER_FIELDS)[:size])
        if not batch:
            return
        chunk = []
        for row in batch:
            number += 1
            if row["status"] == Status.RETURNED:
                returned = _local(row["finished_at"])
            else:
                returned = ENDED_WITHOUT_RESULT.get(row["status"], "")
            contact = row["applicant_address"]
            if row["applicant_phone"]:
                contact += f" / {row['applicant_phone']}"
            chunk.append(
                {
                    "number": number,
                    "code": row["code"],
                    "procedure": row["procedure_version__name"],
                    "applicant": row["applicant_name"],
                    "contact": contact,
                    "resolving": row["resolving_agency__name"],
                    "received": _local(row["received_at"]),
                    "due": _local(row["due_at"]),
                    "returned": returned,
                    "method": RETURN_METHODS.get(row["return_method"], row["return_method"]),
                }
            )
        yield chunk
        if len(batch) < size:
            return
        after = (batch[-1]["received_at"], batch[-1]["id"])


def register_headings() -> list[str]:
    """Form 07's column headings, in order."""
    return [
        _("No."),
        _("Dossier code"),
        _("Name of the procedure"),
        _("Name of the organisation or person"),
        _("Address/phone"),
        _("Lead resolving agency"),
        _("Dossier received"),
        _("Result promised for"),
        _("Result returned on"),
        _("How the result is received"),
        _("Signature of the receiver"),
    ]


# -- the statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str


@dataclass(frozen=True)
class ColumnGroup:
    label: str
    columns: tuple[Column, ...]


def column_groups() -> list[ColumnGroup]:
    """The report's columns under their group headings (the layout of the national reporting
    forms: to resolve, resolved, ended without a result, in progress)."""
    return [
        ColumnGroup(
            _("Dossiers to resolve"),
            (
                Column("total", _("Total number")),
                Column("carried_over", _("Carried over from before")),
                Column("received", _("Received in the period")),
                Column("received_online", _("of which online")),
            ),
        ),
        ColumnGroup(
            _("Resolved in the period"),
            (
                Column("resolved", _("Total number")),
                Column("early", _("Early")),
                Column("on_time", _("On time")),
                Column("late", _("Late")),
                Column("on_time_rate", _("Early or on time (%)")),
            ),
        ),
        ColumnGroup(
            _("Ended without a result"),
            (
                Column("refused", _("Refused")),
                Column("withdrawn", _("Withdrawn by the applicant")),
                Column("stopped", _("Stopped: no supplement")),
            ),
        ),
        ColumnGroup(
            _("In progress at the period's end"),
            (
                Column("open", _("Total number")),
                Column("open_not_due", _("Not yet due")),
                Column("open_overdue", _("Overdue")),
            ),
        ),
    ]


def columns() -> list[Column]:
    return [column for group in column_groups() for column in group.columns]


# Figures counted by the database; the others are derived from them.
COUNTED = (
    "total",
    "carried_over",
    "received",
    "received_online",
    "resolved",
    "early",
    "late",
    "refused",
    "withdrawn",
    "stopped",
    "open",
    "open_overdue",
)
FIGURES = (*COUNTED, "on_time", "open_not_due")


def footnote() -> str:
    return _(
        "Early, on time and late compare the time the result was ready with the appointment in law: the one on "
        "the receipt slip, or the full time limit counted again once a requested supplement arrived. An apology "
        "with a new date (Form 04) does not make a dossier on time: it is judged against the date before the "
        "apology. A dossier waiting for the applicant's supplement at the period's end is not yet due. The "
        "service-quality index counts differently (it deducts the waiting time, and more than one supplement "
        "request makes a dossier late), so its on-time rate may differ from this report."
    )


@dataclass
class Row:
    label: str
    code: str = ""
    figures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIGURES, 0))

    @property
    def on_time_rate(self) -> float | None:
        """Share of the resolved dossiers returned early or on time, in per cent (None: none resolved)."""
        resolved = self.figures["resolved"]
        return 100 * (self.figures["early"] + self.figures["on_time"]) / resolved if resolved else None

    def value(self, key: str):
        return self.on_time_rate if key == "on_time_rate" else self.figures[key]

    def values(self) -> list:
        return [self.value(column.key) for column in columns()]

    @property
    def cells(self) -> list[tuple[str, int | float | None]]:
        """(column key, value) in the order of the columns, for templates."""
        return [(column.key, self.value(column.key)) for column in columns()]


@dataclass
class Table:
    key: str
    title: str
    heading: str  # the first column's heading
    rows: list[Row]
    total: Row


@dataclass
class Statistics:
    agency: Agency
    first: dt.date
    last: dt.date
    at: dt.datetime  # the instant "overdue" is judged at: the period's end, or now if sooner
    tables: list[Table]

    @property
    def period(self) -> str:
        return describe_period(self.first, self.last)

    @property
    def total(self) -> Row:
        return self.tables[0].total


CHANNEL_LABELS = {
    Channel.IN_PERSON: gettext_lazy("In person at a counter"),
    Channel.ONLINE: gettext_lazy("Online on the portal"),
    Channel.VNEID: gettext_lazy("Online through VNeID"),
    Channel.POSTAL: gettext_lazy("By post"),
}
ONLINE_CHANNELS = (Channel.ONLINE, Channel.VNEID)


def _legal_appointment():
    """The appointment the law judges the dossier by. An apology with a new date (Form 04) moves
    `due_at`, yet the dossier stays late: the date before the apology counts — unless a supplement
    arrived after the apology and restarted the time limit in full."""
    return Case(
        When(
            Q(extension__isnull=False, extension__issued_at__gte=F("clock_started_at")),
            then=F("extension__old_due_at"),
        ),
        default=F("due_at"),
        output_field=DateTimeField(),
    )


def dossiers_in_scope(agency: Agency, first: dt.date, last: dt.date) -> QuerySet[Dossier]:
    """Received dossiers the agency's report counts: received or resolved in its subtree, received
    before the period's end and not ended before its start. Annotated with `ended_at` (the
    result ready, or the end without one) and `appointment` (the law's)."""
    start, end = days_bounds(first, last)
    units = subtree(agency).values("pk")
    return (
        Dossier.objects.filter(Q(receiving_agency__in=units) | Q(resolving_agency__in=units))
        .filter(received_at__isnull=False, received_at__lt=end)
        .annotate(ended_at=Coalesce("processed_at", "finished_at"))
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=start))
    )


def _figures(start: dt.datetime, end: dt.datetime, at: dt.datetime) -> dict:
    """The conditional counts of one grouped query."""
    resolved = Q(processed_at__gte=start, processed_at__lt=end)
    late = resolved & Q(processed_at__gt=F("appointment"))
    # Early: ready on a day before the appointment's day (as the control slip judges steps).
    early = resolved & Q(end_day__lt=F("due_day"))
    ended_in_period = Q(processed_at__isnull=True, finished_at__gte=start, finished_at__lt=end)
    still_open = Q(ended_at__isnull=True) | Q(ended_at__gte=end)
    overdue = still_open & Q(appointment__lt=at) & Q(waiting=False)
    received = Q(received_at__gte=start)

    def count(condition: Q | None = None) -> Count:
        return Count("pk", filter=condition) if condition is not None else Count("pk")

    return {
        "total": count(),
        "carried_over": count(Q(received_at__lt=start)),
        "received": count(received),
        "received_online": count(received & Q(channel__in=ONLINE_CHANNELS)),
        "resolved": count(resolved),
        "early": count(early),
        "late": count(late),
        "refused": count(ended_in_period & Q(status=Status.REFUSED)),
        "withdrawn": count(ended_in_period & Q(status=Status.WITHDRAWN)),
        "stopped": count(ended_in_period & Q(status=Status.STOPPED)),
        "open": count(still_open),
        "open_overdue": count(overdue),
    }


def _grouped(queryset: QuerySet, keys: list[str], figures: dict) -> list[dict]:
    return list(queryset.values(*keys).annotate(**figures).order_by())


def _row(label: str, code: str, counted: dict) -> Row:
    row = Row(label=label, code=code)
    for key in COUNTED:
        row.figures[key] = counted.get(key) or 0
    row.figures["on_time"] = row.figures["resolved"] - row.figures["early"] - row.figures["late"]
    row.figures["open_not_due"] = row.figures["open"] - row.figures["open_overdue"]
    return row


def _sum(rows: list[Row], label: str) -> Row:
    total = Row(label=label)
    for row in rows:
        for key in FIGURES:
            total.figures[key] += row.figures[key]
    return total


def statistics(agency: Agency, first: dt.date, last: dt.date, *, now: dt.datetime) -> Statistics:
    """The statistics on reception and resolution of `agency` and the units under it for a period:
    three grouped queries (by resolving agency, by field, by channel), whatever the number of
    dossiers. "Overdue" is judged at the period's end, or at `now` for a period not over yet."""
    start, end = days_bounds(first, last)
    at = min(end, now)
    waiting = Suspension.objects.filter(dossier=OuterRef("pk"), at_reception=False, started_at__lt=at).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=at)
    )
    dossiers = dossiers_in_scope(agency, first, last).annotate(
        appointment=_legal_appointment(),
        end_day=TruncDate("processed_at", tzinfo=ZONE),
        due_day=TruncDate("appointment", tzinfo=ZONE),
        waiting=Exists(waiting),
    )
    figures = _figures(start, end, at)

    by_agency = [
        _row(item["resolving_agency__name"], item["resolving_agency__identifier"], item)
        for item in sorted(
            _grouped(
                dossiers,
                [
                    "resolving_agency",
                    "resolving_agency__name",
                    "resolving_agency__identifier",
                    "resolving_agency__path",
                ],
                figures,
            ),
            key=lambda item: item["resolving_agency__path"],
        )
    ]
    by_field = [
        _row(item["procedure_version__procedure__field__name"], item["procedure_version__procedure__field__code"], item)
        for item in sorted(
            _grouped(
                dossiers,
                ["procedure_version__procedure__field__code", "procedure_version__procedure__field__name"],
                figures,
            ),
            key=lambda item: item["procedure_version__procedure__field__name"],
        )
    ]
    counted = {item["channel"]: item for item in _grouped(dossiers, ["channel"], figures)}
    order = [channel.value for channel in CHANNEL_LABELS]
    by_channel = [
        _row(str(CHANNEL_LABELS.get(channel, channel)), channel, counted[channel])
        for channel in sorted(counted, key=lambda c: (order.index(c) if c in order else len(order), c))
    ]
    tables = [
        Table("agency", _("By resolving agency"), _("Resolving agency"), by_agency, _sum(by_agency, _("Total"))),
        Table("field", _("By field"), _("Field"), by_field, _sum(by_field, _("Total"))),
        Table("channel", _("By channel"), _("Channel"), by_channel, _sum(by_channel, _("Total"))),
    ]
    return Statistics(agency=agency, first=first, last=last, at=at, tables=tables)
