"""The demo dossiers: made through the services, every status, unique codes, full demo queues,
time moving forward, and nothing added when the demo is loaded again."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.core import clock, demo, demo_dossiers
from motcua.dossiers import queues
from motcua.dossiers.models import Dossier, Event, Extension
from motcua.dossiers.workflow import OPEN, Status
from motcua.notifications.models import Message
from motcua.workdays.services import calendar_for


@pytest.mark.django_db
def test_demo_dossiers_show_every_status_and_fill_the_demo_officers_queues():
    counts = demo.load(dossiers=60)
    assert counts["dossiers"] == 60 == Dossier.objects.count()
    assert set(Dossier.objects.values_list("status", flat=True)) == {s.value for s in Status}

    codes = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) > 40

    now = timezone.now()
    # Some open dossiers are overdue, some are due within a working day, some were extended.
    assert Dossier.objects.filter(status__in=[*OPEN, Status.PROCESSED], due_at__lt=now).exists()
    calendar = calendar_for()
    tomorrow = calendar.instant(calendar.add(calendar.position(now), 1, "working_days"))
    assert Dossier.objects.filter(status__in=OPEN, due_at__gt=now, due_at__lte=tomorrow).exists()
    assert Extension.objects.exists()
    # Supplements asked at reception (Form 02) and after acceptance; refusals of both kinds.
    assert Dossier.objects.filter(reception_supplement_requested=True).exists()
    assert Dossier.objects.filter(supplement_requests__gt=0).exists()
    assert {"refuse_at_reception", "refuse", "close_unsupplemented", "withdraw", "extend"} <= set(
        Event.objects.values_list("action", flat=True)
    )

    # Every action happened in the past, in working time (the system's closing excepted), and
    # time moves forward inside each dossier's story.
    events = list(Event.objects.order_by("dossier_id", "id").values_list("dossier_id", "at", "action"))
    assert all(at < now for _, at, _ in events)
    assert all(calendar.is_working_time(at) for _, at, action in events if action != "close_unsupplemented")
    for _, story in itertools.groupby(events, key=lambda e: e[0]):
        moments = [at for _, at, _ in story]
        assert moments == sorted(moments)

    # Logging in as the demo officers of phường Thành Sen shows full queues.
    User = get_user_model()
    tiepnhan, chuyenvien, lanhdao = (User.objects.get(username=u) for u in ("tiepnhan", "chuyenvien", "lanhdao"))
    assert queues.counts(tiepnhan)["to_receive"] and queues.counts(tiepnhan)["to_return"]
    assert queues.counts(tiepnhan)["to_handle"]
    assert queues.counts(chuyenvien)["to_handle"]
    assert queues.counts(lanhdao)["to_sign"]
    assert queues.counts(lanhdao)["overdue"]
    # Other officers were made to act elsewhere, with the demo password.
    assert User.objects.get(username="lanhdao.tranphu").check_password(demo.DEMO_PASSWORD)

    # The demo citizen follows her own online dossiers on the portal; the past told nobody today.
    citizen = User.objects.get(citizen__phone=demo.DEMO_CITIZEN["phone"])
    assert citizen.check_password(demo.DEMO_PASSWORD)
    own = Dossier.objects.filter(owner=citizen)
    assert own.count() >= 2 and set(own.values_list("channel", flat=True)) == {"online"}
    assert set(own.values_list("applicant_id_number", flat=True)) == {demo.DEMO_CITIZEN["id_number"]}
    assert not Message.objects.exists()

    again = demo.load(dossiers=60)
    assert again["dossiers"] == 0 and Dossier.objects.count() == 60


@pytest.mark.django_db
def test_the_plan_is_the_same_for_the_same_seed_and_moment():
    agencies = demo.load_agencies()
    demo.load_catalog(agencies)
    now = clock.now()

    def signature(seed):
        return [
            (s.fate, s.centre.identifier, s.procedure.code, s.channel, s.applicant.id_number, s.applicant.name, acts)
            for s in demo_dossiers.plan(40, seed, now)
            for acts in [[(a.position, a.op) for a in s.acts]]
        ]

    first = signature(2026)
    assert first == signature(2026)
    assert first != signature(2027)
    # Applicants look real: Hà Tĩnh-born citizens mostly (042…), 12 digits, phones 09…
    people = [s.applicant for s in demo_dossiers.plan(40, 2026, now) if s.applicant.kind == "person"]
    assert all(len(p.id_number) == 12 and p.id_number.isdigit() for p in people)
    assert sum(p.id_number.startswith("042") for p in people) > len(people) / 2
    assert all(p.phone.startswith("09") and len(p.phone) == 10 for p in people)
