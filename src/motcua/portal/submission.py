"""Portal pages to submit a dossier online: a few short steps on a phone, each saved in a draft
on the server (who applies, the form, the documents, how to get the result, review), then the
acknowledgement with the official receipt time."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.citizens.access import citizen_required
from motcua.citizens.services import organisations_of
from motcua.core.errors import ActionError, Invalid
from motcua.dossiers import drafts
from motcua.dossiers.models import Draft, ReturnMethod
from motcua.dossiers.ownership import owned_by

SLUGS = {
    "applicant": "nguoi-nop",
    "form": "to-khai",
    "documents": "giay-to",
    "return": "nhan-ket-qua",
    "review": "xem-lai",
}
STEP_OF = {slug: step for step, slug in SLUGS.items()}
TITLES = {
    "applicant": gettext_lazy("Who applies"),
    "form": gettext_lazy("The form"),
    "documents": gettext_lazy("Documents"),
    "return": gettext_lazy("Getting the result"),
    "review": gettext_lazy("Check and submit"),
}


def _steps(draft: Draft) -> list[str]:
    """The steps this procedure needs: no form step without form fields, no documents step
    without required documents."""
    version = draft.procedure_version
    steps = list(drafts.STEPS)
    if not version.form_fields.exists():
        steps.remove("form")
    if not version.documents.exists():
        steps.remove("documents")
    return steps


def _step_url(draft: Draft, step: str) -> str:
    return reverse("portal:submit_step", args=[draft.pk, SLUGS[step]])


def _draft(request, pk: int) -> Draft:
    # Only the person's own drafts: another id is simply not found.
    return get_object_or_404(drafts.drafts_of(request.user).select_related("procedure_version__procedure"), pk=pk)


@citizen_required
@require_GET
def draft_list(request):
    rows = drafts.drafts_of(request.user).select_related("procedure_version__procedure").order_by("-updated_at")
    return render(request, "portal/submit/drafts.html", {"drafts": rows})


@citizen_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    """Begin (or resume) the person's draft for a procedure offered online."""
    try:
        draft = drafts.start(request.user, code)
    except ActionError as exc:
        messages.error(request, exc.message)
        return redirect("portal:procedure", code=code)
    return redirect(_step_url(draft, "applicant"))


@citizen_required
@require_http_methods(["GET", "POST"])
def step(request, pk: int, slug: str):
    draft = _draft(request, pk)
    name = STEP_OF.get(slug)
    steps = _steps(draft)
    if name not in steps:
        raise Http404
    errors: dict[str, str] = {}
    if request.method == "POST":
        if name == "review":
            return _submit(request, draft, steps)
        data = request.POST
        if name == "applicant":
            who = request.POST.get("who", "")
            data = {key: request.POST.get(key, "") for key in drafts.APPLICANT_KEYS}
            data["kind"] = "organisation" if who.startswith("org:") else ("person" if who == "person" else "")
            data["tax_code"] = who[4:] if who.startswith("org:") else ""
        if name == "form":
            data = {f.name: request.POST.get(f"f_{f.name}", "") for f in draft.procedure_version.form_fields.all()}
        errors = drafts.save_step(draft, name, data) if name != "documents" else drafts.errors_of(draft, name)
        index = steps.index(name)
        if request.POST.get("go") == "back" and index > 0:
            return redirect(_step_url(draft, steps[index - 1]))
        if request.POST.get("go") == "later":
            messages.success(request, _("Your draft is saved. You can come back to it from any device."))
            return redirect("portal:submit_drafts")
        if not errors:
            return redirect(_step_url(draft, steps[index + 1]))
    return render(request, f"portal/submit/{name}.html", _context(request, draft, name, steps, errors))


def _context(request, draft: Draft, name: str, steps: list[str], errors: dict[str, str], **extra) -> dict:
    version = draft.procedure_version
    context = {
        "draft": draft,
        "version": version,
        "step": name,
        "errors": errors,
        "progress": [
            {"step": s, "title": str(TITLES[s]), "url": _step_url(draft, s), "number": i + 1, "current": s == name}
            for i, s in enumerate(steps)
        ],
        "number": steps.index(name) + 1,
        "total": len(steps),
        "title": str(TITLES[name]),
        "back_url": _step_url(draft, steps[steps.index(name) - 1]) if steps.index(name) > 0 else None,
    }
    if name == "applicant":
        context["organisations"] = list(organisations_of(request.user))
        context["a"] = draft.applicant
    elif name == "form":
        context["questions"] = _questions(draft, errors)
        context["error_prefix"] = "f_"
    elif name == "documents":
        context["documents"] = _documents(draft)
        context["max_upload"] = settings.MOTCUA_MAX_UPLOAD_BYTES
    elif name == "return":
        context["agencies"] = drafts.agencies_for(version)
        context["centres"] = list(drafts.centres())
        context["methods"] = [(m.value, m.label) for m in drafts.RETURN_METHODS]
    elif name == "review":
        context.update(_review(draft))
    context.update(extra)
    return context


def _questions(draft: Draft, errors: dict[str, str]) -> list[dict]:
    typed = draft.form_data or {}
    return [
        {
            "field": f,
            "input": f"f_{f.name}",
            "value": typed.get(f.name, ""),
            "error": errors.get(f.name, ""),
            "choices": f.choice_list,
        }
        for f in draft.procedure_version.form_fields.all()
    ]


def _documents(draft: Draft) -> list[dict]:
    given = {d.required_document_id: d for d in draft.documents.select_related("reused__dossier")}
    choices = drafts.reuse_choices(draft)
    return [
        {"requirement": r, "given": given.get(r.pk), "reusable": choices.get(r.pk, [])}
        for r in drafts.required_documents(draft)
    ]


def _review(draft: Draft) -> dict:
    problems = drafts.problems(draft)
    answers = []
    typed = draft.form_data or {}
    for f in draft.procedure_version.form_fields.all():
        value = typed.get(f.name, "")
        if f.type == "yes_no" and value:
            value = _("Yes") if value in ("yes", "true", "1", "on") else _("No")
        elif f.type == "date" and value:
            value = _day(value)
        answers.append((f.label, value))
    return {
        "problems": problems,
        "problem_urls": {step: _step_url(draft, step) for step in problems},
        "answers": answers,
        "documents": _documents(draft),
        "organisation": organisations_of(draft.account).filter(tax_code=draft.applicant.get("tax_code", "")).first()
        if draft.applicant.get("kind") == "organisation"
        else None,
        "return_label": dict(ReturnMethod.choices).get(draft.return_method, ""),
    }


def _day(value: str) -> str:
    """An ISO date as people read it (25/12/2025); anything else as typed."""
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _submit(request, draft: Draft, steps: list[str]):
    try:
        dossier = drafts.submit(draft)
    except ActionError as exc:
        context = _context(request, draft, "review", steps, {}, failure=exc.message)
        return render(request, "portal/submit/review.html", context, status=422)
    return redirect("portal:submit_done", pk=dossier.pk)


@citizen_required
@require_POST
def document(request, pk: int, requirement: int):
    """Upload, reuse or remove the file of one required document; back to the documents step."""
    draft = _draft(request, pk)
    action = request.POST.get("action")
    try:
        if action == "upload":
            upload = request.FILES.get("file")
            if upload is None:
                raise Invalid(_("Choose a file to upload."), "documents")
            drafts.attach(draft, requirement, upload, request.POST.get("form"))
        elif action == "reuse":
            drafts.reuse(draft, requirement, request.POST.get("source"))
        elif action == "remove":
            drafts.remove(draft, requirement)
        else:
            raise Invalid(_("Choose what to do with this document."), "documents")
    except ActionError as exc:
        steps = _steps(draft)
        context = _context(request, draft, "documents", steps, {}, failed=int(requirement), failure=exc.message)
        return render(request, "portal/submit/documents.html", context, status=422)
    return redirect(f"{_step_url(draft, 'documents')}#doc-{requirement}")


@citizen_required
@require_POST
def discard(request, pk: int):
    drafts.delete(_draft(request, pk))
    messages.success(request, _("The draft was deleted."))
    return redirect("portal:submit_drafts")


@citizen_required
@require_GET
def done(request, pk: int):
    """The acknowledgement of an online dossier, to its owner only."""
    dossier = get_object_or_404(
        owned_by(request.user).select_related("procedure_version__procedure", "receiving_agency", "returning_agency"),
        pk=pk,
    )
    return render(
        request,
        "portal/submit/done.html",
        {"dossier": dossier, "times": drafts.receipt(dossier), "documents": list(dossier.documents.all())},
    )
