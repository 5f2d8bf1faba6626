"""Public API of the procedure catalogue."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from motcua.agencies.models import Agency
from motcua.core.text import nfc

from . import services
from .models import Level, OnlineLevel

router = Router()


class ProcedureSummary(Schema):
    code: str
    name: str
    field_code: str
    field_name: str
    level: str
    online_level: str
    time_limit_amount: Decimal
    time_limit_unit: str
    boundary_free: bool


class SearchFilters(Schema):
    q: str = Field("", max_length=200, description="Words to find, with or without Vietnamese accents.")
    field: str | None = Field(None, max_length=30)
    level: Level | None = None
    online_level: OnlineLevel | None = None
    agency: str | None = Field(None, max_length=35, description="Identifier of a resolving agency.")
    after: str | None = Field(None, max_length=20, description="Last code of the previous page.")
    limit: int = Field(20, ge=1, le=100)


class Page(Schema):
    items: list[ProcedureSummary]
    next_after: str | None


@router.get("", response=Page, summary="Search the procedure catalogue")
def search_procedures(request, filters: Query[SearchFilters]):
    """Procedures in force, accent-insensitive ("dang ky khai sinh" finds "Đăng ký khai sinh")."""
    rows = services.search(
        nfc(filters.q),
        field=filters.field,
        level=filters.level,
        online_level=filters.online_level,
        agency=filters.agency,
        after=filters.after,
        limit=filters.limit + 1,
    )
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    items = [
        {
            "code": r["procedure__code"],
            "name": r["name"],
            "field_code": r["procedure__field__code"],
            "field_name": r["procedure__field__name"],
            "level": r["level"],
            "online_level": r["online_level"],
            "time_limit_amount": r["time_limit_amount"],
            "time_limit_unit": r["time_limit_unit"],
            "boundary_free": r["boundary_free"],
        }
        for r in rows
    ]
    return {"items": items, "next_after": items[-1]["code"] if more else None}


class DocumentOut(Schema):
    name: str
    form: str
    quantity: int
    optional: bool
    template: str


class FeeOut(Schema):
    name: str
    kind: str
    channel: str
    amount: int
    effective_from: dt.date
    note: str


class StepOut(Schema):
    stage: int
    name: str
    role: str
    agency: str
    share: Decimal


class ProcedureDetail(Schema):
    code: str
    name: str
    field_code: str
    field_name: str
    effective_from: dt.date
    level: str
    resolving_agency: str
    coordinating_agencies: str
    resolving_agencies: list[str]
    steps: str
    channels: list[str]
    applicants: str
    time_limit_amount: Decimal
    time_limit_unit: str
    time_limit_text: str
    clock_after_payment: bool
    documents: list[DocumentOut]
    fees: list[FeeOut]
    result: str
    legal_basis: list[str]
    online_level: str
    boundary_free: bool
    process: list[StepOut]


@router.get("/{code}", response=ProcedureDetail, summary="One procedure as published")
def get_procedure(request, code: str):
    version = services.version_in_force(code)
    if version is None:
        raise Http404("No procedure in force with this code.")
    model = next(iter(version.processes.all()), None)
    return {
        "code": version.procedure.code,
        "name": version.name,
        "field_code": version.procedure.field.code,
        "field_name": version.procedure.field.name,
        "effective_from": version.effective_from,
        "level": version.level,
        "resolving_agency": version.resolving_agency,
        "coordinating_agencies": version.coordinating_agencies,
        "resolving_agencies": [a.identifier for a in services.resolving_agencies(version.procedure)],
        "steps": version.steps,
        "channels": version.channels,
        "applicants": version.applicants,
        "time_limit_amount": version.time_limit_amount,
        "time_limit_unit": version.time_limit_unit,
        "time_limit_text": version.time_limit_text,
        "clock_after_payment": version.clock_after_payment,
        "documents": [
            {
                "name": d.name,
                "form": d.form,
                "quantity": d.quantity,
                "optional": d.optional,
                "template": d.template_name,
            }
            for d in version.documents.all()
        ],
        "fees": list(version.fees.all().values("name", "kind", "channel", "amount", "effective_from", "note")),
        "result": version.result,
        "legal_basis": version.legal_basis,
        "online_level": version.online_level,
        "boundary_free": version.boundary_free,
        "process": [
            {"stage": s.stage, "name": s.name, "role": s.role, "agency": s.agency_role, "share": s.share}
            for s in (model.steps.all() if model else [])
        ],
    }


class ExpectedReturn(Schema):
    code: str
    received_at: dt.datetime
    channel: str
    agency: str | None
    due_at: dt.datetime


@router.get("/{code}/expected-return", response=ExpectedReturn, summary="Expected return date")
def expected_return(
    request,
    code: str,
    received_at: dt.datetime | None = None,
    channel: str = Query("in_person", pattern="^(in_person|postal|online)$"),
    agency: str | None = Query(None, max_length=35),
):
    """When the result is due for a complete dossier received at `received_at` (now if omitted),
    counted in working time of the agency (or the default working hours)."""
    version = services.version_in_force(code, on=timezone.localdate(received_at) if received_at else None)
    if version is None:
        raise Http404("No procedure in force with this code at that time.")
    resolving = None
    if agency:
        resolving = Agency.objects.filter(identifier=agency).first()
        if resolving is None:
            raise HttpError(422, "Unknown agency identifier.")
    received_at = received_at or timezone.now()
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    try:
        due = services.expected_return(version, received_at, channel=channel, agency=resolving)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from exc
    return {"code": code, "received_at": received_at, "channel": channel, "agency": agency, "due_at": due}
