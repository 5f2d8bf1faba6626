"""The public transparency page: each department's and commune's on-time and satisfaction rates for
the year to date and last month, the province's index; nothing personal; computed once a minute."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from motcua.metrics import facts, public_views

from .conftest import at

APRIL_15 = at(2026, 4, 15, 9, 0)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.delete(public_views.CACHE_KEY)
    yield
    cache.delete(public_views.CACHE_KEY)


@pytest.fixture
def march(march_dossiers):
    facts.store(d.pk for d in march_dossiers.values())
    return march_dossiers


def units(response) -> dict:
    return {unit["name"]: unit for table in response.context["tables"] for unit in table["units"]}


@pytest.mark.django_db
def test_anyone_sees_each_agencys_rates_for_the_year_and_last_month(client, province, march):
    with time_machine.travel(APRIL_15, tick=False):
        response = client.get(reverse("transparency:index"))
    assert response.status_code == 200
    found = units(response)
    thanh_sen = found[province["thanh_sen"].name]
    # Everything happened in March. March: 5 of 8 on time (C and F ended late, D open and late at
    # its end); satisfaction 1 − (3/8 late + 1/6 of the ended dossiers rated "not satisfied").
    assert thanh_sen["month"]["on_time_text"] == "62,5 %"
    assert thanh_sen["month"]["satisfaction_text"] == "45,8 %"
    # The year to date counts the dossiers in progress as they stand on 15/4: G (received 31/3,
    # due 2/4) is late now too: 4 of 8, and 1 − (4/8 + 1/6).
    assert thanh_sen["year"]["on_time_text"] == "50,0 %"
    assert thanh_sen["year"]["satisfaction_text"] == "33,3 %"
    assert thanh_sen["year"]["counted"] == 8
    assert response.context["last_month"] == dt.date(2026, 3, 1)
    # Trần Phú and the department had no dossier: nothing to show, not 0 %.
    assert found[province["tran_phu"].name]["year"]["on_time_text"] == "—"
    assert found[province["justice"].name]["month"]["satisfaction_text"] == "—"
    # Departments and communes in their own tables; the centres are not ranked on their own.
    keys = {table["key"]: [u["name"] for u in table["units"]] for table in response.context["tables"]}
    assert keys == {
        "departments": [province["justice"].name],
        "communes": sorted([province["thanh_sen"].name, province["tran_phu"].name]),
    }
    assert response.context["province_year"]["on_time_text"] == "50,0 %"
    assert response.context["province_month"]["on_time_text"] == "62,5 %"


@pytest.mark.django_db
def test_the_page_shows_nothing_personal(client, march):
    with time_machine.travel(APRIL_15, tick=False):
        page = client.get(reverse("transparency:index")).content.decode()
    for dossier in march.values():
        assert dossier.code not in page
    assert "Nguyễn Thị Lan" not in page
    assert "/can-bo/ho-so/" not in page


@pytest.mark.django_db
def test_the_figures_are_computed_at_most_once_a_minute(client, province, march, receive, django_assert_num_queries):
    with time_machine.travel(APRIL_15, tick=False):
        client.get(reverse("transparency:index"))
        # An anonymous visitor within the minute: no statement at all.
        with django_assert_num_queries(0):
            client.get(reverse("transparency:index"))
    # A dossier received at 09:00:30 is in progress and not late: 5 of 9 on time once counted.
    new = receive(when=APRIL_15 + dt.timedelta(seconds=30), fees_collected=0)
    facts.store([new.pk])
    with time_machine.travel(APRIL_15 + dt.timedelta(seconds=50), tick=False):
        cached = units(client.get(reverse("transparency:index")))[province["thanh_sen"].name]
    assert (cached["year"]["on_time_text"], cached["year"]["counted"]) == ("50,0 %", 8)
    with time_machine.travel(APRIL_15 + dt.timedelta(seconds=61), tick=False):
        fresh = units(client.get(reverse("transparency:index")))[province["thanh_sen"].name]
    assert (fresh["year"]["on_time_text"], fresh["year"]["counted"]) == ("55,6 %", 9)


@pytest.mark.django_db
def test_in_january_last_month_is_december_of_the_year_before(client, province, march):
    with time_machine.travel(at(2027, 1, 10, 9, 0), tick=False):
        response = client.get(reverse("transparency:index"))
    assert response.status_code == 200
    assert response.context["last_month"] == dt.date(2026, 12, 1)
    # Nothing was received or ended after March; D and G are still in progress and late: they are
    # all that December and 2027 count, 0 of 2 on time.
    thanh_sen = units(response)[province["thanh_sen"].name]
    assert thanh_sen["month"]["on_time_text"] == "0,0 %"
    assert thanh_sen["year"]["on_time_text"] == "0,0 %"
