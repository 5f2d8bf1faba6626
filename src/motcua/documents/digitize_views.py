"""Back-office pages for digitizing a dossier's paper components (pages only: they call
`digitization`'s services). Each component is a block that htmx swaps after an action and polls
while its OCR runs."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice import access
from motcua.backoffice.views import _page
from motcua.core.errors import ActionError

from . import digitization as services
from . import prefill, store
from .models import Digitization

# Values read by OCR compared with what the dossier records.
DOSSIER_FIELDS = {"id_number": "applicant_id_number", "name": "applicant_name", "birth_date": "applicant_birth_date"}


def _dossier(user, pk: int):
    return get_object_or_404(
        access.visible_dossiers(user).select_related("procedure_version__procedure", "receiving_agency"), pk=pk
    )


def _document(dossier, document_id: int):
    return get_object_or_404(dossier.documents.exclude(added_in="result"), pk=document_id)


def _recorded(dossier, kind: str) -> str:
    value = getattr(dossier, DOSSIER_FIELDS[kind], "") if kind in DOSSIER_FIELDS else ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return value or ""


def _warnings(job: Digitization) -> list[str]:
    messages = []
    for warning in job.warnings or []:
        if warning.get("code") == "out_of_order":
            pairs = ", ".join(
                _("page %(position)s is marked %(number)s") % {"position": p, "number": n} for p, n in warning["pages"]
            )
            messages.append(
                _("The pages may be out of order: %(pairs)s. Check the order and scan again if needed.")
                % {"pairs": pairs}
            )
        elif warning.get("code") == "incomplete":
            printed, scanned = warning["pages"]
            messages.append(
                _("The page numbers say %(printed)s pages, but %(scanned)s were scanned. Check that none is missing.")
                % {"printed": printed, "scanned": scanned}
            )
        elif warning.get("code") == "not_read":
            pages = ", ".join(str(p) for p in warning["pages"])
            messages.append(
                _(
                    "Pages %(pages)s were kept as they are, without reading their text "
                    "(PDF pages cannot be read on this server)."
                )
                % {"pages": pages}
            )
    return messages


def _component_context(dossier, document, user, *, may_act: bool, error: ActionError | None = None, flash: str = ""):
    job = Digitization.objects.filter(document=document).select_related("digitized_by", "signed_by").first()
    suggestions = []
    if job is not None:
        confirmed = (job.confirmed or {}).get("values", {})
        for index, suggestion in enumerate(services.suggestions(job)):
            recorded = _recorded(dossier, suggestion.kind)
            suggestions.append(
                {
                    "index": index,
                    "kind": suggestion.kind,
                    "label": suggestion.label,
                    "value": suggestion.value,
                    "recorded": recorded,
                    "differs": bool(recorded) and prefill.fold_value(recorded) != prefill.fold_value(suggestion.value),
                    "confirmed": suggestion.value in confirmed.get(suggestion.kind, "").split("; "),
                }
            )
    return {
        "dossier": dossier,
        "document": document,
        "job": job,
        "busy": job is not None and job.status in (Digitization.Status.QUEUED, Digitization.Status.RUNNING),
        "stalled": job is not None and services.stalled(job),
        "may_act": may_act,
        "suggestions": suggestions,
        "confirmed": (job.confirmed or {}) if job else {},
        "warnings": _warnings(job) if job else [],
        "page_texts": services.page_texts(job) if job else [],
        "exemptions": Digitization.Exemption.choices,
        "error": error,
        "flash": flash,
        "poll_seconds": settings.MOTCUA_OCR_POLL_SECONDS,
        "max_pages": settings.MOTCUA_SCAN_MAX_PAGES,
        "max_mb": settings.MOTCUA_SCAN_MAX_FILE_BYTES // (1024 * 1024),
    }


@login_required
@require_GET
def dossier(request, pk: int):
    """The dossier's paper components, each to scan, read, confirm and sign, or mark exempt."""
    dossier = _dossier(request.user, pk)
    may_act = services.may_digitize(request.user, dossier)
    components = [
        _component_context(dossier, document, request.user, may_act=may_act)
        for document in dossier.documents.exclude(added_in="result").order_by("id")
    ]
    context = {"dossier": dossier, "components": components, "counts": services.counts(dossier), "may_act": may_act}
    return _page(request, "documents/digitize/dossier.html", context)


def _respond(request, dossier, document, *, error: ActionError | None = None, flash: str | None = None):
    may_act = services.may_digitize(request.user, dossier)
    context = _component_context(dossier, document, request.user, may_act=may_act, error=error, flash=flash or "")
    if flash == "" and context["job"] is not None:  # after a scan: say where the reading is
        done = context["job"].status == Digitization.Status.DONE
        context["flash"] = (
            _("The component is digitized.") if done else _("The pages are kept; the text is being read.")
        )
    if request.htmx:
        context["oob_counts"] = services.counts(dossier)  # the page's summary, swapped out of band
        # htmx swaps only successful responses: the refusal is shown inside the block.
        return _page(request, "documents/digitize/_component.html", context)
    if error is None:
        return redirect(reverse("digitize:dossier", args=[dossier.pk]) + f"#c-{document.pk}")
    components = [
        context if d.pk == document.pk else _component_context(dossier, d, request.user, may_act=may_act)
        for d in dossier.documents.exclude(added_in="result").order_by("id")
    ]
    page = {"dossier": dossier, "components": components, "counts": services.counts(dossier), "may_act": may_act}
    return _page(request, "documents/digitize/dossier.html", page, status=error.status)


@login_required
@require_GET
def component(request, pk: int, document_id: int):
    """One component's block: polled by htmx while its OCR runs."""
    dossier = _dossier(request.user, pk)
    return _respond(request, dossier, _document(dossier, document_id), flash=None)


def _natural(name: str) -> list:
    """Sort key that puts "trang2" before "trang10"."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _act(request, pk: int, document_id: int, action, done: str):
    dossier = _dossier(request.user, pk)
    document = _document(dossier, document_id)
    try:
        action(dossier, document)
    except ActionError as error:
        return _respond(request, dossier, document, error=error)
    return _respond(request, dossier, document, flash=done)


def _job(document) -> Digitization:
    job = Digitization.objects.filter(document=document).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_POST
def scan(request, pk: int, document_id: int):
    files = sorted(request.FILES.getlist("pages"), key=lambda f: _natural(f.name or ""))

    def action(dossier, document):
        pages = [(f.name or "", f.read(settings.MOTCUA_SCAN_MAX_FILE_BYTES + 1)) for f in files]
        services.start(document, pages, request.user)

    return _act(request, pk, document_id, action, "")


@login_required
@require_POST
def retry(request, pk: int, document_id: int):
    return _act(
        request,
        pk,
        document_id,
        lambda dossier, document: services.retry(_job(document), request.user),
        _("Reading the text again."),
    )


@login_required
@require_POST
def exempt(request, pk: int, document_id: int):
    def action(dossier, document):
        services.mark_exempt(document, request.user, request.POST.get("reason", ""), request.POST.get("note", ""))

    return _act(request, pk, document_id, action, _("Marked as not scanned."))


@login_required
@require_POST
def confirm(request, pk: int, document_id: int):
    def action(dossier, document):
        values: dict[str, list[str]] = {}
        for index in request.POST.getlist("confirm"):
            kind = request.POST.get(f"kind-{index}", "")
            value = request.POST.get(f"value-{index}", "")
            if value.strip():
                values.setdefault(kind, []).append(value.strip())
        services.confirm(_job(document), request.user, {k: "; ".join(v) for k, v in values.items()})

    return _act(request, pk, document_id, action, _("The checked values are recorded."))


@login_required
@require_POST
def sign(request, pk: int, document_id: int):
    def action(dossier, document):
        job = services.sign(_job(document), request.user, location=dossier.receiving_agency.name)
        if job.signed_pdf is None:
            raise _Unsigned(job.unsigned_note)

    return _act(request, pk, document_id, action, _("The digitized copy is signed."))


class _Unsigned(ActionError):
    status = 200


@login_required
@require_GET
def pdf(request, pk: int, document_id: int):
    """The searchable PDF of the component (the signed copy when there is one)."""
    dossier = _dossier(request.user, pk)
    job = _job(_document(dossier, document_id))
    blob = job.signed_pdf or job.pdf
    if blob is None:
        raise Http404
    response = HttpResponse(store.read(blob), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code or dossier.pk}-{document_id}.pdf"'
    return response
