"""Online submission from the portal: drafts kept on the server, their uploads and reused
documents, and the submission that turns a complete draft into a dossier (hồ sơ trực tuyến).

Saving a step never refuses what was typed: the draft keeps it as typed and the step's errors
are returned beside it, so nothing is lost and the person can come back on another device.
Only `submit` insists that everything is right, and then changes nothing when it is not.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.catalog import online_form
from motcua.catalog import services as catalog
from motcua.catalog.models import FormField, ProcedureVersion, RequiredDocument
from motcua.citizens.access import profile_of
from motcua.citizens.services import organisations_of
from motcua.core.errors import Invalid, NotAllowed
from motcua.core.text import nfc
from motcua.workdays.calendar import VN_TZ, WorkCalendar

from . import services, validation
from .models import ApplicantKind, Dossier, DossierDocument, Draft, DraftDocument, ReturnMethod

STEPS = ("applicant", "form", "documents", "return", "review")
APPLICANT_KEYS = ("kind", "tax_code", "name", "id_number", "birth_date", "address", "phone", "email")
RETURN_METHODS = (ReturnMethod.ONLINE, ReturnMethod.POST, ReturnMethod.COUNTER)
_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
# The form of a scan given online, from the form the catalogue asks for.
_SCAN_FORM = {
    RequiredDocument.Form.ORIGINAL: DossierDocument.Form.ORIGINAL,
    RequiredDocument.Form.COPY: DossierDocument.Form.COPY,
    RequiredDocument.Form.CERTIFIED_COPY: DossierDocument.Form.CERTIFIED_COPY,
    RequiredDocument.Form.ORIGINAL_OR_CERTIFIED_COPY: DossierDocument.Form.CERTIFIED_COPY,
    RequiredDocument.Form.SHOWN: DossierDocument.Form.COPY,
}


# -- where an online dossier goes -----------------------------------------------------------------


def offered_online(version: ProcedureVersion) -> bool:
    return "online" in (version.channels or []) and version.online_level != "none"


def agencies_for(version: ProcedureVersion) -> list[Agency]:
    """The active agencies of the province that resolve the procedure: the person picks one."""
    return [a for a in catalog.resolving_agencies(version.procedure) if a.is_active]


def receiving_centre(agency: Agency) -> Agency:
    """The service centre that receives online dossiers for an agency: the commune's own centre
    for a commune, the province's centre for a department (the centre under the nearest ancestor)."""
    ids = [int(p) for p in agency.path.strip("/").split("/") if p]
    centre = (
        Agency.objects.filter(kind__in=Agency.CENTRE_KINDS, is_active=True, parent_id__in=ids)
        .order_by("-parent__path", "path")
        .first()
    )
    if centre is None:
        raise Invalid(_("No service centre receives dossiers for %(agency)s yet.") % {"agency": agency.name}, "agency")
    return centre


def centres() -> QuerySet[Agency]:
    """The service centres of the province, where a result may be collected."""
    return Agency.objects.filter(kind__in=Agency.CENTRE_KINDS, is_active=True).order_by("path")


def official_receipt_at(calendar: WorkCalendar, instant: dt.datetime) -> dt.datetime:
    """When an online dossier counts as received: the instant itself in working hours, otherwise
    the start of the next working period (DOMAIN: what arrives outside working hours counts from
    the next working time)."""
    if calendar.is_working_time(instant):
        return instant
    local = instant.astimezone(VN_TZ)
    second = local.hour * 3600 + local.minute * 60 + local.second
    day = local.date()
    periods = calendar.schedule.periods
    if calendar.is_working_day(day):
        for start, _end in periods:
            if second < start:
                return _at(day, start)
    return _at(calendar.next_working_day(day, include=False), periods[0][0])


def _at(day: dt.date, second: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), VN_TZ) + dt.timedelta(seconds=second)


def receipt(dossier: Dossier) -> dict:
    """The times the acknowledgement states: technical receipt, official receipt, answer due."""
    calendar = services.calendar_of(dossier.receiving_agency)
    return {
        "submitted_at": dossier.submitted_at,
        "counted_from": official_receipt_at(calendar, dossier.submitted_at),
        "acceptance_due_at": dossier.acceptance_due_at,
    }


# -- starting and finding drafts --------------------------------------------------------------------


def drafts_of(user) -> QuerySet[Draft]:
    """A person's drafts; nobody else's, whatever id is asked for."""
    if user is None or not user.is_authenticated:
        return Draft.objects.none()
    return Draft.objects.filter(account=user)


def start(user, procedure_code: str) -> Draft:
    """The person's draft for a procedure: the one already begun, or a new one pre-filled from the
    profile and the person's last dossiers."""
    profile = profile_of(user)
    if profile is None:
        raise NotAllowed(_("Log in with a citizen's account to submit online."))
    version = catalog.version_in_force(procedure_code)
    if version is None or not offered_online(version):
        raise Invalid(_("This procedure cannot be submitted online."), "procedure")
    draft = drafts_of(user).filter(procedure_version=version).order_by("-updated_at").first()
    if draft is not None:
        return draft
    earlier = Dossier.objects.filter(owner=user).order_by("-id")
    last_own = earlier.filter(applicant_kind=ApplicantKind.PERSON).first()
    last_here = earlier.filter(procedure_version__procedure=version.procedure).first()
    agencies = agencies_for(version)
    agency = None
    if last_here and any(a.pk == last_here.resolving_agency_id for a in agencies):
        agency = last_here.resolving_agency
    elif len(agencies) == 1:
        agency = agencies[0]
    return Draft.objects.create(
        account=user,
        procedure_version=version,
        applicant=_applicant_prefill(profile, last_own),
        form_data=_form_prefill(version, profile, last_here),
        resolving_agency=agency,
        return_method=ReturnMethod.ONLINE,
    )


def _applicant_prefill(profile, last: Dossier | None) -> dict:
    return {
        "kind": ApplicantKind.PERSON,
        "tax_code": "",
        "name": profile.full_name or (last.applicant_name if last else ""),
        "id_number": profile.id_number or (last.applicant_id_number if last else ""),
        "birth_date": _iso(profile.birth_date or (last.applicant_birth_date if last else None)),
        "address": profile.address or (last.applicant_address if last else ""),
        "phone": profile.phone or (last.applicant_phone if last else ""),
        "email": profile.email or (last.applicant_email if last else ""),
    }


def _form_prefill(version: ProcedureVersion, profile, last: Dossier | None) -> dict:
    values = {}
    for field in version.form_fields.all():
        if field.prefill == FormField.Prefill.LAST_ANSWER:
            value = (last.form_data or {}).get(field.name) if last else None
        elif field.prefill:
            value = getattr(profile, field.prefill, None)
        else:
            continue
        if value not in (None, ""):
            values[field.name] = _as_typed(value)
    return values


def _as_typed(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


# -- saving steps -------------------------------------------------------------------------------


def save_step(draft: Draft, step: str, data: Mapping) -> dict[str, str]:
    """Keep what was typed for a step, whatever it is, and return that step's errors."""
    if step == "applicant":
        draft.applicant = {key: nfc(str(data.get(key, "") or "")).strip() for key in APPLICANT_KEYS}
        draft.save(update_fields=["applicant", "updated_at"])
    elif step == "form":
        names = [f.name for f in draft.procedure_version.form_fields.all()]
        draft.form_data = {name: nfc(str(data.get(name, "") or "")) for name in names}
        draft.save(update_fields=["form_data", "updated_at"])
    elif step == "return":
        draft.resolving_agency_id = _int(data.get("resolving_agency"))
        draft.return_method = str(data.get("return_method", "") or "")[:10]
        draft.return_address = nfc(str(data.get("return_address", "") or "")).strip()[:300]
        draft.returning_agency_id = _int(data.get("returning_agency"))
        # A stale id (an agency removed meanwhile) must not break saving what was typed.
        known = set(
            Agency.objects.filter(pk__in=[draft.resolving_agency_id, draft.returning_agency_id]).values_list(
                "pk", flat=True
            )
        )
        draft.resolving_agency_id = draft.resolving_agency_id if draft.resolving_agency_id in known else None
        draft.returning_agency_id = draft.returning_agency_id if draft.returning_agency_id in known else None
        draft.save(
            update_fields=["resolving_agency", "return_method", "return_address", "returning_agency", "updated_at"]
        )
    elif step not in STEPS:
        raise Invalid(_("There is no such step."), "step")
    return errors_of(draft, step)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def errors_of(draft: Draft, step: str) -> dict[str, str]:
    """What is still wrong in one step of the draft, by field."""
    if step == "applicant":
        return _applicant(draft)[1]
    if step == "form":
        return online_form.clean(list(draft.procedure_version.form_fields.all()), draft.form_data)[1]
    if step == "documents":
        return _missing_documents(draft)
    if step == "return":
        return _return_errors(draft)
    return {}


def problems(draft: Draft) -> dict[str, dict[str, str]]:
    """Every step that is not right yet, with its errors; empty when the draft can be submitted."""
    found = {step: errors_of(draft, step) for step in STEPS[:-1]}
    return {step: errors for step, errors in found.items() if errors}


def _applicant(draft: Draft) -> tuple[services.Applicant | None, dict[str, str]]:
    data = draft.applicant or {}
    errors: dict[str, str] = {}
    name = data.get("name", "")
    if not name:
        errors["name"] = _("Enter your full name.")
    try:
        id_number = validation.citizen_id(data.get("id_number", ""))
    except validation.InvalidInput:
        id_number = ""
        errors["id_number"] = _("Your citizen ID number has 12 digits and starts with 001 to 096.")
    birth_date = None
    if data.get("birth_date"):
        try:
            birth_date = dt.date.fromisoformat(data["birth_date"])
        except ValueError:
            errors["birth_date"] = _("Enter your date of birth as a date, e.g. 25/12/1960.")
        else:
            if birth_date > timezone.localdate():
                errors["birth_date"] = _("Your date of birth cannot be in the future.")
    if not data.get("address"):
        errors["address"] = _("Enter your address.")
    try:
        phone = validation.phone(data.get("phone", ""))
    except validation.InvalidInput:
        phone = ""
        errors["phone"] = _("A phone number has 10 digits and starts with 0.")
    email = data.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter an e-mail address such as ten@example.com, or leave it empty.")
    if not phone and not email:
        errors.setdefault("phone", _("Give a phone number or an e-mail address so that we can tell you the progress."))
    organisation = None
    if data.get("kind") == ApplicantKind.ORGANISATION:
        # Only an organisation the person verifiably represents: a filter in SQL on the account.
        organisation = organisations_of(draft.account).filter(tax_code=data.get("tax_code", "")).first()
        if organisation is None:
            errors["tax_code"] = _("Choose an organisation you represent.")
    elif data.get("kind") != ApplicantKind.PERSON:
        errors["kind"] = _("Choose who applies: you, or an organisation you represent.")
    if errors:
        return None, errors
    if organisation is not None:
        applicant = services.Applicant(
            kind=ApplicantKind.ORGANISATION,
            name=organisation.name,
            id_number=organisation.tax_code,
            address=organisation.address or data["address"],
            phone=phone,
            email=email,
            representative_name=name,
            representative_id_number=id_number,
        )
    else:
        applicant = services.Applicant(
            kind=ApplicantKind.PERSON,
            name=name,
            id_number=id_number,
            address=data["address"],
            birth_date=birth_date,
            phone=phone,
            email=email,
        )
    return applicant, {}


def _return_errors(draft: Draft) -> dict[str, str]:
    errors = {}
    if draft.resolving_agency_id not in {a.pk for a in agencies_for(draft.procedure_version)}:
        errors["resolving_agency"] = _("Choose the agency that handles your dossier.")
    if draft.return_method not in RETURN_METHODS:
        errors["return_method"] = _("Choose how you want to receive the result.")
    elif draft.return_method == ReturnMethod.POST and not draft.return_address:
        errors["return_address"] = _("Enter the address the result is posted to.")
    elif draft.return_method == ReturnMethod.COUNTER and not centres().filter(pk=draft.returning_agency_id).exists():
        errors["returning_agency"] = _("Choose the service centre where you collect the result.")
    return errors


# -- documents ----------------------------------------------------------------------------------


def required_documents(draft: Draft) -> list[RequiredDocument]:
    return list(draft.procedure_version.documents.all())


def _requirement(draft: Draft, required_document_id) -> RequiredDocument:
    document = RequiredDocument.objects.filter(pk=_int(required_document_id), version=draft.procedure_version).first()
    if document is None:
        raise Invalid(_("This procedure does not ask for that document."), "documents")
    return document


def _missing_documents(draft: Draft) -> dict[str, str]:
    given = set(draft.documents.values_list("required_document_id", flat=True))
    return {
        f"doc_{d.pk}": _("Upload “%(name)s”, or reuse it from an earlier dossier.") % {"name": d.name}
        for d in required_documents(draft)
        if not d.optional and d.pk not in given
    }


def _form_for(requirement: RequiredDocument, chosen: str | None) -> str:
    if requirement.form == RequiredDocument.Form.ORIGINAL_OR_CERTIFIED_COPY and chosen in (
        DossierDocument.Form.ORIGINAL,
        DossierDocument.Form.CERTIFIED_COPY,
    ):
        return chosen
    return _SCAN_FORM[RequiredDocument.Form(requirement.form)]


def attach(draft: Draft, required_document_id, upload, form: str | None = None) -> DraftDocument:
    """Upload (or replace) the file of a required document: a PDF, PNG or JPEG, checked by its
    first bytes, not larger than MOTCUA_MAX_UPLOAD_BYTES. A refused file changes nothing."""
    requirement = _requirement(draft, required_document_id)
    name = nfc(getattr(upload, "name", "") or requirement.name)[-200:]
    size = getattr(upload, "size", None)
    if size is not None and size > settings.MOTCUA_MAX_UPLOAD_BYTES:
        # Refused before reading it into memory.
        _scan(name, b"", size)
    upload.seek(0)
    content = upload.read(settings.MOTCUA_MAX_UPLOAD_BYTES + 1)
    content_type = _scan(name, content[:16], len(content))
    sha256 = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        document = DraftDocument.objects.select_for_update().filter(draft=draft, required_document=requirement).first()
        old_file = document.file.name if document and document.file else ""
        document = document or DraftDocument(draft=draft, required_document=requirement)
        document.form = _form_for(requirement, form)
        document.filename = name
        document.content_type = content_type
        document.size = len(content)
        document.sha256 = sha256
        document.reused = None
        document.file.save(f"{sha256[:16]}.{_EXTENSIONS[content_type]}", ContentFile(content), save=False)
        document.save()
        _touch(draft)
        _delete_later(old_file)
    return document


def _scan(name: str, head: bytes, size: int) -> str:
    try:
        return validation.scan(name, head, size)
    except validation.InvalidInput as exc:
        raise Invalid(exc.message, "documents") from exc


def remove(draft: Draft, required_document_id) -> None:
    requirement = _requirement(draft, required_document_id)
    with transaction.atomic():
        document = DraftDocument.objects.filter(draft=draft, required_document=requirement).first()
        if document is None:
            return
        old_file = document.file.name if document.file else ""
        document.delete()
        _touch(draft)
        _delete_later(old_file)


def reusable_documents(user) -> QuerySet[DossierDocument]:
    """What the person may give again: the documents of their data warehouse (own dossiers, their
    e-results and certified e-copies, and those of organisations they represent)."""
    from motcua.documents import warehouse

    return warehouse.reusable(user)


def reuse_choices(draft: Draft) -> dict[int, list[DossierDocument]]:
    """For each required document, the person's earlier documents for the same requirement or with
    the same name, newest first, one per distinct file."""
    requirements = required_documents(draft)
    names = {r.name for r in requirements}
    rows = (
        reusable_documents(draft.account)
        .filter(Q(required_document__in=requirements) | Q(name__in=names) | Q(required_document__name__in=names))
        .select_related("dossier", "required_document")
        .order_by("-id")[:200]
    )
    choices: dict[int, list[DossierDocument]] = {r.pk: [] for r in requirements}
    for requirement in requirements:
        seen = set()
        for row in rows:
            same = row.required_document_id == requirement.pk or requirement.name in (
                row.name,
                row.required_document.name if row.required_document_id else None,
            )
            if same and row.sha256 not in seen:
                seen.add(row.sha256)
                choices[requirement.pk].append(row)
    return choices


def reuse(draft: Draft, required_document_id, dossier_document_id) -> DraftDocument:
    """Give again a document of one of the person's own dossiers; anyone else's is refused."""
    requirement = _requirement(draft, required_document_id)
    source = reusable_documents(draft.account).filter(pk=_int(dossier_document_id)).first()
    if source is None:
        raise Invalid(_("That document is not among the documents of your dossiers."), "documents")
    with transaction.atomic():
        document = DraftDocument.objects.select_for_update().filter(draft=draft, required_document=requirement).first()
        old_file = document.file.name if document and document.file else ""
        document = document or DraftDocument(draft=draft, required_document=requirement)
        document.form = source.form if source.form in DossierDocument.Form.values else _form_for(requirement, None)
        document.file = ""
        document.filename = source.name[:200]
        document.content_type = source.content_type
        document.size = source.size
        document.sha256 = source.sha256
        document.reused = source
        document.save()
        _touch(draft)
        _delete_later(old_file)
    return document


def _touch(draft: Draft) -> None:
    Draft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())


def _delete_later(name: str) -> None:
    """Remove a draft's replaced file once the change is committed (never before: a rollback
    would leave the row pointing at nothing)."""
    if name:
        from django.core.files.storage import default_storage

        transaction.on_commit(lambda: default_storage.delete(name))


def delete(draft: Draft) -> None:
    """Throw a draft away with its uploaded files."""
    with transaction.atomic():
        names = [d.file.name for d in draft.documents.all() if d.file]
        draft.delete()
        for name in names:
            _delete_later(name)


# -- submission ---------------------------------------------------------------------------------


def submit(draft: Draft) -> Dossier:
    """Turn a complete draft into an online dossier waiting in the reception queue.

    Refused (Invalid, naming the step to go back to) while a step is not right; the draft is then
    kept as it was. On success the draft and its temporary files are gone.
    """
    found = problems(draft)
    if found:
        step, errors = next(iter(found.items()))
        raise Invalid(next(iter(errors.values())), step)
    version = draft.procedure_version
    in_force = catalog.version_in_force(version.procedure.code)
    if in_force is None or in_force.pk != version.pk or not offered_online(in_force):
        raise Invalid(
            _("The procedure has changed since you began. Start again from the procedure's page."), "procedure"
        )
    applicant, _errors = _applicant(draft)
    agency = draft.resolving_agency
    centre = receiving_centre(agency)
    uploads = []
    names = []
    for document in draft.documents.select_related("required_document").order_by("required_document__position"):
        requirement = document.required_document
        upload = services.Upload(
            name=requirement.name,
            form=document.form,
            quantity=requirement.quantity,
            required_document_id=requirement.pk,
            filename=document.filename,
        )
        if document.reused_id:
            upload.reuse_of = document.reused_id
        elif document.file:
            with document.file.open("rb") as handle:
                upload.content = handle.read()
            names.append(document.file.name)
        else:
            raise Invalid(_("Upload “%(name)s” again.") % {"name": requirement.name}, "documents")
        uploads.append(upload)
    counter = draft.return_method == ReturnMethod.COUNTER
    with transaction.atomic():
        dossier = services.submit_online(
            version.procedure.code,
            centre,
            applicant,
            uploads,
            owner=draft.account,
            form_data=draft.form_data,
            return_method=draft.return_method,
            return_address=draft.return_address if draft.return_method == ReturnMethod.POST else "",
            returning_agency_id=draft.returning_agency_id if counter else None,
            resolving_agency_id=agency.pk,
        )
        draft.delete()
        for name in names:
            _delete_later(name)
    return dossier
