"""The back office as officers use it: reception at the counter, queues, the dossier page and its
actions, through the pages (the services themselves are tested in motcua.dossiers)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.dossiers import alerts, queues, services
from motcua.dossiers.models import Dossier, DossierDocument, Event
from motcua.dossiers.tests.conftest import PDF, at, person

pytestmark = pytest.mark.django_db

RECEPTION = "/can-bo/tiep-nhan/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(response) -> str:
    return response.content.decode()


def contract_document():
    return RequiredDocument.objects.get(version__procedure__code="2.001035")


def counter_form(centre, **overrides):
    """What a receptionist types for procedure 2.001035 (one required document)."""
    document = contract_document()
    data = {
        "centre": centre.pk,
        "procedure": "2.001035",
        f"doc-{document.pk}-received": "on",
        f"doc-{document.pk}-form": "original",
        f"doc-{document.pk}-quantity": "2",
        "applicant_kind": "person",
        "applicant_id_number": "042190000123",
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_birth_date": "1990-05-01",
        "applicant_address": "Số 5, đường Trần Phú, phường Thành Sen",
        "applicant_phone": "0912345678",
        "applicant_email": "lan@example.com",
        "fees_collected": "50000",
        "return_method": "counter",
        "sets": "1",
        "outcome": "receive",
    }
    data.update(overrides)
    return data


def scan(name="hop-dong.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# -- reception ------------------------------------------------------------------------------------


def test_reception_preselects_the_only_centre_and_finds_the_procedure_without_accents(
    client, officers, small_catalog, province, monday
):
    client.force_login(officers["receptionist"])
    response = client.get(RECEPTION)
    assert response.status_code == 200
    assert "Trung tâm Phục vụ hành chính công phường Thành Sen" in page(response)
    suggestions = client.get("/can-bo/tiep-nhan/thu-tuc/", {"q": "chung thuc giao dich"}, **HTMX)
    assert "<html" not in page(suggestions)
    assert "procedure=2.001035" in page(suggestions)
    # Without JavaScript the search box submits the page, which lists the same suggestions.
    assert "procedure=2.001035" in page(client.get(RECEPTION, {"q": "chung thuc"}))


def test_choosing_the_procedure_shows_its_checklist_fees_resolving_agency_and_appointment(
    client, officers, small_catalog, province, monday
):
    client.force_login(officers["receptionist"])
    response = client.get(RECEPTION, {"procedure": "2.001035"})
    html = page(response)
    assert "Dự thảo hợp đồng, giao dịch" in html
    assert 'name="fees_collected" type="text" value="50000"' in html
    # Preselected by the services' rule: the commune of the receiving centre.
    selected = re.search(r'<option value="(\d+)" selected>([^<]+)</option>', html.split('id="id_resolving_agency"')[1])
    assert selected.group(2) == "Ủy ban nhân dân phường Thành Sen"
    # 2 working days from Monday 09:30.
    assert "14/01/2026" in html and "09:30" in html
    refreshed = client.get(
        "/can-bo/tiep-nhan/hen-tra/",
        {"procedure": "2.001035", "resolving_agency": province["tran_phu"].pk},
        **HTMX,
    )
    assert "14/01/2026" in page(refreshed) and "<html" not in page(refreshed)


def test_receiving_at_the_counter_leads_to_the_dossier_with_its_code_and_the_slip(
    client, officers, small_catalog, province, monday
):
    client.force_login(officers["receptionist"])
    document = contract_document()
    response = client.post(RECEPTION, counter_form(province["thanh_sen_centre"], **{f"doc-{document.pk}-file": scan()}))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{dossier.pk}/"
    assert dossier.code == "H42.18073-260112-0001"
    stored = DossierDocument.objects.get(dossier=dossier)
    assert (stored.quantity, stored.content_type, stored.required_document_id) == (2, "application/pdf", document.pk)
    shown = page(client.get(response["Location"]))
    assert "Đã tiếp nhận hồ sơ H42.18073-260112-0001" in shown
    assert f"/can-bo/ho-so/{dossier.pk}/mau-01.pdf" in shown
    assert "Nguyễn Thị Lan" in shown and "Ủy ban nhân dân phường Thành Sen" in shown


def test_supplement_at_the_counter_lists_the_documents_not_ticked(client, officers, small_catalog, province, monday):
    client.force_login(officers["receptionist"])
    document = contract_document()
    form = counter_form(province["thanh_sen_centre"], outcome="supplement", items="", reasons="Thiếu hợp đồng")
    del form[f"doc-{document.pk}-received"]
    response = client.post(RECEPTION, form)
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.status == "supplement_requested" and dossier.code is None
    assert dossier.suspensions.get().items == ["Dự thảo hợp đồng, giao dịch"]
    assert dossier.fees_collected == 0  # fees go with a received dossier only
    assert "/mau-02.pdf" in page(client.get(response["Location"]))


def test_refusal_at_the_counter_needs_reasons_and_keeps_what_was_typed(
    client, officers, small_catalog, province, monday
):
    client.force_login(officers["receptionist"])
    form = counter_form(province["thanh_sen_centre"], outcome="refuse", reasons="")
    response = client.post(RECEPTION, form)
    html = page(response)
    assert response.status_code == 422
    assert 'id="err_reasons"' in html and "lý do" in html
    assert 'value="Nguyễn Thị Lan"' in html and 'value="042190000123"' in html
    assert not Dossier.objects.exists()
    response = client.post(RECEPTION, {**form, "reasons": "Không thuộc thẩm quyền"})
    assert response.status_code == 302
    assert Dossier.objects.get().status == "refused"


def test_bad_citizen_id_is_shown_at_the_field_and_everything_typed_is_kept(
    client, officers, small_catalog, province, monday
):
    client.force_login(officers["receptionist"])
    document = contract_document()
    form = counter_form(
        province["thanh_sen_centre"],
        applicant_id_number="12345",
        return_method="post",
        return_address="Hộp thư 12, Bưu điện Hà Tĩnh",
        note="Khách hẹn quay lại",
        **{f"doc-{document.pk}-file": scan()},
    )
    response = client.post(RECEPTION, form)
    html = page(response)
    assert response.status_code == 422
    field = html.split('for="id_applicant_id_number"')[1].split("</div>")[0]
    assert 'id="err_applicant_id_number"' in field and "12" in field and 'aria-invalid="true"' in field
    for typed in [
        'value="12345"',
        'value="Nguyễn Thị Lan"',
        'value="1990-05-01"',
        'value="0912345678"',
        'value="lan@example.com"',
        'value="Hộp thư 12, Bưu điện Hà Tĩnh"',
        "Khách hẹn quay lại",
        f'name="doc-{document.pk}-received" data-doc="Dự thảo hợp đồng, giao dịch" checked',
        '<option value="original" selected>',
        f'name="doc-{document.pk}-quantity" type="number" min="1" max="99" inputmode="numeric" value="2"',
        'name="return_method" value="post" checked',
    ]:
        assert typed in html, typed
    # Files cannot survive the round trip: the page says which to choose again.
    assert "chọn lại bản quét" in html and "Dự thảo hợp đồng, giao dịch." in html
    assert not Dossier.objects.exists()


def test_receiving_without_every_required_document_ticked_is_refused(client, officers, small_catalog, province, monday):
    client.force_login(officers["receptionist"])
    form = counter_form(province["thanh_sen_centre"])
    del form[f"doc-{contract_document().pk}-received"]
    response = client.post(RECEPTION, form)
    assert response.status_code == 422
    assert "Chưa đánh dấu đủ thành phần hồ sơ bắt buộc" in page(response)
    assert not Dossier.objects.exists()


def test_organisation_needs_its_representative(client, officers, small_catalog, province, monday):
    client.force_login(officers["receptionist"])
    form = counter_form(
        province["thanh_sen_centre"],
        applicant_kind="organisation",
        applicant_id_number="0101234567",
        applicant_name="Công ty TNHH Hồng Lĩnh",
        applicant_birth_date="",
    )
    response = client.post(RECEPTION, form)
    html = page(response)
    assert response.status_code == 422 and 'id="err_representative_name"' in html
    assert 'name="applicant_kind" value="organisation" checked' in html
    response = client.post(RECEPTION, {**form, "representative_name": "Lê Văn Hùng"})
    assert response.status_code == 302
    shown = page(client.get(response["Location"]))
    assert "Mã số thuế" in shown and "0101234567" in shown and "Lê Văn Hùng" in shown


def test_pages_speak_english_when_asked(client, officers, receive, monday):
    dossier = receive()
    client.force_login(officers["receptionist"])
    client.cookies["django_language"] = "en"
    assert "Receive a dossier at the counter" in page(client.get(RECEPTION))
    html = page(detail(client, dossier))
    assert "What you can do now" in html and "Finish and hand over" in html
    assert "To sign" in page(client.get("/can-bo/"))


def test_only_receptionists_open_the_reception_page(client, officers, small_catalog):
    client.force_login(officers["specialist"])
    assert client.get(RECEPTION).status_code == 403
    client.logout()
    assert client.get(RECEPTION)["Location"].startswith("/can-bo/dang-nhap/")


# -- queues ---------------------------------------------------------------------------------------


def test_queues_show_tabs_with_counts_rows_and_the_officers_roles(client, officers, receive, monday):
    dossier = receive()
    client.force_login(officers["receptionist"])
    html = page(client.get("/can-bo/"))
    assert "Cán bộ tiếp nhận — Trung tâm Phục vụ hành chính công phường Thành Sen" in html
    # The reception step is his: the first non-empty queue opens.
    assert 'aria-current="page" class="current">Cần xử lý' in html
    assert dossier.code in html and "Nguyễn Thị Lan" in html and "Tiếp nhận" in html
    for label in ["Chờ tiếp nhận", "Chờ ký duyệt", "Chờ trả kết quả", "Quá hạn"]:
        assert label in html


def test_switching_tabs_with_htmx_returns_only_the_queue(client, officers, receive, monday):
    receive()
    client.force_login(officers["receptionist"])
    response = client.get("/can-bo/", {"tab": "to_return"}, **HTMX)
    html = page(response)
    assert "<html" not in html and 'id="tab-field" value="to_return" hx-swap-oob="true"' in html
    assert "Không có hồ sơ nào." in html


def test_counts_are_capped(client, officers, receive, monday, monkeypatch):
    receive()
    receive()
    monkeypatch.setattr(queues, "COUNT_CAP", 2)
    client.force_login(officers["receptionist"])
    assert '<span class="count">2+</span>' in page(client.get("/can-bo/", {"tab": "to_handle"}))


def test_search_by_name_without_accents_by_code_and_by_id_number(client, officers, receive, monday):
    lan = receive()
    binh = receive(applicant=person(name="Trần Văn Bình", id_number="042185000456"))
    client.force_login(officers["receptionist"])

    def found(q):
        html = page(client.get("/can-bo/", {"tab": "to_handle", "q": q}, **HTMX))
        return {code for code in (lan.code, binh.code) if code in html}

    assert found("tran van binh") == {binh.code}
    assert found("lan") == {lan.code}
    assert found(lan.code) == {lan.code}
    assert found("042185000456") == {binh.code}
    assert found("khong ai") == set()


def test_more_link_pages_by_keyset(client, officers, receive, travel, monkeypatch):
    first = receive(when=at(2026, 1, 12, 8, 0))
    second = receive(when=at(2026, 1, 12, 9, 0))
    travel(at(2026, 1, 20, 9, 0))  # both overdue by now
    monkeypatch.setattr("motcua.backoffice.views.PAGE_SIZE", 1)
    client.force_login(officers["receptionist"])
    html = page(client.get("/can-bo/", {"tab": "overdue"}))
    assert first.code in html and second.code not in html
    more = re.search(r'href="(\?tab=overdue&amp;after=[^"]+)"', html).group(1).replace("&amp;", "&")
    rest = page(client.get("/can-bo/" + more, **HTMX))
    assert second.code in rest and first.code not in rest and "<table" not in rest
    assert "quá hạn" in rest  # shown red with its word, not by colour only


def test_unseen_alerts_are_shown_on_top_and_can_be_marked_seen(client, officers, receive, travel):
    dossier = receive()
    travel(at(2026, 1, 12, 10, 0))
    services.complete_step(dossier.pk, officers["receptionist"])
    travel(at(2026, 1, 12, 15, 0))
    alerts.raise_alerts()
    client.force_login(officers["specialist"])
    html = page(client.get("/can-bo/"))
    assert "Cảnh báo thời hạn" in html and dossier.code in html
    seen = re.findall(r'name="alert" value="(\d+)"', html)
    response = client.post("/can-bo/canh-bao/da-xem/", {"alert": seen}, **HTMX)
    assert "Cảnh báo thời hạn" not in page(response)
    assert alerts.alerts_for(officers["specialist"]) == []


# -- the dossier page ------------------------------------------------------------------------------


def detail(client, dossier, **headers):
    return client.get(f"/can-bo/ho-so/{dossier.pk}/", **headers)


def post(client, dossier, slug, data=None, **headers):
    dossier.refresh_from_db()
    return client.post(f"/can-bo/ho-so/{dossier.pk}/{slug}/", {"revision": dossier.revision, **(data or {})}, **headers)


def test_dossier_page_shows_applicant_agencies_documents_steps_and_history(client, officers, receive, monday):
    dossier = receive()
    client.force_login(officers["receptionist"])
    html = page(detail(client, dossier))
    for text in [
        dossier.code,
        "Nguyễn Thị Lan",
        "042190000123",
        "Trung tâm Phục vụ hành chính công phường Thành Sen",
        "Ủy ban nhân dân phường Thành Sen",
        "14/01/2026",  # appointment
        "Dự thảo hợp đồng",
        "Thẩm định",  # a step
        "Tiếp nhận (Mẫu 01)",  # the first event of the control slip
    ]:
        assert text in html, text
    document = dossier.documents.get()
    link = f"/can-bo/ho-so/{dossier.pk}/giay-to/{document.pk}/"
    assert link in html
    file = client.get(link)
    assert file["Content-Type"] == "application/pdf" and b"".join(file.streaming_content) == PDF


def test_officers_of_other_agencies_get_404_everywhere(client, officers, receive, monday):
    dossier = receive()
    document = dossier.documents.get()
    client.force_login(officers["other_receptionist"])
    assert detail(client, dossier).status_code == 404
    assert client.get(f"/can-bo/ho-so/{dossier.pk}/giay-to/{document.pk}/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{dossier.pk}/mau-01.pdf").status_code == 404
    assert post(client, dossier, "chuyen-buoc").status_code == 404
    dossier.refresh_from_db()
    assert dossier.events.count() == 1


def test_inspector_reads_but_sees_no_action_forms(client, officers, receive, inspector, monday):
    dossier = receive()
    client.force_login(inspector)
    response = detail(client, dossier)
    assert response.status_code == 200
    html = page(response)
    assert dossier.code in html
    assert 'name="revision"' not in html
    assert "Hiện bạn không có việc gì cần làm với hồ sơ này." in html


def test_each_officer_sees_only_the_actions_he_may_take(client, officers, receive, monday):
    dossier = receive()
    client.force_login(officers["receptionist"])
    html = page(detail(client, dossier))
    assert "/chuyen-buoc/" in html and "/rut-ho-so/" in html
    assert "/phe-duyet/" not in html and "/phan-cong/" not in html
    client.force_login(officers["leader"])
    html = page(detail(client, dossier))
    assert "/yeu-cau-bo-sung/" in html and "/tu-choi/" in html and "/gia-han/" in html
    assert "/chuyen-buoc/" not in html and "/phe-duyet/" not in html and "/rut-ho-so/" not in html


def test_the_whole_path_through_the_action_forms(client, officers, receive, travel):
    dossier = receive()
    travel(at(2026, 1, 12, 10, 0))
    client.force_login(officers["receptionist"])
    response = post(client, dossier, "chuyen-buoc", {"note": "Đủ giấy tờ"})
    assert response.status_code == 302
    assert "Đã hoàn thành bước của bạn" in page(client.get(response["Location"]))

    client.force_login(officers["leader"])
    html = page(detail(client, dossier))
    assert f'<option value="{officers["specialist"].pk}"' in html
    assert post(client, dossier, "phan-cong", {"specialist": officers["specialist"].pk}).status_code == 302
    assert dossier.steps.get(role="specialist").assignee == officers["specialist"]

    travel(at(2026, 1, 13, 9, 0))
    client.force_login(officers["specialist"])
    assert post(client, dossier, "chuyen-buoc", {"note": "Hồ sơ hợp lệ"}).status_code == 302

    client.force_login(officers["leader"])
    assert "/phe-duyet/" in page(detail(client, dossier))
    assert post(client, dossier, "phe-duyet").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "processed"

    client.force_login(officers["receptionist"])
    assert post(client, dossier, "bao-tra-som").status_code == 302
    assert post(client, dossier, "tra-ket-qua", {"note": "Đã giao tận tay"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "returned"
    actions = list(Event.objects.filter(dossier=dossier).order_by("at", "id").values_list("action", flat=True))
    assert actions == [
        "receive",
        "complete_step",
        "assign",
        "complete_step",
        "approve",
        "notify_early_return",
        "return_result",
    ]
    html = page(detail(client, dossier))
    assert "Đã giao tận tay" in html
    assert "Đúng hạn" in html and "Trước hạn" in html  # each hand-over's timing on the control slip


def test_supplement_is_asked_and_recorded_with_a_scan(client, officers, receive, travel):
    dossier = receive()
    travel(at(2026, 1, 12, 10, 0))
    services.complete_step(dossier.pk, officers["receptionist"])
    client.force_login(officers["specialist"])
    response = post(
        client, dossier, "yeu-cau-bo-sung", {"items": "Bản sao sổ đỏ\nBản sao CCCD", "reasons": "Thiếu giấy tờ"}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "supplement_requested"
    travel(at(2026, 1, 14, 9, 0))
    client.force_login(officers["receptionist"])
    html = page(detail(client, dossier))
    assert "Bản sao sổ đỏ" in html and 'name="sup-count" value="2"' in html
    response = post(
        client,
        dossier,
        "nhan-bo-sung",
        {
            "sup-count": "2",
            "sup-0-name": "Bản sao sổ đỏ",
            "sup-0-received": "on",
            "sup-0-form": "copy",
            "sup-0-file": scan("so-do.pdf"),
            "sup-1-name": "Bản sao CCCD",
            "note": "Đã nhận đủ",
        },
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "supplemented"
    added = dossier.documents.get(added_in="supplement")
    assert (added.name, added.form, added.content_type) == ("Bản sao sổ đỏ", "copy", "application/pdf")


def test_refusal_after_appraisal_needs_reasons_and_keeps_them_on_error(client, officers, receive, monday):
    dossier = receive()
    client.force_login(officers["leader"])
    response = post(client, dossier, "tu-choi", {"reasons": ""}, **HTMX)
    html = page(response)
    assert response.status_code == 200 and html.startswith('<div id="dossier"')
    assert 'id="tu-choi-reasons-err"' in html and "lý do" in html
    response = post(client, dossier, "tu-choi", {"reasons": "Không đủ điều kiện"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "refused"


def test_extension_once_at_least_a_working_day_before(client, officers, receive, travel):
    dossier = receive(code="1.013225", when=at(2026, 3, 2, 9, 0))  # due 23/03
    travel(at(2026, 3, 10, 9, 0))
    client.force_login(officers["leader"])
    html = page(detail(client, dossier))
    assert "chậm nhất trước hạn trả" in html and 'name="new_due_at"' in html
    response = post(client, dossier, "gia-han", {"new_due_at": "2026-03-28", "reason": "Chờ ý kiến"})
    assert response.status_code == 422 and "ngày làm việc" in page(response)  # a Saturday
    response = post(client, dossier, "gia-han", {"new_due_at": "2026-03-30", "reason": "Chờ ý kiến phối hợp"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.due_at == at(2026, 3, 30, 17, 0)
    html = page(detail(client, dossier))
    assert 'name="new_due_at"' not in html and "chỉ được hẹn lại một lần" in html


def test_extension_is_not_offered_within_the_last_working_day(client, officers, receive, travel):
    dossier = receive(when=at(2026, 1, 12, 9, 0))  # due Wednesday 14/01 09:00
    travel(at(2026, 1, 13, 10, 0))
    client.force_login(officers["leader"])
    html = page(detail(client, dossier))
    assert 'name="new_due_at"' not in html and "Đã quá thời điểm" in html


def test_withdrawal_at_the_applicants_request(client, officers, receive, monday):
    dossier = receive()
    client.force_login(officers["receptionist"])
    assert post(client, dossier, "rut-ho-so", {"reasons": "Người nộp xin rút"}).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "withdrawn"


def test_online_dossier_is_received_asked_for_a_supplement_or_refused_from_its_page(
    client, officers, province, small_catalog, monday
):
    def online():
        return services.submit_online("1.001193", province["thanh_sen_centre"], person())

    client.force_login(officers["receptionist"])
    first = online()
    html = page(detail(client, first))
    assert "Chưa có mã số" in html and "/tiep-nhan/" in html and "/bo-sung-khi-tiep-nhan/" in html
    assert post(client, first, "tiep-nhan").status_code == 302
    first.refresh_from_db()
    assert first.status == "received" and first.code
    second = online()
    asked = post(client, second, "bo-sung-khi-tiep-nhan", {"items": "Giấy chứng sinh", "reasons": "Thiếu"})
    assert asked.status_code == 302
    second.refresh_from_db()
    assert second.status == "supplement_requested"
    third = online()
    assert post(client, third, "tu-choi-tiep-nhan", {"reasons": "Sai thủ tục"}).status_code == 302
    third.refresh_from_db()
    assert third.status == "refused"


def test_conflict_shows_a_clear_message_and_the_fresh_state(client, officers, receive, travel):
    dossier = receive()
    travel(at(2026, 1, 12, 10, 0))
    stale = dossier.revision
    services.withdraw(dossier.pk, officers["receptionist"], reasons="Rút qua điện thoại", revision=stale)
    client.force_login(officers["receptionist"])
    response = client.post(f"/can-bo/ho-so/{dossier.pk}/chuyen-buoc/", {"revision": stale, "note": "x"}, **HTMX)
    html = page(response)
    assert response.status_code == 200 and html.startswith('<div id="dossier"')
    assert "Chưa thực hiện: hồ sơ vừa thay đổi." in html
    assert "Hồ sơ vừa được người khác cập nhật" in html
    assert "Công dân rút hồ sơ" in html and "Rút qua điện thoại" in html  # what the other officer did
    assert "/chuyen-buoc/" not in html  # the fresh state offers no hand-over any more
    full = client.post(f"/can-bo/ho-so/{dossier.pk}/chuyen-buoc/", {"revision": stale})
    assert full.status_code == 409 and "<html" in page(full)


def test_htmx_action_swaps_the_dossier_block_only(client, officers, receive, travel):
    dossier = receive()
    travel(at(2026, 1, 12, 10, 0))
    client.force_login(officers["receptionist"])
    response = post(client, dossier, "chuyen-buoc", {"note": ""}, **HTMX)
    html = page(response)
    assert response.status_code == 200
    assert html.startswith('<div id="dossier"') and "<html" not in html
    assert "Đã hoàn thành bước của bạn" in html and "autofocus" in html
    dossier.refresh_from_db()
    assert f'name="revision" value="{dossier.revision}"' in html or "/chuyen-buoc/" not in html


def test_pages_run_few_queries(client, officers, receive, monday, django_assert_max_num_queries):
    dossier = receive()
    client.force_login(officers["receptionist"])
    # The page also lists the applicant's messages, the rating invitation, feedback about the
    # dossier, its signed documents and whether the officer holds a signing key.
    with django_assert_max_num_queries(22):
        assert detail(client, dossier).status_code == 200
    with django_assert_max_num_queries(14):  # seven capped counts, one page of rows, alerts, roles
        assert client.get("/can-bo/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/can-bo/", {"tab": "overdue", "q": "lan"}, **HTMX).status_code == 200
    with django_assert_max_num_queries(8):
        more = {"tab": "overdue", "after": "2026-01-01T00:00:00+00:00~1"}
        assert client.get("/can-bo/", more, **HTMX).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(RECEPTION, {"procedure": "2.001035"}).status_code == 200
    client.force_login(officers["leader"])
    with django_assert_max_num_queries(24):  # a leader has more actions to check
        assert detail(client, dossier).status_code == 200


# -- printable forms and the register -------------------------------------------------------------


def test_forms_print_for_those_who_see_the_dossier(client, officers, receive, monday):
    forms = pytest.importorskip("motcua.dossiers.forms")
    dossier = receive()
    client.force_login(officers["receptionist"])
    html = page(detail(client, dossier))
    for number in forms.available_forms(dossier):
        assert f"/mau-{number:02d}.pdf" in html
    response = client.get(f"/can-bo/ho-so/{dossier.pk}/mau-01.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_register_for_centre_heads_and_receptionists_only(client, officers, receive, province, monday):
    forms = pytest.importorskip("motcua.dossiers.forms")
    assert forms
    receive()
    centre = province["thanh_sen_centre"]
    client.force_login(officers["specialist"])
    assert client.get("/can-bo/so-theo-doi/").status_code == 403
    january = {"centre": centre.pk, "from": "2026-01-01", "to": "2026-01-31"}
    assert client.get("/can-bo/so-theo-doi.pdf", january).status_code == 404
    client.force_login(officers["receptionist"])
    assert "Sổ theo dõi hồ sơ" in page(client.get("/can-bo/so-theo-doi/"))
    bad = client.get("/can-bo/so-theo-doi.pdf", {"centre": centre.pk, "from": "2026-02-01", "to": "2026-01-01"})
    assert bad.status_code == 422
    response = client.get("/can-bo/so-theo-doi.pdf", january)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_long_alert_list_folds_after_five_and_marks_all_seen(client, officers, receive, travel):
    made = [receive(when=at(2026, 1, 12, 8, 0)) for _ in range(7)]
    travel(at(2026, 1, 12, 9, 0))
    for dossier in made:
        services.complete_step(dossier.pk, officers["receptionist"])
    travel(at(2026, 1, 12, 15, 0))
    assert alerts.raise_alerts() == 14  # specialist and leader, for each of the seven
    client.force_login(officers["specialist"])
    html = page(client.get("/can-bo/"))
    assert "2 cảnh báo khác" in html and "<details>" in html
    seen = re.findall(r'name="alert" value="(\d+)"', html)
    assert len(seen) == 7
    client.post("/can-bo/canh-bao/da-xem/", {"alert": seen}, **HTMX)
    assert alerts.alerts_for(officers["specialist"]) == []
