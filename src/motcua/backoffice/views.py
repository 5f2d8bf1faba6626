"""Back-office pages for officers (pages only: they call services, never change models directly).

Queues, reception at the counter, the dossier page with the actions the officer may take now,
and the printable forms and register.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.agencies.models import Agency, Assignment, Role
from motcua.catalog import services as catalog
from motcua.core import clock
from motcua.core.text import nfc
from motcua.dossiers import alerts, queues, services, validation
from motcua.dossiers.models import DossierDocument, DossierStep, Extension, Suspension
from motcua.dossiers.services import ActionError, Conflict, Invalid, Upload
from motcua.dossiers.workflow import FINAL, STATUS_LABELS, TRANSITIONS, Status
from motcua.workdays.calendar import VN_TZ, CalendarRangeError, Unit
from motcua.workdays.services import calendar_for

from . import access
from . import reception as counter

PAGE_SIZE = 50

# The tabs' names in the active language (the queues module keeps Vietnamese labels of its own).
QUEUE_LABELS = {
    "to_receive": gettext_lazy("To receive"),
    "to_handle": gettext_lazy("To handle"),
    "due_soon": gettext_lazy("Due within a day"),
    "overdue": gettext_lazy("Overdue"),
    "waiting_applicant": gettext_lazy("Waiting for the applicant"),
    "to_sign": gettext_lazy("To sign"),
    "to_return": gettext_lazy("To return"),
}
TIMING_LABELS = {t.value: t.label for t in DossierStep.Timing}
STATE_LABELS = {s.value: s.label for s in DossierStep.State}
ROLE_LABELS = {r.value: r.label for r in Role}


def _page(request, template: str, context: dict, status: int = 200):
    """Render with what every back-office page needs: the officer's roles for the menu."""
    full_page = not template.rsplit("/", 1)[-1].startswith("_")
    if full_page and request.user.is_authenticated and "my_roles" not in context:
        context["my_roles"] = set(Assignment.objects.filter(officer=request.user).values_list("role", flat=True))
    return render(request, template, context, status=status)


# -- queues -------------------------------------------------------------------------------------


def _horizon(now: dt.datetime) -> dt.datetime | None:
    """One working day from now: what falls before it is due soon."""
    calendar = calendar_for()
    try:
        return calendar.instant(calendar.add(calendar.position(now), 1, Unit.WORKING_DAYS))
    except CalendarRangeError:
        return None


def _decorate(rows: list[dict], name: str, now: dt.datetime) -> list[dict]:
    per_step = queues.QUEUES[name].per_step
    horizon = _horizon(now)
    for row in rows:
        row["dossier_pk"] = row["dossier_id"] if per_step else row["id"]
        if per_step:
            due = row.get("step_due_at")
            row["where"] = row.get("step_name", "")
            row["where_detail"] = row.get("agency__name", "")
        else:
            due = row["acceptance_due_at"] if name == "to_receive" else row.get("due_at")
            row["where"] = STATUS_LABELS.get(Status(row["status"]), row["status"]) if row.get("status") else ""
            row["where_detail"] = row.get("resolving_agency__name", "")
        row["due"] = due
        row["due_class"] = ""
        if due is not None and due < now:
            row["due_class"] = "late"
        elif due is not None and horizon is not None and due <= horizon:
            row["due_class"] = "soon"
    return rows


def _after(value: str | None) -> tuple | None:
    """The keyset position from the "more" link: `<ISO time or empty>~<id>`."""
    if not value or "~" not in value:
        return None
    key, _sep, last_id = value.rpartition("~")
    if not last_id.isdigit():
        return None
    if not key:
        return None, int(last_id)
    try:
        return dt.datetime.fromisoformat(key), int(last_id)
    except ValueError:
        return None


def _next_after(rows: list[dict], name: str) -> str:
    value, last_id = queues.after_of(name, rows[-1])
    return f"{value.isoformat() if value is not None else ''}~{last_id}"


@login_required
@require_GET
def home(request):
    """The officer's work queues, his unseen alerts and his roles."""
    user, now = request.user, clock.now()
    q = nfc(request.GET.get("q", ""))[:100]
    tab = request.GET.get("tab", "")
    after = _after(request.GET.get("after"))
    tallies = None
    if not (request.htmx and after):
        tallies = queues.counts(user, now=now)
    if tab not in queues.QUEUES:
        tab = next((name for name in queues.QUEUES if tallies and tallies[name]), "to_handle")
    rows = queues.queue(user, tab, q=q, after=after, limit=PAGE_SIZE + 1, now=now)
    more = len(rows) > PAGE_SIZE
    rows = _decorate(rows[:PAGE_SIZE], tab, now)
    context = {
        "section": "queues",
        "tab": tab,
        "q": q,
        "rows": rows,
        "per_step": queues.QUEUES[tab].per_step,
        "next_after": _next_after(rows, tab) if more and rows else None,
        "paged": after is not None,
        "cap": queues.COUNT_CAP,
        "tabs": [
            {
                "name": name,
                "label": QUEUE_LABELS.get(name, queue.label),
                "count": None if tallies is None else tallies[name],
                "capped": tallies is not None and tallies[name] >= queues.COUNT_CAP,
            }
            for name, queue in queues.QUEUES.items()
        ],
        "now": now,
    }
    if request.htmx:
        template = "backoffice/_queue_rows.html" if after else "backoffice/_queue.html"
        return _page(request, template, context)
    context["alerts"] = alerts.alerts_for(user)
    context["assignments"] = (
        Assignment.objects.filter(officer=user).select_related("agency").order_by("agency__path", "role")
    )
    context["my_roles"] = {a.role for a in context["assignments"]}
    return _page(request, "backoffice/home.html", context)


@login_required
@require_POST
def alerts_seen(request):
    ids = [int(i) for i in request.POST.getlist("alert") if i.isdigit()]
    alerts.mark_seen(request.user, ids)
    if request.htmx:
        return _page(request, "backoffice/_alerts.html", {"alerts": alerts.alerts_for(request.user)})
    return redirect("backoffice:home")


# -- reception at the counter ---------------------------------------------------------------------


def _centre(centres: list[Agency], value) -> Agency | None:
    if len(centres) == 1 and not value:
        return centres[0]
    return next((c for c in centres if str(c.pk) == str(value or "")), None)


def _appointment(version, agency: Agency | None) -> dt.datetime | None:
    try:
        return catalog.expected_return(version, clock.now(), channel="in_person", agency=agency)
    except CalendarRangeError:
        return None


def _resolving_choices(version) -> list[Agency]:
    return [a for a in catalog.resolving_agencies(version.procedure) if a.is_active]


def _anchor(error) -> str:
    """Where the error summary's link leads: the field the message is about."""
    if error is None or not error.field:
        return ""
    return {"documents": "documents", "procedure": "id_q", "outcome": "outcome", "returning_agency": "outcome"}.get(
        error.field, f"id_{error.field}"
    )


@login_required
def reception(request):
    """Reception at the counter: the three outcomes with Forms 01, 02 and 03."""
    user = request.user
    centres = access.reception_centres(user)
    if not centres:
        return _page(
            request,
            "backoffice/no_role.html",
            {"message": _("You are not a receptionist of any service centre.")},
            status=403,
        )
    params = request.POST if request.method == "POST" else request.GET
    centre = _centre(centres, params.get("centre"))
    code = (params.get("procedure") or "").strip()
    version = catalog.version_in_force(code) if code else None
    q = nfc(request.GET.get("q", ""))[:200]
    context = {
        "section": "reception",
        "centres": centres,
        "centre": centre,
        "version": version,
        "q": q,
        "suggestions": catalog.search(q, limit=10) if q and not version else [],
        "error": None,
    }
    if code and version is None:
        message = _("There is no procedure in force with code %(code)s.") % {"code": code}
        context["error"] = Invalid(message, "procedure")
    if version is None:
        context["error_anchor"] = _anchor(context["error"])
        status = 422 if request.method == "POST" else 200
        return _page(request, "backoffice/reception.html", context, status=status)

    resolving_choices = _resolving_choices(version)
    if request.method == "POST":
        form = counter.typed(version, request.POST, request.FILES)
        outcome = request.POST.get("outcome", "")
        try:
            if centre is None:
                raise Invalid(_("Choose the service centre where you receive."), "centre")
            if outcome not in counter.OUTCOMES:
                raise Invalid(_("Choose how the reception ends."), "outcome")
            data, items = counter.build(version, form, request.FILES, outcome)
            if outcome != "receive":
                data.fees_collected = 0  # fees are collected only with a received dossier
            dossier = services.receive_at_counter(
                user, centre, data, outcome, reasons=form.values.get("reasons", ""), items=items
            )
        except ActionError as exc:
            context["error"] = exc
            status = exc.status
        else:
            number = {"receive": 1, "supplement": 2, "refuse": 3}[outcome]
            text = {
                "receive": _("Dossier %(code)s received. Appointment: %(due)s."),
                "supplement": _("Supplement request recorded: give the applicant Form 02."),
                "refuse": _("Refusal recorded: give the applicant Form 03."),
            }[outcome] % {
                "code": dossier.code or "",
                "due": timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") if dossier.due_at else "",
            }
            link = reverse("backoffice:form_pdf", args=[dossier.pk, f"{number:02d}"])
            messages.success(
                request,
                format_html(
                    '{} <a href="{}">{}</a>', text, link, _("Print Form %(number)s") % {"number": f"{number:02d}"}
                ),
            )
            return redirect("backoffice:dossier", pk=dossier.pk)
    else:
        form = counter.initial(version, counter.default_resolving(version, centre) if centre else None)
        status = 200
    context["error_anchor"] = _anchor(context["error"])
    chosen = form.values.get("resolving_agency", "")
    resolving = next((a for a in resolving_choices if str(a.pk) == chosen), None)
    if resolving is None and resolving_choices:
        resolving = resolving_choices[0]
    context.update(
        {
            "form": form,
            "v": form.values,
            "rows": form.rows,
            "resolving_choices": resolving_choices,
            "appointment": _appointment(version, resolving),
            "fee_lines": catalog.fees_for(version, "in_person"),
            "forms": DossierDocument.Form.choices,
            "return_methods": [
                ("counter", _("At the counter")),
                ("post", _("By post")),
                ("online", _("Online")),
            ],
            "files_again": form.files_to_choose_again() if request.method == "POST" else [],
            "is_org": form.values.get("applicant_kind") == "organisation",
            "is_person": form.values.get("applicant_kind") != "organisation",
            "outcome": request.POST.get("outcome", "") if request.method == "POST" else "",
        }
    )
    return _page(request, "backoffice/reception.html", context, status=status)


@login_required
@require_GET
def procedure_suggestions(request):
    """Procedures matching what is typed, accent-insensitive (htmx)."""
    q = nfc(request.GET.get("q", ""))[:200]
    rows = catalog.search(q, limit=10) if q else []
    return render(
        request,
        "backoffice/_suggestions.html",
        {"suggestions": rows, "q": q, "centre": request.GET.get("centre", "")},
    )


@login_required
@require_GET
def appointment(request):
    """The expected appointment if the dossier were received now (htmx, refreshed live)."""
    version = catalog.version_in_force(request.GET.get("procedure", ""))
    if version is None:
        raise Http404
    chosen = request.GET.get("resolving_agency", "")
    agency = next((a for a in _resolving_choices(version) if str(a.pk) == chosen), None)
    return render(
        request, "backoffice/_appointment.html", {"appointment": _appointment(version, agency), "version": version}
    )


# -- the dossier page ------------------------------------------------------------------------------


def _visible(user, pk: int):
    return get_object_or_404(
        access.visible_dossiers(user).select_related(
            "procedure_version__procedure",
            "receiving_agency",
            "resolving_agency",
            "returning_agency",
        ),
        pk=pk,
    )


def _printable(dossier) -> list[dict]:
    """The official forms that can be printed for the dossier now."""
    try:
        from motcua.dossiers import forms as printable
    except ModuleNotFoundError as exc:
        if exc.name != "motcua.dossiers.forms":
            raise
        return []
    titles = getattr(printable, "FORMS", {}) or {}
    result = []
    for number in printable.available_forms(dossier):
        title = titles.get(number, "") if isinstance(titles, dict) else ""
        result.append({"number": number, "slug": f"{int(number):02d}", "title": title})
    return result


# Control-slip entries that are not workflow transitions.
EVENT_LABELS = {"pay": gettext_lazy("Fees paid"), "submit": gettext_lazy("Submitted online")}


def _timeline(events) -> list[dict]:
    rows = []
    for event in events:
        transition = TRANSITIONS.get(event.action)
        data = event.data or {}
        detail = []
        if data.get("items"):
            detail.append(_("Missing: %(items)s") % {"items": "; ".join(str(i) for i in data["items"])})
        if data.get("assignee"):
            detail.append(_("Assigned to %(name)s") % {"name": data["assignee"]})
        if data.get("new_due_at"):
            try:
                new = timezone.localtime(dt.datetime.fromisoformat(data["new_due_at"]))
                detail.append(_("New return date: %(date)s") % {"date": new.strftime("%H:%M %d/%m/%Y")})
            except ValueError:
                pass
        if data.get("next"):
            detail.append(_("Next: %(steps)s") % {"steps": ", ".join(data["next"])})
        rows.append(
            {
                "at": event.at,
                "label": transition.label if transition else EVENT_LABELS.get(event.action, event.action),
                "actor": event.actor_name,
                "agency": event.agency.name if event.agency else "",
                "to_agency": event.to_agency.name if event.to_agency else "",
                "timing": event.timing,
                "timing_label": TIMING_LABELS.get(event.timing, ""),
                "status": STATUS_LABELS.get(Status(event.to_status)) if event.to_status else "",
                "note": event.note,
                "detail": detail,
            }
        )
    return rows


def _dossier_context(request, dossier, now) -> dict:
    steps = list(dossier.steps.select_related("agency", "assignee").order_by("stage", "position"))
    events = list(dossier.events.select_related("agency", "to_agency").order_by("at", "id"))
    suspension = Suspension.objects.filter(dossier=dossier, ended_at__isnull=True).order_by("-started_at").first()
    extension = Extension.objects.filter(dossier=dossier).first()
    actions = access.actions_for(request.user, dossier, steps, now, extended=extension is not None)
    return {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "steps": [
            {
                "step": s,
                "role": ROLE_LABELS.get(s.role, s.role),
                "state": STATE_LABELS.get(s.state, s.state),
                "timing": TIMING_LABELS.get(s.timing, ""),
                "late_now": s.state == DossierStep.State.ACTIVE and s.due_at is not None and s.due_at < now,
            }
            for s in steps
        ],
        "timeline": _timeline(events),
        "documents": list(dossier.documents.all()),
        "suspension": suspension,
        "extension": extension,
        "actions": actions,
        "printable": _printable(dossier),
        "forms": DossierDocument.Form.choices,
        "now": now,
        "overdue": dossier.due_at is not None and dossier.due_at < now and Status(dossier.status) not in FINAL,
    }


def _show(request, dossier, *, status: int = 200, **extra):
    context = _dossier_context(request, dossier, clock.now())
    context.update(extra)
    if request.htmx:
        # htmx swaps only successful responses; the message inside says what went wrong.
        return _page(request, "backoffice/_dossier.html", context)
    return _page(request, "backoffice/dossier.html", context, status=status)


@login_required
@require_GET
def dossier(request, pk: int):
    """Everything about one dossier, and the actions the officer may take on it now."""
    return _show(request, _visible(request.user, pk))


@login_required
@require_GET
def document_file(request, pk: int, document_id: int):
    """A scanned component, to officers who may see the dossier only."""
    dossier = _visible(request.user, pk)
    document = get_object_or_404(DossierDocument, pk=document_id, dossier=dossier)
    if not document.file:
        raise Http404
    extension = document.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type or "application/octet-stream",
        filename=f"{dossier.code or dossier.pk}-{document.pk}.{extension}",
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _new_due(dossier, value: str) -> dt.datetime:
    """The end of the working day chosen as the new return date."""
    try:
        day = dt.date.fromisoformat((value or "").strip())
    except ValueError as exc:
        raise Invalid(_("Choose the new return date."), "new_due_at") from exc
    calendar = services.calendar_of(dossier.resolving_agency)
    try:
        if not calendar.is_working_day(day):
            raise Invalid(_("The new return date must be a working day."), "new_due_at")
        return calendar.instant(calendar.position(dt.datetime.combine(day, dt.time(23, 59, 59), VN_TZ)))
    except CalendarRangeError as exc:
        raise Invalid(_("That date is outside the working calendar."), "new_due_at") from exc


def _supplement_uploads(post, files) -> list[Upload]:
    """The items brought for a supplement: each ticked (or scanned) row of the requested items."""
    count = post.get("sup-count", "")
    uploads = []
    for index in range(min(int(count), 100) if count.isdigit() else 0):
        prefix = f"sup-{index}"
        name = nfc(post.get(f"{prefix}-name", ""))
        upload = files.get(f"{prefix}-file")
        if not name or not (post.get(f"{prefix}-received") == "on" or upload):
            continue
        uploads.append(
            Upload(
                name=name,
                form=post.get(f"{prefix}-form", DossierDocument.Form.ORIGINAL),
                filename=upload.name if upload else "",
                content=_read(upload),
            )
        )
    return uploads


def _read(upload) -> bytes:
    """The upload's bytes; a file over the limit is refused before it is read into memory."""
    if upload is None:
        return b""
    if upload.size > settings.MOTCUA_MAX_UPLOAD_BYTES:
        try:
            validation.scan(upload.name, b"", upload.size)
        except validation.InvalidInput as exc:
            raise Invalid(exc.message, "documents") from exc
    return upload.read()


def _perform(action: str, request, dossier, revision: int):
    post, user, pk = request.POST, request.user, dossier.pk
    if action == "receive":
        return services.receive_existing(pk, user, revision=revision)
    if action == "request_supplement_at_reception":
        return services.request_supplement_at_reception(
            pk, user, items=_lines(post.get("items")), reasons=post.get("reasons", ""), revision=revision
        )
    if action == "refuse_at_reception":
        return services.refuse_at_reception(pk, user, reasons=post.get("reasons", ""), revision=revision)
    if action == "complete_step":
        step_id = post.get("step_id", "")
        return services.complete_step(
            pk,
            user,
            note=post.get("note", ""),
            step_id=int(step_id) if step_id.isdigit() else None,
            revision=revision,
        )
    if action == "assign":
        chosen = post.get("specialist", "")
        specialist = get_user_model().objects.filter(pk=chosen).first() if chosen.isdigit() else None
        if specialist is None:
            raise Invalid(_("Choose a specialist."), "specialist")
        return services.assign(pk, user, specialist, revision=revision)
    if action == "request_supplement":
        return services.request_supplement(
            pk, user, items=_lines(post.get("items")), reasons=post.get("reasons", ""), revision=revision
        )
    if action == "supplement":
        return services.supplement(
            pk,
            user,
            documents=_supplement_uploads(post, request.FILES),
            note=post.get("note", ""),
            revision=revision,
        )
    if action == "approve":
        # -- electronic result (portal tracking): the signed result, a PDF, is optional.
        upload = request.FILES.get("result")
        result = (
            Upload(
                name=_("Electronic result"),
                form=DossierDocument.Form.ORIGINAL,
                filename=upload.name,
                content=_read(upload),
            )
            if upload
            else None
        )
        # -- digital signatures: "sign and approve" signs the uploaded or template-made result.
        if post.get("sign") == "1":
            from motcua.documents import results as signed_results

            return signed_results.approve_and_sign(
                pk, user, note=post.get("note", ""), revision=revision, uploaded=result
            )
        # -- end of digital signatures
        return services.approve(pk, user, note=post.get("note", ""), revision=revision, result=result)
    if action == "refuse":
        return services.refuse(pk, user, reasons=post.get("reasons", ""), revision=revision)
    if action == "extend":
        return services.extend(
            pk,
            user,
            new_due_at=_new_due(dossier, post.get("new_due_at", "")),
            reason=post.get("reason", ""),
            revision=revision,
        )
    if action == "notify_early_return":
        return services.notify_early_return(pk, user, revision=revision)
    if action == "return_result":
        return services.return_result(pk, user, note=post.get("note", ""), revision=revision)
    if action == "withdraw":
        return services.withdraw(pk, user, reasons=post.get("reasons", ""), revision=revision)
    raise Http404


DONE = {
    "receive": gettext_lazy("Dossier received; the code and appointment are issued."),
    "request_supplement_at_reception": gettext_lazy("Supplement request recorded (Form 02)."),
    "refuse_at_reception": gettext_lazy("Refusal recorded (Form 03)."),
    "complete_step": gettext_lazy("Your step is done; the dossier went on to the next step."),
    "assign": gettext_lazy("The step is assigned."),
    "request_supplement": gettext_lazy("The applicant is asked for a supplement; the clock is paused."),
    "supplement": gettext_lazy("The supplement is recorded."),
    "approve": gettext_lazy("Approved: the result waits to be returned."),
    "refuse": gettext_lazy("The dossier is refused."),
    "extend": gettext_lazy("The apology and new return date are recorded (Form 04)."),
    "notify_early_return": gettext_lazy("The applicant is told the result is ready early."),
    "return_result": gettext_lazy("The result is returned."),
    "withdraw": gettext_lazy("The dossier is stopped at the applicant's request (Form 05)."),
}


@login_required
@require_POST
def act(request, pk: int, slug: str):
    """One action on a dossier, posted with the revision the officer saw (optimistic lock)."""
    action = access.ACTIONS_BY_SLUG.get(slug)
    if action is None:
        raise Http404
    dossier = _visible(request.user, pk)
    revision = request.POST.get("revision", "")
    try:
        _perform(action, request, dossier, int(revision) if revision.isdigit() else -1)
    except ActionError as exc:
        fresh = _visible(request.user, pk)
        conflict = isinstance(exc, Conflict)
        return _show(
            request,
            fresh,
            status=exc.status,
            error=exc,
            failed=action,
            posted=request.POST,
            conflict=conflict,
        )
    if request.htmx:
        return _show(request, _visible(request.user, pk), flash=DONE[action])
    messages.success(request, DONE[action])
    return redirect("backoffice:dossier", pk=pk)


# -- printable forms and the register ----------------------------------------------------------------


@login_required
@require_GET
def form_pdf(request, pk: int, number: str):
    """One official form of the dossier (Circular 03/2025 Annex I) as PDF."""
    dossier = _visible(request.user, pk)
    from motcua.dossiers import forms as printable

    try:
        content = printable.render_form(dossier, int(number))
    except printable.FormNotAvailable as exc:
        raise Http404 from exc
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code or dossier.pk}-mau-{number}.pdf"'
    return response


def _register_dates(params) -> tuple[dt.date, dt.date]:
    try:
        first = dt.date.fromisoformat(params.get("from", ""))
    except ValueError as exc:
        raise Invalid(_("Enter the first day."), "from") from exc
    try:
        last = dt.date.fromisoformat(params.get("to", ""))
    except ValueError as exc:
        raise Invalid(_("Enter the last day."), "to") from exc
    if last < first:
        raise Invalid(_("The last day cannot be before the first day."), "to")
    if (last - first).days > 366:
        raise Invalid(_("Print at most one year at a time."), "to")
    return first, last


def _register_page(request, centres, *, error=None, status=200):
    today = timezone.localdate()
    params = request.GET
    return _page(
        request,
        "backoffice/register.html",
        {
            "section": "register",
            "centres": centres,
            "chosen": params.get("centre", str(centres[0].pk) if len(centres) == 1 else ""),
            "date_from": params.get("from", today.replace(day=1).isoformat()),
            "date_to": params.get("to", today.isoformat()),
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
def register(request):
    """Choose a centre and a period for the dossier register (Form 07)."""
    centres = access.register_centres(request.user)
    if not centres:
        return _page(
            request,
            "backoffice/no_role.html",
            {"message": _("Only the heads and receptionists of a service centre print its register.")},
            status=403,
        )
    return _register_page(request, centres)


@login_required
@require_GET
def register_pdf(request):
    """The dossier register of a centre for a period, as PDF."""
    centres = access.register_centres(request.user)
    centre = next((c for c in centres if str(c.pk) == request.GET.get("centre", "")), None)
    if centre is None:
        raise Http404
    try:
        first, last = _register_dates(request.GET)
    except Invalid as exc:
        return _register_page(request, centres, error=exc, status=422)
    from motcua.dossiers import forms as printable

    content = printable.render_register(centre, first, last)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="so-theo-doi-{centre.identifier}-{first:%Y%m%d}-{last:%Y%m%d}.pdf"'
    )
    return response
