"""A citizen's own dossiers through the API (mounted at /api/v1/me), with his portal session:
read-only, and only the dossiers `dossiers.ownership.owned_by` gives him; any other id is 404."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.security import SessionAuth

from motcua.citizens.access import profile_of
from motcua.dossiers.models import Event
from motcua.dossiers.ownership import owned_by


class CitizenSessionAuth(SessionAuth):
    """A logged-in citizen's session (GET only here, so no CSRF token is needed)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if profile_of(user) is not None else None


router = Router(auth=CitizenSessionAuth(csrf=False), tags=["my dossiers"])
PAGE_SIZE = 50


class MyDossier(Schema):
    id: int
    code: str | None
    status: str
    procedure: str = Field(description="The national procedure code.")
    procedure_name: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_at: dt.datetime | None


class MyEvent(Schema):
    at: dt.datetime
    action: str
    to_status: str
    agency: str | None
    officer: str


class MyDossierDetail(MyDossier):
    secret: str
    return_method: str
    events: list[MyEvent]


def _summary(dossier) -> dict:
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "status": dossier.status,
        "procedure": dossier.procedure_version.procedure.code,
        "procedure_name": dossier.procedure_version.name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
    }


@router.get("/dossiers", response=list[MyDossier], summary="My dossiers, newest first")
def my_dossiers(request, before: int | None = None):
    rows = owned_by(request.auth).select_related("procedure_version__procedure").order_by("-id")
    if before:
        rows = rows.filter(pk__lt=before)
    return [_summary(d) for d in rows[:PAGE_SIZE]]


@router.get("/dossiers/{dossier_id}", response=MyDossierDetail, summary="One of my dossiers with its history")
def my_dossier(request, dossier_id: int):
    dossier = owned_by(request.auth).select_related("procedure_version__procedure").filter(pk=dossier_id).first()
    if dossier is None:
        raise Http404("No such dossier.")
    events = Event.objects.filter(dossier=dossier).select_related("agency").order_by("at", "id")
    return {
        **_summary(dossier),
        "secret": dossier.secret,
        "return_method": dossier.return_method,
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "to_status": e.to_status,
                "agency": e.agency.name if e.agency_id else None,
                "officer": e.actor_name if e.actor_id else "",
            }
            for e in events
        ],
    }
