"""The back office's API for dossiers: reception at the counter, every action of the workflow,
the control slip and the work queues (mounted at /api/v1/dossiers).

Officers call it with an API token (`Authorization: Bearer motcua_…`) or, from the back-office
pages, with their session and CSRF token. A dossier is shown only to officers of its agencies;
to anyone else it does not exist (404). Refusals of the workflow answer
`{"detail": <English message>, "field": <input at fault or null>}` with 403 (role or agency),
409 (state, or a stale `revision`) or 422 (bad input).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable
from typing import Literal

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.params.models import Body, BodyModel

from motcua.agencies.models import Agency
from motcua.agencies.services import agencies_where
from motcua.api.auth import officer_auth

from . import queues, services
from .models import Dossier, DossierDocument, DossierStep, Event, Suspension
from .services import ActionError, Applicant, Reception, Upload
from .workflow import TRANSITIONS, Status, Where

router = Router(auth=officer_auth)

# Officers who may read a dossier of their agencies (the province administrator configures, he
# does not read citizens' dossiers).
READER_ROLES = queues.WATCHING_ROLES
ERRORS = (403, 409, 422)


# -- schemas ------------------------------------------------------------------------------------


class Error(Schema):
    detail: str = Field(description="What is wrong, in English.")
    field: str | None = Field(None, description="The input at fault, when one is.")


class ApplicantIn(Schema):
    kind: Literal["person", "organisation"] = "person"
    name: str = Field(max_length=200)
    id_number: str = Field(max_length=20, description="12-digit citizen ID, or the organisation's tax code.")
    address: str = Field(max_length=300)
    birth_date: dt.date | None = None
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    representative_name: str = Field("", max_length=200)
    representative_id_number: str = Field("", max_length=20)


class DocumentIn(Schema):
    name: str = Field(max_length=1000, description="The component of the dossier, as the procedure names it.")
    form: Literal["original", "copy", "certified_copy"]
    quantity: int = Field(1, ge=1, le=100)
    required_document_id: int | None = None
    filename: str = Field("", max_length=200)
    content_base64: str | None = Field(None, description="The scan (PDF, PNG or JPEG), base64-encoded.")
    file: str | None = Field(
        None, max_length=100, description="In a multipart request: the name of the part holding the scan."
    )


class ReceptionIn(Schema):
    centre: str = Field(max_length=35, description="Identifier of the service centre receiving the dossier.")
    procedure: str = Field(max_length=20, description="Code of the procedure in force.")
    applicant: ApplicantIn
    documents: list[DocumentIn] = Field(default_factory=list, max_length=100)
    channel: Literal["in_person", "postal"] = "in_person"
    return_method: Literal["counter", "post", "online"] = "counter"
    return_address: str = Field("", max_length=300)
    returning_centre: str | None = Field(
        None, max_length=35, description="Identifier of the centre returning the result (boundary-free reception)."
    )
    resolving_agency: str | None = Field(None, max_length=35, description="Identifier; by default the commune's own.")
    fees_collected: int = Field(0, ge=0, description="Fees collected in cash, in đồng.")
    sets: int = Field(1, ge=1, le=100)
    note: str = Field("", max_length=2000)
    outcome: Literal["receive", "supplement", "refuse"] = Field(
        "receive", description="receive: Form 01 with code and appointment; supplement: Form 02; refuse: Form 03."
    )
    reasons: str = Field("", max_length=2000)
    items: list[str] = Field(default_factory=list, max_length=100, description="Missing items (Form 02).")


class StepState(Schema):
    id: int
    stage: int
    name: str
    role: str
    agency: str = Field(description="Identifier of the agency doing the step.")
    due_at: dt.datetime | None


class Received(Schema):
    id: int = Field(description="Addresses the dossier in URLs while it has no code yet.")
    code: str | None = Field(description="Given when the dossier is received (Form 01); null after Form 02 or 03.")
    status: Status
    revision: int
    received_at: dt.datetime | None
    due_at: dt.datetime | None = Field(description="The appointment to return the result.")
    finished_at: dt.datetime | None


class DossierState(Schema):
    id: int = Field(description="Addresses the dossier in URLs while it has no code yet.")
    code: str | None
    status: Status
    revision: int = Field(description="Send it back as `revision` to act only if nobody changed the dossier since.")
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    active_steps: list[StepState]


class AgencyRef(Schema):
    identifier: str
    name: str


class ApplicantOut(Schema):
    kind: str
    name: str
    id_number: str
    birth_date: dt.date | None
    address: str
    phone: str
    email: str
    representative_name: str
    representative_id_number: str


class StepOut(Schema):
    id: int
    stage: int
    position: int
    name: str
    role: str
    agency: AgencyRef
    state: str
    assignee: str | None
    due_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    timing: str


class DocumentOut(Schema):
    id: int
    name: str
    form: str
    quantity: int
    content_type: str
    size: int
    sha256: str
    added_in: str
    added_at: dt.datetime


class SuspensionOut(Schema):
    started_at: dt.datetime
    deadline_at: dt.datetime
    items: list[str]
    reason: str
    at_reception: bool


class ExtensionOut(Schema):
    old_due_at: dt.datetime
    new_due_at: dt.datetime
    reason: str
    issued_at: dt.datetime


class DossierDetail(Schema):
    id: int
    code: str | None
    status: Status
    revision: int
    channel: str
    procedure_code: str
    procedure_name: str
    receiving_agency: AgencyRef
    resolving_agency: AgencyRef
    returning_agency: AgencyRef
    return_method: str
    return_address: str
    applicant: ApplicantOut
    sets: int
    fees_collected: int
    note: str
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    acceptance_due_at: dt.datetime | None
    due_at: dt.datetime | None
    original_due_at: dt.datetime | None
    index_due_at: dt.datetime | None
    processed_at: dt.datetime | None
    finished_at: dt.datetime | None
    supplement_requests: int
    open_suspension: SuspensionOut | None
    extension: ExtensionOut | None
    steps: list[StepOut]
    documents: list[DocumentOut]
    actions: list[str] = Field(description="Actions the workflow allows from this status (for some role).")


class EventOut(Schema):
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    actor: str
    agency: str | None
    to_agency: str | None
    step: str | None
    timing: str
    note: str
    data: dict


class QueueRow(Schema):
    dossier_id: int
    code: str | None
    status: str
    applicant_name: str
    applicant_id_number: str
    procedure_code: str = Field(validation_alias="procedure_version__procedure__code")
    procedure_name: str = Field(validation_alias="procedure_version__name")
    resolving_agency: str = Field(validation_alias="resolving_agency__name")
    submitted_at: dt.datetime | None
    received_at: dt.datetime | None
    acceptance_due_at: dt.datetime | None
    due_at: dt.datetime | None
    revision: int
    step_id: int | None = None
    step_name: str | None = None
    step_role: str | None = Field(None, validation_alias="role")
    step_agency: str | None = Field(None, validation_alias="agency__name")
    step_due_at: dt.datetime | None = None


class QueuePage(Schema):
    items: list[QueueRow]
    next_after: str | None = Field(description="Pass as `after` for the next page; null on the last page.")


# -- reading ------------------------------------------------------------------------------------


def visible_to(officer) -> QuerySet[Dossier]:
    """Dossiers the officer may read: one of his agencies receives, resolves or returns it, or does
    one of its steps. A filter in SQL, whatever the number of dossiers."""
    agencies = agencies_where(officer, READER_ROLES).values("pk")
    return Dossier.objects.filter(
        Q(receiving_agency__in=agencies)
        | Q(resolving_agency__in=agencies)
        | Q(returning_agency__in=agencies)
        | Exists(DossierStep.objects.filter(dossier=OuterRef("pk"), agency__in=agencies))
    )


def _by_ref(rows: QuerySet[Dossier], ref: str) -> QuerySet[Dossier]:
    # Dossiers get their code at acceptance; until then (online, Form 02) they go by number.
    return rows.filter(pk=int(ref)) if ref.isdigit() else rows.filter(code=ref.upper())


def _dossier_id(officer, ref: str) -> int:
    found = list(_by_ref(visible_to(officer), ref).values_list("pk", flat=True)[:1])
    if not found:
        raise Http404("No such dossier.")
    return found[0]


def _agency(agency: Agency) -> dict:
    return {"identifier": agency.identifier, "name": agency.name}


def _state(dossier: Dossier) -> dict:
    steps = DossierStep.objects.filter(dossier=dossier, state=DossierStep.State.ACTIVE).order_by("stage", "position")
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "status": dossier.status,
        "revision": dossier.revision,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "finished_at": dossier.finished_at,
        "active_steps": [
            {"id": s[0], "stage": s[1], "name": s[2], "role": s[3], "agency": s[4], "due_at": s[5]}
            for s in steps.values_list("pk", "stage", "name", "role", "agency__identifier", "due_at")
        ],
    }


# -- reception ----------------------------------------------------------------------------------


class _JsonOrMultipartModel(BodyModel):
    """The body as JSON, or, in a multipart request, the JSON of the `reception` part (the scans
    travel as the other parts): large scans need not be inflated by base64."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type == "multipart/form-data":
            raw = request.POST.get("reception")
            if raw is None:
                return None
            request = _RawBody(raw.encode())
        return super().get_request_data(request, api, path_params)


class _RawBody:
    def __init__(self, body: bytes):
        self.body = body


class _JsonOrMultipart(Body):
    _model = _JsonOrMultipartModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"


_RECEPTION_BODY = _JsonOrMultipart(...)
_MULTIPART_RECEPTION = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["reception"],
                    "properties": {"reception": {"$ref": "#/components/schemas/ReceptionIn"}},
                    "additionalProperties": {"type": "string", "format": "binary"},
                },
                "encoding": {"reception": {"contentType": "application/json"}},
            }
        }
    }
}


def _uploads(documents: list[DocumentIn], request) -> list[Upload]:
    """The scans as bytes, from base64 or from the request's file parts."""
    uploads = []
    for document in documents:
        content = b""
        filename = document.filename
        if document.file:
            part = request.FILES.get(document.file)
            if part is None:
                raise services.Invalid(f"No file part named “{document.file}” was sent.", "documents")
            content, filename = part.read(), filename or part.name
        elif document.content_base64:
            try:
                content = base64.b64decode(document.content_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise services.Invalid(f"The scan of “{document.name}” is not valid base64.", "documents") from exc
        uploads.append(
            Upload(
                name=document.name,
                form=document.form,
                quantity=document.quantity,
                required_document_id=document.required_document_id,
                filename=filename,
                content=content,
            )
        )
    return uploads


def _refusal(exc: ActionError) -> Reply:
    return Reply(exc.status, {"detail": exc.message, "field": exc.field})


@router.post(
    "",
    response={201: Received, **dict.fromkeys(ERRORS, Error)},
    summary="Receive a dossier at the counter",
    openapi_extra=_MULTIPART_RECEPTION,
)
def receive_dossier(request, payload: ReceptionIn = _RECEPTION_BODY):
    """Reception ends with one of three outcomes: `receive` (Form 01: code, appointment, steps),
    `supplement` (Form 02: every missing item, once) or `refuse` (Form 03, with reasons).

    Scans come base64-encoded in `content_base64`, or, in a multipart request whose `reception`
    part holds this JSON, as file parts named by each document's `file` (better for large scans).
    """
    wanted = {payload.centre, payload.returning_centre, payload.resolving_agency} - {None, ""}
    agencies = {a.identifier: a for a in Agency.objects.filter(identifier__in={w.upper() for w in wanted})}
    with translation.override("en"):
        try:
            centre = agencies.get(payload.centre.upper())
            if centre is None:
                raise services.Invalid("There is no agency with this identifier.", "centre")
            chosen = {}
            for field, identifier in (
                ("returning_agency", payload.returning_centre),
                ("resolving_agency", payload.resolving_agency),
            ):
                if identifier:
                    if identifier.upper() not in agencies:
                        raise services.Invalid("There is no agency with this identifier.", field)
                    chosen[f"{field}_id"] = agencies[identifier.upper()].pk
            applicant = payload.applicant
            reception = Reception(
                procedure_code=payload.procedure,
                applicant=Applicant(**applicant.model_dump()),
                documents=_uploads(payload.documents, request),
                channel=payload.channel,
                return_method=payload.return_method,
                return_address=payload.return_address,
                fees_collected=payload.fees_collected,
                sets=payload.sets,
                note=payload.note,
                **chosen,
            )
            dossier = services.receive_at_counter(
                request.auth, centre, reception, payload.outcome, reasons=payload.reasons, items=payload.items
            )
        except ActionError as exc:
            return _refusal(exc)
    return Reply(201, {name: getattr(dossier, name) for name in Received.model_fields})


# -- work queues --------------------------------------------------------------------------------

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CURSOR = re.compile(r"(\d{1,18}|-)\.(\d{1,18})")


def _cursor(position: tuple) -> str:
    """An opaque, URL-safe position: microseconds since 1970 of the sort value ("-" for none), id."""
    value, row_id = position
    micros = "-" if value is None else (value - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}.{row_id}"


def _position(cursor: str) -> tuple:
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise services.Invalid("Pass back the `next_after` of the previous page.", "after")
    value = None if match[1] == "-" else _EPOCH + dt.timedelta(microseconds=int(match[1]))
    return value, int(match[2])


class QueueCounts(Schema):
    to_receive: int
    to_handle: int
    due_soon: int
    overdue: int
    waiting_applicant: int
    to_sign: int
    to_return: int


@router.get("/queues", response=QueueCounts, summary="How many rows each of my work queues holds")
def queue_counts(request):
    """Counted up to 1000: 1000 means "1000 or more" (no exact count over a large table)."""
    return queues.counts(request.auth)


@router.get("/queues/{name}", response={200: QueuePage, 422: Error}, summary="One page of one of my work queues")
def queue_page(
    request,
    name: str,
    q: str = Query("", max_length=100, description="A dossier code, an ID number, or words of the name."),
    after: str | None = Query(None, max_length=40, description="`next_after` of the previous page."),
    limit: int = Query(50, ge=1, le=100),
):
    """Soonest due first, with keyset pagination: pass `next_after` back as `after`. Queues:
    to_receive, to_handle, due_soon, overdue, waiting_applicant, to_sign, to_return."""
    if name not in queues.QUEUES:
        raise Http404("No such queue.")
    try:
        position = _position(after) if after else None
    except ActionError as exc:
        return _refusal(exc)
    rows = queues.queue(request.auth, name, q=q, after=position, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = _cursor(queues.after_of(name, rows[-1])) if more else None
    if not queues.QUEUES[name].per_step:
        for row in rows:
            row["dossier_id"] = row.pop("id")
    return Reply(200, {"items": rows, "next_after": next_after})


_OFFICE_ACTIONS = [t.action for t in TRANSITIONS.values() if t.where not in (Where.APPLICANT, Where.SYSTEM)]


@router.get("/{ref}", response=DossierDetail, summary="One dossier", url_name="dossier")
def get_dossier(request, ref: str):
    """The dossier by its code (or its number while it has none), for officers of its agencies."""
    dossier = (
        _by_ref(visible_to(request.auth), ref)
        .select_related(
            "procedure_version__procedure", "receiving_agency", "resolving_agency", "returning_agency", "extension"
        )
        .first()
    )
    if dossier is None:
        raise Http404("No such dossier.")
    steps = (
        DossierStep.objects.filter(dossier=dossier).select_related("agency", "assignee").order_by("stage", "position")
    )
    suspension = Suspension.objects.filter(dossier=dossier, ended_at__isnull=True).order_by("-started_at").first()
    extension = getattr(dossier, "extension", None)
    status = Status(dossier.status)
    return {
        **{
            name: getattr(dossier, name)
            for name in (
                "id",
                "code",
                "status",
                "revision",
                "channel",
                "return_method",
                "return_address",
                "sets",
                "fees_collected",
                "note",
                "submitted_at",
                "received_at",
                "acceptance_due_at",
                "due_at",
                "original_due_at",
                "index_due_at",
                "processed_at",
                "finished_at",
                "supplement_requests",
            )
        },
        "procedure_code": dossier.procedure_version.procedure.code,
        "procedure_name": dossier.procedure_version.name,
        "receiving_agency": _agency(dossier.receiving_agency),
        "resolving_agency": _agency(dossier.resolving_agency),
        "returning_agency": _agency(dossier.returning_agency),
        "applicant": {
            "kind": dossier.applicant_kind,
            "name": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "birth_date": dossier.applicant_birth_date,
            "address": dossier.applicant_address,
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "representative_name": dossier.representative_name,
            "representative_id_number": dossier.representative_id_number,
        },
        "open_suspension": suspension,
        "extension": extension,
        "steps": [
            {
                "id": s.pk,
                "stage": s.stage,
                "position": s.position,
                "name": s.name,
                "role": s.role,
                "agency": _agency(s.agency),
                "state": s.state,
                "assignee": s.assignee.username if s.assignee else None,
                "due_at": s.due_at,
                "started_at": s.started_at,
                "finished_at": s.finished_at,
                "timing": s.timing,
            }
            for s in steps
        ],
        "documents": list(
            DossierDocument.objects.filter(dossier=dossier).values(
                "id", "name", "form", "quantity", "content_type", "size", "sha256", "added_in", "added_at"
            )
        ),
        "actions": [a for a in _OFFICE_ACTIONS if status in TRANSITIONS[a].sources],
    }


@router.get("/{ref}/events", response=list[EventOut], summary="The control slip (phiếu kiểm soát)")
def get_events(request, ref: str):
    """Every event of the dossier in order: who did what, in which agency, on time or late."""
    rows = (
        Event.objects.filter(dossier__in=_by_ref(visible_to(request.auth), ref).values("pk"))
        .order_by("at", "id")
        .values(
            "at",
            "action",
            "from_status",
            "to_status",
            "actor_name",
            "agency__identifier",
            "to_agency__identifier",
            "step__name",
            "timing",
            "note",
            "data",
        )
    )
    events = [
        {
            "at": r["at"],
            "action": r["action"],
            "from_status": r["from_status"],
            "to_status": r["to_status"],
            "actor": r["actor_name"],
            "agency": r["agency__identifier"],
            "to_agency": r["to_agency__identifier"],
            "step": r["step__name"],
            "timing": r["timing"],
            "note": r["note"],
            "data": r["data"],
        }
        for r in rows
    ]
    if not events:  # every dossier has at least the event that created it
        raise Http404("No such dossier.")
    return events


# -- actions ------------------------------------------------------------------------------------


class Revision(Schema):
    revision: int | None = Field(
        None, description="The `revision` last read: the action is refused (409) if the dossier changed since."
    )


class NoteIn(Revision):
    note: str = Field("", max_length=2000)


class CompleteStepIn(NoteIn):
    step_id: int | None = Field(None, description="Which of my active steps, when I have several.")


class AssignIn(Revision):
    specialist: str = Field(max_length=150, description="Username of a specialist of the step's agency.")


class ItemsIn(Revision):
    items: list[str] = Field(max_length=100, description="Every missing item.")
    reasons: str = Field("", max_length=2000)


class ReasonsIn(Revision):
    reasons: str = Field(max_length=2000)


class WithdrawIn(Revision):
    reasons: str = Field("", max_length=2000)


class SupplementIn(NoteIn):
    documents: list[DocumentIn] = Field(default_factory=list, max_length=100)


class ExtendIn(Revision):
    new_due_at: dt.datetime = Field(description="The new return date (Form 04).")
    reason: str = Field(max_length=2000)


ACTION_RESPONSES = {200: DossierState, 404: Error, **dict.fromkeys(ERRORS, Error)}


def _act(request, ref: str, action: Callable):
    """Run a workflow action on a dossier the officer can see; refusals become 403/409/422."""
    dossier_id = _dossier_id(request.auth, ref)
    with translation.override("en"):
        try:
            dossier = action(dossier_id, request.auth)
        except ActionError as exc:
            return _refusal(exc)
    return Reply(200, _state(dossier))


def _action(name: str, summary: str):
    return router.post(
        f"/{{ref}}/actions/{name}", response=ACTION_RESPONSES, summary=summary, operation_id=f"dossier_{name}"
    )


@_action("receive", "Accept a dossier waiting for reception (Form 01)")
def act_receive(request, ref: str, payload: Revision | None = None):
    payload = payload or Revision()
    return _act(request, ref, lambda pk, actor: services.receive_existing(pk, actor, revision=payload.revision))


@_action("request_supplement_at_reception", "Ask for a supplement at reception (Form 02)")
def act_request_supplement_at_reception(request, ref: str, payload: ItemsIn):
    return _act(
        request,
        ref,
        lambda pk, actor: services.request_supplement_at_reception(
            pk, actor, items=payload.items, reasons=payload.reasons, revision=payload.revision
        ),
    )


@_action("refuse_at_reception", "Refuse to receive (Form 03)")
def act_refuse_at_reception(request, ref: str, payload: ReasonsIn):
    return _act(
        request,
        ref,
        lambda pk, actor: services.refuse_at_reception(pk, actor, reasons=payload.reasons, revision=payload.revision),
    )


@_action("complete_step", "Finish my step and hand the dossier over")
def act_complete_step(request, ref: str, payload: CompleteStepIn | None = None):
    payload = payload or CompleteStepIn()
    return _act(
        request,
        ref,
        lambda pk, actor: services.complete_step(
            pk, actor, note=payload.note, step_id=payload.step_id, revision=payload.revision
        ),
    )


@_action("assign", "Assign the specialist step to a specialist")
def act_assign(request, ref: str, payload: AssignIn):
    def assign(pk, actor):
        specialist = get_user_model().objects.filter(username=payload.specialist, is_active=True).first()
        if specialist is None:
            raise services.Invalid("There is no active officer with this username.", "specialist")
        return services.assign(pk, actor, specialist, revision=payload.revision)

    return _act(request, ref, assign)


@_action("request_supplement", "Ask the applicant for a supplement (the clock pauses)")
def act_request_supplement(request, ref: str, payload: ItemsIn):
    return _act(
        request,
        ref,
        lambda pk, actor: services.request_supplement(
            pk, actor, items=payload.items, reasons=payload.reasons, revision=payload.revision
        ),
    )


@_action("supplement", "Record the applicant's supplement")
def act_supplement(request, ref: str, payload: SupplementIn | None = None):
    payload = payload or SupplementIn()
    return _act(
        request,
        ref,
        lambda pk, actor: services.supplement(
            pk, actor, documents=_uploads(payload.documents, request), note=payload.note, revision=payload.revision
        ),
    )


@_action("approve", "Approve and sign the result")
def act_approve(request, ref: str, payload: NoteIn | None = None):
    payload = payload or NoteIn()
    return _act(
        request, ref, lambda pk, actor: services.approve(pk, actor, note=payload.note, revision=payload.revision)
    )


@_action("refuse", "Refuse after appraisal")
def act_refuse(request, ref: str, payload: ReasonsIn):
    return _act(
        request, ref, lambda pk, actor: services.refuse(pk, actor, reasons=payload.reasons, revision=payload.revision)
    )


@_action("extend", "Apologise and set a new return date (Form 04)")
def act_extend(request, ref: str, payload: ExtendIn):
    new_due_at = payload.new_due_at
    if timezone.is_naive(new_due_at):
        new_due_at = timezone.make_aware(new_due_at)
    return _act(
        request,
        ref,
        lambda pk, actor: services.extend(
            pk, actor, new_due_at=new_due_at, reason=payload.reason, revision=payload.revision
        ),
    )


@_action("withdraw", "Stop at the applicant's request (Form 05)")
def act_withdraw(request, ref: str, payload: WithdrawIn | None = None):
    payload = payload or WithdrawIn()
    return _act(
        request, ref, lambda pk, actor: services.withdraw(pk, actor, reasons=payload.reasons, revision=payload.revision)
    )


@_action("notify_early_return", "Tell the applicant the result is ready early")
def act_notify_early_return(request, ref: str, payload: Revision | None = None):
    payload = payload or Revision()
    return _act(request, ref, lambda pk, actor: services.notify_early_return(pk, actor, revision=payload.revision))


@_action("return_result", "Return the result")
def act_return_result(request, ref: str, payload: NoteIn | None = None):
    payload = payload or NoteIn()
    return _act(
        request, ref, lambda pk, actor: services.return_result(pk, actor, note=payload.note, revision=payload.revision)
    )
