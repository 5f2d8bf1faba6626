"""Back-office pages of feedback: the queue of the officer's agencies with what is due and overdue,
one item with its actions, typing in what came by hotline, letter or in person, and the printable
QR codes of the centres' suggestion boxes."""

from __future__ import annotations

import datetime as dt

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.agencies.models import Agency, Assignment, Role
from motcua.agencies.services import agencies_where
from motcua.core import clock
from motcua.core.errors import ActionError, Invalid
from motcua.core.text import search_terms
from motcua.documents import store
from motcua.feedback import services as ratings
from motcua.notifications.conf import site_url

from . import items
from .item_views import _agencies, _attachments
from .models import FeedbackItem

Status = FeedbackItem.Status
PAGE = 50
SLUGS = {
    "classify": "phan-loai",
    "reject": "tu-choi",
    "ask_more": "yeu-cau-bo-sung",
    "forward": "chuyen",
    "draft_answer": "du-thao",
    "send_back": "tra-lai",
    "approve": "phe-duyet",
    "publish": "cong-khai",
}
ACTIONS_BY_SLUG = {slug: action for action, slug in SLUGS.items()}


def _page(request, template: str, context: dict, status: int = 200):
    context.setdefault("my_roles", set(Assignment.objects.filter(officer=request.user).values_list("role", flat=True)))
    context.setdefault("section", "feedback")
    return render(request, template, context, status=status)


def _due(item: FeedbackItem) -> tuple[str, dt.datetime | None]:
    """The deadline that matters now: reject/forward while unread, then the answer, then publication."""
    if item.status == Status.RECEIVED:
        return "reject", item.reject_due_at
    if item.status in items.OPEN:
        return "answer", item.answer_due_at
    if item.status == Status.ANSWERED:
        return "publish", item.publish_due_at
    return "", None


@login_required
@require_GET
def queue(request):
    """The items of the officer's agencies: open ones by default, soonest answer first."""
    now = clock.now()
    found = items.handled_by(request.user).select_related("agency")
    state = request.GET.get("trang-thai", "open")
    kind = request.GET.get("loai", "")
    due = request.GET.get("han", "")
    if state == "open":
        found = found.filter(status__in=items.OPEN)
    elif state in Status.values:
        found = found.filter(status=state)
    if kind in FeedbackItem.Kind.values:
        found = found.filter(kind=kind)
    query = request.GET.get("q", "")[:200]
    if query.strip().upper().startswith("PA-"):
        found = found.filter(code=query.strip().upper())
    else:
        for term in search_terms(query):
            found = found.filter(search_text__contains=term)
    if due == "overdue":
        found = found.filter(status__in=items.OPEN, answer_due_at__lt=now) | found.filter(
            status=Status.RECEIVED, reject_due_at__lt=now
        )
    elif due == "soon":
        found = found.filter(
            status__in=items.OPEN, answer_due_at__gte=now, answer_due_at__lt=now + dt.timedelta(days=3)
        )
    rows = []
    for item in found.order_by("answer_due_at", "id")[:PAGE]:
        which, when = _due(item)
        rows.append({"item": item, "due_kind": which, "due": when, "late": when is not None and when < now})
    context = {
        "rows": rows,
        "state": state,
        "q": query,
        "kind": kind,
        "due": due,
        "states": Status.choices,
        "kinds": FeedbackItem.Kind.choices,
        "counts": {
            "open": items.handled_by(request.user).filter(status__in=items.OPEN).count(),
            "overdue": items.handled_by(request.user).filter(status__in=items.OPEN, answer_due_at__lt=now).count(),
        },
        "can_record": _can_record(request.user),
    }
    return _page(request, "feedback/items/desk_queue.html", context)


def _can_record(user) -> bool:
    return Assignment.objects.filter(officer=user, role__in=items.RECORD_ROLES).exists()


def _visible(user, pk: int) -> FeedbackItem:
    item = (
        items.handled_by(user)
        .select_related("agency", "dossier", "officer", "sender_account", "drafted_by", "approved_by")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise Http404
    return item


def _officers_for(item: FeedbackItem) -> list[tuple[int, str]]:
    """Whom a conduct complaint may name: the dossier's handlers, else the agency's officers."""
    if item.dossier_id:
        officers = ratings.handlers(item.dossier)[0]
        return sorted(officers.items(), key=lambda pair: pair[1])
    from motcua.core.people import full_name

    users = (
        get_user_model()
        .objects.filter(assignments__agency__path__startswith=item.agency.path)
        .distinct()
        .order_by("last_name", "first_name")[:200]
    )
    return [(u.pk, full_name(u)) for u in users]


def _show(request, item: FeedbackItem, *, error=None, status=200):
    context = {
        "item": item,
        "actions": set(items.actions_for(request.user, item)),
        "slugs": SLUGS,
        "events": item.events.select_related("agency", "to_agency").order_by("at", "id"),
        "attachments": item.attachments.select_related("blob"),
        "kinds": FeedbackItem.Kind.choices,
        "agencies": _agencies(),
        "officers": _officers_for(item),
        "error": error,
        "posted": request.POST if request.method == "POST" else {},
        "now": clock.now(),
        "reopen_until": items.reopen_until(item),
    }
    return _page(request, "feedback/items/desk_item.html", context, status=status)


@login_required
@require_GET
def item(request, pk: int):
    return _show(request, _visible(request.user, pk))


@login_required
@require_GET
def attachment(request, pk: int, attachment_id: int):
    found = _visible(request.user, pk).attachments.select_related("blob").filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    response = HttpResponse(store.read(found.blob), content_type=found.blob.content_type)
    response["Content-Disposition"] = f'attachment; filename="feedback-{attachment_id}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _number(value: str) -> int | None:
    return int(value) if (value or "").isdigit() else None


@login_required
@require_POST
def act(request, pk: int, slug: str):
    current = _visible(request.user, pk)
    action = ACTIONS_BY_SLUG.get(slug)
    if action is None:
        raise Http404
    post, user = request.POST, request.user
    try:
        if action == "classify":
            items.classify(pk, user, kind=post.get("kind", ""), officer_id=_number(post.get("officer", "")))
        elif action == "reject":
            items.reject(pk, user, reasons=post.get("reasons", ""))
        elif action == "ask_more":
            items.ask_more(pk, user, question=post.get("question", ""))
        elif action == "forward":
            target = _number(post.get("to_agency", ""))
            if target is None:
                raise Invalid(_("Choose the agency that must handle it."), "to_agency")
            items.forward(pk, user, to_agency_id=target, note=post.get("note", ""))
        elif action == "draft_answer":
            items.draft_answer(pk, user, answer=post.get("answer", ""))
        elif action == "send_back":
            items.send_back(pk, user, note=post.get("note", ""))
        elif action == "approve":
            items.approve(pk, user)
        else:
            items.publish(pk, user)
    except ActionError as exc:
        return _show(request, current, error=exc, status=exc.status)
    messages.success(request, _("Done."))
    if action == "forward":
        return redirect("feedback_desk:queue")
    return redirect("feedback_desk:item", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def record(request):
    """An officer types in feedback that came by hotline, letter or in person."""
    if not _can_record(request.user):
        raise Http404
    error = None
    if request.method == "POST":
        post = request.POST
        try:
            data = items.Submission(
                kind=post.get("kind", ""),
                subject=post.get("subject", ""),
                text=post.get("text", ""),
                agency_id=_number(post.get("agency", "")),
                channel=post.get("channel", ""),
                sender_name=post.get("sender_name", ""),
                sender_phone=post.get("sender_phone", ""),
                sender_email=post.get("sender_email", ""),
                sender_address=post.get("sender_address", ""),
                dossier_code=post.get("dossier_code", ""),
                officer_name=post.get("officer_name", ""),
                attachments=_attachments(request.FILES),
            )
            created = items.send(data, officer=request.user)
        except ActionError as exc:
            error = exc
        else:
            messages.success(request, _("Recorded with the code %(code)s.") % {"code": created.code})
            return redirect(reverse("feedback_desk:queue"))
    context = {
        "kinds": FeedbackItem.Kind.choices,
        "channels": [(c.value, c.label) for c in items.OFFICER_CHANNELS],
        "agencies": _agencies(),
        "posted": request.POST if request.method == "POST" else {},
        "error": error,
    }
    return _page(request, "feedback/items/desk_record.html", context, status=error.status if error else 200)


@login_required
@require_GET
def boxes(request):
    """The printable QR code of each of the officer's centres' suggestion box."""
    centres = (
        agencies_where(request.user, [Role.RECEPTIONIST, Role.CENTRE_HEAD])
        .filter(kind__in=Agency.CENTRE_KINDS)
        .filter(Q(is_active=True))
        .order_by("path")
    )
    cards = []
    for centre in centres:
        # The public address (as in messages), not the back office's own host name.
        url = site_url() + reverse("feedback_items:box", args=[centre.pk])
        cards.append({"centre": centre, "url": url, "qr": segno.make(url, error="m").svg_data_uri(scale=8, border=2)})
    return _page(request, "feedback/items/desk_boxes.html", {"cards": cards})
