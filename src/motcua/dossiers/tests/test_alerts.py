import pytest
import time_machine

from motcua.dossiers import alerts, services, tasks
from motcua.dossiers.models import Alert
from motcua.dossiers.tests.conftest import at


@pytest.mark.django_db
def test_officer_and_leader_are_warned_once_as_a_step_comes_due(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    with time_machine.travel(at(2026, 1, 12, 10, 0), tick=False):
        services.complete_step(dossier.pk, officers["receptionist"])
    # The specialist step is due Tuesday 13/01 14:30: within one working day from Monday 15:00.
    with time_machine.travel(at(2026, 1, 12, 15, 0), tick=False):
        assert alerts.raise_alerts() == 2
        assert alerts.raise_alerts() == 0
    warned = set(Alert.objects.values_list("officer__username", "kind"))
    assert warned == {("chuyenvien", "due_soon"), ("lanhdao", "due_soon")}
    with time_machine.travel(at(2026, 1, 13, 16, 0), tick=False):
        assert alerts.raise_alerts() == 2
    assert Alert.objects.filter(kind="overdue").count() == 2
    mine = alerts.alerts_for(officers["specialist"])
    assert [a["kind"] for a in mine] == ["overdue", "due_soon"]
    assert alerts.mark_seen(officers["specialist"], [a["id"] for a in mine]) == 2
    assert alerts.alerts_for(officers["specialist"]) == []


@pytest.mark.django_db
def test_periodic_tasks_run_through_the_task_queue(receive, officers):
    dossier = receive(when=at(2026, 1, 12, 9, 0))
    with time_machine.travel(at(2026, 1, 12, 9, 30), tick=False):
        services.request_supplement(dossier.pk, officers["specialist"], items=["Bản sao"], reasons="Thiếu")
    with time_machine.travel(at(2026, 2, 3, 9, 0), tick=False):
        result = tasks.close_expired_suspensions.enqueue()
    assert result.return_value == 1
    dossier.refresh_from_db()
    assert dossier.status == "stopped"
