"""The data warehouse (kho dữ liệu): a person sees only their own documents (by account, and by
their verified citizen ID number), an organisation's only its verified representatives; the
warehouse is offered for reuse online and at the counter, and the index inputs count it."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.catalog.models import RequiredDocument
from motcua.citizens.models import Profile, Representation
from motcua.core.errors import Invalid
from motcua.documents import facts_for, warehouse
from motcua.documents.models import Document
from motcua.dossiers import drafts, services
from motcua.dossiers.models import DossierDocument
from motcua.dossiers.services import Upload
from motcua.dossiers.tests.conftest import PDF, at, person
from motcua.portal.tests.tracking_helpers import approve

pytestmark = pytest.mark.django_db
LAN = "042190000123"
BINH = "042190000999"
CONTRACT = "2.001035"
TAX_CODE = "3000123456"
PHONES = {"lan": "0912345678", "binh": "0987654321", "mao": "0911111111"}


def citizen(username="lan", id_number=LAN, verified=True):
    user = get_user_model().objects.create_user(username=username, password="x")
    Profile.objects.create(
        user=user,
        full_name="Nguyễn Thị Lan",
        phone=PHONES[username],
        id_number=id_number,
        id_number_verified_at=timezone.now() if verified else None,
        birth_date=dt.date(1990, 5, 1),
        address="Số 5, đường Trần Phú",
    )
    return user


def contract():
    return RequiredDocument.objects.get(version__procedure__code=CONTRACT)


def scan(content=PDF, name="Dự thảo hợp đồng, giao dịch"):
    return [Upload(name=name, form="original", required_document_id=contract().pk, filename="hd.pdf", content=content)]


def organisation(user, verified=True):
    return Representation.objects.create(
        user=user,
        tax_code=TAX_CODE,
        name="Công ty TNHH Hồng Lam",
        address="Số 1 Hà Huy Tập",
        verified_at=timezone.now() if verified else None,
        verified_by="administrator" if verified else "",
    )


def company():
    return person(
        kind="organisation",
        name="Công ty TNHH Hồng Lam",
        id_number=TAX_CODE,
        birth_date=None,
        representative_name="Nguyễn Thị Lan",
        representative_id_number=LAN,
    )


# -- whose documents -------------------------------------------------------------------------------


def test_a_person_sees_only_their_own_documents(receive):
    lan = citizen()
    mine = receive(documents=scan()).documents.get().document
    theirs = receive(applicant=person(id_number=BINH, name="Trần Văn Bình"), documents=scan(PDF + b"b"))
    owner = warehouse.owner_of(lan)
    assert list(warehouse.documents(owner)) == [mine]
    assert theirs.documents.get().document not in warehouse.of_account(lan)
    assert [d.applicant_id_number for d in warehouse.dossiers(owner)] == [LAN]
    assert {e.action for e in warehouse.history(owner)} == {"receive"}
    # The same ID number typed on an account that has not verified it opens nothing.
    impostor = citizen("mao", verified=False)
    assert not warehouse.documents(warehouse.owner_of(impostor)).exists()
    assert not warehouse.dossiers(warehouse.owner_of(impostor)).exists()
    # Officers and visitors have no warehouse.
    assert warehouse.owner_of(None) is warehouse.NOBODY


def test_organisation_documents_only_for_verified_representatives(receive):
    lan, binh = citizen(), citizen("binh", BINH)
    given = receive(applicant=company(), documents=scan(PDF + b"org")).documents.get().document
    assert given.owner_tax_code == TAX_CODE and not given.owner_id_number
    # Not in the representative's own papers, and nobody's until the representation is verified.
    assert given not in warehouse.documents(warehouse.owner_of(lan))
    representation = organisation(lan, verified=False)
    assert warehouse.owner_of(lan, TAX_CODE) is warehouse.NOBODY
    assert not warehouse.of_account(lan).filter(pk=given.pk).exists()
    Representation.objects.filter(pk=representation.pk).update(verified_at=timezone.now())
    assert list(warehouse.documents(warehouse.owner_of(lan, TAX_CODE))) == [given]
    assert warehouse.of_account(lan).filter(pk=given.pk).exists()
    assert warehouse.owner_of(binh, TAX_CODE) is warehouse.NOBODY


def test_an_electronic_result_joins_the_warehouse_once_approved(receive, officers):
    lan = citizen()
    dossier = receive(documents=scan())
    assert not warehouse.documents(warehouse.owner_of(lan)).filter(kind="result").exists()
    approve(dossier, officers, result=PDF + b"% ket qua\n")
    result = warehouse.documents(warehouse.owner_of(lan)).get(kind="result")
    assert (result.title, result.source_dossier) == ("Kết quả", dossier)
    assert warehouse.reusable(lan).filter(document=result).exists()
    assert facts_for(dossier)["e_result"] is True


# -- the page ----------------------------------------------------------------------------------------


def test_the_page_lists_by_kind_and_downloads_for_the_owner_only(client, receive):
    lan = citizen()
    document = receive(documents=scan()).documents.get().document
    other = citizen("binh", BINH)
    client.force_login(lan)
    page = client.get("/kho-du-lieu/").content.decode()
    assert "Dự thảo hợp đồng, giao dịch" in page and document.source_dossier.code in page
    response = client.get(f"/kho-du-lieu/giay-to/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client.get(f"/kho-du-lieu/giay-to/{document.pk}/ban-2/").status_code == 404
    assert client.get("/kho-du-lieu/?to-chuc=3000123456").status_code == 404
    client.force_login(other)
    assert client.get(f"/kho-du-lieu/giay-to/{document.pk}/").status_code == 404
    assert "Dự thảo hợp đồng" not in client.get("/kho-du-lieu/").content.decode()
    client.logout()
    assert client.get("/kho-du-lieu/").status_code == 302


# -- reuse -------------------------------------------------------------------------------------------


def test_the_counter_offers_and_reuses_the_applicants_documents(client, receive, officers):
    first = receive(documents=scan())
    kept = first.documents.get()
    receive(applicant=person(id_number=BINH, name="Trần Văn Bình"), documents=scan(PDF + b"b"))
    client.force_login(officers["receptionist"])
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        reception = client.get("/can-bo/tiep-nhan/", {"procedure": CONTRACT}).content.decode()
    assert 'id="warehouse-offer"' in reception and "/kho-du-lieu/quay-tiep-nhan/?procedure=2.001035" in reception
    offer = client.get(
        "/kho-du-lieu/quay-tiep-nhan/",
        {"procedure": CONTRACT, "applicant_kind": "person", "applicant_id_number": LAN},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert f'name="doc-{contract().pk}-reuse" value="{kept.document_id}"' in offer and first.code in offer
    kept_choice = client.get(
        "/kho-du-lieu/quay-tiep-nhan/",
        {"procedure": CONTRACT, "applicant_id_number": LAN, f"doc-{contract().pk}-reuse": kept.document_id},
    ).content.decode()
    assert f'value="{kept.document_id}" checked' in kept_choice
    nobody = client.get("/kho-du-lieu/quay-tiep-nhan/", {"procedure": CONTRACT, "applicant_id_number": "0421"})
    assert "reuse" not in nobody.content.decode()
    # The reception page sends the choice: the component is recorded as reused, not scanned again.
    form = {
        "centre": first.receiving_agency_id,
        "procedure": CONTRACT,
        f"doc-{contract().pk}-reuse": str(kept.document_id),
        f"doc-{contract().pk}-form": "original",
        f"doc-{contract().pk}-quantity": "1",
        "applicant_kind": "person",
        "applicant_id_number": LAN,
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_address": "Số 5, đường Trần Phú",
        "applicant_phone": "0912345678",
        "fees_collected": "50000",
        "return_method": "counter",
        "sets": "1",
        "outcome": "receive",
    }
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        response = client.post("/can-bo/tiep-nhan/", form)
    assert response.status_code in (200, 302), response.content.decode()[:500]
    again = DossierDocument.objects.exclude(dossier__in=[first]).filter(dossier__applicant_id_number=LAN).get()
    assert (again.reused_from, again.document_id, again.blob_id, again.file.name) == (
        kept,
        kept.document_id,
        kept.blob_id,
        kept.file.name,
    )
    assert Document.objects.filter(owner_id_number=LAN).count() == 1
    assert facts_for(again.dossier) == {"components": 1, "digitized": 1, "reused": 1, "exempt": 0, "e_result": False}
    assert facts_for(first) == {"components": 1, "digitized": 1, "reused": 0, "exempt": 0, "e_result": False}


def test_the_counter_refuses_another_persons_document(receive):
    theirs = receive(applicant=person(id_number=BINH, name="Trần Văn Bình"), documents=scan(PDF + b"b"))
    document = theirs.documents.get().document
    with pytest.raises(Invalid, match="kho dữ liệu của người nộp"):
        receive(documents=[Upload(name="Hợp đồng", form="original", reuse_document=document.pk)])
    assert DossierDocument.objects.count() == 1


def test_papers_given_at_the_counter_are_reusable_online_by_the_verified_person_only(receive):
    """A paper given at the counter (no account) is offered online to the person who verified that
    ID number; not to an account that merely typed it, and somebody else's never."""
    lan, typed_only = citizen(), citizen("mao", verified=False)
    at_counter = receive(documents=scan()).documents.get()
    receive(applicant=person(id_number=BINH, name="Trần Văn Bình"), documents=scan(PDF + b"b"))
    assert list(warehouse.reusable(lan)) == [at_counter]
    assert not warehouse.reusable(typed_only).exists()


def test_online_submission_reuses_a_warehouse_document(small_catalog, province, receive):
    birth = "1.001193"
    lan = citizen()
    second = RequiredDocument.objects.filter(version__procedure__code=birth).order_by("position")[1]
    kept = receive(documents=[Upload(name=second.name, form="original", filename="cs.pdf", content=PDF + b"cs")])
    component = kept.documents.get()
    draft = drafts.start(lan, birth)
    assert [d.pk for d in drafts.reuse_choices(draft)[second.pk]] == [component.pk]
    given = drafts.reuse(draft, second.pk, component.pk)
    assert given.reused == component
    dossier = services.submit_online(
        birth,
        province["thanh_sen_centre"],
        person(),
        [Upload(name=second.name, form="original", required_document_id=second.pk, reuse_of=component.pk)],
        owner=lan,
    )
    reused = dossier.documents.get()
    assert (reused.reused_from, reused.document_id, reused.blob_id) == (
        component,
        component.document_id,
        component.blob_id,
    )
    assert facts_for(dossier)["reused"] == 1
