"""The back office's reports page (/can-bo/thong-ke/): choose a report, an agency and a period; see
the statistics on screen at once; export the register or the report to Excel or PDF as a task whose
progress the page follows, then download the file.

Pages only: `exports` checks and queues, `reports` reads.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice.views import _page
from motcua.core import clock
from motcua.core.errors import ActionError, Invalid

from . import exports, reports
from .models import Export

POLL_SECONDS = 2
FORM_FIELDS = ("kind", "format", "agency", "period", "year", "first", "last")


def _today() -> dt.date:
    return clock.now().astimezone(reports.VN_TZ).date()


def _period(params) -> tuple[dt.date, dt.date]:
    """The days the picker describes: a month, quarter or year of a year, or two days typed."""
    pick = params.get("period", "")
    if pick == "custom":
        return exports.check_period(params.get("first"), params.get("last"))
    if pick not in reports.PICKS:
        raise Invalid(_("Choose a month, a quarter or the year."), "period")
    try:
        year = int(params.get("year", ""))
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise Invalid(_("Enter a year such as 2026."), "year")
    return exports.check_period(*reports.picked_period(pick, year))


def _agency_options(agencies) -> list[dict]:
    """The agencies as options indented by their depth in the tree under the highest one."""
    if not agencies:
        return []
    top = min(agency.path.count("/") for agency in agencies)
    return [
        {
            "pk": agency.pk,
            "label": "\u00a0\u00a0" * (agency.path.count("/") - top) + agency.name,
        }
        for agency in agencies
    ]


def _choices(request, agencies, statistics_ids: set[int]) -> dict:
    """What the form shows: what was asked (GET or POST), else the defaults — last month, the
    statistics of the highest agency the officer may see, in Excel."""
    params = request.POST if request.method == "POST" else request.GET
    first, last = reports.last_month(_today())
    default_agency = next((a for a in agencies if a.pk in statistics_ids), agencies[0])
    chosen = {
        "kind": Export.Kind.STATISTICS if statistics_ids else Export.Kind.REGISTER,
        "format": Export.Format.XLSX,
        "agency": str(default_agency.pk),
        "period": reports.pick_of(first, last),
        "year": str(first.year),
        "first": first.isoformat(),
        "last": last.isoformat(),
    }
    for name in FORM_FIELDS:
        if params.get(name):
            chosen[name] = params[name]
    if chosen["period"] in reports.PICKS[:-1] and chosen["year"].isdigit() and 2000 <= int(chosen["year"]) <= 2100:
        # The two days follow the month, quarter or year picked: "Other days" starts from them.
        first, last = reports.picked_period(chosen["period"], int(chosen["year"]))
        chosen["first"], chosen["last"] = first.isoformat(), last.isoformat()
    return chosen


def _render(request, *, error: ActionError | None = None, status: int = 200):
    agencies = exports.choosable_agencies(request.user)
    if not agencies:
        return _page(
            request,
            "backoffice/no_role.html",
            {
                "section": "reports",
                "message": _(
                    "Only the heads and receptionists of a service centre, and the leaders, administrators and "
                    "inspectors of an agency, export its registers and reports."
                ),
            },
            status=403,
        )
    statistics_ids = set(
        exports.statistics_agencies(request.user).filter(pk__in=[a.pk for a in agencies]).values_list("pk", flat=True)
    )
    chosen = _choices(request, agencies, statistics_ids)
    stats, stats_error = None, None
    agency = next((a for a in agencies if str(a.pk) == chosen["agency"]), None)
    if agency is not None and agency.pk in statistics_ids:
        try:
            first, last = _period(chosen)
        except Invalid as exc:
            stats_error = exc
        else:
            stats = reports.statistics(agency, first, last, now=clock.now())
    jobs = exports.recent(request.user)
    context = {
        "section": "reports",
        "agencies": _agency_options(agencies),
        "chosen": chosen,
        "kinds": Export.Kind.choices,
        "formats": Export.Format.choices,
        "months": [(f"m{n}", _("Month %(month)s") % {"month": n}) for n in range(1, 13)],
        "quarters": [(f"q{n}", _("Quarter %(quarter)s") % {"quarter": reports.QUARTER_NAMES[n]}) for n in range(1, 5)],
        "error": error or stats_error,
        "stats": stats,
        "groups": reports.column_groups(),
        "columns": reports.columns(),
        "footnote": reports.footnote(),
        "jobs": [_job(job) for job in jobs],
        "poll_seconds": POLL_SECONDS,
    }
    return _page(request, "metrics/reports/index.html", context, status=status)


def _job(export: Export) -> dict:
    return {
        "export": export,
        "busy": export.status in (Export.Status.QUEUED, Export.Status.RUNNING),
        "stalled": exports.stalled(export),
        "percent": exports.percent(export),
        "period": reports.describe_period(export.first, export.last),
        "laying_out": export.status == Export.Status.RUNNING
        and export.format == Export.Format.PDF
        and export.total
        and export.done == 0,
    }


@login_required
@require_GET
def index(request):
    """The form, the officer's recent exports and the statistics of the chosen agency and period."""
    return _render(request)


@login_required
@require_POST
def export(request):
    """Ask for a file; it is written by a task and appears in the list with its progress. The
    form's other button only shows the statistics for the choices: back to the page with them."""
    query = urlencode({name: request.POST[name] for name in FORM_FIELDS if request.POST.get(name)})
    if request.POST.get("action") == "show":
        return redirect(f"{reverse('reports:index')}?{query}#stats-h")
    try:
        first, last = _period(request.POST)
        job = exports.request(
            request.user,
            request.POST.get("kind", ""),
            request.POST.get("format", ""),
            request.POST.get("agency"),
            first,
            last,
        )
    except ActionError as exc:
        return _render(request, error=exc, status=exc.status)
    messages.success(
        request,
        _("“%(report)s” is being written; it will be ready to download below.") % {"report": job.get_kind_display()},
    )
    return redirect(f"{reverse('reports:index')}?{query}#exports")


@login_required
@require_GET
def item(request, pk: int):
    """One export's line: polled by htmx while it is being written."""
    job = get_object_or_404(exports.visible(request.user), pk=pk)
    return _page(request, "metrics/reports/_export.html", {"job": _job(job), "poll_seconds": POLL_SECONDS})


@login_required
@require_GET
def download(request, pk: int):
    """The file, for the officer who asked for it (or staff); anyone else gets 404."""
    job = get_object_or_404(exports.visible(request.user), pk=pk, status=Export.Status.DONE)
    if not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename or exports.filename(job),
        content_type=exports.CONTENT_TYPES.get(job.format, "application/octet-stream"),
    )


@login_required
@require_POST
def restart(request, pk: int):
    """Start again an export that failed or stopped making progress."""
    job = get_object_or_404(exports.visible(request.user), pk=pk)
    try:
        job = exports.restart(request.user, job.pk)
    except ActionError as exc:
        if request.htmx:
            return _page(
                request, "metrics/reports/_export.html", {"job": _job(job), "poll_seconds": POLL_SECONDS, "flash": exc}
            )
        messages.error(request, exc.message)
        return redirect(f"{reverse('reports:index')}#exports")
    if request.htmx:
        return _page(request, "metrics/reports/_export.html", {"job": _job(job), "poll_seconds": POLL_SECONDS})
    messages.success(request, _("The export is started again."))
    return redirect(f"{reverse('reports:index')}#exports")
