"""Following dossiers on the portal: "my dossiers", one dossier's page with its timeline and the
applicant's actions (supplement, withdraw, slips, electronic result), and the public look-up by
code and secret (progress only, names masked)."""

from __future__ import annotations

import datetime as dt
import hmac
import threading
from collections import OrderedDict

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.db.models import Exists, Max, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import condition, require_GET, require_http_methods, require_POST

from motcua.citizens.access import citizen_required
from motcua.core import windows
from motcua.core.errors import ActionError, Conflict, Invalid
from motcua.core.people import mask_name
from motcua.core.text import nfc
from motcua.dossiers import services, validation
from motcua.dossiers.models import Dossier, DossierDocument, Event, Extension, ReturnMethod, Suspension
from motcua.dossiers.ownership import owned_by
from motcua.dossiers.services import Upload
from motcua.dossiers.workflow import STATUS_LABELS, TRANSITIONS, Status
from motcua.feedback.models import Rating

PAGE_SIZE = 20
# The slips an applicant may download (Form 06, the control slip, is internal).
APPLICANT_FORMS = (1, 2, 3, 4, 5)
RESULT_READY = frozenset({Status.PROCESSED, Status.RETURNED})
WITHDRAWABLE = TRANSITIONS["withdraw"].sources

# What happened, as the applicant reads it on the timeline.
EVENT_TEXT = {
    "submit": gettext_lazy("The dossier was submitted online"),
    "receive": gettext_lazy("The dossier was received and the appointment issued"),
    "request_supplement_at_reception": gettext_lazy("You are asked to complete the dossier before it is received"),
    "request_supplement": gettext_lazy("You are asked to complete the dossier"),
    "supplement": gettext_lazy("The missing documents were received"),
    "refuse_at_reception": gettext_lazy("The dossier was not received"),
    "complete_step": gettext_lazy("A step is done; the dossier went on to the next one"),
    "assign": gettext_lazy("An officer was put in charge of the dossier"),
    "approve": gettext_lazy("The result was approved and signed"),
    "refuse": gettext_lazy("The dossier was refused"),
    "extend": gettext_lazy("Apology: the result will be late; a new date is set"),
    "notify_early_return": gettext_lazy("The result is ready before the appointment"),
    "return_result": gettext_lazy("The result was handed over"),
    "withdraw": gettext_lazy("The dossier was withdrawn at your request"),
    "close_unsupplemented": gettext_lazy("The dossier was closed: the missing documents did not come in time"),
    "pay": gettext_lazy("The fees were paid"),
}
# What the public look-up shows: progress, not who asked for what.
LOOKUP_ACTIONS = (
    "submit",
    "receive",
    "request_supplement_at_reception",
    "request_supplement",
    "supplement",
    "refuse_at_reception",
    "complete_step",
    "approve",
    "refuse",
    "extend",
    "return_result",
    "withdraw",
    "close_unsupplemented",
)


def todo(dossier: Dossier, *, rated: bool = False, has_result: bool = False) -> str:
    """What the applicant must do now, in a few plain words, or "" when nothing."""
    status = Status(dossier.status)
    if status is Status.SUPPLEMENT_REQUESTED:
        return _("Send the missing documents")
    if status is Status.PROCESSED:
        if dossier.return_method == ReturnMethod.ONLINE and has_result:
            return _("Download your result")
        if dossier.return_method == ReturnMethod.COUNTER:
            return _("Collect your result at the centre")
        return _("Your result is ready")
    if status in RESULT_READY | {Status.REFUSED, Status.STOPPED} and not rated:
        return _("Rate the service")
    return ""


# -- my dossiers ----------------------------------------------------------------------------------------


@citizen_required
@require_GET
def my_dossiers(request):
    """The citizen's dossiers, newest first, a page at a time (keyset on the id)."""
    rows = (
        owned_by(request.user)
        .select_related("procedure_version__procedure")
        .only(
            "id",
            "code",
            "status",
            "return_method",
            "submitted_at",
            "due_at",
            "acceptance_due_at",
            "procedure_version__name",
            "procedure_version__procedure__code",
        )
        .annotate(
            rated=Exists(Rating.objects.filter(dossier=OuterRef("pk"))),
            has_result=Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"), added_in="result")),
        )
        .order_by("-id")
    )
    before = request.GET.get("truoc", "")
    if before.isdigit():
        rows = rows.filter(pk__lt=int(before))
    page = list(rows[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    items = [{"d": d, "todo": todo(d, rated=d.rated, has_result=d.has_result)} for d in page]
    context = {"items": items, "next_before": page[-1].pk if more else None, "first_page": not before}
    return render(request, "portal/track/list.html", context)


# -- one dossier ------------------------------------------------------------------------------------------


def _own(request, pk: int) -> Dossier:
    """The citizen's own dossier; any other id does not exist for him (404)."""
    return get_object_or_404(
        owned_by(request.user).select_related(
            "procedure_version__procedure", "receiving_agency", "resolving_agency", "returning_agency"
        ),
        pk=pk,
    )


def _time(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def timeline(events, *, masked: bool = False) -> list[dict]:
    """The control slip's entries as the applicant reads them; `masked` hides officers' names."""
    rows = []
    for event in events:
        data = event.data or {}
        detail = []
        if data.get("items"):
            detail.append(_("Missing: %(items)s") % {"items": "; ".join(str(i) for i in data["items"])})
        if deadline := _time(data.get("deadline")):
            detail.append(
                _("Send them by %(date)s") % {"date": timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")}
            )
        if new_due := _time(data.get("new_due_at")):
            detail.append(
                _("New return date: %(date)s") % {"date": timezone.localtime(new_due).strftime("%H:%M %d/%m/%Y")}
            )
        if data.get("due_at") and (due := _time(data["due_at"])):
            detail.append(_("Appointment: %(date)s") % {"date": timezone.localtime(due).strftime("%H:%M %d/%m/%Y")})
        if data.get("next"):
            detail.append(_("Next: %(steps)s") % {"steps": ", ".join(data["next"])})
        officer = event.actor_name if event.actor_id else ""
        rows.append(
            {
                "at": event.at,
                "action": event.action,
                "text": EVENT_TEXT.get(event.action, event.action),
                "agency": event.agency.name if event.agency_id else "",
                "to_agency": event.to_agency.name if event.to_agency_id else "",
                "officer": mask_name(officer) if masked else officer,
                "status": STATUS_LABELS.get(Status(event.to_status), "") if event.to_status else "",
                "note": "" if masked else event.note,
                "detail": [] if masked else detail,
            }
        )
    return rows


def _timeline_context(dossier: Dossier) -> dict:
    events = dossier.events.select_related("agency", "to_agency").order_by("-at", "-id")
    return {
        "dossier": dossier,
        "timeline": timeline(events),
        "poll_seconds": settings.MOTCUA_TIMELINE_POLL_SECONDS,
        "extension": Extension.objects.filter(dossier=dossier).first(),
    }


def _supplement_items(suspension: Suspension | None) -> list[str]:
    return list(suspension.items) if suspension else []


def show_dossier(request, pk: int, *, status: int = 200, **extra):
    """The dossier's page (also used by the actions to show their errors in place)."""
    from motcua.dossiers import forms as printable
    from motcua.feedback import services as feedback
    from motcua.feedback.views import form_context

    dossier = _own(request, pk)
    suspension = (
        Suspension.objects.filter(dossier=dossier, ended_at__isnull=True).order_by("-started_at").first()
        if dossier.status == Status.SUPPLEMENT_REQUESTED
        else None
    )
    documents = list(dossier.documents.only("id", "name", "added_in", "added_at", "size", "file"))
    rating = Rating.objects.filter(dossier=dossier).first()
    results = [d for d in documents if d.added_in == "result"]
    context = {
        **_timeline_context(dossier),
        "version": dossier.procedure_version,
        "suspension": suspension,
        "items": _supplement_items(suspension),
        "documents": [d for d in documents if d.added_in != "result"],
        "results": results if _result_available(dossier) else [],
        "slips": [
            {"number": n, "slug": f"{n:02d}", "title": printable.FORMS[n]}
            for n in printable.available_forms(dossier)
            if n in APPLICANT_FORMS
        ],
        "can_withdraw": Status(dossier.status) in WITHDRAWABLE,
        "can_rate": rating is None and feedback.can_rate(dossier),
        "rating": rating,
        "todo": todo(dossier, rated=rating is not None, has_result=bool(results)),
        "max_upload": settings.MOTCUA_MAX_UPLOAD_BYTES,
        **form_context(extra.pop("rating_posted", None), extra.pop("rating_error", None)),
    }
    context.update(extra)
    return render(request, "portal/track/dossier.html", context, status=status)


@citizen_required
@require_GET
def my_dossier(request, pk: int):
    return show_dossier(request, pk)


def _timeline_etag(request, pk: int) -> str | None:
    """The dossier's revision and last control-slip entry: the fragment changes only with them."""
    row = owned_by(request.user).filter(pk=pk).annotate(last=Max("events__id")).values("revision", "last").first()
    if row is None:
        return None
    return f"{row['revision']}-{row['last']}-{translation.get_language()}"


@citizen_required
@require_GET
@condition(etag_func=_timeline_etag)
def timeline_fragment(request, pk: int):
    """The status, appointment and timeline, polled by the page (htmx); 304 when nothing changed."""
    response = render(request, "portal/track/_timeline.html", _timeline_context(_own(request, pk)))
    response["Cache-Control"] = "private, no-cache"
    return response


def _read(upload) -> bytes:
    """The upload's bytes; a file over the limit is refused before it is read into memory."""
    if upload.size > settings.MOTCUA_MAX_UPLOAD_BYTES or upload.size == 0:
        try:
            validation.scan(upload.name, b"", upload.size)
        except validation.InvalidInput as exc:
            raise Invalid(exc.message, "documents") from exc
    return upload.read()


@citizen_required
@require_POST
def supplement(request, pk: int):
    """The applicant uploads what was asked for, once; the dossier goes back to the officers."""
    dossier = _own(request, pk)
    try:
        if dossier.status != Status.SUPPLEMENT_REQUESTED:
            raise Conflict(_("The missing documents have already been sent; they can be sent only once."))
        suspension = Suspension.objects.filter(dossier=dossier, ended_at__isnull=True).order_by("-started_at").first()
        items = _supplement_items(suspension)
        uploads = [
            Upload(name=nfc(item), form=DossierDocument.Form.COPY, filename=upload.name, content=_read(upload))
            for index, item in enumerate(items or [_("Missing document")])
            for upload in request.FILES.getlist(f"file-{index}")
        ]
        if not uploads:
            raise Invalid(_("Choose at least one file to send."), "documents")
        services.supplement(dossier.pk, None, documents=uploads, note=request.POST.get("note", "")[:2000])
    except ActionError as exc:
        return show_dossier(request, pk, status=exc.status, supplement_error=exc, posted=request.POST)
    messages.success(request, _("The missing documents were sent. The officers will check them."))
    return redirect("portal:my_dossier", pk=pk)


@citizen_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int):
    """Withdraw the dossier (Form 05), after a confirmation page."""
    dossier = _own(request, pk)
    context = {"dossier": dossier, "version": dossier.procedure_version}
    if Status(dossier.status) not in WITHDRAWABLE:
        messages.error(request, _("This dossier can no longer be withdrawn."))
        return redirect("portal:my_dossier", pk=pk)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            context["error"] = _("Tick the box to confirm that you want to withdraw the dossier.")
            context["reasons"] = request.POST.get("reasons", "")
            return render(request, "portal/track/withdraw.html", context, status=422)
        try:
            services.withdraw(dossier.pk, None, reasons=request.POST.get("reasons", "")[:2000])
        except ActionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The dossier is withdrawn. You can download the notice (Form 05)."))
        return redirect("portal:my_dossier", pk=pk)
    return render(request, "portal/track/withdraw.html", context)


@citizen_required
@require_GET
def slip(request, pk: int, number: int):
    """One of the slips issued for the dossier (Forms 01–05) as PDF."""
    from motcua.dossiers import forms as printable

    dossier = _own(request, pk)
    if number not in APPLICANT_FORMS:
        raise Http404
    try:
        content = printable.render_form(dossier, number)
    except printable.FormNotAvailable as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code or dossier.pk}-mau-{number:02d}.pdf"'
    return response


def _result_available(dossier: Dossier) -> bool:
    return Status(dossier.status) in RESULT_READY and dossier.return_method == ReturnMethod.ONLINE


@citizen_required
@require_GET
def result(request, pk: int, document_id: int):
    """The electronic result, to the owner, once it is ready and the result is returned online."""
    dossier = _own(request, pk)
    if not _result_available(dossier):
        raise Http404
    document = get_object_or_404(DossierDocument, pk=document_id, dossier=dossier, added_in="result")
    if not document.file:
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type or "application/pdf",
        as_attachment=True,
        filename=f"{dossier.code}-ket-qua.pdf",
    )


# -- public look-up -----------------------------------------------------------------------------------------

LOOKUP_FIELDS = (
    "id",
    "code",
    "status",
    "channel",
    "submitted_at",
    "received_at",
    "due_at",
    "processed_at",
    "finished_at",
    "applicant_name",
    "applicant_kind",
    "revision",
    "procedure_version__name",
    "procedure_version__procedure__code",
    "resolving_agency__name",
)


class _Rendered:
    """A small per-process store of rendered look-up results keyed by (dossier, revision,
    language): a dossier's progress changes only with its revision, so most look-ups cost one query."""

    def __init__(self, size: int = 4096):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


rendered = _Rendered()


def _count(key: str) -> int:
    """Add one to a counter of the look-up cache for the current window; the new value."""
    window = settings.MOTCUA_LOOKUP_WINDOW_SECONDS
    return windows.bump(caches[settings.MOTCUA_LOOKUP_CACHE], windows.window_key(key, window), window)


def _failures(request) -> int:
    key = windows.window_key(f"lookup-bad:{windows.client_address(request)}", settings.MOTCUA_LOOKUP_WINDOW_SECONDS)
    return caches[settings.MOTCUA_LOOKUP_CACHE].get(key, 0)


def _progress(pk: int, revision: int) -> str:
    """The rendered progress of a dossier: from the per-process store, or built and kept."""
    key = (pk, revision, translation.get_language())
    html = rendered.get(key)
    if html is None:
        dossier = (
            Dossier.objects.select_related("procedure_version__procedure", "resolving_agency")
            .only(*LOOKUP_FIELDS)
            .get(pk=pk)
        )
        events = (
            Event.objects.filter(dossier_id=pk, action__in=LOOKUP_ACTIONS)
            .select_related("agency", "to_agency")
            .only("at", "action", "to_status", "actor_id", "actor_name", "agency__name", "to_agency__name", "data")
            .order_by("at", "id")
        )
        context = {
            "dossier": dossier,
            "applicant": mask_name(dossier.applicant_name),
            "steps": timeline(events, masked=True),
        }
        html = render_to_string("portal/track/_lookup_result.html", context)
        if dossier.revision == revision:
            rendered.put(key, html)
    return html


def _lookup(request, code: str, secret: str) -> HttpResponse:
    code, secret = (code or "").strip().upper(), (secret or "").strip().upper()
    context = {"code": code, "secret": secret}
    client = windows.client_address(request)
    limited = (
        _count(f"lookup:{client}") > settings.MOTCUA_LOOKUP_LIMIT
        or _failures(request) >= settings.MOTCUA_LOOKUP_FAILURE_LIMIT
    )
    if limited:
        context["error"] = _(
            "Too many look-ups from your connection. Please wait %(minutes)s minutes and try again."
        ) % {"minutes": max(1, settings.MOTCUA_LOOKUP_WINDOW_SECONDS // 60)}
        return render(request, "portal/track/lookup.html", context, status=429)
    row = _find(code) if code else None
    # Compare even when there is no such code, so the time taken says nothing either.
    expected = row[1] if row else "\x00" * 6
    if not (hmac.compare_digest(expected.encode(), secret.encode()) and row):
        _count(f"lookup-bad:{client}")
        context["error"] = _("No dossier matches this code and look-up secret. Check both on your slip.")
        return render(request, "portal/track/lookup.html", context, status=404)
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # A logged-in visitor's page shows his account in the header: rendered for him.
        context["progress"] = _progress(row[0], row[2])  # rendered by a template: safe HTML
        return render(request, "portal/track/lookup.html", context)
    return HttpResponse(_anonymous_page(request, row[0], row[2], context))


def _find(code: str) -> tuple[int, str, int] | None:
    """The dossier's id, secret and revision by its code: one statement on the unique index."""
    with connection.cursor() as cursor:
        cursor.execute(_FIND_SQL, [code])
        return cursor.fetchone()


_FIND_SQL = f"SELECT id, secret, revision FROM {Dossier._meta.db_table} WHERE code = %s"  # noqa: S608 — our table
# The whole page an anonymous visitor sees is the same for everyone (it holds no CSRF token: the
# language switch needs none), so it is kept whole.
pages = _Rendered(1024)


def _anonymous_page(request, pk: int, revision: int, context: dict) -> str:
    key = (request.get_full_path(), pk, revision, translation.get_language())
    page = pages.get(key)
    if page is None:
        context["progress"] = _progress(pk, revision)
        page = render_to_string("portal/track/lookup.html", context, request=request)
        if rendered.get((pk, revision, translation.get_language())) is not None:  # the revision was current
            pages.put(key, page)
    return page


@require_GET
def lookup(request):
    """The look-up form; with ?ma=…&bi-mat=… it shows the dossier's progress."""
    if "ma" not in request.GET and "bi-mat" not in request.GET:
        return render(request, "portal/track/lookup.html", {})
    return _lookup(request, request.GET.get("ma", "")[:40], request.GET.get("bi-mat", "")[:16])


@require_GET
def lookup_direct(request, code: str, secret: str):
    """The address the slip's QR code points to."""
    return _lookup(request, code[:40], secret[:16])
