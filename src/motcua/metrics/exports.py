"""Registers and statistical reports written to Excel or PDF by a task (xuất sổ, báo cáo): who may
ask for which, the checks on the period, the file itself with its progress, and starting again an
export whose worker stopped.

`request` checks everything and creates the `Export`, queued once the transaction commits; the task
(`tasks.write_export`) calls `run`, which claims the export, writes the file through Django's
storage and records its progress every few hundred rows. A claim is marked by its start time:
when an export that stopped making progress is started again, the old worker's later writes match
no row and it gives up, so two workers never both finish one export.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import tempfile
from collections.abc import Callable

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency, Role
from motcua.agencies.services import agencies_where
from motcua.core import clock
from motcua.core.errors import Conflict, Invalid, NotAllowed
from motcua.dossiers import forms

from . import reports
from .models import Export

log = logging.getLogger(__name__)

# Those who hold one of these roles in an agency (or above it) see its statistics.
STATISTICS_ROLES = (Role.CENTRE_HEAD, Role.LEADER, Role.PROVINCE_ADMIN, Role.INSPECTOR)
# The register is a service centre's own book: its heads and receptionists keep it (the same rule
# as the back office's register page, `backoffice.access.register_centres`).
REGISTER_ROLES = (Role.CENTRE_HEAD, Role.RECEPTIONIST)
# Progress is saved after this many rows (the register is read in chunks of this size).
PROGRESS_EVERY = reports.CHUNK
# An export with no progress for this long has lost its worker; its requester may start it again.
STALLED_AFTER = dt.timedelta(minutes=getattr(settings, "MOTCUA_EXPORT_STALLED_MINUTES", 10))
RECENT = 20

CONTENT_TYPES = {
    Export.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Export.Format.PDF: "application/pdf",
}


class _Superseded(Exception):
    """The export was started again by someone else meanwhile: this worker stops."""


# -- who may export what ------------------------------------------------------------------------------


def register_centres(user) -> QuerySet[Agency]:
    return agencies_where(user, REGISTER_ROLES).filter(kind__in=Agency.CENTRE_KINDS)


def statistics_agencies(user) -> QuerySet[Agency]:
    return agencies_where(user, STATISTICS_ROLES)


def choosable_agencies(user) -> list[Agency]:
    """Every agency the officer may export something of (a register, statistics or both), in the
    order of the tree (one query)."""
    holding = Q(pk__in=register_centres(user).values("pk")) | Q(pk__in=statistics_agencies(user).values("pk"))
    return list(Agency.objects.filter(holding).order_by("path"))


def may_export(user, kind: str, agency: Agency) -> bool:
    agencies = register_centres(user) if kind == Export.Kind.REGISTER else statistics_agencies(user)
    return agencies.filter(pk=agency.pk).exists()


def may_see_statistics(user, agency: Agency) -> bool:
    return may_export(user, Export.Kind.STATISTICS, agency)


# -- checking a request ---------------------------------------------------------------------------------


def _date(value, message: str, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError as exc:
        raise Invalid(message, field) from exc


def check_period(first, last) -> tuple[dt.date, dt.date]:
    """The period's two days (dates or ISO strings), at most one year long, started by today."""
    first = _date(first, _("Enter the first day of the period."), "first")
    last = _date(last, _("Enter the last day of the period."), "last")
    if last < first:
        raise Invalid(_("The period ends before it starts: the last day cannot be before the first day."), "last")
    if last >= reports.one_year_after(first):
        raise Invalid(_("A report covers at most one year: choose a shorter period."), "last")
    if first > clock.now().astimezone(reports.VN_TZ).date():
        raise Invalid(_("The period has not started yet."), "first")
    return first, last


def _agency(agency_id) -> Agency:
    try:
        pk = int(agency_id)
    except (TypeError, ValueError):
        pk = None
    agency = Agency.objects.filter(pk=pk, is_active=True).first() if pk else None
    if agency is None:
        raise Invalid(_("Choose an agency from the list."), "agency")
    return agency


def too_large_message() -> str:
    return _(
        "More than %(max)s dossiers were received in this period: too many for one printed register. "
        "Export it to Excel, or choose a shorter period."
    ) % {"max": f"{forms.MAX_REGISTER_ROWS:,}".replace(",", ".")}


def request(user, kind: str, format: str, agency_id, first, last) -> Export:
    """Ask for a register or statistical report of an agency for a period (a month, a quarter, a
    year, or any days up to one year). Bad input raises Invalid, a refused role NotAllowed; then
    nothing is created. The file is written by a task once this transaction commits."""
    if kind not in Export.Kind.values:
        raise Invalid(_("Choose a report."), "kind")
    if format not in Export.Format.values:
        raise Invalid(_("Choose Excel or PDF."), "format")
    agency = _agency(agency_id)
    first, last = check_period(first, last)
    if kind == Export.Kind.REGISTER:
        if not agency.is_centre:
            raise Invalid(_("The dossier register is kept by a service centre: choose a centre."), "agency")
        if not may_export(user, kind, agency):
            raise NotAllowed(_("Only the heads and receptionists of a service centre export its register."))
        if (
            format == Export.Format.PDF
            and reports.register_size(agency, first, last, limit=forms.MAX_REGISTER_ROWS) > forms.MAX_REGISTER_ROWS
        ):
            raise Invalid(too_large_message(), "format")
    elif not may_export(user, kind, agency):
        raise NotAllowed(
            _(
                "Only the centre heads, leaders, provincial administrators and inspectors of an agency "
                "export its statistics."
            )
        )
    with transaction.atomic():
        export = Export.objects.create(
            kind=kind,
            format=format,
            requested_by=user,
            agency=agency,
            first=first,
            last=last,
            params={"period": reports.describe_period(first, last)},
        )
        _enqueue_on_commit(export)
    return export


def _enqueue_on_commit(export: Export) -> None:
    from . import tasks

    transaction.on_commit(lambda pk=export.pk: tasks.write_export.enqueue(pk))


# -- the officer's exports -------------------------------------------------------------------------------


def recent(user, limit: int = RECENT) -> list[Export]:
    return list(Export.objects.filter(requested_by=user).select_related("agency").order_by("-created_at")[:limit])


def visible(user) -> QuerySet[Export]:
    """Exports the officer may follow and download: his own; staff see all."""
    exports = Export.objects.select_related("agency")
    return exports if user.is_staff else exports.filter(requested_by=user)


def _last_sign_of_life(export: Export) -> dt.datetime | None:
    """When the export last moved: its latest progress, start, (re)queueing or creation."""
    instants = [export.created_at, export.started_at]
    with contextlib.suppress(ValueError):
        instants.append(dt.datetime.fromisoformat((export.params or {}).get("progress_at") or ""))
    return max((instant for instant in instants if instant is not None), default=None)


def stalled(export: Export, now: dt.datetime | None = None) -> bool:
    """Waiting or being written with no progress for `STALLED_AFTER`: its worker stopped."""
    if export.status not in (Export.Status.QUEUED, Export.Status.RUNNING):
        return False
    last = _last_sign_of_life(export)
    return last is None or (now or clock.now()) - last > STALLED_AFTER


def percent(export: Export) -> int:
    if export.status == Export.Status.DONE:
        return 100
    return min(100, 100 * export.done // export.total) if export.total else 0


def restart(user, export_id: int) -> Export:
    """Queue again an export that failed or stopped making progress."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or (export.requested_by_id != user.pk and not user.is_staff):
            raise NotAllowed(_("Only the officer who asked for this export may start it again."))
        if export.status != Export.Status.FAILED and not stalled(export):
            raise Conflict(_("Only an export that failed or stopped making progress can be started again."))
        export.status = Export.Status.QUEUED
        export.done = export.total = 0
        export.error = ""
        export.started_at = export.finished_at = None
        export.params = dict(export.params or {}, progress_at=clock.now().isoformat())  # waiting starts again
        export.save()
        _enqueue_on_commit(export)
    return export


# -- writing the file -------------------------------------------------------------------------------------


class Progress:
    """Saves an export's progress; every write checks that this worker still holds the export."""

    def __init__(self, export: Export, token: dt.datetime):
        self.export, self.token = export, token
        self.done = self.total = 0

    def _write(self, **fields) -> None:
        params = dict(self.export.params or {}, progress_at=clock.now().isoformat())
        updated = Export.objects.filter(pk=self.export.pk, status=Export.Status.RUNNING, started_at=self.token).update(
            params=params, **fields
        )
        if not updated:
            raise _Superseded
        self.export.params = params

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        self._write(total=total, done=0)

    def advance(self, done: int) -> None:
        """`done` rows written; the total grows with rows that arrived after it was counted."""
        self.done, self.total = done, max(self.total, done)
        self._write(done=self.done, total=self.total)


def filename(export: Export) -> str:
    stem = "so-theo-doi" if export.kind == Export.Kind.REGISTER else "thong-ke"
    return f"{stem}-{export.agency.identifier}-{export.first:%Y%m%d}-{export.last:%Y%m%d}.{export.format}"


def run(export_id: int) -> str:
    """Write the export's file (the task's body). Returns what happened, for the task's log."""
    token = clock.now()
    claimed = Export.objects.filter(pk=export_id, status=Export.Status.QUEUED).update(
        status=Export.Status.RUNNING, started_at=token, done=0, total=0, error="", finished_at=None
    )
    if not claimed:
        return "not queued"
    export = Export.objects.select_related("agency").get(pk=export_id)
    progress = Progress(export, token)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            content = WRITERS[(export.kind, export.format)](export, progress)
        except _Superseded:
            return "superseded"
        except forms.RegisterTooLarge:
            return _fail(export, token, too_large_message())
        except Exception as exc:  # any failure leaves an export the officer can start again
            log.exception("Export %s failed", export_id)
            return _fail(
                export,
                token,
                _(
                    "The file could not be written (%(detail)s). Start it again; "
                    "if it fails again, tell the administrator."
                )
                % {"detail": str(exc)[:200] or exc.__class__.__name__},
            )
    name = filename(export)
    with content:
        export.file.save(name, content, save=False)
    finished = Export.objects.filter(pk=export_id, status=Export.Status.RUNNING, started_at=token).update(
        status=Export.Status.DONE, file=export.file.name, filename=name, done=progress.total, finished_at=clock.now()
    )
    if not finished:
        export.file.delete(save=False)
        return "superseded"
    return "done"


def _fail(export: Export, token: dt.datetime, message: str) -> str:
    Export.objects.filter(pk=export.pk, status=Export.Status.RUNNING, started_at=token).update(
        status=Export.Status.FAILED, error=message, finished_at=clock.now()
    )
    return "failed"


# Excel: openpyxl's write-only workbooks stream rows to a temporary file; nothing holds the sheet.


def _sheet_cells(sheet, values, *, font=None, number_format: str | None = None):
    """Write-only cells: dates and times shown as such, numbers in `number_format` if given."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if font is not None:
            cell.font = font
        if isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif number_format and isinstance(value, int | float):
            cell.number_format = number_format
        cells.append(cell)
    return cells


@contextlib.contextmanager
def _workbook():
    """A write-only workbook; if writing stops half-way, its sheets' temporary files are removed
    (a worker lives long: nothing may pile up in the temporary folder)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    try:
        yield book
    except BaseException:
        for sheet in book.worksheets:
            with contextlib.suppress(Exception):
                if not sheet.closed:
                    sheet.close()
            with contextlib.suppress(Exception):
                sheet._writer.cleanup()  # openpyxl keeps each sheet in a temporary file until saved
        raise


def _saved(book) -> File:
    handle = tempfile.TemporaryFile()  # noqa: SIM115 — closed by `run` once stored
    book.save(handle)
    handle.seek(0)
    return File(handle)


DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
REGISTER_WIDTHS = (6, 24, 48, 26, 40, 32, 17, 17, 20, 26, 12)


def register_xlsx(export: Export, progress: Progress) -> File:
    """Form 07 as a workbook: a title block, the headings and one row per dossier."""
    agency = export.agency
    progress.start(reports.register_size(agency, export.first, export.last))
    with _workbook() as book:
        return _register_sheet(book, export, progress)


def _register_sheet(book, export: Export, progress: Progress) -> File:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    agency = export.agency
    sheet = book.create_sheet(_("Dossier register")[:31])
    for index, width in enumerate(REGISTER_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C7"
    bold = Font(bold=True)
    sheet.append(_sheet_cells(sheet, [agency.name.upper()], font=bold))
    sheet.append(_sheet_cells(sheet, [forms.FORMS[7].upper()], font=Font(bold=True, size=14)))
    sheet.append([reports.dates_line(export.first, export.last)])
    sheet.append([])
    sheet.append(_sheet_cells(sheet, reports.register_headings(), font=bold))
    sheet.append(_sheet_cells(sheet, [f"({n})" for n in range(1, 12)], font=bold))
    written = 0
    for chunk in reports.register_chunks(agency, export.first, export.last, size=PROGRESS_EVERY):
        for row in chunk:
            sheet.append(
                _sheet_cells(
                    sheet,
                    [
                        row["number"],
                        row["code"],
                        row["procedure"],
                        row["applicant"],
                        row["contact"],
                        row["resolving"],
                        row["received"],
                        row["due"],
                        row["returned"],
                        row["method"],
                        "",
                    ],
                )
            )
        written += len(chunk)
        progress.advance(written)
    if not written:
        sheet.append([_("No dossier was received in this period.")])
    sheet.append([])
    sheet.append(
        [
            _("Prepared from the electronic register of the one-stop information system on %(date)s.")
            % {"date": f"{clock.now().astimezone(reports.VN_TZ):%d/%m/%Y %H:%M}"}
        ]
    )
    return _saved(book)


def register_pdf(export: Export, progress: Progress) -> File:
    """Form 07 printed (dossiers.forms): refused past `forms.MAX_REGISTER_ROWS` rows."""
    size = reports.register_size(export.agency, export.first, export.last, limit=forms.MAX_REGISTER_ROWS)
    if size > forms.MAX_REGISTER_ROWS:
        raise forms.RegisterTooLarge(too_large_message())
    progress.start(size)
    # WeasyPrint lays the pages out in one call: the bar stays at its start until the file is ready.
    return ContentFile(forms.render_register(export.agency, export.first, export.last))


def _statistics(export: Export, progress: Progress) -> reports.Statistics:
    stats = reports.statistics(export.agency, export.first, export.last, now=clock.now())
    progress.start(sum(len(table.rows) + 1 for table in stats.tables))
    return stats


STAT_FIRST_WIDTH = 46


def statistics_xlsx(export: Export, progress: Progress) -> File:
    """One sheet per table (by agency, field, channel): title block, the two heading rows, the rows,
    the total, and the footnote on how lateness is judged."""
    stats = _statistics(export, progress)
    with _workbook() as book:
        return _statistics_sheets(book, stats, progress)


def _statistics_sheets(book, stats: reports.Statistics, progress: Progress) -> File:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    groups = reports.column_groups()
    done = 0
    for table in stats.tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.column_dimensions["A"].width = 6
        sheet.column_dimensions["B"].width = STAT_FIRST_WIDTH
        for index in range(3, 3 + len(reports.columns())):
            sheet.column_dimensions[get_column_letter(index)].width = 13
        sheet.freeze_panes = "C7"
        sheet.append(_sheet_cells(sheet, [stats.agency.name.upper()], font=bold))
        sheet.append(_sheet_cells(sheet, [_title().upper()], font=Font(bold=True, size=14)))
        sheet.append([_period_line(stats), "", table.title])
        sheet.append([])
        group_row = ["", ""]
        for group in groups:
            group_row += [group.label] + [""] * (len(group.columns) - 1)
        sheet.append(_sheet_cells(sheet, group_row, font=bold))
        sheet.append(_sheet_cells(sheet, [_("No."), table.heading, *(c.label for c in reports.columns())], font=bold))
        for number, row in enumerate(table.rows, start=1):
            sheet.append(_stat_cells(sheet, [number, row.label], row))
            done += 1
        sheet.append(_stat_cells(sheet, ["", table.total.label], table.total, font=bold))
        done += 1
        progress.advance(done)
        sheet.append([])
        sheet.append([f"{_('Note:')} {reports.footnote()}"])
    return _saved(book)


def _stat_cells(sheet, head: list, row: reports.Row, *, font=None):
    cells = _sheet_cells(sheet, head, font=font)
    for column in reports.columns():
        value = row.value(column.key)
        if column.key == "on_time_rate":
            # Stored as a fraction so that Excel shows and computes it as a percentage.
            cells += _sheet_cells(sheet, [None if value is None else value / 100], font=font, number_format="0.0%")
        else:
            cells += _sheet_cells(sheet, [value], font=font)
    return cells


def _title() -> str:
    return _("Report on the reception and resolution of administrative procedures")


def _period_line(stats: reports.Statistics) -> str:
    return _("Period: %(period)s (from %(first)s to %(last)s)") % {
        "period": stats.period,
        "first": f"{stats.first:%d/%m/%Y}",
        "last": f"{stats.last:%d/%m/%Y}",
    }


def _issuer(agency: Agency) -> dict:
    """The left block of the national header: the authority above the agency, the agency."""
    top_level = (Agency.Kind.PROVINCE_PC, Agency.Kind.COMMUNE_PC, Agency.Kind.MINISTRY)
    above = agency.parent if agency.parent_id and agency.kind not in top_level else None
    return {
        "above": above.name.upper() if above else "",
        "unit": agency.name.upper(),
        "name": agency.name,
        "number_line": "Số: ......../BC",
    }


def statistics_pdf(export: Export, progress: Progress) -> File:
    """The report printed: A4 landscape, national header, the three tables, footnote, signatures."""
    stats = _statistics(export, progress)
    today = clock.now().astimezone(reports.VN_TZ).date()
    context = {
        "title": _title(),
        "issuer": _issuer(stats.agency),
        "place_date": f"{forms._place()}, {forms.format_date_line(today)}",
        "period_line": _period_line(stats),
        "stats": stats,
        "groups": reports.column_groups(),
        "columns": reports.columns(),
        "footnote": reports.footnote(),
        "sheets": [{}],
        "created": clock.now().isoformat(),
    }
    content = forms._pdf("metrics/reports/statistics_pdf.html", context)
    progress.advance(progress.total)
    return ContentFile(content)


WRITERS: dict[tuple[str, str], Callable[[Export, Progress], File]] = {
    (Export.Kind.REGISTER, Export.Format.XLSX): register_xlsx,
    (Export.Kind.REGISTER, Export.Format.PDF): register_pdf,
    (Export.Kind.STATISTICS, Export.Format.XLSX): statistics_xlsx,
    (Export.Kind.STATISTICS, Export.Format.PDF): statistics_pdf,
}
