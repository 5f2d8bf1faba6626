import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument, DossierStep, Event
from motcua.dossiers.services import Upload
from motcua.dossiers.tests.conftest import PDF, at, person


@pytest.mark.django_db
def test_receiving_gives_code_appointment_steps_and_a_first_event(receive, province):
    dossier = receive()
    assert dossier.code == "H42.18073-260112-0001"
    assert dossier.status == "received"
    # 2 working days from Monday 12/01/2026 09:00.
    assert dossier.due_at == at(2026, 1, 14, 9, 0)
    steps = list(dossier.steps.order_by("stage"))
    assert [(s.stage, s.state, s.agency.identifier) for s in steps] == [
        (1, "active", "H42.18073.01"),
        (2, "waiting", "H42.18073"),
        (3, "waiting", "H42.18073"),
    ]
    # Shares 0.5 + 1 + 0.5 working days from 09:00 Monday: half a day is 4 working hours,
    # 2.5 before the lunch break and 1.5 after it, so 14:30; then +1 day, then +0.5 day.
    assert [s.due_at for s in steps] == [at(2026, 1, 12, 14, 30), at(2026, 1, 13, 14, 30), at(2026, 1, 14, 9, 0)]
    event = dossier.events.get()
    assert (event.action, event.to_status, event.agency.identifier) == ("receive", "received", "H42.18073.01")
    document = DossierDocument.objects.get(dossier=dossier)
    assert document.content_type == "application/pdf" and document.size == len(PDF)


@pytest.mark.django_db
def test_codes_run_per_agency_per_day(receive):
    first = receive(when=at(2026, 1, 12, 9, 0))
    second = receive(when=at(2026, 1, 12, 10, 0))
    next_day = receive(when=at(2026, 1, 13, 8, 0))
    assert [first.code, second.code, next_day.code] == [
        "H42.18073-260112-0001",
        "H42.18073-260112-0002",
        "H42.18073-260113-0001",
    ]


@pytest.mark.django_db
def test_paper_dossier_after_15h_counts_from_the_next_working_day(receive):
    # Friday 09/01/2026 15:30: the next working day is the swapped Saturday 10/01; 2 working days
    # from its start end with Monday 12/01.
    dossier = receive(when=at(2026, 1, 9, 15, 30))
    assert dossier.due_at == at(2026, 1, 12, 17, 0)


@pytest.mark.django_db
def test_supplement_at_reception_lists_items_and_gives_no_code(receive):
    dossier = receive(
        outcome="supplement", items=["Bản sao giấy chứng nhận quyền sử dụng đất"], reasons="Thiếu giấy tờ"
    )
    assert dossier.status == "supplement_requested" and dossier.code is None
    assert dossier.suspensions.get().items == ["Bản sao giấy chứng nhận quyền sử dụng đất"]


@pytest.mark.django_db
def test_refusal_at_reception_needs_reasons(receive):
    with pytest.raises(services.Invalid, match="lý do"):
        receive(outcome="refuse")
    dossier = receive(outcome="refuse", reasons="Không thuộc thẩm quyền")
    assert dossier.status == "refused" and dossier.finished_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("applicant", "field"),
    [
        (person(id_number="12345"), "applicant_id_number"),
        (person(id_number="999190000123"), "applicant_id_number"),
        (person(name="  "), "applicant_name"),
        (person(phone="12ab"), "applicant_phone"),
        (person(kind="organisation", id_number="0101234567", representative_name=""), "representative_name"),
    ],
)
def test_bad_applicant_data_is_refused_and_nothing_saved(receive, applicant, field):
    with pytest.raises(services.Invalid) as error:
        receive(applicant=applicant)
    assert error.value.field == field
    assert not Dossier.objects.exists() and not Event.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "không phải tệp PDF, PNG hoặc JPEG"),
        (b"", None),
    ],
)
def test_file_that_is_not_what_it_claims_is_refused(receive, content, message):
    if message is None:
        dossier = receive(documents=[Upload(name="Giấy tờ chỉ xuất trình", form="original", content=content)])
        assert dossier.documents.get().file.name == ""
        return
    with pytest.raises(services.Invalid, match=message):
        receive(documents=[Upload(name="Hợp đồng", form="original", filename="hd.pdf", content=content)])
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_file_over_the_size_limit_is_refused(receive, settings):
    settings.MOTCUA_MAX_UPLOAD_BYTES = 100
    with pytest.raises(services.Invalid, match="lớn hơn"):
        receive(documents=[Upload(name="Bản quét", form="copy", filename="x.pdf", content=PDF + b"0" * 200)])
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_receptionist_of_another_commune_cannot_receive_here(receive, officers):
    with pytest.raises(services.NotAllowed):
        receive(actor=officers["other_receptionist"])
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_boundary_free_reception_at_another_centre_routes_to_the_applicants_commune(province, small_catalog, officers):
    reception = services.Reception(
        procedure_code="1.013225", applicant=person(), resolving_agency_id=province["thanh_sen"].pk
    )
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        dossier = services.receive_at_counter(
            officers["other_receptionist"], province["tran_phu_centre"], reception, "receive"
        )
    assert dossier.receiving_agency == province["tran_phu_centre"]
    assert dossier.resolving_agency == province["thanh_sen"]
    assert dossier.code.startswith("H42.18073-260302-")
    stage1 = dossier.steps.get(stage=1)
    assert stage1.agency == province["tran_phu_centre"]
    assert DossierStep.objects.filter(dossier=dossier, stage=2).get().agency == province["thanh_sen"]
