"""The data warehouse (kho dữ liệu) of a person or an organisation: identity metadata, their
dossiers and history, and every document kept for them (dossier components, digitized copies,
electronic results, certified electronic copies).

Everything here is a filter in SQL on the owner: a person sees what belongs to their account or to
their *verified* citizen ID number; an organisation's documents only for its verified
representatives (citizens.services.organisations_of). Nobody else's, whatever id is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from motcua.citizens.access import profile_of
from motcua.citizens.services import organisations_of
from motcua.dossiers.models import ApplicantKind, Dossier, DossierDocument, Event

from .models import Document


@dataclass(frozen=True)
class Owner:
    """Whose warehouse: a person (account and verified ID number) or one organisation (tax code)."""

    account: object | None = None
    id_number: str = ""
    tax_code: str = ""
    name: str = ""
    organisations: list = field(default_factory=list)

    @property
    def is_organisation(self) -> bool:
        return bool(self.tax_code)


NOBODY = Owner()
RESULT_READY = ("processed", "returned")


def owner_of(user, tax_code: str = "") -> Owner:
    """The person behind a portal account, or, with `tax_code`, an organisation the person verifiably
    represents; NOBODY for anyone else (officers, visitors, an organisation not represented)."""
    profile = profile_of(user)
    if profile is None:
        return NOBODY
    organisations = list(organisations_of(user))
    if tax_code:
        chosen = next((o for o in organisations if o.tax_code == tax_code), None)
        if chosen is None:
            return NOBODY
        return Owner(tax_code=chosen.tax_code, name=chosen.name, organisations=organisations)
    id_number = profile.id_number if profile.id_number_verified_at else ""
    return Owner(account=user, id_number=id_number, name=profile.full_name, organisations=organisations)


def at_counter(kind: str, id_number: str) -> Owner:
    """The applicant standing at the counter, identified by the officer from the ID card or the
    organisation's papers."""
    id_number = (id_number or "").strip()
    if not id_number.replace("-", "").isdigit():  # a branch's tax code has a dash: 0100109106-001
        return NOBODY
    if kind == ApplicantKind.ORGANISATION:
        return Owner(tax_code=id_number)
    return Owner(id_number=id_number) if len(id_number) == 12 else NOBODY


def for_dossier(dossier: Dossier) -> dict:
    """Whose the documents given with a dossier are (the fields of a new Document). Online, the ID
    number typed counts only when it is the submitting account's verified one."""
    if dossier.applicant_kind == ApplicantKind.ORGANISATION:
        return {"owner_tax_code": dossier.applicant_id_number}
    if dossier.owner_id is None:
        return {"owner_id_number": dossier.applicant_id_number}
    profile = profile_of(dossier.owner)
    verified = profile.id_number if profile is not None and profile.id_number_verified_at else ""
    return {
        "owner_account": dossier.owner,
        "owner_id_number": dossier.applicant_id_number if dossier.applicant_id_number == verified else "",
    }


# -- the queries -----------------------------------------------------------------------------------


def _dossier_filter(owner: Owner, prefix: str = "") -> Q | None:
    if owner.is_organisation:
        return Q(
            **{f"{prefix}applicant_kind": ApplicantKind.ORGANISATION, f"{prefix}applicant_id_number": owner.tax_code}
        )
    person = Q(**{f"{prefix}applicant_kind": ApplicantKind.PERSON})
    found = Q(**{f"{prefix}owner": owner.account}) if owner.account is not None else None
    if owner.id_number:
        by_number = Q(**{f"{prefix}applicant_id_number": owner.id_number})
        found = by_number if found is None else found | by_number
    return None if found is None else person & found


def dossiers(owner: Owner) -> QuerySet[Dossier]:
    """The owner's dossiers, newest first."""
    where = _dossier_filter(owner)
    if where is None:
        return Dossier.objects.none()
    return Dossier.objects.filter(where).select_related("procedure_version").order_by("-id")


def history(owner: Owner) -> QuerySet[Event]:
    """What happened to the owner's dossiers, newest first."""
    where = _dossier_filter(owner, "dossier__")
    if where is None:
        return Event.objects.none()
    return Event.objects.filter(where).select_related("dossier").order_by("-at", "-id")


def documents(owner: Owner) -> QuerySet[Document]:
    """The owner's documents, newest first."""
    if owner.is_organisation:
        where = Q(owner_tax_code=owner.tax_code)
    else:
        where = Q(owner_account=owner.account) if owner.account is not None else None
        if owner.id_number:
            by_number = Q(owner_id_number=owner.id_number)
            where = by_number if where is None else where | by_number
        if where is None:
            return Document.objects.none()
        where &= Q(owner_tax_code="")
    # An electronic result joins the warehouse once it is ready to be returned, as on the portal.
    ready = ~Q(kind=Document.Kind.RESULT) | Q(source_dossier__isnull=True) | Q(source_dossier__status__in=RESULT_READY)
    return Document.objects.filter(where & ready).select_related("source_dossier").order_by("-created_at", "-id")


def components(owner: Owner) -> QuerySet[DossierDocument]:
    """The components (with a file) of the owner's dossiers, and of the owner's documents given in
    any dossier: what can be given again in a new dossier."""
    where = _dossier_filter(owner, "dossier__")
    if where is None:
        return DossierDocument.objects.none()
    return DossierDocument.objects.filter(where | Q(document__in=documents(owner))).exclude(file="")


def by_kind(owner: Owner) -> dict[str, list[Document]]:
    """The owner's documents grouped by kind, each with its current version and source dossier."""
    grouped: dict[str, list[Document]] = {kind: [] for kind in Document.Kind.values}
    for document in documents(owner).prefetch_related("versions__blob")[:500]:
        grouped[document.kind].append(document)
    return grouped


def matching(owner: Owner, requirements) -> dict[int, list[Document]]:
    """For each required document, the owner's documents for the same requirement or with the same
    title, newest first, one per distinct content."""
    requirements = list(requirements)
    names = {r.name for r in requirements}
    rows = list(
        documents(owner)
        .filter(Q(required_document__in=requirements) | Q(title__in=names) | Q(required_document__name__in=names))
        .select_related("required_document", "source_dossier")
        .prefetch_related("versions__blob")[:200]
    )
    offers: dict[int, list[Document]] = {}
    for requirement in requirements:
        seen = set()
        offers[requirement.pk] = []
        for row in rows:
            same = row.required_document_id == requirement.pk or requirement.name in (
                row.title,
                row.required_document.name if row.required_document_id else None,
            )
            current = _current(row)
            if same and current is not None and current.blob_id not in seen:
                seen.add(current.blob_id)
                offers[requirement.pk].append(row)
    return offers


def _current(document: Document):
    versions = sorted(document.versions.all(), key=lambda v: v.number)
    return versions[-1] if versions else None


def reusable(user) -> QuerySet[DossierDocument]:
    """What a portal account may give again online: the components of the person's warehouse and
    of the warehouses of the organisations the person verifiably represents."""
    person = owner_of(user)
    if person is NOBODY:
        return DossierDocument.objects.none()
    found = components(person)
    for organisation in person.organisations:
        found = found | components(owner_of(user, organisation.tax_code))
    return found.distinct()


def of_account(user) -> QuerySet[Document]:
    """Every document a portal account may open: the person's and their organisations'."""
    person = owner_of(user)
    if person is NOBODY:
        return Document.objects.none()
    found = documents(person)
    for organisation in person.organisations:
        found = found | documents(owner_of(user, organisation.tax_code))
    return found


def digitized(owner: Owner):
    """The digitized copies made at reception of the paper components of the owner's dossiers."""
    from .models import Digitization

    where = _dossier_filter(owner, "document__dossier__")
    if where is None:
        return Digitization.objects.none()
    return (
        Digitization.objects.filter(where, pdf__isnull=False)
        .select_related("document__dossier", "pdf", "signed_pdf")
        .order_by("-digitized_at", "-id")
    )
