"""The index of a small commune for March 2026, from dossiers made with the real services; every
expected figure is worked out by hand below.

Procedure 2.001035 takes 2 working days and costs 50,000 đồng; 1.001193 (birth registration) has
no fee. Working hours 07:30–11:30 and 13:00–17:00. 2 March 2026 is a Monday.

| dossier | what happens                                                   | index in March        |
|---------|----------------------------------------------------------------|-----------------------|
| A       | received 2/3 09:00, result 3/3 15:00 (due 4/3 09:00); paid online | ended on time      |
| B       | supplement asked 2/3 10:00, brought 5/3 10:00 (3 working days  | ended on time         |
|         | deducted: due for the index 9/3 09:00), result 6/3 15:00; "dislike" |                  |
| C       | two supplement requests, result 4/3 15:00                       | ended late (2 requests) |
| D       | nothing done                                                    | open, late at 31/3    |
| E       | withdrawn 3/3 10:00                                             | ended on time         |
| F       | refused 5/3 10:00, after its due time                           | ended late            |
| G       | received on the last day, 31/3 16:00                            | open, not late        |
| H       | 1.001193 (no fee), result the same day                          | ended on time         |
"""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps

from motcua.dossiers import services
from motcua.dossiers.tests.conftest import at
from motcua.feedback import services as feedback
from motcua.metrics import facts, index
from motcua.metrics.models import AgencyMonth, DossierFact, OpenSnapshot, Tally
from motcua.metrics.tests.conftest import act

MARCH = index.Period.of("month", 2026, 3)


@pytest.fixture
def march(march_dossiers):
    """Dossiers A–H of the table above (the shared fixture in conftest.py)."""
    return march_dossiers


def agencies(province):
    return index.Tree.load().subtree(province["thanh_sen"].pk)


@pytest.mark.django_db
def test_facts_of_each_dossier(march):
    facts.store(d.pk for d in march.values())
    f = {name: DossierFact.objects.get(dossier=d) for name, d in march.items()}
    assert [f[n].late for n in "ABCEFH"] == [False, False, True, False, True, False]
    assert f["D"].late is None and f["G"].late is None
    assert f["B"].due_at == at(2026, 3, 9, 9, 0)  # 4/3 09:00 + 3 working days waited
    assert f["C"].supplements == 2
    assert (f["E"].outcome, f["F"].outcome) == ("withdrawn", "refused")
    assert f["A"].fee_bearing and f["A"].paid_online and not f["C"].paid_online
    assert not f["H"].fee_bearing
    assert f["B"].disliked and not f["A"].disliked
    # A: Monday 09:00–11:30 and 13:00–17:00 (6.5 h) + Tuesday 07:30–11:30 and 13:00–15:00 (6 h) = 12.5 h
    assert f["A"].working_days == pytest.approx(12.5 / 8)
    assert f["G"].month == dt.date(2026, 3, 1)


@pytest.mark.django_db
def test_the_index_of_march(march, province):
    facts.store(d.pk for d in march.values())
    with time_machine.travel(at(2026, 4, 15, 9, 0), tick=False):
        figures = index.Figures.load(MARCH)
    result = figures.result(agencies(province))
    t = result.totals
    assert (t.received, t.ended, t.ended_late, t.open, t.open_late) == (8, 6, 2, 2, 1)
    # 2.1: ended on time A, B, E, H (4) + open and not late G (1) over 6 ended + 2 open = 5/8
    on_time = result.indicator("2.1")
    assert (on_time.measured.numerator, on_time.measured.denominator) == (5, 8)
    assert on_time.earned == Decimal("12.50")  # 20 × 0.625
    # 3.6: 1 of the 7 fee-bearing dossiers paid online (H has no fee): 6 × 1/7 = 0.857… → 0.86
    paid = result.indicator("3.6")
    assert (paid.measured.numerator, paid.measured.denominator) == (1, 7)
    assert paid.earned == Decimal("0.86")
    # 5.4: 1 − (late 3/8 + disliked 1/6) = 0.458…; below the 90 % threshold: 6 × 0.4583 ÷ 0.9 = 3.06
    satisfaction = result.indicator("5.4")
    assert satisfaction.measured.rate == pytest.approx(1 - (3 / 8 + 1 / 6))
    assert satisfaction.earned == Decimal("3.06")
    # 2.2: resolved A, B, C, H; A took 12.5 working hours
    assert result.indicator("2.2").measured.denominator == 4
    # the 2024 scheme is in force in March 2026: six groups
    assert [g.code for g in result.groups] == ["cong-khai", "tien-do", "truc-tuyen", "thanh-toan", "so-hoa", "hai-long"]


@pytest.mark.django_db
def test_march_seen_live_at_the_end_of_the_month_and_from_its_snapshot_agree(march, province):
    facts.store(d.pk for d in march.values())
    with time_machine.travel(at(2026, 3, 31, 20, 0), tick=False):
        live = index.Figures.load(MARCH).result(agencies(province)).totals
    with time_machine.travel(at(2026, 4, 1, 0, 10), tick=False):
        assert facts.take_snapshots() >= 1
        snapped = index.Figures.load(MARCH).result(agencies(province)).totals
    assert (live.open, live.open_late) == (snapped.open, snapped.open_late) == (2, 1)
    assert OpenSnapshot.objects.get(month=dt.date(2026, 3, 1), agency=province["thanh_sen"]).open_late == 1


@pytest.mark.django_db
def test_refresh_follows_the_control_slip(march, province, officers):
    assert facts.refresh(now=at(2026, 4, 1, 9, 0)) == 8
    assert DossierFact.objects.count() == 8
    # Ids below the first event may belong to work rolled back earlier (a gap): the cursor waits
    # 30 seconds at such a gap, rereading what follows, then moves past it.
    facts.refresh(now=at(2026, 4, 1, 9, 1))
    # Nothing new: nothing refreshed.
    assert facts.refresh(now=at(2026, 4, 1, 9, 2)) == 0
    # D gets its result in April: it ends late in April; March still shows it open and late.
    d = march["D"]
    act(at(2026, 4, 2, 9, 0), services.complete_step, d.pk, officers["receptionist"])
    act(at(2026, 4, 2, 9, 10), services.complete_step, d.pk, officers["specialist"])
    act(at(2026, 4, 2, 9, 30), services.approve, d.pk, officers["leader"])
    assert facts.refresh(now=at(2026, 4, 2, 9, 31)) == 1
    april = Tally.objects.get(month=dt.date(2026, 4, 1), agency=province["thanh_sen"], procedure__code="2.001035")
    assert (april.ended, april.ended_late, april.resolved) == (1, 1, 1)
    march_tally = Tally.objects.get(month=dt.date(2026, 3, 1), agency=province["thanh_sen"], procedure__code="2.001035")
    assert (march_tally.received, march_tally.ended, march_tally.ended_late) == (7, 5, 2)
    with time_machine.travel(at(2026, 4, 15, 9, 0), tick=False):
        t = index.Figures.load(MARCH).result(agencies(province)).totals
    assert (t.open, t.open_late) == (2, 1)  # D was in progress and late at the end of March


@pytest.mark.django_db
def test_tallies_equal_a_rebuild(march):
    facts.refresh(now=at(2026, 4, 1, 9, 0))
    before = sorted(Tally.objects.values_list("month", "agency_id", "procedure_id", "received", "ended", "ended_late"))
    facts.rebuild()
    after = sorted(Tally.objects.values_list("month", "agency_id", "procedure_id", "received", "ended", "ended_late"))
    assert before == after


@pytest.mark.django_db
def test_each_period_is_scored_under_the_scheme_of_its_time(march, province):
    facts.store(d.pk for d in march.values())
    figures = index.Figures.load(index.Period(dt.date(2023, 12, 1), dt.date(2023, 12, 1)), now=at(2026, 4, 1, 9))
    # December 2023: Decision 766's five groups (online service and payment together, 22 points).
    assert [g.points for g in figures.result(agencies(province)).groups] == [18, 20, 22, 22, 18]


@pytest.mark.django_db
def test_ranking_puts_units_without_dossiers_last(march, province):
    facts.store(d.pk for d in march.values())
    tree = index.Tree.load()
    with time_machine.travel(at(2026, 4, 15, 9, 0), tick=False):
        figures = index.Figures.load(MARCH)
    ranked = index.ranking(figures, tree, None)
    assert ranked[0][0] == province["thanh_sen"]
    assert all(not result.has_dossiers for _, result in ranked[1:])


@pytest.mark.django_db
def test_refresh_follows_ratings_and_invoices(march):
    facts.refresh(now=at(2026, 4, 1, 9, 0))
    facts.refresh(now=at(2026, 4, 1, 9, 1))
    h = march["H"]
    assert not DossierFact.objects.get(dossier=h).disliked
    act(at(2026, 4, 1, 10, 0), feedback.rate, h.pk, liked=False, scores={})
    assert facts.refresh(now=at(2026, 4, 1, 10, 1)) == 1
    assert DossierFact.objects.get(dossier=h).disliked


# -- the roll-up per month and agency --------------------------------------------------------------------


def tallies_grouped() -> dict:
    """The tallies added up per (month, agency) here, in Python: what each roll-up row must hold."""
    found: dict[tuple, dict] = {}
    for tally in Tally.objects.all():
        row = found.setdefault(
            (tally.month, tally.agency_id),
            {**dict.fromkeys(facts.TALLY_FIELDS, 0), "procedures_online": set(), "procedures_paid": set()},
        )
        for name in facts.TALLY_FIELDS:
            row[name] += getattr(tally, name)
        if tally.received_online:
            row["procedures_online"].add(tally.procedure_id)
        if tally.paid_online:
            row["procedures_paid"].add(tally.procedure_id)
    for row in found.values():
        row["working_days"] = round(row["working_days"], 6)
    return found


def roll_ups() -> dict:
    found = {}
    for row in AgencyMonth.objects.all():
        listed = {}
        for name in ("procedures_online", "procedures_paid"):
            ids = [int(pk) for pk in getattr(row, name).split(",") if pk]
            assert ids == sorted(set(ids))  # increasing, each once
            listed[name] = set(ids)
        found[(row.month, row.agency_id)] = {
            **{name: getattr(row, name) for name in facts.TALLY_FIELDS},
            "working_days": round(row.working_days, 6),
            **listed,
        }
    return found


def keys_of(dossiers) -> set[tuple]:
    facts_of = DossierFact.objects.filter(dossier__in=dossiers)
    keys = {(f.month, f.agency_id, f.procedure_id) for f in facts_of}
    return keys | {(f.end_month, f.agency_id, f.procedure_id) for f in facts_of if f.end_month}


@pytest.mark.django_db
def test_the_roll_ups_equal_the_tallies_grouped_through_refreshes_changes_and_a_rebuild(march, province, officers):
    thanh_sen = province["thanh_sen"].pk
    march_key, april_key = (dt.date(2026, 3, 1), thanh_sen), (dt.date(2026, 4, 1), thanh_sen)
    facts.refresh(now=at(2026, 4, 1, 9, 0))
    assert roll_ups() == tallies_grouped()
    assert roll_ups()[march_key]["received"] == 8
    assert roll_ups()[march_key]["procedures_paid"] == {march["A"].procedure_version.procedure_id}

    # A and H (two procedures) received online: both listed, in increasing order.
    a, h = march["A"], march["H"]
    DossierFact.objects.filter(dossier__in=[a, h]).update(channel="online")
    facts.recompute_tallies(keys_of([a, h]))
    online = {a.procedure_version.procedure_id, h.procedure_version.procedure_id}
    assert len(online) == 2
    assert roll_ups() == tallies_grouped()
    assert roll_ups()[march_key]["procedures_online"] == online
    with time_machine.travel(at(2026, 4, 15, 9, 0), tick=False):
        figures = index.Figures.load(MARCH)
    assert figures.used_online[march_key] == online
    assert figures.sums[march_key].received_online == 2

    # D gets its result in April: a new month for the agency; H is rated "not satisfied".
    d = march["D"]
    act(at(2026, 4, 2, 9, 0), services.complete_step, d.pk, officers["receptionist"])
    act(at(2026, 4, 2, 9, 10), services.complete_step, d.pk, officers["specialist"])
    act(at(2026, 4, 2, 9, 30), services.approve, d.pk, officers["leader"])
    act(at(2026, 4, 2, 10, 0), feedback.rate, h.pk, liked=False, scores={})
    facts.refresh(now=at(2026, 4, 2, 10, 1))
    assert roll_ups() == tallies_grouped()
    assert (roll_ups()[april_key]["ended"], roll_ups()[april_key]["ended_late"]) == (1, 1)

    # D's fact gone: its April tallies stay, with zeros, and so does the roll-up of April.
    keys = keys_of([d])
    DossierFact.objects.filter(dossier=d).delete()
    facts.recompute_tallies(keys)
    assert roll_ups() == tallies_grouped()
    assert roll_ups()[april_key] == {
        **dict.fromkeys(facts.TALLY_FIELDS, 0),
        "procedures_online": set(),
        "procedures_paid": set(),
    }
    # A month and agency with no tally left loses its roll-up.
    Tally.objects.filter(month=april_key[0], agency_id=thanh_sen).delete()
    facts.recompute_agency_months({april_key})
    assert april_key not in roll_ups()
    assert roll_ups() == tallies_grouped()

    facts.rebuild()
    assert roll_ups() == tallies_grouped()
    assert roll_ups()[march_key]["received"] == 8


@pytest.mark.django_db
def test_the_migration_fills_the_roll_ups_from_the_tallies(march):
    facts.refresh(now=at(2026, 4, 1, 9, 0))
    expected = roll_ups()
    assert expected
    AgencyMonth.objects.all().delete()
    importlib.import_module("motcua.metrics.migrations.0004_agency_month").fill(apps, None)
    assert roll_ups() == expected == tallies_grouped()
