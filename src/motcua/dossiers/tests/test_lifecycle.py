"""Every transition of the workflow, as the officers of a commune would do them."""

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import Event
from motcua.dossiers.tests.conftest import at


def act(when, fn, *args, **kwargs):
    with time_machine.travel(when, tick=False):
        return fn(*args, **kwargs)


@pytest.mark.django_db
def test_full_path_from_reception_to_returned_result(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    act(at(2026, 1, 12, 10, 0), services.complete_step, dossier.pk, officers["receptionist"])
    act(at(2026, 1, 12, 11, 0), services.assign, dossier.pk, officers["leader"], officers["specialist"])
    act(at(2026, 1, 13, 10, 0), services.complete_step, dossier.pk, officers["specialist"], note="Hồ sơ hợp lệ")
    act(at(2026, 1, 13, 15, 0), services.approve, dossier.pk, officers["leader"])
    dossier.refresh_from_db()
    assert dossier.status == "processed"
    returned = act(at(2026, 1, 14, 8, 0), services.return_result, dossier.pk, officers["receptionist"])
    assert returned.status == "returned"
    events = list(returned.events.order_by("at", "id").values_list("action", "timing", "agency__identifier"))
    assert events == [
        ("receive", "", "H42.18073.01"),
        ("complete_step", "on_time", "H42.18073.01"),
        ("assign", "", "H42.18073"),
        ("complete_step", "on_time", "H42.18073"),
        ("approve", "early", "H42.18073"),
        ("return_result", "on_time", "H42.18073.01"),
    ]


@pytest.mark.django_db
def test_late_step_is_recorded_late_on_the_control_slip(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    # The reception step was due at 14:30 the same day.
    act(at(2026, 1, 12, 16, 0), services.complete_step, dossier.pk, officers["receptionist"])
    assert Event.objects.get(dossier=dossier, action="complete_step").timing == "late"


@pytest.mark.django_db
def test_leader_of_another_commune_cannot_approve(receive, officers):
    dossier = receive()
    act(at(2026, 1, 12, 10, 0), services.complete_step, dossier.pk, officers["receptionist"])
    act(at(2026, 1, 12, 11, 0), services.complete_step, dossier.pk, officers["specialist"])
    with pytest.raises(services.NotAllowed, match="Ủy ban nhân dân phường Thành Sen"):
        act(at(2026, 1, 12, 15, 0), services.approve, dossier.pk, officers["other_leader"])
    dossier.refresh_from_db()
    assert dossier.status == "in_progress"


@pytest.mark.django_db
def test_action_not_allowed_from_the_current_status_is_refused_and_named(receive, officers):
    dossier = receive()
    with pytest.raises(services.Conflict) as error:
        act(at(2026, 1, 12, 10, 0), services.return_result, dossier.pk, officers["receptionist"])
    assert "Đã tiếp nhận" in error.value.message or "Received" in error.value.message


@pytest.mark.django_db
def test_stale_revision_loses_with_a_clear_message(receive, officers):
    dossier = receive()
    revision = dossier.revision
    act(at(2026, 1, 12, 10, 0), services.complete_step, dossier.pk, officers["receptionist"], revision=revision)
    with pytest.raises(services.Conflict):
        act(at(2026, 1, 12, 10, 1), services.withdraw, dossier.pk, officers["receptionist"], revision=revision)
    dossier.refresh_from_db()
    assert dossier.status == "in_progress"


@pytest.mark.django_db
def test_supplement_after_acceptance_restarts_the_law_and_pauses_the_index(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))  # due Wednesday 14/01 09:00
    act(at(2026, 1, 12, 10, 0), services.complete_step, dossier.pk, officers["receptionist"])
    act(
        at(2026, 1, 13, 9, 0),
        services.request_supplement,
        dossier.pk,
        officers["specialist"],
        items=["Bản sao sổ đỏ"],
        reasons="Thiếu giấy tờ",
    )
    supplemented = act(at(2026, 1, 15, 9, 0), services.supplement, dossier.pk, officers["receptionist"])
    # Law: the full 2 working days again from Thursday 15/01 09:00 → Monday 19/01 09:00.
    assert supplemented.due_at == at(2026, 1, 19, 9, 0)
    # Index: the original due time pushed back by the 2 working days of waiting → Friday 16/01 09:00.
    assert supplemented.index_due_at == at(2026, 1, 16, 9, 0)
    assert supplemented.original_due_at == at(2026, 1, 14, 9, 0)
    assert supplemented.supplement_requests == 1


@pytest.mark.django_db
def test_supplement_request_after_three_working_days_is_refused(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    with pytest.raises(services.Conflict):
        act(
            at(2026, 1, 15, 10, 0),
            services.request_supplement,
            dossier.pk,
            officers["specialist"],
            items=["x"],
            reasons="y",
        )


@pytest.mark.django_db
def test_unsupplemented_dossier_is_closed_after_the_configured_days(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    act(
        at(2026, 1, 12, 9, 30),
        services.request_supplement,
        dossier.pk,
        officers["specialist"],
        items=["Bản sao"],
        reasons="Thiếu",
    )
    # 15 working days from Monday 12/01 09:30 is Monday 02/02 09:30.
    assert dossier.suspensions.get().deadline_at == at(2026, 2, 2, 9, 30)
    assert act(at(2026, 2, 2, 9, 0), services.close_expired_suspensions) == 0
    assert act(at(2026, 2, 2, 10, 0), services.close_expired_suspensions) == 1
    dossier.refresh_from_db()
    assert dossier.status == "stopped"


@pytest.mark.django_db
def test_extension_once_and_at_least_one_working_day_before(receive, officers):
    dossier = receive(code="1.013225", when=at(2026, 3, 2, 9, 0))  # 15 working days
    new_date = at(2026, 3, 30, 17, 0)
    extended = act(
        at(2026, 3, 10, 9, 0),
        services.extend,
        dossier.pk,
        officers["leader"],
        new_due_at=new_date,
        reason="Chờ ý kiến cơ quan phối hợp",
    )
    assert extended.due_at == new_date and extended.original_due_at == at(2026, 3, 23, 9, 0)
    with pytest.raises(services.Conflict, match=r"một lần|only once"):
        act(
            at(2026, 3, 11, 9, 0),
            services.extend,
            dossier.pk,
            officers["leader"],
            new_due_at=at(2026, 4, 6, 17, 0),
            reason="Lần hai",
        )


@pytest.mark.django_db
def test_extension_on_the_due_day_is_too_late(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))  # due Wednesday 14/01 09:00
    with pytest.raises(services.Conflict):
        act(
            at(2026, 1, 13, 14, 0),
            services.extend,
            dossier.pk,
            officers["leader"],
            new_due_at=at(2026, 1, 20, 17, 0),
            reason="Trễ",
        )


@pytest.mark.django_db
def test_withdrawal_stops_everything(receive, officers):
    dossier = receive()
    withdrawn = act(
        at(2026, 1, 12, 10, 0), services.withdraw, dossier.pk, officers["receptionist"], reasons="Công dân xin rút"
    )
    assert withdrawn.status == "withdrawn"
    assert set(withdrawn.steps.values_list("state", flat=True)) == {"skipped"}


@pytest.mark.django_db
def test_refusal_after_appraisal(receive, officers):
    dossier = receive()
    refused = act(at(2026, 1, 12, 10, 0), services.refuse, dossier.pk, officers["leader"], reasons="Không đủ điều kiện")
    assert refused.status == "refused"
    with pytest.raises(services.Invalid):
        act(at(2026, 1, 12, 10, 0), services.refuse, receive().pk, officers["leader"], reasons="")


@pytest.mark.django_db
def test_online_dossier_waits_in_reception_queue_with_8_working_hours(province, small_catalog, officers):
    from motcua.dossiers.tests.conftest import person

    # Friday 09/01/2026 16:00 online: 1 working hour left that day, then the swapped Saturday
    # 10/01 gives 4 in the morning and 3 after 13:00 → accept by Saturday 16:00.
    dossier = act(at(2026, 1, 9, 16, 0), services.submit_online, "1.001193", province["thanh_sen_centre"], person())
    assert dossier.status == "submitted" and dossier.code is None
    assert dossier.acceptance_due_at == at(2026, 1, 10, 16, 0)
    accepted = act(at(2026, 1, 10, 9, 0), services.receive_existing, dossier.pk, officers["receptionist"])
    assert accepted.code == "H42.18073-260110-0001"


@pytest.mark.django_db
def test_control_slip_events_cannot_be_changed_or_deleted(receive):
    from django.db import DatabaseError, transaction

    dossier = receive()
    event = dossier.events.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(note="sửa")
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).delete()
    assert dossier.events.get().note == ""


@pytest.mark.django_db
def test_online_acceptance_after_8_working_hours_is_recorded_late(province, small_catalog, officers):
    from motcua.dossiers.tests.conftest import person

    dossier = act(at(2026, 1, 12, 9, 0), services.submit_online, "1.001193", province["thanh_sen_centre"], person())
    act(at(2026, 1, 13, 10, 0), services.receive_existing, dossier.pk, officers["receptionist"])
    assert Event.objects.get(dossier=dossier, action="receive").timing == "late"


@pytest.mark.django_db
def test_appointment_across_tet_and_a_swapped_saturday(receive, officers):
    # 15 working days from Tuesday 10/02/2026 09:00 for the building permit: 11–13/02 are three
    # working days, Tết closes 16–20/02, then 23/02 onwards: days 4..15 end on Tuesday 10/03 09:00.
    dossier = receive(code="1.013225", when=at(2026, 2, 10, 9, 0))
    assert dossier.due_at == at(2026, 3, 10, 9, 0)
    # Two working days from Friday 09/01/2026 09:00: the swapped Saturday 10/01 is the first.
    assert receive(when=at(2026, 1, 9, 9, 0)).due_at == at(2026, 1, 12, 9, 0)


@pytest.mark.django_db
def test_a_received_dossier_cannot_be_received_again(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    act(
        at(2026, 1, 12, 9, 30),
        services.request_supplement,
        dossier.pk,
        officers["specialist"],
        items=["Bản sao"],
        reasons="Thiếu",
    )
    act(at(2026, 1, 13, 9, 0), services.supplement, dossier.pk, officers["receptionist"])
    with pytest.raises(services.Conflict):
        act(at(2026, 1, 13, 9, 5), services.receive_existing, dossier.pk, officers["receptionist"])
    dossier.refresh_from_db()
    assert dossier.code.endswith("-0001") and dossier.status == "supplemented"
