"""Feedback items through their services: sending, deadlines on the agency's calendar, forwarding,
asking for more, answering with the leader's approval, publication, reopening, refusals, messages."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import translation

from motcua.core.errors import Conflict, Invalid, NotAllowed
from motcua.documents import store
from motcua.feedback import items
from motcua.feedback.items import Attachment, Submission
from motcua.feedback.models import FeedbackEvent, FeedbackItem
from motcua.notifications.models import Message

VN = dt.timezone(dt.timedelta(hours=7))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TEXT = "Cán bộ tiếp nhận yêu cầu tôi nộp thêm giấy tờ không có trong thủ tục, tôi phải đi lại ba lần."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def at(*args):
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture
def send(province):
    def go(when=None, **overrides):
        values = {
            "kind": "procedure",
            "subject": "Bị yêu cầu nộp thêm giấy tờ",
            "text": TEXT,
            "agency_id": province["thanh_sen"].pk,
            "sender_name": "Nguyễn Thị Lan",
            "sender_phone": "0912345678",
            "sender_email": "lan@example.com",
        }
        officer = overrides.pop("officer", None)
        account = overrides.pop("account", None)
        values.update(overrides)
        with time_machine.travel(when or at(2026, 2, 12, 10), tick=False):
            return items.send(Submission(**values), officer=officer, account=account)

    return go


def act(when, function, *args, **kwargs):
    with time_machine.travel(when, tick=False):
        return function(*args, **kwargs)


def purposes(item=None):
    return list(Message.objects.filter(dossier=None).order_by("id").values_list("purpose", "channel"))


# -- sending and deadlines --------------------------------------------------------------------------


def test_a_sent_item_carries_the_legal_deadlines_across_tet_and_tells_the_sender(send):
    item = send()
    assert item.code.startswith("PA-260212-") and len(item.code) == 20
    assert item.status == "received"
    assert item.reject_due_at == at(2026, 2, 23, 10)
    assert item.forward_due_at == item.more_due_at == at(2026, 2, 26, 10)
    assert item.answer_due_at == at(2026, 3, 12, 10)
    assert item.publish_due_at == at(2026, 3, 16, 10)
    assert purposes() == [("feedback_send", "email"), ("feedback_send", "sms")]
    email = Message.objects.get(channel="email")
    assert item.code in email.subject and "12/03/2026 10:00" in email.body
    assert email.body.startswith("Kính gửi")  # Vietnamese whatever the officer's language
    assert list(FeedbackEvent.objects.filter(item=item).values_list("action", flat=True)) == ["send"]


def test_deadlines_across_30_april_and_1_may(send):
    item = send(when=at(2026, 4, 29, 9))
    assert item.reject_due_at == at(2026, 5, 5, 9)
    assert item.answer_due_at == at(2026, 5, 22, 9)
    assert item.publish_due_at == at(2026, 5, 26, 9)


def test_the_history_cannot_be_changed_or_deleted(send):
    from django.db import DatabaseError, transaction

    event = FeedbackEvent.objects.get(item=send())
    for change in (lambda: FeedbackEvent.objects.filter(pk=event.pk).update(note="x"), event.delete):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    assert FeedbackEvent.objects.filter(pk=event.pk, note="").exists()


def test_attachments_are_checked_by_content_and_stored(send):
    item = send(attachments=[Attachment("don.pdf", PDF), Attachment("anh.png", PNG)])
    blobs = [a.blob for a in item.attachments.order_by("name")]
    assert [b.content_type for b in blobs] == ["image/png", "application/pdf"]
    assert store.read(blobs[1]) == PDF


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "Chậm quá"}, "text"),
        ({"text": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, "text"),
        ({"subject": ""}, "subject"),
        ({"kind": "gossip"}, "kind"),
        ({"sender_name": ""}, "sender_name"),
        ({"sender_phone": "", "sender_email": ""}, "sender_phone"),
        ({"sender_phone": "12345"}, "sender_phone"),
        ({"attachments": [Attachment("virus.exe", b"MZ\x90\x00" * 20)]}, "attachments"),
        ({"attachments": [Attachment("gia.pdf", b"<html>not a pdf</html>")]}, "attachments"),
        ({"attachments": [Attachment(f"{i}.pdf", PDF) for i in range(4)]}, "attachments"),
        ({"dossier_code": "H42.99999-260101-0001"}, "dossier_code"),
        ({"channel": "hotline"}, "channel"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_kept(send, overrides, field):
    with pytest.raises(Invalid) as refused:
        send(**overrides)
    assert refused.value.field == field
    assert not FeedbackItem.objects.exists() and not Message.objects.exists()


@override_settings(MOTCUA_FEEDBACK_MAX_FILE_BYTES=100)
def test_an_oversize_attachment_is_refused(send):
    with pytest.raises(Invalid, match="larger than"):
        send(attachments=[Attachment("lon.pdf", PDF + b"0" * 200)])
    assert not FeedbackItem.objects.exists()


def test_only_the_suggestion_box_takes_fully_anonymous_items(send):
    with pytest.raises(Invalid):
        send(anonymous=True, sender_name="", sender_phone="", sender_email="")
    item = send(channel="qr_box", anonymous=True, sender_name="", sender_phone="", sender_email="")
    assert item.anonymous and not item.sender_name
    assert not Message.objects.exists()  # no contact: the sender follows it by its code


def test_an_officer_types_in_a_hotline_call(send, officers):
    item = send(channel="hotline", officer=officers["specialist"])
    assert item.recorded_by == officers["specialist"] and item.channel == "hotline"
    with pytest.raises(Invalid):
        send(channel="portal", officer=officers["specialist"])


# -- handling ----------------------------------------------------------------------------------------


def test_reject_with_reasons_on_time_and_late(send, officers):
    item = send()
    with pytest.raises(Invalid):
        act(at(2026, 2, 13, 9), items.reject, item.pk, officers["specialist"], reasons="  ")
    done = act(at(2026, 2, 23, 10), items.reject, item.pk, officers["specialist"], reasons="Trùng nội dung đã trả lời.")
    assert done.status == "rejected" and done.on_time is True
    late = send()
    done = act(at(2026, 2, 23, 10, 1), items.reject, late.pk, officers["specialist"], reasons="Không thuộc phạm vi.")
    assert done.on_time is False
    assert ("feedback_reject", "sms") in purposes()


def test_officers_of_another_agency_cannot_act(send, officers):
    item = send()
    with pytest.raises(NotAllowed):
        act(at(2026, 2, 13, 9), items.classify, item.pk, officers["other_leader"], kind="conduct")
    assert item.pk not in items.handled_by(officers["other_leader"]).values_list("pk", flat=True)
    assert item.pk in items.handled_by(officers["specialist"]).values_list("pk", flat=True)


def test_forwarding_restarts_the_clock_at_the_competent_agency(send, officers, province):
    item = send()
    moved = act(
        at(2026, 2, 25, 14), items.forward, item.pk, officers["specialist"], to_agency_id=province["tran_phu"].pk
    )
    assert moved.agency == province["tran_phu"] and moved.status == "received"
    assert moved.clock_from == at(2026, 2, 25, 14)
    assert moved.reject_due_at == at(2026, 2, 27, 14)
    assert moved.answer_due_at == at(2026, 3, 18, 14)
    event = FeedbackEvent.objects.get(item=item, action="forward")
    assert event.agency == province["thanh_sen"] and event.to_agency == province["tran_phu"]
    # Now the other agency's officers handle it, and the first agency's no longer can.
    with pytest.raises(NotAllowed):
        act(at(2026, 2, 26, 9), items.classify, item.pk, officers["specialist"], kind="other")
    act(at(2026, 2, 26, 9), items.classify, item.pk, officers["other_leader"], kind="other")
    assert ("feedback_forward", "email") in purposes()


def test_forwarding_after_five_working_days_is_recorded_as_late(send, officers, province):
    item = send()
    act(at(2026, 2, 26, 10, 5), items.forward, item.pk, officers["specialist"], to_agency_id=province["tran_phu"].pk)
    assert "after the deadline" in FeedbackEvent.objects.get(item=item, action="forward").note


def test_asking_for_more_pauses_the_answer_clock(send, officers):
    item = send()
    act(at(2026, 2, 13, 10), items.ask_more, item.pk, officers["specialist"], question="Xin cho biết ngày đến nộp.")
    with pytest.raises(Invalid):
        act(at(2026, 2, 23, 10), items.add_more, item.code, text="ok")
    more = act(at(2026, 2, 23, 10), items.add_more, item.code, text="Tôi đến nộp hồ sơ vào sáng ngày 12 tháng 1.")
    assert more.status == "in_progress"
    assert more.answer_due_at == at(2026, 3, 13, 10)  # one working day later (Tết not counted)
    assert "sáng ngày 12 tháng 1" in more.text
    assert [p for p, _ in purposes()].count("feedback_ask_more") == 2


def _answered(send, officers):
    when = at(2026, 4, 28, 9)
    item = send(when=at(2026, 4, 27, 9))
    act(when, items.classify, item.pk, officers["specialist"], kind="conduct", officer_id=officers["receptionist"].pk)
    act(when, items.draft_answer, item.pk, officers["specialist"], answer="Cơ quan đã chấn chỉnh cán bộ tiếp nhận.")
    return act(when, items.approve, item.pk, officers["leader"])


def test_the_leader_approves_before_the_answer_goes_out(send, officers):
    item = send()
    act(at(2026, 2, 13, 9), items.classify, item.pk, officers["specialist"], kind="procedure")
    act(at(2026, 2, 13, 9), items.draft_answer, item.pk, officers["specialist"], answer="Trả lời thử.")
    with pytest.raises(NotAllowed):
        act(at(2026, 2, 13, 10), items.approve, item.pk, officers["specialist"])
    act(at(2026, 2, 13, 10), items.send_back, item.pk, officers["leader"], note="Nêu rõ căn cứ.")
    act(at(2026, 2, 13, 11), items.draft_answer, item.pk, officers["specialist"], answer="Căn cứ Nghị định 118/2025.")
    done = act(at(2026, 3, 12, 10), items.approve, item.pk, officers["leader"])
    assert done.status == "answered" and done.on_time is True and done.approved_by == officers["leader"]
    answer_mail = Message.objects.get(purpose="feedback_approve", channel="email")
    assert "Nghị định 118/2025" in answer_mail.body
    # Drafts and the send-back stay inside: the sender was told of send, classify and the answer.
    assert [p for p, c in purposes() if c == "email"] == ["feedback_send", "feedback_classify", "feedback_approve"]


def test_publication_masks_personal_data_and_is_searchable_without_accents(send, officers):
    item = send(text=TEXT + " Liên hệ tôi: 0912 345 678, lan@example.com, CCCD 042190000123. Nguyễn Thị Lan")
    act(at(2026, 2, 13, 9), items.classify, item.pk, officers["specialist"], kind="procedure")
    act(
        at(2026, 2, 13, 9),
        items.draft_answer,
        item.pk,
        officers["specialist"],
        answer="Gửi bà Nguyễn Thị Lan: đã xử lý.",
    )
    act(at(2026, 2, 13, 10), items.approve, item.pk, officers["leader"])
    done = act(at(2026, 2, 13, 11), items.publish, item.pk, officers["specialist"])
    public = " ".join([done.public_subject, done.public_text, done.public_answer])
    for secret in ("0912 345 678", "lan@example.com", "042190000123", "Thị Lan"):
        assert secret not in public
    assert "Nguyễn T** L**" in public
    assert list(items.published("giay to khong co trong thu tuc")) == [done]
    assert list(items.published("giấy tờ", kind="procedure")) == [done]
    assert list(items.published("giay to", kind="conduct")) == []
    assert list(items.published("0912345678")) == []  # unpublished words are not searchable
    assert list(items.published("lan example")) == []


def test_votes_one_per_reader(send, officers):
    item = send()
    act(at(2026, 2, 13, 9), items.classify, item.pk, officers["specialist"], kind="procedure")
    act(at(2026, 2, 13, 9), items.draft_answer, item.pk, officers["specialist"], answer="Đã xử lý xong.")
    act(at(2026, 2, 13, 10), items.approve, item.pk, officers["leader"])
    with pytest.raises(Invalid):
        items.vote(item.pk, "1.2.3.4", helpful=True)  # not published yet
    act(at(2026, 2, 13, 11), items.publish, item.pk, officers["specialist"])
    items.vote(item.pk, "1.2.3.4", helpful=True)
    items.vote(item.pk, "sender", helpful=False, by_sender=True)
    with pytest.raises(Conflict):
        items.vote(item.pk, "1.2.3.4", helpful=False)
    item.refresh_from_db()
    assert (item.helpful, item.not_helpful) == (1, 1)


# -- reopening ----------------------------------------------------------------------------------------


def test_reopen_once_within_the_period_goes_to_the_leader(send, officers):
    item = _answered(send, officers)  # answered Tue 28/04 09:00: reopen until Thu 14/05 09:00
    with pytest.raises(Conflict):
        act(at(2026, 5, 14, 9, 1), items.reopen, item.code, reason="Câu trả lời chưa giải quyết được việc của tôi.")
    done = act(at(2026, 5, 14, 9), items.reopen, item.code, reason="Câu trả lời chưa giải quyết được việc của tôi.")
    assert done.status == "reopened" and done.on_time is None
    assert done.answer_due_at == at(2026, 6, 4, 9)
    # Only the leader drafts the new answer.
    with pytest.raises(NotAllowed):
        act(at(2026, 5, 15, 9), items.draft_answer, item.pk, officers["specialist"], answer="Lần hai.")
    act(at(2026, 5, 15, 9), items.draft_answer, item.pk, officers["leader"], answer="Trả lời lần hai, đã kiểm tra lại.")
    act(at(2026, 5, 15, 10), items.approve, item.pk, officers["leader"])
    with pytest.raises(Conflict, match="only once"):
        act(at(2026, 5, 15, 11), items.reopen, item.code, reason="Tôi vẫn chưa đồng ý với câu trả lời này.")
    assert ("feedback_reopen", "sms") in purposes()


# -- conduct complaints and index inputs -------------------------------------------------------------


def test_a_conduct_complaint_about_a_dossier_is_on_the_dossier_and_the_officer(send, officers, receive):
    dossier = receive()
    with pytest.raises(Invalid) as refused:
        send(dossier_code=dossier.code)  # neither the owner nor the look-up secret
    assert refused.value.field == "dossier_secret"
    item = send(kind="conduct", dossier_code=dossier.code.lower(), dossier_secret=dossier.secret, agency_id=None)
    assert item.dossier == dossier and item.agency == dossier.resolving_agency
    act(
        at(2026, 2, 13, 9),
        items.classify,
        item.pk,
        officers["specialist"],
        kind="conduct",
        officer_id=officers["receptionist"].pk,
    )
    assert list(items.conduct_about_dossier(dossier.pk)) == [item]
    assert list(items.conduct_about_officer(officers["receptionist"].pk)) == [item]
    [row] = items.conduct_by_officer()
    assert (row["officer_id"], row["complaints"], row["with_dossier"]) == (officers["receptionist"].pk, 1, 1)


def test_on_time_stats_and_kind_counts(send, officers, province):
    on_time = send()
    act(at(2026, 2, 13, 9), items.reject, on_time.pk, officers["specialist"], reasons="Trùng lặp.")
    late = send(kind="conduct")
    act(at(2026, 3, 13, 9), items.classify, late.pk, officers["specialist"], kind="conduct")
    act(at(2026, 3, 13, 9), items.draft_answer, late.pk, officers["specialist"], answer="Đã chấn chỉnh.")
    act(at(2026, 3, 13, 10), items.approve, late.pk, officers["leader"])
    send(kind="regulation")  # still open
    with time_machine.travel(at(2026, 4, 1), tick=False):
        rows = items.on_time_stats([province["thanh_sen"].pk], at(2026, 2, 1), at(2026, 3, 1))
    assert len(rows) == 1
    row = rows[0]
    assert (row["received"], row["closed"], row["on_time"], row["overdue"]) == (3, 2, 1, 1)
    assert row["on_time_rate"] == 0.5
    counts = items.kind_counts(None, at(2026, 2, 1), at(2026, 3, 1))
    assert counts == {"regulation": 1, "procedure": 1, "conduct": 1, "other": 0}


# -- delivery --------------------------------------------------------------------------------------


def test_the_sender_gets_the_answer_by_email_and_sms_through_the_gateway(
    sim, send, officers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = send()
        act(at(2026, 2, 13, 9), items.classify, item.pk, officers["specialist"], kind="procedure")
        act(
            at(2026, 2, 13, 9), items.draft_answer, item.pk, officers["specialist"], answer="Giấy tờ đó không bắt buộc."
        )
        act(at(2026, 2, 13, 10), items.approve, item.pk, officers["leader"])
    sim.wait_idle()
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    mails = sim.state()["emails"]
    assert [m["subject"] for m in mails] == [
        f"[{item.code}] Phản ánh của ông/bà đã được tiếp nhận",
        f"[{item.code}] Phản ánh của ông/bà đang được xử lý",
        f"[{item.code}] Trả lời phản ánh của ông/bà",
    ]
    assert "Giấy tờ đó không bắt buộc." in mails[-1]["body"]
    assert f"http://127.0.0.1:9/phan-anh/theo-doi/{item.code}/" in mails[-1]["body"]
    assert all(s["phone"] == "0912345678" and item.code in s["content"] for s in sim.state()["sms"])
