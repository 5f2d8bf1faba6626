"""Rating pages: the owner's online rating, the counter's tablet (no login) and the officer's
"invite to rate" button on the back-office dossier page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice import access as backoffice_access
from motcua.citizens.access import citizen_required
from motcua.core.errors import ActionError
from motcua.dossiers.ownership import owned_by

from . import services
from .models import CRITERIA, SCORES, CounterDevice, Rating


def criteria_rows(posted=None) -> list[dict]:
    """The criteria with the score the person chose (kept when the form comes back with an error)."""
    posted = posted or {}
    return [
        {"name": name, "label": label, "chosen": posted.get(f"score_{name}", "")} for name, label in CRITERIA.items()
    ]


def form_context(posted=None, error=None) -> dict:
    return {
        "criteria": criteria_rows(posted),
        "scores": [(str(value), label) for value, label in SCORES.items()],
        "posted": posted or {},
        "error": error,
    }


def _rate_from_post(request, dossier_id: int, channel: str, counter=None) -> Rating:
    post = request.POST
    liked = {"yes": True, "no": False}.get(post.get("liked", ""))
    scores = {name: post.get(f"score_{name}", "") for name in CRITERIA}
    return services.rate(
        dossier_id, liked=liked, scores=scores, comment=post.get("comment", ""), channel=channel, counter=counter
    )


@citizen_required
@require_POST
def rate_online(request, pk: int):
    """The owner rates his dossier from its page, after the result."""
    dossier = get_object_or_404(owned_by(request.user).only("pk"), pk=pk)
    try:
        _rate_from_post(request, dossier.pk, Rating.Channel.ONLINE)
    except ActionError as exc:
        from motcua.portal import tracking

        return tracking.show_dossier(request, pk, status=exc.status, rating_error=exc, rating_posted=request.POST)
    messages.success(request, _("Thank you for rating the service."))
    return redirect("portal:my_dossier", pk=pk)


# -- the counter's tablet -----------------------------------------------------------------------------


def _device(token: str) -> CounterDevice:
    device = (
        CounterDevice.objects.select_related("counter__centre", "dossier__procedure_version")
        .filter(token=token, counter__is_active=True)
        .first()
    )
    if device is None:
        raise Http404
    return device


def _tablet_context(device: CounterDevice, **extra) -> dict:
    dossier = device.dossier
    waiting = dossier is None or not services.can_rate(dossier) or hasattr(dossier, "rating")
    return {"device": device, "dossier": None if waiting else dossier, **form_context(), **extra}


@require_GET
def tablet(request, token: str):
    """The tablet on the counter: waits for the officer to put a dossier on it (polling)."""
    device = _device(token)
    template = "feedback/_tablet.html" if request.htmx else "feedback/tablet.html"
    return render(request, template, _tablet_context(device))


@require_POST
def tablet_rate(request, token: str):
    device = _device(token)
    dossier_id = request.POST.get("dossier", "")
    if device.dossier_id is None or str(device.dossier_id) != dossier_id:
        # The officer put another dossier on the tablet meanwhile, or it was rated already.
        context = _tablet_context(device, notice=_("This dossier is no longer on the tablet."))
        return render(request, "feedback/tablet.html", context, status=409)
    try:
        _rate_from_post(request, device.dossier_id, Rating.Channel.COUNTER, counter=device.counter)
    except ActionError as exc:
        context = _tablet_context(device, **form_context(request.POST, exc))
        return render(request, "feedback/tablet.html", context, status=exc.status)
    # Back to the waiting tablet (a reload does not send the rating again).
    messages.success(request, _("Thank you for rating the service."))
    return redirect("feedback:tablet", token=token)


# -- the officer's button -------------------------------------------------------------------------------


@login_required
@require_POST
def invite(request, pk: int):
    """Put the dossier on the officer's counter tablet (only a dossier he may see)."""
    dossier = get_object_or_404(backoffice_access.visible_dossiers(request.user), pk=pk)
    device_id = request.POST.get("device", "")
    try:
        device = services.invite(int(device_id) if device_id.isdigit() else 0, dossier, request.user)
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Dossier %(code)s is on the tablet of %(counter)s.") % {"code": dossier.code, "counter": device.counter},
        )
    return redirect("backoffice:dossier", pk=pk)
