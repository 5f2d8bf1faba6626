"""Feedback pages through HTTP: the portal form with its challenge and rate limit, the suggestion
box, following by code, the officers' queue and actions, and the dossier page's complaints."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from motcua.feedback import items
from motcua.feedback.models import FeedbackItem
from motcua.feedback.rules import _WORDS

VN = dt.timezone(dt.timedelta(hours=7))
TEXT = "Tôi phải đến ba lần vì cán bộ yêu cầu giấy tờ không có trong danh mục của thủ tục."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def at(*args):
    return dt.datetime(*args, tzinfo=VN)


def solve(question: str) -> str:
    first, _, rest = question.lower().partition(" cộng ")
    return str(_WORDS.index(first) + _WORDS.index(rest.removesuffix(" bằng mấy?")))


def form_data(response, **overrides):
    challenge = response.context["challenge"]
    data = {
        "kind": "procedure",
        "subject": "Yêu cầu giấy tờ ngoài quy định",
        "text": TEXT,
        "sender_name": "Lê Văn Hùng",
        "sender_phone": "0987654321",
        "challenge_token": challenge.token if challenge else "",
        "challenge": solve(challenge.question) if challenge else "",
    }
    data.update(overrides)
    return data


def test_anyone_sends_feedback_from_the_portal_and_follows_it(client, province):
    page = client.get("/phan-anh/gui/")
    assert page.status_code == 200 and "Câu hỏi kiểm tra" in page.content.decode()
    sent = client.post("/phan-anh/gui/", form_data(page, agency=str(province["thanh_sen"].pk)))
    item = FeedbackItem.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/phan-anh/theo-doi/{item.code}/"
    shown = client.get(sent["Location"]).content.decode()
    assert item.code in shown and "Đã tiếp nhận" in shown
    # The look-up by code finds it; a wrong code does not.
    assert client.get("/phan-anh/theo-doi/", {"ma": item.code.lower()}).status_code == 302
    assert client.get("/phan-anh/theo-doi/", {"ma": "PA-260101-AAAAAAAAAA"}).status_code == 404


def test_a_wrong_or_reused_challenge_is_refused(client, province):
    page = client.get("/phan-anh/gui/")
    data = form_data(page, agency=str(province["thanh_sen"].pk))
    wrong = client.post("/phan-anh/gui/", {**data, "challenge": str(int(data["challenge"]) + 1)})
    assert wrong.status_code == 422 and "err_challenge" in wrong.content.decode()
    # The wrong answer spent the question: even the right sum is now refused; the new one works.
    assert client.post("/phan-anh/gui/", data).status_code == 422
    data = form_data(wrong, agency=str(province["thanh_sen"].pk))
    assert client.post("/phan-anh/gui/", data).status_code == 302
    again = client.post("/phan-anh/gui/", data)  # the same answered question a second time
    assert again.status_code == 422
    assert FeedbackItem.objects.count() == 1


@override_settings(MOTCUA_FEEDBACK_LIMIT=2)
def test_a_flood_from_one_address_is_refused(client, province):
    codes = []
    for _ in range(3):
        page = client.get("/phan-anh/gui/")
        codes.append(client.post("/phan-anh/gui/", form_data(page, agency=str(province["thanh_sen"].pk))).status_code)
    assert codes == [302, 302, 429]
    assert FeedbackItem.objects.count() == 2


@override_settings(MOTCUA_FEEDBACK_MAX_FILE_BYTES=1000)
def test_an_oversize_upload_is_refused_before_it_is_read(client, province):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.get("/phan-anh/gui/")
    big = SimpleUploadedFile("to.pdf", b"%PDF-1.4\n" + b"0" * 2000, content_type="application/pdf")
    refused = client.post(
        "/phan-anh/gui/", {**form_data(page, agency=str(province["thanh_sen"].pk)), "attachments": [big]}
    )
    assert refused.status_code == 422 and "lớn hơn" in refused.content.decode()
    assert not FeedbackItem.objects.exists()


def test_a_wrong_type_attachment_is_refused_and_the_text_is_kept(client, province):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.get("/phan-anh/gui/")
    fake = SimpleUploadedFile("don.pdf", b"<script>alert(1)</script>" * 4, content_type="application/pdf")
    refused = client.post(
        "/phan-anh/gui/", {**form_data(page, agency=str(province["thanh_sen"].pk)), "attachments": [fake]}
    )
    body = refused.content.decode()
    assert refused.status_code == 422 and "err_attachments" in body and TEXT in body
    assert not FeedbackItem.objects.exists()


def test_the_suggestion_box_takes_anonymous_feedback_for_its_centre(client, province):
    centre = province["thanh_sen_centre"]
    page = client.get(f"/phan-anh/hop-thu/{centre.pk}/")
    assert centre.name in page.content.decode()
    data = form_data(page, anonymous="1", sender_name="", sender_phone="")
    sent = client.post(f"/phan-anh/hop-thu/{centre.pk}/", data)
    assert sent.status_code == 302
    item = FeedbackItem.objects.get()
    assert (item.channel, item.agency, item.anonymous) == ("qr_box", centre, True)
    assert client.get(f"/phan-anh/hop-thu/{province['justice'].pk}/").status_code == 404  # not a centre


def _officer_flow(client, officers, item):
    client.force_login(officers["specialist"])
    queue = client.get("/can-bo/phan-anh/").content.decode()
    assert item.code in queue
    assert item.code in client.get("/can-bo/phan-anh/", {"q": "giay to khong co"}).content.decode()
    assert item.code not in client.get("/can-bo/phan-anh/", {"q": "ho chieu"}).content.decode()
    assert item.code in client.get("/can-bo/phan-anh/", {"q": item.code.lower(), "han": "overdue"}).content.decode()
    assert client.post(f"/can-bo/phan-anh/{item.pk}/phan-loai/", {"kind": "conduct"}).status_code == 302
    draft = client.post(f"/can-bo/phan-anh/{item.pk}/du-thao/", {"answer": "Đã nhắc nhở cán bộ, xin lỗi ông Hùng."})
    assert draft.status_code == 302
    assert client.post(f"/can-bo/phan-anh/{item.pk}/phe-duyet/").status_code == 403  # not a leader
    client.force_login(officers["leader"])
    assert client.post(f"/can-bo/phan-anh/{item.pk}/phe-duyet/").status_code == 302
    assert client.post(f"/can-bo/phan-anh/{item.pk}/cong-khai/").status_code == 302


def test_officers_handle_publish_and_the_public_finds_the_masked_answer(client, province, officers):
    with time_machine.travel(at(2026, 2, 12, 10), tick=False):
        item = items.send(
            items.Submission(
                kind="conduct",
                subject="Thái độ cán bộ",
                text=TEXT + " Gọi tôi: 0987 654 321.",
                agency_id=province["thanh_sen"].pk,
                sender_name="Lê Văn Hùng",
                sender_phone="0987654321",
            )
        )
    _officer_flow(client, officers, item)
    client.logout()
    listing = client.get("/phan-anh/", {"q": "giay to khong co", "loai": "conduct"}).content.decode()
    item.refresh_from_db()
    assert item.public_subject in listing
    answer = client.get(f"/phan-anh/tra-loi/{item.pk}/").content.decode()
    assert "0987 654 321" not in answer and "Hùng" not in answer and "*******321" in answer
    assert client.post(f"/phan-anh/tra-loi/{item.pk}/y-kien/", {"helpful": "1"}).status_code == 302
    client.post(f"/phan-anh/tra-loi/{item.pk}/y-kien/", {"helpful": "1"})  # counted once
    item.refresh_from_db()
    assert item.helpful == 1


def test_other_agencies_officers_do_not_see_the_item(client, province, officers):
    with time_machine.travel(at(2026, 2, 12, 10), tick=False):
        item = items.send(
            items.Submission(
                kind="other",
                subject="Góp ý",
                text=TEXT,
                agency_id=province["thanh_sen"].pk,
                sender_name="Lê Văn Hùng",
                sender_phone="0987654321",
            )
        )
    client.force_login(officers["other_leader"])
    assert item.code not in client.get("/can-bo/phan-anh/").content.decode()
    assert client.get(f"/can-bo/phan-anh/{item.pk}/").status_code == 404


def test_a_conduct_complaint_shows_on_the_dossier_page(client, province, officers, receive):
    dossier = receive()
    with time_machine.travel(at(2026, 2, 12, 10), tick=False):
        item = items.send(
            items.Submission(
                kind="conduct",
                subject="Cán bộ gây khó khăn",
                text=TEXT,
                dossier_code=dossier.code,
                dossier_secret=dossier.secret,
                sender_name="Nguyễn Thị Lan",
                sender_phone="0912345678",
            )
        )
    client.force_login(officers["leader"])
    page = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Cán bộ gây khó khăn" in page and item.code in page


def test_an_officer_records_a_hotline_call_and_prints_the_box_qr(client, province, officers):
    client.force_login(officers["receptionist"])
    sent = client.post(
        "/can-bo/phan-anh/nhap/",
        {
            "channel": "hotline",
            "kind": "procedure",
            "agency": str(province["thanh_sen"].pk),
            "subject": "Gọi đường dây nóng",
            "text": TEXT,
            "sender_name": "Phạm Thị Mai",
            "sender_phone": "0911222333",
        },
    )
    assert sent.status_code == 302
    assert FeedbackItem.objects.get().recorded_by == officers["receptionist"]
    boxes = client.get("/can-bo/phan-anh/hop-thu/").content.decode()
    assert f"/phan-anh/hop-thu/{province['thanh_sen_centre'].pk}/" in boxes and "data:image/svg+xml" in boxes


def test_the_sender_replies_and_reopens_by_code(client, province, officers):
    with time_machine.travel(at(2026, 4, 27, 9), tick=False):
        item = items.send(
            items.Submission(
                kind="procedure",
                subject="Hỏi thủ tục",
                text=TEXT,
                agency_id=province["thanh_sen"].pk,
                sender_name="Lê Văn Hùng",
                sender_phone="0987654321",
            )
        )
    with time_machine.travel(at(2026, 4, 28, 9), tick=False):
        items.ask_more(item.pk, officers["specialist"], question="Ông nộp hồ sơ ngày nào?")
        reply = client.post(
            f"/phan-anh/theo-doi/{item.code}/bo-sung/", {"text": "Tôi nộp vào sáng thứ Hai tuần trước."}
        )
        assert reply.status_code == 302
        items.draft_answer(item.pk, officers["specialist"], answer="Đã kiểm tra và hướng dẫn lại.")
        items.approve(item.pk, officers["leader"])
        page = client.get(f"/phan-anh/theo-doi/{item.code}/").content.decode()
        assert "Đã kiểm tra và hướng dẫn lại." in page and 'name="reason"' in page
        short = client.post(f"/phan-anh/theo-doi/{item.code}/mo-lai/", {"reason": "Chưa"})
        assert short.status_code == 422
        done = client.post(
            f"/phan-anh/theo-doi/{item.code}/mo-lai/", {"reason": "Câu trả lời chưa nói rõ tôi cần làm gì."}
        )
        assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "reopened"
    assert 'name="reason"' not in client.get(f"/phan-anh/theo-doi/{item.code}/").content.decode()
    # The leader's new draft is not shown to the sender before it is approved.
    with time_machine.travel(at(2026, 4, 29, 9), tick=False):
        items.draft_answer(item.pk, officers["leader"], answer="Dự thảo lần hai chưa duyệt.")
    assert "Dự thảo lần hai" not in client.get(f"/phan-anh/theo-doi/{item.code}/").content.decode()


def test_a_logged_in_owner_sends_about_his_dossier_without_challenge_or_secret(client, province, receive):
    from motcua.portal.tests.tracking_helpers import citizen, own

    lan = citizen("lan")
    dossier = own(receive(), lan)
    client.force_login(lan)
    page = client.get("/phan-anh/gui/")
    assert page.context["challenge"] is None and 'value="Nguyễn Thị Lan"' in page.content.decode()
    data = form_data(page, kind="conduct", dossier_code=dossier.code, sender_name="Nguyễn Thị Lan")
    assert client.post("/phan-anh/gui/", data).status_code == 302
    item = FeedbackItem.objects.get()
    assert (item.sender_account, item.dossier, item.agency) == (lan, dossier, dossier.resolving_agency)


def test_the_evaluation_page_lists_conduct_complaints_per_officer(admin_client, province, officers):
    with time_machine.travel(at(2026, 2, 12, 10), tick=False):
        item = items.send(
            items.Submission(
                kind="conduct",
                subject="Thái độ",
                text=TEXT,
                agency_id=province["thanh_sen"].pk,
                sender_name="Lê Văn Hùng",
                sender_phone="0987654321",
            )
        )
        items.classify(item.pk, officers["specialist"], kind="conduct", officer_id=officers["receptionist"].pk)
    page = admin_client.get("/quan-tri/feedback/rating/danh-gia-can-bo/")
    assert page.status_code == 200 and "Tiepnhan" in page.content.decode()
    assert admin_client.get(f"/quan-tri/feedback/feedbackitem/{item.pk}/change/").status_code == 200
