"""The only writer of dossiers: reception, every transition of the workflow, deadlines and codes.

Each public function runs in one transaction: it locks the dossier, checks the transition against
`workflow.TRANSITIONS`, the actor's role and agency, changes the dossier and appends events to the
control slip. A refused action raises `ActionError` (403 not allowed, 409 conflicting state,
422 bad input) and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency, Assignment
from motcua.agencies.services import ancestor_paths, schedule_for
from motcua.catalog import online_form
from motcua.catalog import services as catalog
from motcua.catalog.models import ProcedureVersion, ProcessStep, ProcessTemplate
from motcua.core import clock
from motcua.core.errors import ActionError, Conflict, Invalid, NotAllowed
from motcua.core.people import full_name
from motcua.core.text import fold, nfc
from motcua.notifications import services as notifications
from motcua.notifications.texts import TOLD
from motcua.payments import services as payments
from motcua.workdays.calendar import VN_TZ, Unit, WorkCalendar
from motcua.workdays.services import calendar_for

from . import validation
from .codes import format_code
from .models import (
    ApplicantKind,
    Channel,
    DailyCounter,
    Dossier,
    DossierDocument,
    DossierStep,
    Event,
    Extension,
    ReturnMethod,
    Suspension,
)
from .workflow import OPEN, TRANSITIONS, Status, Transition, Where


@dataclass
class Applicant:
    kind: str
    name: str
    id_number: str
    address: str
    birth_date: dt.date | None = None
    phone: str = ""
    email: str = ""
    representative_name: str = ""
    representative_id_number: str = ""


@dataclass
class Upload:
    """A scanned component as received: which required document, its form, and the file."""

    name: str
    form: str
    quantity: int = 1
    required_document_id: int | None = None
    filename: str = ""
    content: bytes = b""
    # Online: a document of the applicant's earlier dossier given again instead of a new file.
    reuse_of: int | None = None
    # A document of the applicant's data warehouse (documents.Document) given again, not scanned.
    reuse_document: int | None = None


@dataclass
class Reception:
    """What the receptionist typed at the counter."""

    procedure_code: str
    applicant: Applicant
    documents: list[Upload] = field(default_factory=list)
    channel: str = Channel.IN_PERSON
    return_method: str = ReturnMethod.COUNTER
    return_address: str = ""
    returning_agency_id: int | None = None
    resolving_agency_id: int | None = None
    fees_collected: int = 0
    sets: int = 1
    note: str = ""


# -- who may act --------------------------------------------------------------------------------


def holds_role(user, roles: Iterable[str], agency: Agency) -> bool:
    """Whether the user holds one of the roles in the agency or in an agency above it (one query)."""
    if user is None or not user.is_authenticated:
        return False
    # The assignment's agency is the agency itself or one of its ancestors.
    return Assignment.objects.filter(
        officer=user, role__in=list(roles), agency__is_active=True, agency__path__in=ancestor_paths(agency.path)
    ).exists()


def _check_actor(transition: Transition, dossier: Dossier | None, actor, agency: Agency) -> None:
    if transition.where is Where.SYSTEM:
        if actor is not None:
            raise NotAllowed(_("Only the system may do this."))
        return
    if transition.where is Where.APPLICANT:
        return
    if not holds_role(actor, transition.roles, agency):
        raise NotAllowed(
            _("You do not hold the role needed (%(roles)s) in %(agency)s.")
            % {"roles": ", ".join(sorted(transition.roles)), "agency": agency.name}
        )


# -- time ---------------------------------------------------------------------------------------


def is_paper(channel: str) -> bool:
    """Paper dossiers (at a counter, by post) follow the 15:00 cut-off; online and VNeID ones do not."""
    return channel in (Channel.IN_PERSON, Channel.POSTAL)


def calendar_of(agency: Agency) -> WorkCalendar:
    return calendar_for(schedule_for(agency))


def _limit(version: ProcedureVersion) -> tuple[float, Unit]:
    return float(version.time_limit_amount), Unit(version.time_limit_unit)


def _step_positions(calendar: WorkCalendar, start: int, version: ProcedureVersion, steps: Sequence) -> list[int]:
    """Due position of each step: the clock start plus the shares of the stages up to its own."""
    unit = Unit(version.time_limit_unit)
    stage_length: dict[int, Decimal] = {}
    for step in steps:
        stage_length[step.stage] = max(stage_length.get(step.stage, Decimal(0)), Decimal(step.share))
    positions = []
    for step in steps:
        elapsed = sum((v for k, v in stage_length.items() if k <= step.stage), Decimal(0))
        if unit is Unit.SAME_DAY:
            positions.append(calendar.add(start, float(elapsed), Unit.WORKING_HOURS))
        else:
            positions.append(calendar.add(start, float(elapsed), unit))
    return positions


def _timing(finished: dt.datetime, due: dt.datetime | None) -> str:
    """Early (finished on an earlier day), on time, or late — as the control slip records it."""
    if due is None:
        return DossierStep.Timing.ON_TIME
    if finished > due:
        return DossierStep.Timing.LATE
    if finished.astimezone(VN_TZ).date() < due.astimezone(VN_TZ).date():
        return DossierStep.Timing.EARLY
    return DossierStep.Timing.ON_TIME


# -- codes --------------------------------------------------------------------------------------


def next_code(agency: Agency, day: dt.date) -> str:
    """The next code of an agency for a day; one statement, gap-free, safe under concurrency.

    The increment happens in the caller's transaction, so a reception that fails gives its number
    back, and two receptions at once wait for each other on the counter row.
    """
    table = DailyCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 — table name is ours
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        sequence = cursor.fetchone()[0]
    return format_code(agency.identifier, day, sequence)


# -- events -------------------------------------------------------------------------------------


def _event(dossier: Dossier, action: str, actor, *, at, before: str = "", agency=None, actor_name="", **extra):
    officer = actor if getattr(actor, "is_authenticated", False) else None
    event = Event.objects.create(
        dossier=dossier,
        at=at,
        action=action,
        from_status=before or "",
        to_status=dossier.status,
        actor=officer,
        actor_name=full_name(officer) if officer else actor_name,
        agency=agency,
        **extra,
    )
    notifications.for_dossier(dossier, action, event)
    return event


def _event_unless_clock_waits(dossier_id: int, action: str, actor, *, at, note: str = "", data=None) -> bool:
    """The control-slip entry of an action that changes nothing else on a dossier whose clock runs (or
    that is closed), in one INSERT … SELECT that reads the dossier's status as it writes: payments
    call this for every callback. False, and nothing written, when the dossier's clock waits for this
    action or there is no such dossier. Only for actions the applicant is not told of."""
    if action in TOLD:
        raise ValueError(f"{action} tells the applicant: use _event.")
    officer = actor if getattr(actor, "is_authenticated", False) else None
    ops = connection.ops
    waiting = ", ".join(["%s"] * len(OPEN))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Event._meta.db_table} (dossier_id, at, action, from_status, to_status, actor_id,"  # noqa: S608
            " actor_name, agency_id, to_agency_id, step_id, timing, note, data)"
            " SELECT id, %s, %s, status, status, %s, %s, NULL, NULL, NULL, '', %s, %s"
            f" FROM {Dossier._meta.db_table} WHERE id = %s"
            f" AND NOT (clock_started_at IS NULL AND received_at IS NOT NULL AND status IN ({waiting}))",
            [
                ops.adapt_datetimefield_value(at),
                action,
                officer.pk if officer else None,
                full_name(officer) if officer else "",
                note,
                ops.adapt_json_value(data or {}, None),
                dossier_id,
                *sorted(status.value for status in OPEN),
            ],
        )
        return cursor.rowcount == 1


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.revision += 1
    dossier.save(update_fields=[*fields, "revision", "updated_at"])


def _lock(dossier_id: int, expected_revision: int | None) -> Dossier:
    try:
        dossier = (
            Dossier.objects.select_for_update()
            .select_related("procedure_version__procedure", "receiving_agency", "resolving_agency", "returning_agency")
            .get(pk=dossier_id)
        )
    except Dossier.DoesNotExist as exc:
        raise Invalid(_("There is no such dossier.")) from exc
    if expected_revision is not None and dossier.revision != expected_revision:
        raise Conflict(_("Someone else changed this dossier a moment ago. Reload it and try again."))
    return dossier


def _transition(action: str, dossier: Dossier | None) -> Transition:
    transition = TRANSITIONS[action]
    status = Status(dossier.status) if dossier else None
    if status not in transition.sources:
        raise Conflict(
            _("“%(action)s” is not possible while the dossier is “%(status)s”.")
            % {"action": transition.label, "status": dossier.status_label if dossier else "—"}
        )
    return transition


# -- reception ----------------------------------------------------------------------------------


def _clean_applicant(applicant: Applicant) -> Applicant:
    if applicant.kind not in ApplicantKind.values:
        raise Invalid(_("Choose a person or an organisation."), "applicant_kind")
    name = nfc(applicant.name or "")
    if not name:
        raise Invalid(_("Enter the applicant's name."), "applicant_name")
    address = nfc(applicant.address or "")
    if not address:
        raise Invalid(_("Enter the applicant's address."), "applicant_address")
    try:
        if applicant.kind == ApplicantKind.PERSON:
            id_number = validation.citizen_id(applicant.id_number)
        else:
            id_number = validation.tax_code(applicant.id_number)
            if not nfc(applicant.representative_name or ""):
                raise Invalid(_("Enter the organisation's representative."), "representative_name")
        phone = validation.phone(applicant.phone)
    except validation.InvalidInput as exc:
        raise Invalid(exc.message, exc.field) from exc
    if applicant.birth_date and applicant.birth_date > timezone.localdate():
        raise Invalid(_("The date of birth cannot be in the future."), "applicant_birth_date")
    return Applicant(
        kind=applicant.kind,
        name=name,
        id_number=id_number,
        address=address,
        birth_date=applicant.birth_date,
        phone=phone,
        email=(applicant.email or "").strip(),
        representative_name=nfc(applicant.representative_name or ""),
        representative_id_number=(applicant.representative_id_number or "").strip(),
    )


def _applicant_fields(applicant: Applicant) -> dict:
    """The dossier's columns for a checked applicant, with the accent-free search key."""
    return {
        "applicant_kind": applicant.kind,
        "applicant_name": applicant.name,
        "applicant_id_number": applicant.id_number,
        "applicant_birth_date": applicant.birth_date,
        "applicant_address": applicant.address,
        "applicant_phone": applicant.phone,
        "applicant_email": applicant.email,
        "representative_name": applicant.representative_name,
        "representative_id_number": applicant.representative_id_number,
        "search_text": " " + fold(applicant.name),
    }


def _clean_uploads(uploads: Sequence[Upload]) -> list[tuple[Upload, str]]:
    checked = []
    for upload in uploads:
        if upload.form not in DossierDocument.Form.values:
            raise Invalid(
                _("Choose original, copy or certified copy for “%(name)s”.") % {"name": upload.name}, "documents"
            )
        content_type = ""
        if upload.content:
            try:
                content_type = validation.scan(upload.filename or upload.name, upload.content[:16], len(upload.content))
            except validation.InvalidInput as exc:
                raise Invalid(exc.message, exc.field) from exc
        checked.append((upload, content_type))
    return checked


def _store_documents(
    dossier: Dossier, uploads: list[tuple[Upload, str]], stage: str, reused=None, *, from_warehouse=None, by=None
) -> None:
    """Keep the components: new bytes go into the content-addressed store and become a document
    (version 1) of the applicant's data warehouse; a reused one points at the same blob and document.
    Called inside the dossier's transaction: rows are never left without their blob."""
    from motcua.documents import store, warehouse
    from motcua.documents.models import Document

    documents = []
    reused = reused or {}
    from_warehouse = from_warehouse or {}
    kind = Document.Kind.RESULT if stage == "result" else Document.Kind.COMPONENT
    owner = None
    new = []
    for upload, content_type in uploads:
        row = DossierDocument(
            dossier=dossier,
            required_document_id=upload.required_document_id,
            name=nfc(upload.name),
            form=upload.form,
            quantity=max(1, upload.quantity),
            added_in=stage,
        )
        source = reused.get(upload.reuse_of) if upload.reuse_of else None
        kept = from_warehouse.get(upload.reuse_document) if upload.reuse_document else None
        if source is not None:
            # The same stored file and fingerprint: nothing is copied, the officer sees it was reused.
            row.file, row.content_type, row.size, row.sha256 = (
                source.file.name,
                source.content_type,
                source.size,
                source.sha256,
            )
            row.blob_id, row.document_id, row.reused_from = source.blob_id, source.document_id, source
        elif kept is not None:
            blob = kept.current.blob
            row.file, row.content_type, row.size, row.sha256 = blob.name, blob.content_type, blob.size, blob.sha256
            row.blob, row.document = blob, kept
            row.reused_from = kept.components.order_by("-id").first()
        elif upload.content:
            blob = store.put(upload.content, content_type)
            owner = owner if owner is not None else warehouse.for_dossier(dossier)
            fields = {"kind": kind, "title": row.name, "source_dossier": dossier, **owner}
            new.append((row, blob, {**fields, "required_document_id": upload.required_document_id}))
            # The page's file is the blob itself: one copy of the bytes, served as before.
            row.file, row.content_type, row.size, row.sha256, row.blob = (
                blob.name,
                content_type,
                blob.size,
                blob.sha256,
                blob,
            )
        documents.append(row)
    if new:
        kept = store.new_documents([(blob, fields) for _row, blob, fields in new], by=by)
        for (row, _blob, _fields), document in zip(new, kept, strict=True):
            row.document = document
    DossierDocument.objects.bulk_create(documents)


def _from_warehouse(owner, documents: Sequence[Upload]) -> dict:
    """The warehouse documents to give again: only the applicant's own, each with a version."""
    from motcua.documents import warehouse

    wanted = {d.reuse_document for d in documents if d.reuse_document}
    if not wanted:
        return {}
    found = {d.pk: d for d in warehouse.documents(owner).filter(pk__in=wanted, versions__isnull=False).distinct()}
    if set(found) != wanted:
        raise Invalid(_("A document to reuse is not among the applicant's documents."), "documents")
    return found


def default_resolving_agency(version: ProcedureVersion, centre: Agency, chosen_id: int | None = None) -> Agency:
    """The agency that resolves a dossier received at `centre` (or the one chosen, if it may)."""
    candidates = Agency.objects.filter(
        procedureagency__procedure=version.procedure, procedureagency__role="resolving", is_active=True
    )
    if chosen_id:
        agency = candidates.filter(pk=chosen_id).first()
        if agency is None:
            raise Invalid(_("That agency does not resolve this procedure."), "resolving_agency")
        return agency
    # The commune's own People's Committee when the centre belongs to one that resolves it;
    # otherwise the first resolving agency (a provincial department).
    own = candidates.filter(pk__in=[int(p) for p in centre.path.strip("/").split("/")]).order_by("-path").first()
    # Otherwise a provincial agency before any commune: a commune's dossier received elsewhere
    # (phi địa giới) names its commune explicitly.
    agency = own or candidates.exclude(kind__in=Agency.COMMUNE_KINDS).order_by("path").first()
    agency = agency or candidates.order_by("path").first()
    if agency is None:
        raise Invalid(_("No agency of this province resolves this procedure yet."), "procedure")
    return agency


def receive_at_counter(actor, centre: Agency, data: Reception, outcome: str, *, reasons: str = "", items=()):
    """A dossier brought to a counter, ending with one of the three outcomes of reception.

    outcome "receive": Form 01 with the code and appointment; "supplement": Form 02 listing every
    missing item (once); "refuse": Form 03 with reasons. Bad input raises Invalid and saves nothing.
    """
    action = {
        "receive": "receive",
        "supplement": "request_supplement_at_reception",
        "refuse": "refuse_at_reception",
    }.get(outcome)
    if action is None:
        raise Invalid(_("Choose how the reception ends."), "outcome")
    if not centre.is_centre:
        raise Invalid(_("Dossiers are received at a service centre."), "centre")
    transition = _transition(action, None)
    _check_actor(transition, None, actor, centre)
    version = _version_for_reception(data.procedure_code)
    if version is None:
        raise Invalid(
            _("There is no procedure in force with code %(code)s.") % {"code": data.procedure_code}, "procedure"
        )
    applicant = _clean_applicant(data.applicant)
    uploads = _clean_uploads(data.documents)
    from motcua.documents import warehouse

    from_warehouse = _from_warehouse(warehouse.at_counter(applicant.kind, applicant.id_number), data.documents)
    if data.fees_collected < 0:
        raise Invalid(_("Fees cannot be negative."), "fees_collected")
    if data.return_method not in ReturnMethod.values:
        raise Invalid(_("Choose how the result is returned."), "return_method")
    if data.return_method == ReturnMethod.POST and not nfc(data.return_address):
        raise Invalid(_("Enter the address to post the result to."), "return_address")
    if outcome != "receive" and not (nfc(reasons) or list(items)):
        raise Invalid(_("Write the reasons, or list the missing items."), "reasons")
    now = clock.now()
    with transaction.atomic():
        resolving = default_resolving_agency(version, centre, data.resolving_agency_id)
        returning = centre
        if data.returning_agency_id:
            returning = Agency.objects.filter(pk=data.returning_agency_id, kind__in=Agency.CENTRE_KINDS).first()
            if returning is None:
                raise Invalid(_("The result can be returned at a service centre only."), "returning_agency")
        dossier = Dossier(
            procedure_version=version,
            channel=data.channel,
            status="",
            receiving_agency=centre,
            resolving_agency=resolving,
            returning_agency=returning,
            return_method=data.return_method,
            return_address=nfc(data.return_address),
            **_applicant_fields(applicant),
            sets=max(1, data.sets),
            fees_collected=data.fees_collected,
            note=data.note,
            submitted_at=now,
            created_by=actor,
        )
        dossier.status = transition.target
        if outcome == "receive":
            _accept(dossier, actor, now, centre, before="")
        else:
            dossier.finished_at = now if outcome == "refuse" else None
            dossier.reception_supplement_requested = outcome == "supplement"
            dossier.save()
            if outcome == "supplement":
                _open_suspension(dossier, actor, now, reasons, items, at_reception=True)
            _event(dossier, action, actor, at=now, agency=centre, note=nfc(reasons), data={"items": list(items)})
        _store_documents(dossier, uploads, "reception", from_warehouse=from_warehouse, by=actor)
    return dossier


def _version_for_reception(code: str) -> ProcedureVersion | None:
    """The version in force, without what only its public page needs (documents, fees)."""
    on = timezone.localdate(clock.now())
    return (
        ProcedureVersion.objects.filter(catalog.in_force(on), procedure__code=code).select_related("procedure").first()
    )


def _process_steps(version: ProcedureVersion, agency: Agency) -> list[ProcessStep] | None:
    """The steps of the agency's own process where the procedure allows one, else of the model
    process (as `catalog.process_for` chooses), in one statement; None without any process."""
    templates = Q(agency__isnull=True)
    if version.procedure.allow_agency_override:
        templates |= Q(agency=agency)
    rows = list(
        ProcessTemplate.objects.filter(templates, version=version).values_list(
            "agency_id",
            "steps__stage",
            "steps__position",
            "steps__name",
            "steps__role",
            "steps__agency_role",
            "steps__coordinating_agency_id",
            "steps__share",
        )
    )
    if not rows:
        return None
    own = any(row[0] is not None for row in rows)
    chosen = sorted((row for row in rows if (row[0] is not None) == own and row[1] is not None), key=lambda r: r[1:3])
    return [
        ProcessStep(
            stage=stage,
            position=position,
            name=name,
            role=role,
            agency_role=agency_role,
            coordinating_agency_id=coordinating,
            share=share,
        )
        for _agency, stage, position, name, role, agency_role, coordinating, share in chosen
    ]


def _accept(dossier: Dossier, actor, now: dt.datetime, centre: Agency, *, before: str) -> None:
    """Give the dossier its code, its clock, its appointment and its steps (outcome 1, Form 01)."""
    version = dossier.procedure_version
    calendar = calendar_of(dossier.resolving_agency)
    dossier.status = Status.RECEIVED
    dossier.received_at = now
    dossier.code = next_code(dossier.resolving_agency, timezone.localdate(now))
    # Where the procedure counts its time limit from payment and fees are due, the clock (and the
    # steps' due times) wait for the payment: see start_clock.
    waits = payments.clock_waits(dossier, now)
    dossier.clock_started_at = None if waits else now
    amount, unit = _limit(version)
    paper = is_paper(dossier.channel)
    dossier.due_at = None if waits else calendar.due(now, amount, unit, paper=paper)
    dossier.original_due_at = dossier.index_due_at = dossier.due_at
    if dossier.pk:
        _save(dossier, "status", "received_at", "code", "clock_started_at", "due_at", "original_due_at", "index_due_at")
    else:
        dossier.save()
    _create_steps(dossier, calendar, calendar.clock_start(now, paper=paper), now)
    payments.open_invoice_on_commit(dossier, actor=actor, at=now)
    # An online dossier must be accepted (or sent back) within 8 working hours; the control slip
    # keeps whether that was met, for the statistics.
    timing = _timing(now, dossier.acceptance_due_at) if dossier.acceptance_due_at else ""
    _event(
        dossier,
        "receive",
        actor,
        at=now,
        before=before,
        agency=centre,
        to_agency=dossier.resolving_agency,
        timing=timing,
    )


def _create_steps(dossier: Dossier, calendar: WorkCalendar, start: int, now: dt.datetime) -> None:
    version = dossier.procedure_version
    steps = _process_steps(version, dossier.resolving_agency)
    if not steps:
        amount, _unit = _limit(version)
        total = Decimal(8) if Unit(version.time_limit_unit) is Unit.SAME_DAY else Decimal(str(amount))
        steps = [
            ProcessStep(
                stage=1,
                name="Tiếp nhận, chuyển hồ sơ",
                role="receptionist",
                agency_role="receiving_centre",
                share=total * Decimal("0.05"),
            ),
            ProcessStep(
                stage=2, name="Thẩm định", role="specialist", agency_role="resolving", share=total * Decimal("0.7")
            ),
            ProcessStep(
                stage=3, name="Phê duyệt", role="leader", agency_role="resolving", share=total * Decimal("0.2")
            ),
            ProcessStep(
                stage=4,
                name="Trả kết quả",
                role="receptionist",
                agency_role="receiving_centre",
                share=total * Decimal("0.05"),
            ),
        ]
    last_stage = max(s.stage for s in steps)
    resolving_seen = False
    positions = _step_positions(calendar, start, version, steps)
    first_stage = min(s.stage for s in steps)
    rows = []
    for position, (step, due) in enumerate(zip(steps, positions, strict=True)):
        if step.agency_role == "receiving_centre":
            # A centre step after the resolving agency's work is the return of the result.
            agency = (
                dossier.returning_agency if resolving_seen and step.stage == last_stage else dossier.receiving_agency
            )
        elif step.agency_role == "coordinating":
            agency = step.coordinating_agency or dossier.resolving_agency
        else:
            agency = dossier.resolving_agency
            resolving_seen = True
        active = step.stage == first_stage
        rows.append(
            DossierStep(
                dossier=dossier,
                stage=step.stage,
                position=position,
                name=step.name,
                role=step.role,
                agency=agency,
                share=step.share,
                state=DossierStep.State.ACTIVE if active else DossierStep.State.WAITING,
                started_at=now if active else None,
                due_at=min(calendar.instant(due), dossier.due_at) if dossier.due_at else None,
            )
        )
    DossierStep.objects.bulk_create(rows)


def submit_online(version_code: str, centre: Agency, applicant: Applicant, documents=(), **options) -> Dossier:
    """An online dossier: technical acknowledgement now, official acceptance within 8 working hours.

    Options: `owner` (the portal account that submits and alone follows it), `form_data` (the
    answers of the procedure's online form, checked here against its fields), `return_method`,
    `return_address`, `returning_agency_id` (a service centre), `resolving_agency_id`, `channel`.
    An upload with `reuse_of` gives again a document of one of the owner's earlier dossiers.
    """
    version = _version_for_reception(version_code)
    if version is None:
        raise Invalid(_("There is no procedure in force with code %(code)s.") % {"code": version_code}, "procedure")
    if "online" not in version.channels:
        raise Invalid(_("This procedure cannot be submitted online."), "procedure")
    owner = options.get("owner")
    applicant = _clean_applicant(applicant)
    documents = list(documents)
    reused = _reused_documents(owner, documents)
    uploads = _clean_uploads([d for d in documents if not d.reuse_of])
    uploads += [(d, "") for d in documents if d.reuse_of]
    form_data = _clean_form_data(version, options.get("form_data"))
    return_method = options.get("return_method", ReturnMethod.ONLINE)
    if return_method not in ReturnMethod.values:
        raise Invalid(_("Choose how the result is returned."), "return_method")
    return_address = nfc(options.get("return_address", ""))
    if return_method == ReturnMethod.POST and not return_address:
        raise Invalid(_("Enter the address to post the result to."), "return_address")
    now = clock.now()
    with transaction.atomic():
        resolving = default_resolving_agency(version, centre, options.get("resolving_agency_id"))
        returning = centre
        if options.get("returning_agency_id"):
            returning = Agency.objects.filter(
                pk=options["returning_agency_id"], kind__in=Agency.CENTRE_KINDS, is_active=True
            ).first()
            if returning is None:
                raise Invalid(_("The result can be returned at a service centre only."), "returning_agency")
        calendar = calendar_of(centre)
        acceptance = calendar.add(calendar.position(now), settings.MOTCUA_ONLINE_ACCEPTANCE_HOURS, Unit.WORKING_HOURS)
        dossier = Dossier.objects.create(
            procedure_version=version,
            channel=options.get("channel", Channel.ONLINE),
            status=Status.SUBMITTED,
            receiving_agency=centre,
            resolving_agency=resolving,
            returning_agency=returning,
            return_method=return_method,
            return_address=return_address,
            **_applicant_fields(applicant),
            submitted_at=now,
            acceptance_due_at=calendar.instant(acceptance),
            owner=owner,
            form_data=form_data,
        )
        _store_documents(dossier, uploads, "reception", reused)
        _event(dossier, "submit", None, at=now, agency=centre, actor_name=applicant.name)
    return dossier


def _reused_documents(owner, documents: Sequence[Upload]) -> dict[int, DossierDocument]:
    """The earlier documents to give again: only those of the owner's own dossiers, with a file."""
    wanted = {d.reuse_of for d in documents if d.reuse_of}
    if not wanted:
        return {}
    if owner is None:
        raise Invalid(_("Only a portal account may reuse documents of its earlier dossiers."), "documents")
    from motcua.documents import warehouse

    found = {d.pk: d for d in warehouse.reusable(owner).filter(pk__in=wanted)}
    if set(found) != wanted:
        raise Invalid(_("A document to reuse is not among the documents of your dossiers."), "documents")
    return found


def _clean_form_data(version: ProcedureVersion, data) -> dict:
    """The checked answers of the online form; the first wrong answer is refused by its field."""
    if data is None:
        return {}
    values, errors = online_form.clean(list(version.form_fields.all()), data)
    if errors:
        name, message = next(iter(errors.items()))
        raise Invalid(message, f"form_{name}")
    return values


# -- transitions on an existing dossier -----------------------------------------------------------


def _active_step_for(dossier: Dossier, actor, roles: Iterable[str], step_id: int | None = None) -> DossierStep:
    steps = dossier.steps.select_for_update().filter(state=DossierStep.State.ACTIVE, role__in=list(roles))
    if step_id:
        steps = steps.filter(pk=step_id)
    steps = list(steps.select_related("agency"))
    for step in steps:
        if holds_role(actor, [step.role], step.agency) and (step.assignee_id in (None, actor.pk)):
            return step
    if steps:
        step = steps[0]
        raise NotAllowed(
            _("This step (%(step)s) belongs to %(agency)s; you hold no role for it there.")
            % {"step": step.name, "agency": step.agency.name}
        )
    raise Conflict(_("No step of this dossier is waiting for you (it may have been handed over already)."))


def _agency_for(where: Where, dossier: Dossier) -> Agency:
    return {
        Where.RECEIVING: dossier.receiving_agency,
        Where.RESOLVING: dossier.resolving_agency,
        Where.RETURNING: dossier.returning_agency,
    }.get(where, dossier.resolving_agency)


def _finish_step(step: DossierStep, actor, now: dt.datetime) -> None:
    step.state = DossierStep.State.DONE
    step.finished_at = now
    step.finished_by = actor
    step.timing = _timing(now, step.due_at)
    step.save(update_fields=["state", "finished_at", "finished_by", "timing"])


def _activate_next_stage(dossier: Dossier, now: dt.datetime) -> list[DossierStep]:
    if dossier.steps.filter(state=DossierStep.State.ACTIVE).exists():
        return []
    waiting = list(dossier.steps.filter(state=DossierStep.State.WAITING).order_by("stage", "position"))
    if not waiting:
        return []
    stage = waiting[0].stage
    started = [s for s in waiting if s.stage == stage]
    DossierStep.objects.filter(pk__in=[s.pk for s in started]).update(state=DossierStep.State.ACTIVE, started_at=now)
    return started


@transaction.atomic
def complete_step(dossier_id: int, actor, *, note: str = "", step_id: int | None = None, revision: int | None = None):
    """Finish the actor's active step and hand the dossier to the next stage (hand-over event)."""
    dossier = _lock(dossier_id, revision)
    transition = _transition("complete_step", dossier)
    step = _active_step_for(dossier, actor, transition.roles, step_id)
    now = clock.now()
    _finish_step(step, actor, now)
    following = _activate_next_stage(dossier, now)
    before = dossier.status
    if dossier.status != Status.IN_PROGRESS:
        dossier.status = Status.IN_PROGRESS
        _save(dossier, "status")
    else:
        _save(dossier)
    _event(
        dossier,
        "complete_step",
        actor,
        at=now,
        before=before,
        agency=step.agency,
        to_agency=following[0].agency if following else None,
        step=step,
        timing=step.timing,
        note=nfc(note),
        data={"next": [s.name for s in following]},
    )
    return dossier


@transaction.atomic
def assign(dossier_id: int, actor, specialist, *, revision: int | None = None):
    """A leader assigns the active specialist step of his agency to one specialist."""
    dossier = _lock(dossier_id, revision)
    _transition("assign", dossier)
    steps = dossier.steps.select_for_update().filter(state=DossierStep.State.ACTIVE, role="specialist")
    step = next((s for s in steps.select_related("agency") if holds_role(actor, ["leader"], s.agency)), None)
    if step is None:
        raise Conflict(_("No specialist step of your agency is active on this dossier."))
    if not holds_role(specialist, ["specialist"], step.agency):
        raise Invalid(
            _("%(name)s is not a specialist of %(agency)s.") % {"name": specialist, "agency": step.agency.name}
        )
    step.assignee = specialist
    step.save(update_fields=["assignee"])
    _save(dossier)
    _event(
        dossier,
        "assign",
        actor,
        at=clock.now(),
        before=dossier.status,
        agency=step.agency,
        step=step,
        data={"assignee": full_name(specialist)},
    )
    return dossier


def _open_suspension(dossier, actor, now, reasons, items, *, at_reception: bool) -> Suspension:
    calendar = calendar_of(dossier.receiving_agency)
    wait = dossier.procedure_version.supplement_wait_days
    deadline = calendar.instant(calendar.add(calendar.position(now), wait, Unit.WORKING_DAYS))
    return Suspension.objects.create(
        dossier=dossier,
        started_at=now,
        deadline_at=deadline,
        items=[nfc(str(i)) for i in items if str(i).strip()],
        reason=nfc(reasons),
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        at_reception=at_reception,
    )


@transaction.atomic
def request_supplement(dossier_id: int, actor, *, items: Sequence[str], reasons: str, revision: int | None = None):
    """The resolving agency asks for a supplement (within 3 working days of receipt); the clock pauses."""
    dossier = _lock(dossier_id, revision)
    transition = _transition("request_supplement", dossier)
    _check_actor(transition, dossier, actor, dossier.resolving_agency)
    items = [i for i in items if str(i).strip()]
    if not items:
        raise Invalid(_("List every missing item."), "items")
    now = clock.now()
    calendar = calendar_of(dossier.resolving_agency)
    limit_days = settings.MOTCUA_SUPPLEMENT_REQUEST_DAYS
    if calendar.working_seconds_between(dossier.received_at, now) > limit_days * calendar.day_seconds:
        raise Conflict(
            _("A supplement may only be asked within %(days)s working days of receipt.") % {"days": limit_days}
        )
    before = dossier.status
    dossier.status = Status.SUPPLEMENT_REQUESTED
    dossier.supplement_requests += 1
    _save(dossier, "status", "supplement_requests")
    suspension = _open_suspension(dossier, actor, now, reasons, items, at_reception=False)
    _event(
        dossier,
        "request_supplement",
        actor,
        at=now,
        before=before,
        agency=dossier.resolving_agency,
        note=suspension.reason,
        data={"items": suspension.items, "deadline": suspension.deadline_at.isoformat()},
    )
    return dossier


@transaction.atomic
def supplement(dossier_id: int, actor, *, documents: Sequence[Upload] = (), note: str = "", revision=None):
    """The applicant brings (or uploads) what was asked. After acceptance the time limit restarts in
    law, while the index only deducts the waiting time; both due times are kept."""
    dossier = _lock(dossier_id, revision)
    transition = _transition("supplement", dossier)
    if actor is not None:
        _check_actor(transition, dossier, actor, dossier.receiving_agency)
    uploads = _clean_uploads(list(documents))
    now = clock.now()
    suspension = dossier.suspensions.select_for_update().filter(ended_at__isnull=True).order_by("-started_at").first()
    if suspension:
        suspension.ended_at = now
        suspension.save(update_fields=["ended_at"])
    before = dossier.status
    dossier.status = Status.SUPPLEMENTED
    fields = ["status"]
    if dossier.received_at and suspension and not suspension.at_reception:
        calendar = calendar_of(dossier.resolving_agency)
        amount, unit = _limit(dossier.procedure_version)
        paper = is_paper(dossier.channel)
        dossier.clock_started_at = now
        dossier.due_at = calendar.due(now, amount, unit, paper=paper)
        pauses = [(s.started_at, s.ended_at) for s in dossier.suspensions.filter(at_reception=False)]
        dossier.index_due_at = calendar.due(dossier.received_at, amount, unit, paper=paper, suspensions=pauses)
        fields += ["clock_started_at", "due_at", "index_due_at"]
        _reschedule_steps(dossier, calendar, calendar.clock_start(now, paper=paper))
    _save(dossier, *fields)
    _store_documents(dossier, uploads, "supplement", by=actor)
    _event(
        dossier,
        "supplement",
        actor,
        at=now,
        before=before,
        agency=dossier.receiving_agency,
        note=nfc(note),
        actor_name="" if actor else dossier.applicant_name,
    )
    return dossier


def _reschedule_steps(dossier: Dossier, calendar: WorkCalendar, start: int) -> None:
    """After the legal restart, the steps not yet done are due again from the new clock start."""
    steps = list(dossier.steps.order_by("stage", "position"))
    positions = _step_positions(calendar, start, dossier.procedure_version, steps)
    for step, due in zip(steps, positions, strict=True):
        if step.state in (DossierStep.State.WAITING, DossierStep.State.ACTIVE):
            step.due_at = min(calendar.instant(due), dossier.due_at)
            step.save(update_fields=["due_at"])


def start_clock(dossier_id: int, paid_at: dt.datetime, *, actor=None, note: str = "") -> None:
    """The dossier's fees are paid (called by payments, in its transaction): the payment goes on the
    control slip, and a dossier whose procedure counts its time limit from payment, accepted without
    its clock, gets its clock, appointment and steps' due times from `paid_at`, as `_accept` gives
    them. A dossier whose clock already runs is not locked: one statement (callbacks must be cheap)."""
    data = {"paid_at": paid_at.isoformat()}
    at = min(paid_at, clock.now())
    with transaction.atomic(savepoint=False):
        if _event_unless_clock_waits(dossier_id, "pay", actor, at=at, note=note, data=data):
            return
        dossier = _lock(dossier_id, None)
        if dossier.clock_started_at is None and dossier.received_at and Status(dossier.status) in OPEN:
            calendar = calendar_of(dossier.resolving_agency)
            amount, unit = _limit(dossier.procedure_version)
            paper = is_paper(dossier.channel)
            dossier.clock_started_at = paid_at
            dossier.due_at = calendar.due(paid_at, amount, unit, paper=paper)
            dossier.original_due_at = dossier.index_due_at = dossier.due_at
            _save(dossier, "clock_started_at", "due_at", "original_due_at", "index_due_at")
            _reschedule_steps(dossier, calendar, calendar.clock_start(paid_at, paper=paper))
            data["due_at"] = dossier.due_at.isoformat()
        _event(dossier, "pay", actor, at=at, before=dossier.status, note=note, data=data)


@transaction.atomic
def receive_existing(dossier_id: int, actor, *, revision: int | None = None):
    """Accept a dossier waiting in the reception queue (online, or supplemented after Form 02)."""
    dossier = _lock(dossier_id, revision)
    transition = _transition("receive", dossier)
    _check_actor(transition, dossier, actor, dossier.receiving_agency)
    if dossier.code or (dossier.status == Status.SUPPLEMENT_REQUESTED and not dossier.reception_supplement_requested):
        # Received already: a supplement after acceptance continues the dossier, it is not a new reception.
        raise Conflict(_("This dossier is waiting for a supplement after acceptance; record the supplement instead."))
    now = clock.now()
    before = dossier.status
    open_pause = dossier.suspensions.filter(ended_at__isnull=True, at_reception=True).first()
    if open_pause:
        open_pause.ended_at = now
        open_pause.save(update_fields=["ended_at"])
    _accept(dossier, actor, now, dossier.receiving_agency, before=before)
    return dossier


@transaction.atomic
def request_supplement_at_reception(dossier_id: int, actor, *, items: Sequence[str], reasons: str, revision=None):
    """Form 02 for an online dossier in the reception queue: every missing item, only once."""
    dossier = _lock(dossier_id, revision)
    transition = _transition("request_supplement_at_reception", dossier)
    _check_actor(transition, dossier, actor, dossier.receiving_agency)
    if dossier.reception_supplement_requested:
        raise Conflict(_("A supplement can be asked only once at reception."))
    items = [i for i in items if str(i).strip()]
    if not items:
        raise Invalid(_("List every missing item."), "items")
    now = clock.now()
    before = dossier.status
    dossier.status = Status.SUPPLEMENT_REQUESTED
    dossier.reception_supplement_requested = True
    _save(dossier, "status", "reception_supplement_requested")
    _open_suspension(dossier, actor, now, reasons, items, at_reception=True)
    _event(
        dossier,
        "request_supplement_at_reception",
        actor,
        at=now,
        before=before,
        agency=dossier.receiving_agency,
        note=nfc(reasons),
        data={"items": items},
    )
    return dossier


def _finish(dossier_id, actor, action, *, reasons: str, revision, agency_of: Where, require_reasons=True):
    dossier = _lock(dossier_id, revision)
    transition = _transition(action, dossier)
    agency = _agency_for(agency_of, dossier)
    if transition.where is Where.ANY_OF_DOSSIER and actor is not None:
        if not (
            holds_role(actor, transition.roles, dossier.receiving_agency)
            or holds_role(actor, transition.roles, dossier.resolving_agency)
        ):
            raise NotAllowed(_("You are not an officer of this dossier's agencies."))
    elif actor is not None or transition.where is Where.SYSTEM:
        _check_actor(transition, dossier, actor, agency)
    if require_reasons and not nfc(reasons or ""):
        raise Invalid(_("Write the reasons."), "reasons")
    now = clock.now()
    before = dossier.status
    dossier.status = transition.target
    dossier.finished_at = now
    _save(dossier, "status", "finished_at")
    dossier.steps.filter(state__in=[DossierStep.State.ACTIVE, DossierStep.State.WAITING]).update(
        state=DossierStep.State.SKIPPED
    )
    dossier.suspensions.filter(ended_at__isnull=True).update(ended_at=now)
    payments.dossier_closed_on_commit(dossier, actor=actor, action=action, at=now, reasons=nfc(reasons or ""))
    _event(dossier, action, actor, at=now, before=before, agency=agency, note=nfc(reasons or ""))
    return dossier


@transaction.atomic
def refuse_at_reception(dossier_id: int, actor, *, reasons: str, revision=None):
    """Form 03 for a dossier in the reception queue."""
    return _finish(
        dossier_id, actor, "refuse_at_reception", reasons=reasons, revision=revision, agency_of=Where.RECEIVING
    )


@transaction.atomic
def refuse(dossier_id: int, actor, *, reasons: str, revision=None):
    """Refusal after appraisal, with reasons, by a leader of the resolving agency."""
    return _finish(dossier_id, actor, "refuse", reasons=reasons, revision=revision, agency_of=Where.RESOLVING)


@transaction.atomic
def withdraw(dossier_id: int, actor, *, reasons: str = "", revision=None):
    """The applicant stops the procedure before a decision (Form 05)."""
    return _finish(
        dossier_id,
        actor,
        "withdraw",
        reasons=reasons,
        revision=revision,
        agency_of=Where.ANY_OF_DOSSIER,
        require_reasons=False,
    )


@transaction.atomic
def close_unsupplemented(dossier_id: int):
    """Closed by the system when the applicant did not supplement in time."""
    waiting = Suspension.objects.filter(dossier_id=dossier_id, ended_at__isnull=True).order_by("-started_at").first()
    if waiting is None or waiting.deadline_at >= clock.now():
        raise Conflict(_("The applicant still has time to supplement this dossier."))
    return _finish(
        dossier_id,
        None,
        "close_unsupplemented",
        reasons=_("No supplement was received in time."),
        revision=None,
        agency_of=Where.RECEIVING,
    )


@transaction.atomic
def approve(dossier_id: int, actor, *, note: str = "", revision=None, result: Upload | None = None):
    """The leader approves (signs) the result: his step is done and the result waits to be returned.

    `result`, optional, is the signed electronic result (a PDF); it is kept with the dossier's
    documents (added_in "result") and the owner downloads it on the portal."""
    dossier = _lock(dossier_id, revision)
    _transition("approve", dossier)
    step = _active_step_for(dossier, actor, ["leader"])
    uploads = _clean_result(result)
    now = clock.now()
    _finish_step(step, actor, now)
    # Whatever else was planned before the return is no longer needed once the result is signed.
    remaining = list(dossier.steps.filter(state=DossierStep.State.WAITING).order_by("stage", "position"))
    last_stage = remaining[-1].stage if remaining else None
    to_skip = [s.pk for s in remaining if not (s.stage == last_stage and s.role == "receptionist")]
    DossierStep.objects.filter(pk__in=to_skip).update(state=DossierStep.State.SKIPPED)
    DossierStep.objects.filter(dossier=dossier, state=DossierStep.State.ACTIVE).update(state=DossierStep.State.SKIPPED)
    following = _activate_next_stage(dossier, now)
    before = dossier.status
    dossier.status = Status.PROCESSED
    dossier.processed_at = now
    _save(dossier, "status", "processed_at")
    _store_documents(dossier, uploads, "result", by=actor)
    _event(
        dossier,
        "approve",
        actor,
        at=now,
        before=before,
        agency=step.agency,
        step=step,
        timing=step.timing,
        to_agency=following[0].agency if following else dossier.returning_agency,
        note=nfc(note),
    )
    return dossier


def _clean_result(result: Upload | None) -> list[tuple[Upload, str]]:
    """The electronic result is a PDF file, or nothing."""
    if result is None:
        return []
    if not result.content:
        raise Invalid(_("Attach the electronic result as a PDF file."), "result")
    uploads = _clean_uploads([result])
    if uploads[0][1] != "application/pdf":
        raise Invalid(_("The electronic result must be a PDF file."), "result")
    return uploads


@transaction.atomic
def notify_early_return(dossier_id: int, actor, *, revision=None):
    dossier = _lock(dossier_id, revision)
    transition = _transition("notify_early_return", dossier)
    _check_actor(transition, dossier, actor, dossier.returning_agency)
    _save(dossier)
    _event(
        dossier, "notify_early_return", actor, at=clock.now(), before=dossier.status, agency=dossier.returning_agency
    )
    return dossier


@transaction.atomic
def return_result(dossier_id: int, actor, *, note: str = "", revision=None):
    dossier = _lock(dossier_id, revision)
    transition = _transition("return_result", dossier)
    _check_actor(transition, dossier, actor, dossier.returning_agency)
    now = clock.now()
    step = dossier.steps.select_for_update().filter(state=DossierStep.State.ACTIVE).first()
    if step:
        _finish_step(step, actor, now)
    before = dossier.status
    dossier.status = Status.RETURNED
    dossier.finished_at = now
    _save(dossier, "status", "finished_at")
    _event(
        dossier,
        "return_result",
        actor,
        at=now,
        before=before,
        agency=dossier.returning_agency,
        step=step,
        timing=_timing(now, dossier.due_at),
        note=nfc(note),
    )
    return dossier


@transaction.atomic
def extend(dossier_id: int, actor, *, new_due_at: dt.datetime, reason: str, revision=None):
    """Form 04: apology and a new return date, at least one working day before the due time, once."""
    dossier = _lock(dossier_id, revision)
    transition = _transition("extend", dossier)
    _check_actor(transition, dossier, actor, dossier.resolving_agency)
    if not nfc(reason or ""):
        raise Invalid(_("Write the reason for the delay."), "reason")
    if Extension.objects.filter(dossier=dossier).exists():
        raise Conflict(_("A new return date may be set only once."))
    now = clock.now()
    calendar = calendar_of(dossier.resolving_agency)
    if calendar.working_seconds_between(now, dossier.due_at) < calendar.day_seconds:
        raise Conflict(_("The apology and new date must be issued at least one working day before the due time."))
    if new_due_at <= dossier.due_at:
        raise Invalid(_("The new return date must be later than the current one."), "new_due_at")
    try:
        with transaction.atomic():
            Extension.objects.create(
                dossier=dossier,
                old_due_at=dossier.due_at,
                new_due_at=new_due_at,
                reason=nfc(reason),
                issued_by=actor,
                issued_at=now,
            )
    except IntegrityError as exc:
        raise Conflict(_("A new return date may be set only once.")) from exc
    old = dossier.due_at
    dossier.due_at = new_due_at
    _save(dossier, "due_at")
    _event(
        dossier,
        "extend",
        actor,
        at=now,
        before=dossier.status,
        agency=dossier.resolving_agency,
        note=nfc(reason),
        data={"old_due_at": old.isoformat(), "new_due_at": new_due_at.isoformat()},
    )
    return dossier


# -- periodic work ------------------------------------------------------------------------------


def close_expired_suspensions(now: dt.datetime | None = None) -> int:
    """Close every dossier whose applicant did not supplement by the deadline."""
    now = now or clock.now()
    ids = list(
        Dossier.objects.filter(
            Exists(Suspension.objects.filter(dossier=OuterRef("pk"), ended_at__isnull=True, deadline_at__lt=now)),
            status=Status.SUPPLEMENT_REQUESTED,
        ).values_list("pk", flat=True)[:1000]
    )
    for dossier_id in ids:
        try:
            close_unsupplemented(dossier_id)
        except ActionError:
            continue  # someone recorded the supplement meanwhile
    return len(ids)


def is_open(dossier: Dossier) -> bool:
    return Status(dossier.status) in OPEN
