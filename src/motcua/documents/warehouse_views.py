"""The data warehouse pages: the citizen's own warehouse (kho dữ liệu) with downloads, and the
counter's offer of the applicant's documents at reception (an htmx fragment for officers)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.backoffice import access
from motcua.catalog import services as catalog
from motcua.citizens.access import citizen_required, profile_of
from motcua.dossiers.models import ApplicantKind
from motcua.dossiers.workflow import TRANSITIONS

from . import store, warehouse
from .models import Blob, Document

EVENT_LABELS = {"pay": gettext_lazy("Fees paid"), "submit": gettext_lazy("Submitted online")}
KIND_ORDER = (
    Document.Kind.RESULT,
    Document.Kind.CERTIFIED_COPY,
    Document.Kind.DIGITIZED,
    Document.Kind.COMPONENT,
)


@citizen_required
@require_GET
def index(request):
    """The warehouse of the person, or of an organisation they represent (?to-chuc=<tax code>)."""
    tax_code = request.GET.get("to-chuc", "")[:14]
    owner = warehouse.owner_of(request.user, tax_code)
    if owner is warehouse.NOBODY:
        raise Http404
    grouped = warehouse.by_kind(owner)
    context = {
        "owner": owner,
        "profile": None if owner.is_organisation else profile_of(request.user),
        "person": warehouse.owner_of(request.user),
        "groups": [(kind, Document.Kind(kind).label, grouped[kind]) for kind in KIND_ORDER],
        "digitized": list(warehouse.digitized(owner)[:100]),
        "dossiers": list(warehouse.dossiers(owner)[:50]),
        "history": _labelled(warehouse.history(owner)[:20]),
    }
    return render(request, "documents/warehouse/index.html", context)


def _labelled(events) -> list:
    events = list(events)
    for event in events:
        transition = TRANSITIONS.get(event.action)
        event.label = transition.label if transition else EVENT_LABELS.get(event.action, event.action)
    return events


def _send(blob: Blob, filename: str) -> FileResponse:
    try:
        content = store.read(blob)
    except (store.Corrupted, OSError) as exc:
        raise Http404 from exc
    extension = store.EXTENSIONS.get(blob.content_type, "bin")
    return FileResponse(
        iter([content]),
        content_type=blob.content_type or "application/octet-stream",
        as_attachment=True,
        filename=f"{filename}.{extension}",
    )


@citizen_required
@require_GET
def download(request, pk: int, number: int | None = None):
    """A version (the current one by default) of one of the account's own documents; 404 otherwise."""
    document = warehouse.of_account(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    versions = document.versions.select_related("blob").order_by("-number")
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise Http404
    return _send(version.blob, f"giay-to-{document.pk}-v{version.number}")


@citizen_required
@require_GET
def digitized_copy(request, pk: int):
    """A digitized copy (signed when it was signed) of a component of one of the account's dossiers."""
    person = warehouse.owner_of(request.user)
    owners = [person] + [warehouse.owner_of(request.user, o.tax_code) for o in person.organisations]
    for owner in owners:
        found = warehouse.digitized(owner).filter(pk=pk).first()
        if found is not None:
            return _send(found.signed_pdf or found.pdf, f"ban-so-hoa-{found.pk}")
    raise Http404


@login_required
@require_GET
def counter_offer(request):
    """For the receptionist: the applicant's warehouse documents matching each required document of
    the procedure, once the ID number (or tax code) is typed."""
    if not access.reception_centres(request.user):
        raise Http404
    version = catalog.version_in_force((request.GET.get("procedure") or "").strip())
    if version is None:
        raise Http404
    kind = request.GET.get("applicant_kind") or ApplicantKind.PERSON
    owner = warehouse.at_counter(kind, request.GET.get("applicant_id_number", ""))
    requirements = list(version.documents.all())
    offers = warehouse.matching(owner, requirements) if owner is not warehouse.NOBODY else {}
    # After a refused reception the page asks again with what was chosen, so the choice is kept.
    rows = [(r, offers.get(r.pk, []), request.GET.get(f"doc-{r.pk}-reuse", "")) for r in requirements]
    context = {"rows": [row for row in rows if row[1]], "looked_up": owner is not warehouse.NOBODY}
    return render(request, "documents/warehouse/_counter_offer.html", context)
