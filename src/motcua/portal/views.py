"""Public pages of the portal: find a procedure and read everything published about it."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.catalog import services as catalog
from motcua.catalog.models import Field, Level, OnlineLevel
from motcua.core.text import nfc

PAGE_SIZE = 20


def home(request):
    fields = Field.objects.order_by("name").values("code", "name")
    return render(request, "portal/home.html", {"fields": fields})


def catalogue(request):
    params = request.GET
    q = nfc(params.get("q", ""))[: settings.MOTCUA_MAX_SEARCH_LENGTH]
    filters = {
        "field": params.get("field") or None,
        "level": params.get("level") if params.get("level") in Level.values else None,
        "online_level": params.get("online") if params.get("online") in OnlineLevel.values else None,
        "agency": params.get("agency") or None,
    }
    rows = catalog.search(q, after=params.get("after") or None, limit=PAGE_SIZE + 1, **filters)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    context = {
        "q": q,
        "filters": filters,
        "rows": rows,
        "next_after": rows[-1]["procedure__code"] if more else None,
        "after": params.get("after") or "",
        "fields": Field.objects.order_by("name").values("code", "name"),
        "levels": [(Level.PROVINCE, Level.PROVINCE.label), (Level.COMMUNE, Level.COMMUNE.label)],
        "online_levels": [(OnlineLevel.FULL, OnlineLevel.FULL.label), (OnlineLevel.PARTIAL, OnlineLevel.PARTIAL.label)],
        "agencies": Agency.objects.filter(procedureagency__isnull=False, is_active=True)
        .distinct()
        .order_by("kind", "name")
        .values("identifier", "name"),
    }
    template = "portal/_results.html" if request.htmx else "portal/catalogue.html"
    return render(request, template, context)


def procedure(request, code: str):
    version = catalog.version_in_force(code)
    if version is None:
        raise Http404
    now = timezone.now()
    model = next(iter(version.processes.all()), None)
    context = {
        "version": version,
        "procedure": version.procedure,
        "documents": list(version.documents.all()),
        "fee_rows": catalog.fee_table(version),
        "steps": list(model.steps.all()) if model else [],
        "agencies": catalog.resolving_agencies(version.procedure),
        "now": now,
        "due_in_person": catalog.expected_return(version, now, channel="in_person"),
        "due_online": catalog.expected_return(version, now, channel="online") if "online" in version.channels else None,
    }
    return render(request, "portal/procedure.html", context)
