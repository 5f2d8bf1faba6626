"""The reception form at the counter (tiếp nhận hồ sơ): the checklist built from the procedure's
required documents, and what the receptionist typed turned into a `services.Reception`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.catalog import services as catalog
from motcua.catalog.models import ProcedureVersion, RequiredDocument
from motcua.dossiers import services, validation
from motcua.dossiers.models import ApplicantKind, DossierDocument, ReturnMethod
from motcua.dossiers.services import Applicant, Invalid, Reception, Upload

OUTCOMES = ("receive", "supplement", "refuse")

# A catalogue form that is not one of the three a received component can have.
_FORM_DEFAULTS = {
    RequiredDocument.Form.ORIGINAL_OR_CERTIFIED_COPY: DossierDocument.Form.ORIGINAL,
    RequiredDocument.Form.SHOWN: DossierDocument.Form.ORIGINAL,
}


@dataclass
class ChecklistRow:
    """One required document on the counter's checklist, with what was typed for it."""

    document: RequiredDocument
    received: bool = False
    form: str = ""
    quantity: str = "1"
    had_file: bool = False  # a file was chosen, and must be chosen again after an error
    reuse: str = ""  # data warehouse: the id of the applicant's document given again, not scanned

    @property
    def prefix(self) -> str:
        return f"doc-{self.document.pk}"


@dataclass
class Typed:
    """What the page shows in its fields: defaults on the first visit, the typed values after an error."""

    values: dict = field(default_factory=dict)
    rows: list[ChecklistRow] = field(default_factory=list)

    def files_to_choose_again(self) -> list[str]:
        return [r.document.name for r in self.rows if r.had_file]


def default_form(document: RequiredDocument) -> str:
    return _FORM_DEFAULTS.get(document.form, document.form)


def fees_total(version: ProcedureVersion) -> int:
    return sum(line.amount for line in catalog.fees_for(version, "in_person"))


def initial(version: ProcedureVersion, resolving_id: int | None) -> Typed:
    rows = [ChecklistRow(d, form=default_form(d), quantity=str(d.quantity)) for d in version.documents.all()]
    values = {
        "applicant_kind": ApplicantKind.PERSON,
        "fees_collected": str(fees_total(version)),
        "return_method": ReturnMethod.COUNTER,
        "resolving_agency": str(resolving_id or ""),
        "sets": "1",
        "items": "\n".join(r.document.name for r in rows if not r.document.optional),
    }
    return Typed(values=values, rows=rows)


TEXT_FIELDS = (
    "applicant_kind",
    "applicant_name",
    "applicant_id_number",
    "applicant_birth_date",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "representative_name",
    "representative_id_number",
    "resolving_agency",
    "fees_collected",
    "return_method",
    "return_address",
    "sets",
    "note",
    "items",
    "reasons",
)


def typed(version: ProcedureVersion, post, files) -> Typed:
    values = {name: post.get(name, "") for name in TEXT_FIELDS}
    rows = []
    for document in version.documents.all():
        row = ChecklistRow(document)
        row.had_file = bool(files.get(f"{row.prefix}-file"))
        # data warehouse: a document chosen from the applicant's warehouse counts as received
        row.reuse = post.get(f"{row.prefix}-reuse", "") if (post.get(f"{row.prefix}-reuse") or "").isdigit() else ""
        row.received = post.get(f"{row.prefix}-received") == "on" or row.had_file or bool(row.reuse)
        row.form = post.get(f"{row.prefix}-form") or default_form(document)
        row.quantity = post.get(f"{row.prefix}-quantity", "1")
        rows.append(row)
    return Typed(values=values, rows=rows)


def _integer(value: str, field_name: str, message: str, minimum: int = 0) -> int:
    text = (value or "").replace(".", "").replace(",", "").replace(" ", "").strip() or "0"
    try:
        number = int(text)
    except ValueError as exc:
        raise Invalid(message, field_name) from exc
    if number < minimum:
        raise Invalid(message, field_name)
    return number


def _date(value: str, field_name: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("Enter the date as day, month and year."), field_name) from exc


def build(version: ProcedureVersion, form: Typed, files, outcome: str) -> tuple[Reception, list[str]]:
    """The reception to hand to `services.receive_at_counter`, and the missing items (Form 02).

    Raises Invalid, with the field, for what only the page can check (numbers, dates, ticks).
    """
    values = form.values
    uploads = []
    for row in form.rows:
        if not row.received:
            continue
        name = {"name": row.document.name}
        bad_quantity = _("The quantity of “%(name)s” must be a whole number.") % name
        quantity = _integer(row.quantity, "documents", bad_quantity, 1)
        if row.form not in DossierDocument.Form.values:
            raise Invalid(_("Choose original, copy or certified copy for “%(name)s”.") % name, "documents")
        upload = files.get(f"{row.prefix}-file")
        content, filename = b"", ""
        if upload:
            if upload.size > settings.MOTCUA_MAX_UPLOAD_BYTES:
                try:  # the same message the service gives, without reading a huge file
                    validation.scan(upload.name, b"", upload.size)
                except validation.InvalidInput as exc:
                    raise Invalid(exc.message, "documents") from exc
            content, filename = upload.read(), upload.name
        uploads.append(
            Upload(
                name=row.document.name,
                form=row.form,
                quantity=quantity,
                required_document_id=row.document.pk,
                filename=filename,
                content=content,
                # data warehouse: given again from the applicant's warehouse when nothing was scanned
                reuse_document=int(row.reuse) if row.reuse and not content else None,
            )
        )
    missing = [r.document.name for r in form.rows if not r.received and not r.document.optional]
    if outcome == "receive" and missing:
        raise Invalid(
            _("Not every required document is ticked (%(names)s). Tick them, or ask for a supplement.")
            % {"names": "; ".join(missing)},
            "documents",
        )
    items = [line.strip() for line in values.get("items", "").splitlines() if line.strip()]
    if outcome == "supplement" and not items:
        items = missing
        if not items:
            raise Invalid(_("List every missing item."), "items")
    kind = values.get("applicant_kind") or ApplicantKind.PERSON
    organisation = kind == ApplicantKind.ORGANISATION
    applicant = Applicant(
        kind=kind,
        name=values.get("applicant_name", ""),
        id_number=values.get("applicant_id_number", ""),
        address=values.get("applicant_address", ""),
        birth_date=None if organisation else _date(values.get("applicant_birth_date", ""), "applicant_birth_date"),
        phone=values.get("applicant_phone", ""),
        email=values.get("applicant_email", ""),
        representative_name=values.get("representative_name", "") if organisation else "",
        representative_id_number=values.get("representative_id_number", "") if organisation else "",
    )
    resolving = values.get("resolving_agency", "")
    reception = Reception(
        procedure_code=version.procedure.code,
        applicant=applicant,
        documents=uploads,
        return_method=values.get("return_method") or ReturnMethod.COUNTER,
        return_address=values.get("return_address", "") if values.get("return_method") == ReturnMethod.POST else "",
        resolving_agency_id=int(resolving) if resolving.isdigit() else None,
        fees_collected=_integer(
            values.get("fees_collected", ""), "fees_collected", _("Fees are a whole number of đồng, 0 or more.")
        ),
        sets=_integer(values.get("sets", ""), "sets", _("The number of sets is a whole number, 1 or more."), 1),
        note=values.get("note", "").strip(),
    )
    return reception, items


def default_resolving(version: ProcedureVersion, centre) -> int | None:
    """The agency the services would choose when the receptionist does not pick one."""
    try:
        # The rule lives in the services; asking it keeps the page and the service in step.
        return services.default_resolving_agency(version, centre, None).pk
    except Invalid:
        return None
