"""Online submission from the portal: drafts keep what was typed, uploads are checked, only the
person's own earlier documents can be reused, and the dossier records owner, answers, documents,
return method and the official receipt time."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from motcua.catalog.models import RequiredDocument
from motcua.citizens.models import Profile, Representation
from motcua.core.errors import Invalid
from motcua.dossiers import drafts, services
from motcua.dossiers.models import Dossier, DossierDocument, Draft, DraftDocument

from .conftest import PDF, at, person

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
BIRTH = "1.001193"


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def citizen(username="lan", **profile):
    user = get_user_model().objects.create_user(username=username, password="x")
    values = {
        "full_name": "Nguyễn Thị Lan",
        "phone": "0912345678",
        "id_number": "042190000123",
        "birth_date": dt.date(1990, 5, 1),
        "address": "Số 5, đường Trần Phú, phường Thành Sen, Hà Tĩnh",
    }
    values.update(profile)
    Profile.objects.create(user=user, **values)
    return user


def answers(**overrides):
    values = {
        "child_name": "Trần Minh Anh",
        "child_birth_date": "2026-01-02",
        "child_sex": "Nữ",
        "birth_place": "Bệnh viện Đa khoa tỉnh Hà Tĩnh",
        "mother_name": "Nguyễn Thị Lan",
        "father_name": "Trần Văn Bình",
        "requester_phone": "0912345678",
        "copies": "2",
    }
    values.update(overrides)
    return values


def requirements():
    return list(RequiredDocument.objects.filter(version__procedure__code=BIRTH).order_by("position"))


def earlier_dossier(owner, province, when=None):
    """A dossier the person submitted before, with the birth certificate scanned."""
    with time_machine.travel(when or at(2026, 1, 5, 9, 0), tick=False):
        return services.submit_online(
            BIRTH,
            province["thanh_sen_centre"],
            person(),
            [
                services.Upload(
                    name="Giấy chứng sinh",
                    form="original",
                    required_document_id=requirements()[1].pk,
                    filename="chung-sinh.pdf",
                    content=PDF + b"earlier",
                )
            ],
            owner=owner,
            form_data=answers(mother_name="Nguyễn Thị Lan", father_name="Trần Văn Bình"),
        )


def complete(draft, province, reuse=None):
    drafts.save_step(draft, "applicant", {**draft.applicant, "kind": "person"})
    drafts.save_step(draft, "form", answers())
    first, second = requirements()
    drafts.attach(draft, first.pk, SimpleUploadedFile("to-khai.pdf", PDF))
    if reuse:
        drafts.reuse(draft, second.pk, reuse.pk)
    else:
        drafts.attach(draft, second.pk, SimpleUploadedFile("chung-sinh.png", PNG))
    drafts.save_step(draft, "return", {"resolving_agency": province["thanh_sen"].pk, "return_method": "online"})
    return draft


# -- drafts -------------------------------------------------------------------------------------


def test_a_draft_is_prefilled_from_the_profile_and_the_last_dossier(small_catalog, province):
    user = citizen(address="")
    earlier_dossier(user, province)
    draft = drafts.start(user, BIRTH)
    assert draft.applicant["name"] == "Nguyễn Thị Lan"
    assert draft.applicant["id_number"] == "042190000123"
    assert draft.applicant["birth_date"] == "1990-05-01"
    # The profile has no address: the last dossier's is offered.
    assert draft.applicant["address"] == person().address
    # "last answer" fields come from the earlier dossier, "phone" from the profile.
    assert draft.form_data["mother_name"] == "Nguyễn Thị Lan"
    assert draft.form_data["father_name"] == "Trần Văn Bình"
    assert draft.form_data["requester_phone"] == "0912345678"
    assert "child_name" not in draft.form_data
    # The agency of the last dossier of this procedure is chosen again.
    assert draft.resolving_agency == province["thanh_sen"]
    # Starting again resumes the same draft.
    assert drafts.start(user, BIRTH).pk == draft.pk


def test_a_procedure_not_offered_online_cannot_be_started(small_catalog):
    with pytest.raises(Invalid, match=re.escape("Thủ tục này không nộp trực tuyến được.")):
        drafts.start(citizen(), "2.001035")


def test_saving_a_step_keeps_invalid_input_and_says_what_is_wrong(small_catalog):
    user = citizen()
    draft = drafts.start(user, BIRTH)
    errors = drafts.save_step(
        draft, "applicant", {"kind": "person", "name": "Lan", "id_number": "12345", "address": "", "phone": "09"}
    )
    assert set(errors) == {"id_number", "address", "phone"}
    assert errors["id_number"] == "Số định danh cá nhân của bạn gồm 12 chữ số, bắt đầu bằng 001 đến 096."
    errors = drafts.save_step(draft, "form", answers(child_name="Anh 2", child_birth_date="31/02/2026", copies="ba"))
    assert set(errors) == {"child_name", "child_birth_date", "copies"}
    assert errors["child_name"] == "Tên của trẻ không được có chữ số."
    # Read back from the database, as another device would.
    again = Draft.objects.get(pk=draft.pk)
    assert again.applicant["id_number"] == "12345"
    assert again.applicant["phone"] == "09"
    assert again.form_data["child_name"] == "Anh 2"
    assert again.form_data["copies"] == "ba"
    assert drafts.problems(again).keys() == {"applicant", "form", "documents", "return"}


def test_upload_of_a_wrong_type_or_too_large_is_refused_and_changes_nothing(small_catalog, settings):
    draft = drafts.start(citizen(), BIRTH)
    first = requirements()[0]
    kept = drafts.attach(draft, first.pk, SimpleUploadedFile("to-khai.pdf", PDF))
    with pytest.raises(Invalid, match=re.escape("“to-khai.pdf” không phải tệp PDF, PNG hoặc JPEG.")):
        drafts.attach(draft, first.pk, SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf"))
    settings.MOTCUA_MAX_UPLOAD_BYTES = 100
    with pytest.raises(Invalid, match="100"):
        drafts.attach(draft, first.pk, SimpleUploadedFile("lon.pdf", PDF + b"x" * 200))
    with pytest.raises(Invalid):
        drafts.attach(draft, first.pk, SimpleUploadedFile("rong.pdf", b""))
    document = DraftDocument.objects.get(draft=draft)
    assert (document.sha256, document.filename, document.file.name) == (kept.sha256, "to-khai.pdf", kept.file.name)
    assert document.file.read() == PDF


def test_replacing_and_removing_an_upload(small_catalog, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    draft = drafts.start(citizen(), BIRTH)
    first = requirements()[0]
    old = drafts.attach(draft, first.pk, SimpleUploadedFile("a.pdf", PDF))
    with django_capture_on_commit_callbacks(execute=True):
        new = drafts.attach(draft, first.pk, SimpleUploadedFile("b.png", PNG))
    assert DraftDocument.objects.get(draft=draft).content_type == "image/png"
    assert not default_storage.exists(old.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        drafts.remove(draft, first.pk)
    assert not DraftDocument.objects.filter(draft=draft).exists()
    assert not default_storage.exists(new.file.name)


def test_a_document_of_another_procedure_is_refused(small_catalog):
    draft = drafts.start(citizen(), BIRTH)
    foreign = RequiredDocument.objects.filter(version__procedure__code="2.001035").first()
    with pytest.raises(Invalid):
        drafts.attach(draft, foreign.pk, SimpleUploadedFile("a.pdf", PDF))


def test_only_documents_of_ones_own_dossiers_can_be_reused(small_catalog, province):
    me, other = citizen(), citizen("binh", phone="0987654321", full_name="Trần Văn Bình")
    mine = earlier_dossier(me, province).documents.get()
    theirs = earlier_dossier(other, province).documents.get()
    draft = drafts.start(me, BIRTH)
    second = requirements()[1]
    assert [d.pk for d in drafts.reuse_choices(draft)[second.pk]] == [mine.pk]
    with pytest.raises(Invalid, match=r"^Giấy tờ đó không có trong giấy tờ của các hồ sơ của bạn"):
        drafts.reuse(draft, second.pk, theirs.pk)
    assert not DraftDocument.objects.filter(draft=draft).exists()
    given = drafts.reuse(draft, second.pk, mine.pk)
    assert (given.reused, given.sha256, given.file.name) == (mine, mine.sha256, "")
    # A counter dossier without an owner is nobody's to reuse either.
    with pytest.raises(Invalid):
        drafts.reuse(draft, second.pk, 999999)


def test_another_persons_draft_is_not_found(small_catalog):
    draft = drafts.start(citizen(), BIRTH)
    other = citizen("binh", phone="0987654321")
    assert not drafts.drafts_of(other).filter(pk=draft.pk).exists()


# -- submission ---------------------------------------------------------------------------------


def test_submitting_a_complete_draft_creates_the_owned_online_dossier(
    small_catalog, province, django_capture_on_commit_callbacks
):
    user = citizen()
    earlier = earlier_dossier(user, province).documents.get()
    draft = complete(drafts.start(user, BIRTH), province, reuse=earlier)
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        dossier = drafts.submit(draft)
    assert dossier.status == "submitted" and dossier.channel == "online"
    assert dossier.owner == user
    assert dossier.receiving_agency == province["thanh_sen_centre"]
    assert dossier.resolving_agency == province["thanh_sen"]
    assert dossier.returning_agency == province["thanh_sen_centre"]
    assert dossier.return_method == "online"
    assert dossier.form_data == {**answers(), "copies": 2}
    assert dossier.applicant_name == "Nguyễn Thị Lan" and dossier.applicant_id_number == "042190000123"
    uploaded, reused = dossier.documents.order_by("required_document__position")
    assert uploaded.reused_from is None and uploaded.file.read() == PDF
    assert reused.reused_from == earlier
    assert (reused.sha256, reused.file.name, reused.size) == (earlier.sha256, earlier.file.name, earlier.size)
    assert DossierDocument.objects.filter(file=earlier.file.name).count() == 2
    assert not Draft.objects.filter(pk=draft.pk).exists()
    assert dossier.events.get().action == "submit"


def test_an_incomplete_draft_is_refused_naming_the_step_and_nothing_is_created(small_catalog, province):
    draft = complete(drafts.start(citizen(), BIRTH), province)
    drafts.save_step(draft, "form", answers(child_sex=""))
    with pytest.raises(Invalid) as caught:
        drafts.submit(draft)
    assert caught.value.field == "form"
    assert caught.value.message == "Hãy chọn một câu trả lời cho “Giới tính của trẻ”."
    assert not Dossier.objects.exists()
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_result_by_post_or_at_a_chosen_centre(small_catalog, province):
    draft = complete(drafts.start(citizen(), BIRTH), province)
    errors = drafts.save_step(draft, "return", {"resolving_agency": province["thanh_sen"].pk, "return_method": "post"})
    assert errors == {"return_address": "Hãy nhập địa chỉ để gửi kết quả qua bưu điện."}
    errors = drafts.save_step(
        draft,
        "return",
        {
            "resolving_agency": province["thanh_sen"].pk,
            "return_method": "counter",
            "returning_agency": province["justice"].pk,
        },
    )
    assert set(errors) == {"returning_agency"}
    drafts.save_step(
        draft,
        "return",
        {
            "resolving_agency": province["thanh_sen"].pk,
            "return_method": "counter",
            "returning_agency": province["tran_phu_centre"].pk,
        },
    )
    dossier = drafts.submit(draft)
    assert (dossier.return_method, dossier.returning_agency) == ("counter", province["tran_phu_centre"])
    assert dossier.receiving_agency == province["thanh_sen_centre"]


def test_a_representative_submits_for_a_verified_organisation_only(small_catalog, province):
    user = citizen()
    Representation.objects.create(
        user=user, tax_code="3000123456", name="Công ty TNHH Hồng Lam", address="Số 1 Hà Huy Tập"
    )
    draft = complete(drafts.start(user, BIRTH), province)
    errors = drafts.save_step(draft, "applicant", {**draft.applicant, "kind": "organisation", "tax_code": "3000123456"})
    assert errors == {"tax_code": "Hãy chọn một tổ chức mà bạn là người đại diện."}
    Representation.objects.filter(user=user).update(verified_at=timezone.now(), verified_by="administrator")
    assert drafts.errors_of(draft, "applicant") == {}
    dossier = drafts.submit(draft)
    assert (dossier.applicant_kind, dossier.applicant_name, dossier.applicant_id_number) == (
        "organisation",
        "Công ty TNHH Hồng Lam",
        "3000123456",
    )
    assert (dossier.representative_name, dossier.representative_id_number) == ("Nguyễn Thị Lan", "042190000123")


def test_submit_online_checks_form_answers_and_keeps_the_old_signature(small_catalog, province):
    centre = province["thanh_sen_centre"]
    with pytest.raises(Invalid) as caught:
        services.submit_online(BIRTH, centre, person(), form_data=answers(copies="11"))
    assert caught.value.field == "form_copies"
    assert caught.value.message == "“Số bản sao Giấy khai sinh cần cấp” không được lớn hơn 10."
    dossier = services.submit_online(BIRTH, centre, person())
    assert (dossier.owner, dossier.form_data, dossier.return_method) == (None, {}, "online")
    with pytest.raises(Invalid):
        services.submit_online(BIRTH, centre, person(), [services.Upload(name="x", form="copy", reuse_of=1)])


# -- receipt times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "counted_from", "acceptance_due"),
    [
        # A weekday in working hours: received at once; 8 working hours later, next morning.
        (at(2026, 1, 12, 10, 0), at(2026, 1, 12, 10, 0), at(2026, 1, 13, 10, 0)),
        # The lunch break: from 13:00 the same day; 4 hours that afternoon, 4 the next morning.
        (at(2026, 1, 12, 12, 0), at(2026, 1, 12, 13, 0), at(2026, 1, 13, 11, 30)),
        # In the evening: from the start of the next working day.
        (at(2026, 1, 12, 20, 0), at(2026, 1, 13, 7, 30), at(2026, 1, 13, 17, 0)),
        # On a Saturday: from Monday morning.
        (at(2026, 1, 17, 9, 0), at(2026, 1, 19, 7, 30), at(2026, 1, 19, 17, 0)),
        # Before the 30 April and 1 May holidays (Thursday and Friday): from Monday 4 May.
        (at(2026, 4, 29, 20, 0), at(2026, 5, 4, 7, 30), at(2026, 5, 4, 17, 0)),
        (at(2026, 4, 29, 16, 0), at(2026, 4, 29, 16, 0), at(2026, 5, 4, 16, 0)),
    ],
)
def test_receipt_times_follow_the_centres_working_hours(
    small_catalog, province, submitted, counted_from, acceptance_due
):
    user = citizen()
    draft = complete(drafts.start(user, BIRTH), province)
    drafts.save_step(draft, "form", answers(child_birth_date="2025-12-30"))
    with time_machine.travel(submitted, tick=False):
        dossier = drafts.submit(draft)
    times = drafts.receipt(dossier)
    assert times["submitted_at"] == submitted
    assert times["counted_from"] == counted_from
    assert times["acceptance_due_at"] == acceptance_due
