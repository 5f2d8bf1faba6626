"""Portal pages of feedback (phản ánh, kiến nghị): send one (logged in or not, or from a counter's
QR suggestion box), follow it by its code, reply, reopen, and read the published answers."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.agencies.models import Agency
from motcua.core import windows
from motcua.core.errors import ActionError, Invalid

from . import items, rules
from .models import FeedbackItem

KINDS = FeedbackItem.Kind.choices
PAGE = 30


def _cache():
    return caches[settings.MOTCUA_FEEDBACK_CACHE]


def _window_key(request) -> str:
    key = f"feedback-sent:{windows.client_address(request)}"
    return windows.window_key(key, settings.MOTCUA_FEEDBACK_WINDOW_SECONDS)


def _over_limit(request) -> bool:
    """Whether this address has already sent as many items as allowed in the current window
    (only items taken count, so a person correcting mistakes is not locked out)."""
    return _cache().get(_window_key(request), 0) >= settings.MOTCUA_FEEDBACK_LIMIT


def _count_sent(request) -> None:
    windows.bump(_cache(), _window_key(request), settings.MOTCUA_FEEDBACK_WINDOW_SECONDS)


def _check_challenge(post) -> None:
    """A signed, unexpired question, answered right, used once: every attempt spends it, so a
    wrong answer means a new question (guessing all the sums of one question is not possible)."""
    token, max_age = post.get("challenge_token", ""), settings.MOTCUA_FEEDBACK_CHALLENGE_SECONDS
    nonce = rules.challenge_nonce(token, max_age)
    if nonce is not None and not _cache().add(f"feedback-challenge:{nonce}", 1, max_age):
        raise Invalid(_("This question has already been used. Please answer the new question."), "challenge")
    if nonce is None or rules.check_challenge(token, post.get("challenge", ""), max_age) is None:
        raise Invalid(_("The answer to the question is not right. Please answer the new question."), "challenge")


def _attachments(files) -> list[items.Attachment]:
    found = []
    limit = settings.MOTCUA_FEEDBACK_MAX_FILE_BYTES
    for upload in files.getlist("attachments"):
        if not upload or not upload.name:
            continue
        if upload.size > limit:
            raise items.too_large(upload.name)  # refused before the file is read into memory
        found.append(items.Attachment(upload.name, upload.read()))
    return found


def _agencies():
    return list(
        Agency.objects.filter(is_active=True)
        .exclude(kind=Agency.Kind.COMMUNE_UNIT)
        .order_by("path")
        .values("pk", "name")
    )


def _citizen(request):
    user = request.user
    return user if user.is_authenticated and getattr(user, "citizen", None) is not None else None


def _form(request, *, centre: Agency | None, error=None, status=200):
    account = _citizen(request)
    posted = request.POST if request.method == "POST" else {}
    if not posted and account is not None:
        profile = account.citizen
        posted = {
            "sender_name": profile.full_name,
            "sender_phone": profile.phone or "",
            "sender_email": profile.email or "",
        }
    context = {
        "centre": centre,
        "kinds": KINDS,
        "agencies": [] if centre else _agencies(),
        "posted": posted,
        "error": error,
        "account": account,
        "challenge": None if account else rules.new_challenge(),
        "max_files": settings.MOTCUA_FEEDBACK_MAX_FILES,
        "max_mb": settings.MOTCUA_FEEDBACK_MAX_FILE_BYTES // (1024 * 1024),
        "action": request.path,
    }
    return render(request, "feedback/items/send.html", context, status=status)


def _submit(request, *, centre: Agency | None):
    post = request.POST
    account = _citizen(request)
    try:
        if _over_limit(request):
            raise Invalid(_("Too many items have been sent from your connection. Please try again later."), "form")
        if account is None:
            _check_challenge(post)
        agency_id = centre.pk if centre else (int(post["agency"]) if post.get("agency", "").isdigit() else None)
        data = items.Submission(
            kind=post.get("kind", ""),
            subject=post.get("subject", ""),
            text=post.get("text", ""),
            agency_id=agency_id,
            channel=FeedbackItem.Channel.QR_BOX if centre else FeedbackItem.Channel.PORTAL,
            sender_name=post.get("sender_name", ""),
            sender_phone=post.get("sender_phone", ""),
            sender_email=post.get("sender_email", ""),
            anonymous=bool(centre) and post.get("anonymous") == "1",
            dossier_code=post.get("dossier_code", ""),
            dossier_secret=post.get("dossier_secret", ""),
            officer_name=post.get("officer_name", ""),
            attachments=_attachments(request.FILES),
        )
        item = items.send(data, account=account)
    except ActionError as exc:
        return _form(request, centre=centre, error=exc, status=429 if exc.field == "form" else exc.status)
    _count_sent(request)
    request.session[f"feedback-new:{item.code}"] = True
    return redirect("feedback_items:follow_item", code=item.code)


@require_http_methods(["GET", "POST"])
def send(request):
    """Send feedback from the portal."""
    if request.method == "POST":
        return _submit(request, centre=None)
    return _form(request, centre=None)


def _centre(centre_id: int) -> Agency:
    centre = Agency.objects.filter(pk=centre_id, is_active=True, kind__in=Agency.CENTRE_KINDS).first()
    if centre is None:
        raise Http404
    return centre


@require_http_methods(["GET", "POST"])
def box(request, centre_id: int):
    """The digital suggestion box of a centre, opened from the QR code at its counters."""
    centre = _centre(centre_id)
    if request.method == "POST":
        return _submit(request, centre=centre)
    return _form(request, centre=centre)


# -- following -----------------------------------------------------------------------------------------


@require_GET
def follow(request):
    code = (request.GET.get("ma") or "").strip().upper()
    if not code:
        return render(request, "feedback/items/follow.html", {})
    if items.by_code(code) is None:
        return render(
            request,
            "feedback/items/follow.html",
            {"code": code, "error": _("There is no feedback item with this code.")},
            status=404,
        )
    return redirect("feedback_items:follow_item", code=code)


def _item_page(request, item: FeedbackItem, *, error=None, status=200):
    context = {
        "item": item,
        "new": request.session.pop(f"feedback-new:{item.code}", False),
        "events": item.events.select_related("agency", "to_agency").order_by("at", "id"),
        "can_reopen": items.can_reopen(item),
        "reopen_until": items.reopen_until(item),
        "error": error,
        "posted": request.POST if request.method == "POST" else {},
        # Only an approved answer: a reopened item's new draft is not the sender's to read yet.
        "shown_answer": item.answer
        if item.status in (FeedbackItem.Status.ANSWERED, FeedbackItem.Status.PUBLISHED)
        else "",
    }
    return render(request, "feedback/items/item.html", context, status=status)


def _by_code_or_404(code: str) -> FeedbackItem:
    item = items.by_code(code)
    if item is None:
        raise Http404
    return item


@require_GET
def follow_item(request, code: str):
    """What happened to the item and the answer: the code is the key (it is not guessable)."""
    return _item_page(request, _by_code_or_404(code))


@require_POST
def add_more(request, code: str):
    item = _by_code_or_404(code)
    try:
        items.add_more(item.code, text=request.POST.get("text", ""), attachments=_attachments(request.FILES))
    except ActionError as exc:
        return _item_page(request, item, error=exc, status=exc.status)
    messages.success(request, _("Thank you. What you added has been sent to the handler."))
    return redirect("feedback_items:follow_item", code=item.code)


@require_POST
def reopen(request, code: str):
    item = _by_code_or_404(code)
    try:
        items.reopen(item.code, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        return _item_page(request, item, error=exc, status=exc.status)
    messages.success(request, _("Your feedback has been reopened and sent to the leader of the agency."))
    return redirect("feedback_items:follow_item", code=item.code)


@require_POST
def sender_vote(request, code: str):
    item = _by_code_or_404(code)
    try:
        items.vote(item.pk, f"sender:{item.code}", helpful=request.POST.get("helpful") == "1", by_sender=True)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you for your opinion."))
    return redirect("feedback_items:follow_item", code=item.code)


# -- published answers -------------------------------------------------------------------------------------


@require_GET
def index(request):
    """Published answers, searchable without accents, by kind and agency."""
    query = request.GET.get("q", "")[:200]
    kind = request.GET.get("loai", "")
    agency = request.GET.get("co-quan", "")
    found = list(items.published(query, kind, int(agency) if agency.isdigit() else None)[: PAGE + 1])
    return render(
        request,
        "feedback/items/index.html",
        {
            "results": found[:PAGE],
            "more": len(found) > PAGE,
            "q": query,
            "kind": kind,
            "agency": agency,
            "kinds": KINDS,
            "agencies": _agencies(),
        },
    )


@require_GET
def answer(request, pk: int):
    item = get_object_or_404(FeedbackItem.objects.select_related("agency"), pk=pk, published_at__isnull=False)
    return render(request, "feedback/items/answer.html", {"item": item})


@require_POST
def public_vote(request, pk: int):
    item = get_object_or_404(FeedbackItem, pk=pk, published_at__isnull=False)
    try:
        items.vote(item.pk, f"ip:{windows.client_address(request)}", helpful=request.POST.get("helpful") == "1")
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you for your opinion."))
    return redirect(reverse("feedback_items:answer", args=[item.pk]))
