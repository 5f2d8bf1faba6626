"""Officers see in each queue exactly the dossiers of their roles and agencies."""

import pytest
import time_machine

from motcua.dossiers import queues, services
from motcua.dossiers.tests.conftest import at, person


def codes(rows):
    return [r["code"] for r in rows]


@pytest.mark.django_db
def test_each_officer_sees_his_own_work(receive, officers, province):
    first = receive(when=at(2026, 1, 12, 9, 0))
    second = receive(when=at(2026, 1, 12, 10, 0))
    with time_machine.travel(at(2026, 1, 12, 11, 0), tick=False):
        services.complete_step(second.pk, officers["receptionist"])
        receptionist = queues.queue(officers["receptionist"], "to_handle")
        specialist = queues.queue(officers["specialist"], "to_handle")
        other = queues.queue(officers["other_receptionist"], "to_handle")
    assert [r["dossier_id"] for r in receptionist] == [first.pk]
    assert [r["dossier_id"] for r in specialist] == [second.pk]
    assert other == []


@pytest.mark.django_db
def test_sign_return_waiting_and_overdue_queues(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    waiting = receive(when=at(2026, 1, 12, 9, 30))
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        services.complete_step(dossier.pk, officers["receptionist"])
        services.complete_step(dossier.pk, officers["specialist"])
        services.request_supplement(waiting.pk, officers["specialist"], items=["Bản sao"], reasons="Thiếu")
        assert codes(queues.queue(officers["leader"], "to_sign")) == [dossier.code]
        assert codes(queues.queue(officers["specialist"], "waiting_applicant")) == [waiting.code]
        services.approve(dossier.pk, officers["leader"])
        assert codes(queues.queue(officers["receptionist"], "to_return")) == [dossier.code]
    with time_machine.travel(at(2026, 1, 20, 9, 0), tick=False):
        assert codes(queues.queue(officers["leader"], "overdue")) == [dossier.code]
        assert queues.counts(officers["leader"])["overdue"] == 1


@pytest.mark.django_db
def test_online_dossiers_wait_to_be_received(province, small_catalog, officers):
    with time_machine.travel(at(2026, 1, 12, 9, 0), tick=False):
        dossier = services.submit_online("1.001193", province["thanh_sen_centre"], person())
        rows = queues.queue(officers["receptionist"], "to_receive")
    assert [r["id"] for r in rows] == [dossier.pk]
    # 8 working hours from Monday 09:00: 6.5 that day, 1.5 on Tuesday morning.
    assert rows[0]["acceptance_due_at"] == at(2026, 1, 13, 9, 0)
    assert queues.queue(officers["other_receptionist"], "to_receive") == []


@pytest.mark.django_db
def test_search_by_code_name_without_accents_and_id_number(receive, officers):
    lan = receive(applicant=person(name="Nguyễn Thị Lan", id_number="042190000123"))
    hung = receive(applicant=person(name="Trần Văn Hùng", id_number="042085000456"))
    with time_machine.travel(at(2026, 1, 12, 9, 5), tick=False):
        assert [r["dossier_id"] for r in queues.queue(officers["receptionist"], "to_handle", q="tran van hung")] == [
            hung.pk
        ]
        by_code = queues.queue(officers["receptionist"], "to_handle", q=lan.code.lower())
        assert [r["dossier_id"] for r in by_code] == [lan.pk]
        assert [r["dossier_id"] for r in queues.queue(officers["receptionist"], "to_handle", q="042085000456")] == [
            hung.pk
        ]
        assert queues.queue(officers["receptionist"], "to_handle", q="%%%") == []


@pytest.mark.django_db
def test_keyset_pages_cover_the_queue_once(receive, officers):
    made = [receive(when=at(2026, 1, 12, 8, m)).pk for m in range(0, 50, 10)]
    with time_machine.travel(at(2026, 1, 12, 9, 0), tick=False):
        first = queues.queue(officers["receptionist"], "to_handle", limit=2)
        seen = [r["dossier_id"] for r in first]
        while len(first) == 2:
            last = first[-1]
            first = queues.queue(
                officers["receptionist"], "to_handle", limit=2, after=(last["step_due_at"], last["step_id"])
            )
            seen += [r["dossier_id"] for r in first]
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


@pytest.mark.django_db
def test_queue_page_is_a_few_statements(receive, officers, django_assert_max_num_queries):
    for hour in (8, 9, 10):
        receive(when=at(2026, 1, 12, hour, 0))
    # The officer's agencies, then the page.
    with time_machine.travel(at(2026, 1, 12, 11, 0), tick=False), django_assert_max_num_queries(2):
        assert len(queues.queue(officers["receptionist"], "to_handle")) == 3
