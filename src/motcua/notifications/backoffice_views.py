"""Officers' page of messages to applicants (/can-bo/tin-nhan/): the messages of the dossiers
they may open, failures first, each failed one with a button to send it again."""

from __future__ import annotations

from django.contrib import messages as notices
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.agencies.models import Assignment
from motcua.core.errors import ActionError, NotAllowed

from . import services
from .models import Message

PAGE_SIZE = 100


@login_required
@require_GET
def index(request):
    failures_first = Case(
        When(status=Message.Status.FAILED, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    rows = list(
        services.visible_messages(request.user)
        .select_related("dossier")
        .annotate(failed_first=failures_first)
        .order_by("failed_first", "-created_at", "-id")[:PAGE_SIZE]
    )
    return render(
        request,
        "notifications/index.html",
        {
            "rows": rows,
            "section": "messages",
            "my_roles": set(Assignment.objects.filter(officer=request.user).values_list("role", flat=True)),
        },
    )


@login_required
@require_POST
def retry(request, pk: int):
    try:
        message = services.retry(pk, request.user)
    except NotAllowed as exc:
        return HttpResponseForbidden(exc.message)
    except ActionError as exc:
        notices.error(request, exc.message)
    else:
        notices.success(request, _("The message to %(recipient)s was sent again.") % {"recipient": message.recipient})
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/can-bo/") else "notifications:index")
