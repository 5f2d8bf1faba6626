"""Back-office pages of the signatures: the receptionist signs the receipt slip, officers who may
see a dossier download the documents signed for it. Mounted at /can-bo/ky-so/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice import access
from motcua.core.errors import ActionError

from . import results, store
from .models import IssuedDocument


@login_required
@require_POST
def sign_receipt(request, pk: int):
    """Sign Form 01 of a dossier the officer may see; the signed slip is kept with the dossier."""
    dossier = get_object_or_404(access.visible_dossiers(request.user), pk=pk)
    try:
        results.sign_receipt(dossier.pk, request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The receipt slip is signed and kept with the dossier."))
    return redirect("backoffice:dossier", pk=pk)


@login_required
@require_GET
def issued_file(request, code: str):
    """A signed document, to officers who may see its dossier only."""
    document = get_object_or_404(
        IssuedDocument.objects.filter(dossier__in=access.visible_dossiers(request.user).values("pk")), code=code
    )
    response = HttpResponse(store.read(document.blob), content_type="application/pdf")
    filename = f"{document.dossier.code or document.dossier_id}-{document.kind}-ky-so.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
