"""The index dashboard, its drill-down lists and the officers' page, on March 2026 at Thành Sen
(the dossiers A–H of conftest.py, seen on 15 April 2026). Expected figures are worked out by hand
from the scenario; see test_index.py for the index itself."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from motcua.dossiers.tests.conftest import at
from motcua.feedback import items as feedback_items
from motcua.feedback import services as feedback
from motcua.feedback.models import FeedbackItem
from motcua.metrics import access, facts, index, survey, views

from .conftest import act

APRIL_15 = at(2026, 4, 15, 9, 0)
MARCH = {"kind": "month", "year": "2026", "number": "3"}


@pytest.fixture
def now():
    with time_machine.travel(APRIL_15, tick=False):
        yield APRIL_15


@pytest.fixture
def march(march_dossiers):
    facts.store(d.pk for d in march_dossiers.values())
    return march_dossiers


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def drill_url(measure, agency, **extra):
    query = {"agency": agency.pk if agency else "", **MARCH, **extra}
    return reverse("metrics:drill", args=[measure]), query


def listed_codes(response) -> list[str]:
    """The dossier codes of a drill-down list, in the order shown."""
    return re.findall(r'href="/can-bo/ho-so/\d+/">([^<]+)</a>', response.content.decode())


# -- access ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("metrics:dashboard"))
    assert response.status_code == 302
    assert "/can-bo/dang-nhap/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["receptionist", "specialist"])
def test_officers_without_a_dashboard_role_get_the_no_role_page(dashboard_officers, now, name):
    client = client_for(dashboard_officers[name])
    for url in (
        reverse("metrics:dashboard"),
        reverse("metrics:drill", args=["on_time"]),
        reverse("metrics:officers"),
        reverse("metrics:excel"),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "backoffice/no_role.html" in [t.name for t in response.templates]


@pytest.mark.django_db
def test_a_commune_leader_sees_his_commune_and_not_another_nor_the_province(dashboard_officers, province, now):
    client = client_for(dashboard_officers["leader"])
    response = client.get(reverse("metrics:dashboard"))
    assert response.status_code == 200
    assert response.context["scope"].agency_id == province["thanh_sen"].pk
    # His commune and its centre are offered; the province as a whole and other communes are not.
    offered = {o["pk"] for o in response.context["options"]}
    assert offered == {province["thanh_sen"].pk, province["thanh_sen_centre"].pk}
    assert not response.context["province_option"]
    for other in ("tran_phu", "root", "justice"):
        assert client.get(reverse("metrics:dashboard"), {"agency": province[other].pk}).status_code == 403
        url, query = drill_url("on_time", province[other])
        assert client.get(url, query).status_code == 403
    assert client.get(reverse("metrics:dashboard"), {"agency": province["thanh_sen_centre"].pk}).status_code == 200


@pytest.mark.django_db
def test_another_communes_leader_cannot_open_thanh_sens_lists(dashboard_officers, province, march, now):
    client = client_for(dashboard_officers["other_leader"])
    url, query = drill_url("on_time", province["thanh_sen"])
    assert client.get(url, query).status_code == 403
    assert client.get(reverse("metrics:officers"), {"agency": province["thanh_sen"].pk}).status_code == 403


@pytest.mark.django_db
def test_a_centre_head_sees_his_centre_only(dashboard_officers, province, now):
    client = client_for(dashboard_officers["centre_head"])
    response = client.get(reverse("metrics:dashboard"))
    assert response.context["scope"].agency_id == province["thanh_sen_centre"].pk
    assert client.get(reverse("metrics:dashboard"), {"agency": province["thanh_sen"].pk}).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["inspector", "province_admin"])
def test_province_level_roles_see_the_province_and_any_agency(dashboard_officers, province, now, name):
    client = client_for(dashboard_officers[name])
    response = client.get(reverse("metrics:dashboard"))
    assert response.status_code == 200
    assert response.context["scope"].agency_id is None
    assert response.context["province_option"]
    for key in ("tran_phu", "justice", "thanh_sen_centre"):
        assert client.get(reverse("metrics:dashboard"), {"agency": province[key].pk}).status_code == 200


def test_access_rules_without_the_database():
    commune = access.Access(frozenset({5, 6}), province=False)
    assert commune.allows(5) and not commune.allows(7) and not commune.allows(None)
    whole = access.Access(frozenset({1, 5, 6, 7}), province=True)
    assert whole.allows(None) and whole.allows(7)
    assert not access.Access(frozenset(), province=False)


# -- the period --------------------------------------------------------------------------------------------


def test_the_default_period_is_the_current_year():
    period, chosen = access.period({}, dt.date(2026, 4, 15))
    assert period == index.Period(dt.date(2026, 1, 1), dt.date(2026, 12, 1))
    assert chosen["pick"] == "y"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"pick": "m3", "year": "2026"}, (dt.date(2026, 3, 1), dt.date(2026, 3, 1))),
        ({"pick": "q1", "year": "2025"}, (dt.date(2025, 1, 1), dt.date(2025, 3, 1))),
        ({"kind": "quarter", "number": "2", "year": "2026"}, (dt.date(2026, 4, 1), dt.date(2026, 6, 1))),
        ({"kind": "month", "year": "2026"}, (dt.date(2026, 4, 1), dt.date(2026, 4, 1))),  # the current month
    ],
)
def test_periods_picked(params, expected):
    period, _ = access.period(params, dt.date(2026, 4, 15))
    assert (period.first, period.last) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pick": "m13", "year": "2026"}, "number"),
        ({"pick": "x1"}, "pick"),
        ({"kind": "week"}, "kind"),
        ({"pick": "y", "year": "1999"}, "year"),
        ({"pick": "y", "year": "2027"}, "year"),
        ({"pick": "y", "year": "hai"}, "year"),
        ({"pick": "m5", "year": "2026"}, "number"),  # not started on 15/4/2026
    ],
)
def test_bad_periods_are_refused(params, field):
    with pytest.raises(access.Invalid) as refused:
        access.period(params, dt.date(2026, 4, 15))
    assert refused.value.field == field


@pytest.mark.django_db
def test_a_bad_period_shows_the_error_and_computes_nothing(dashboard_officers, now):
    response = client_for(dashboard_officers["leader"]).get(reverse("metrics:dashboard"), {"pick": "m13"})
    assert response.status_code == 422
    assert "result" not in response.context
    assert 'role="alert"' in response.content.decode()


# -- the dashboard ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_of_march_shows_each_indicator_and_links_what_lost_points(
    dashboard_officers, province, march, now
):
    response = client_for(dashboard_officers["leader"]).get(reverse("metrics:dashboard"), {"pick": "m3"})
    assert response.status_code == 200
    rows = {row["code"]: row for group in response.context["groups"] for row in group["rows"]}
    # 2.1: 5 of 8 on time (A, B, E, H ended on time; G in progress, not late) = 62,5 %; 3 late (C, D, F).
    assert rows["2.1"]["shown"] == "62,5 %"
    assert rows["2.1"]["earned"] == 12.5
    drill = reverse("metrics:drill", args=["on_time"])
    assert rows["2.1"]["link"] == f"{drill}?agency={province['thanh_sen'].pk}&kind=month&year=2026&number=3"
    assert rows["2.1"]["lost"].startswith("3 ")
    # 3.6: 1 of the 7 fee-bearing dossiers paid online (H has no fee): 6 lost.
    assert rows["3.6"]["shown"] == "14,3 %"
    assert rows["3.6"]["lost"].startswith("6 ")
    # 2.2 shows the average working days instead of a rate: (12,5 + 12,5 + 11 + 4,5) hours ÷ 8 ÷ 4 = 1,27.
    assert rows["2.2"]["shown"].startswith("1,3 ")
    assert not rows["2.2"]["scored"]
    # Indicators motcua does not record are named and score 0.
    assert {row["code"] for row in response.context["unmeasured"]} == {"1.1", "1.2", "1.4", "4.2b"}
    assert all(row["earned"] == 0 for row in response.context["unmeasured"])
    page = response.content.decode()
    assert f'href="{drill}?agency={province["thanh_sen"].pk}&amp;kind=month&amp;year=2026&amp;number=3"' in page
    # The trend of a single month: one bar, and the on-time rate at 62,5 % of the plot's height.
    chart = response.context["trend"]
    assert len(chart["bars"]) == 1 and len(chart["dots"]) == 1
    assert chart["dots"][0]["cy"] == pytest.approx(10 + 184 * (1 - 0.625), abs=0.1)
    assert "<svg" in page and "<table" in page


@pytest.mark.django_db
def test_the_province_ranking_puts_thanh_sen_first_and_links_its_dashboard(dashboard_officers, province, march, now):
    response = client_for(dashboard_officers["inspector"]).get(reverse("metrics:dashboard"), {"pick": "m3"})
    ranking = response.context["ranking"]
    assert ranking[0]["agency"] == province["thanh_sen"]
    assert ranking[0]["rank"] == 1
    assert ranking[0]["rates"][0]["text"] == "62,5 %"
    # The department and Trần Phú received nothing: unranked, after it.
    assert [row["rank"] for row in ranking[1:]] == [None, None]
    assert ranking[0]["link"] == (
        f"{reverse('metrics:dashboard')}?agency={province['thanh_sen'].pk}&kind=month&year=2026&number=3"
    )


@pytest.mark.django_db
def test_the_dashboard_reads_the_index_in_few_statements(dashboard_officers, march, now, django_assert_max_num_queries):
    client = client_for(dashboard_officers["inspector"])
    client.get(reverse("metrics:dashboard"))  # the session and the catalogue's first read
    # session, user, his agencies, the tree, the roles for the menu, then Figures.load's grouped
    # queries (schemes and indicators, tallies, online use and payments per procedure, snapshots,
    # dossiers in progress at each month's end so far, feedback, catalogue): 17 whatever the number
    # of dossiers or units, and none per unit ranked.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("metrics:dashboard"))
    assert response.status_code == 200


def test_the_trend_chart_breaks_its_line_where_nothing_was_measured():
    def result(earned, rate, received):
        totals = index.rules.Totals(received=received, ended=received, ended_late=0)
        return index.Result(None, totals, []), earned, rate

    months = []
    for month, earned, rate in ((1, 50, 0.5), (2, 100, None), (3, 25, 1.0)):
        res, _, _ = result(earned, rate, 1 if rate is not None else 0)
        group = index.GroupScore("g", "g", 100, earned, [])
        measured = index.rules.Measured(rate, 1, 1)
        group.indicators.append(index.IndicatorScore("2.1", "", "on_time", 100, 100, earned, measured))
        res.groups.append(group)
        months.append((dt.date(2026, month, 1), res))
    chart = views.trend_chart(months)
    assert len(chart["lines"]) == 2  # January alone, then March alone
    assert [bar["empty"] for bar in chart["bars"]] == [False, True, False]
    top, height = 10, 184
    assert [bar["y"] for bar in chart["bars"]] == [top + height / 2, top, top + height * 3 / 4]


# -- the drill-down lists -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_on_time_figure_lists_exactly_the_late_dossiers_with_their_late_steps(
    dashboard_officers, province, march, now
):
    url, query = drill_url("on_time", province["thanh_sen"])
    response = client_for(dashboard_officers["leader"]).get(url, query)
    assert response.status_code == 200
    # C ended late (two supplement requests), F refused after its due time, D still open and late
    # at the end of March: newest first.
    assert listed_codes(response) == [march[n].code for n in "FDC"]
    rows = {row["dossier"].pk: row for row in response.context["rows"]}
    # D: nothing done; its reception step at the centre was due 2/3 14:30 and is still active.
    d_steps = rows[march["D"].pk]["steps"]
    assert [(s.name, s.agency, s.finished_at) for s in d_steps] == [("Tiếp nhận", province["thanh_sen_centre"], None)]
    # C: its reception step, due 4 working hours after reception, was finished the next afternoon.
    assert [s.name for s in rows[march["C"].pk]["steps"]] == ["Tiếp nhận"]
    assert rows[march["F"].pk]["steps"] == []  # refused: its steps were skipped, none late


@pytest.mark.django_db
def test_the_late_steps_are_read_in_one_statement_for_the_page(
    dashboard_officers, province, march, now, django_assert_max_num_queries
):
    client = client_for(dashboard_officers["leader"])
    url, query = drill_url("on_time", province["thanh_sen"])
    client.get(url, query)
    # session, user, menu roles, his agencies, the tree, the facts of the page, their late steps.
    with django_assert_max_num_queries(7):
        client.get(url, query)


@pytest.mark.django_db
def test_the_paid_online_figure_lists_the_fee_bearing_dossiers_not_paid_online(
    dashboard_officers, province, march, now
):
    url, query = drill_url("paid_online", province["thanh_sen"])
    response = client_for(dashboard_officers["leader"]).get(url, query)
    # Every dossier bears the fee but H (birth registration); only A was paid online.
    assert listed_codes(response) == [march[n].code for n in "GFEDCB"]


@pytest.mark.django_db
def test_the_resolution_time_list_goes_slowest_first_page_by_page(
    dashboard_officers, province, march, now, monkeypatch
):
    monkeypatch.setattr(views, "PAGE", 2)
    client = client_for(dashboard_officers["leader"])
    url, query = drill_url("resolution_time", province["thanh_sen"])
    first = client.get(url, query)
    # A and B took 12,5 working hours each (B's three days waiting for the supplement deducted),
    # C 11 hours (its two waits deducted), H 4,5 hours; equal times: the newer first.
    assert listed_codes(first) == [march["B"].code, march["A"].code]
    assert [row["code"] for row in first.context["procedure_times"]] == ["2.001035", "1.001193"]
    assert first.context["next"] == march["A"].pk
    second = client.get(url, {**query, "before": march["A"].pk})
    assert listed_codes(second) == [march["C"].code, march["H"].code]
    assert second.context["next"] is None
    assert "procedure_times" not in second.context


@pytest.mark.django_db
def test_older_pages_follow_the_last_dossier_shown(dashboard_officers, province, march, now, monkeypatch):
    monkeypatch.setattr(views, "PAGE", 2)
    client = client_for(dashboard_officers["leader"])
    url, query = drill_url("on_time", province["thanh_sen"])
    first = client.get(url, query)
    assert listed_codes(first) == [march["F"].code, march["D"].code]
    assert f"before={march['D'].pk}" in first.context["next_link"]
    second = client.get(url, {**query, "before": march["D"].pk})
    assert listed_codes(second) == [march["C"].code]
    assert client.get(url, {**query, "before": "abc"}).status_code == 422


@pytest.mark.django_db
def test_the_feedback_figure_lists_the_items_answered_late(dashboard_officers, province, march, now):
    leader = dashboard_officers["leader"]

    def item(subject, answered_at):
        sent = act(
            at(2026, 3, 2, 9, 0),
            feedback_items.send,
            feedback_items.Submission(
                kind="procedure",
                subject=subject,
                text="Thủ tục cần rút ngắn thời gian giải quyết.",
                agency_id=province["thanh_sen"].pk,
                channel=FeedbackItem.Channel.QR_BOX,
                anonymous=True,
            ),
        )
        act(at(2026, 3, 2, 10, 0), feedback_items.classify, sent.pk, leader, kind="procedure")
        act(answered_at - dt.timedelta(hours=1), feedback_items.draft_answer, sent.pk, leader, answer="Đã xử lý.")
        return act(answered_at, feedback_items.approve, sent.pk, leader)

    on_time = item("Trả lời đúng hạn", at(2026, 3, 5, 10, 0))
    # 15 working days from Monday 2/3 end on 20/3: an answer on 31/3 is late.
    late = item("Trả lời trễ hạn", at(2026, 3, 31, 10, 0))
    assert (on_time.on_time, late.on_time) == (True, False)
    url, query = drill_url("feedback_on_time", province["thanh_sen"])
    response = client_for(leader).get(url, query)
    assert [i.pk for i in response.context["items"]] == [late.pk]
    assert reverse("feedback_desk:item", args=[late.pk]) in response.content.decode()


@pytest.mark.django_db
def test_the_procedures_figure_lists_the_procedures_not_offered_online(dashboard_officers, province, march, now):
    url, query = drill_url("procedures_online", province["thanh_sen"])
    response = client_for(dashboard_officers["leader"]).get(url, query)
    # The small catalogue: 1.001193 full online, 1.013225 partly online, 2.001035 not online.
    assert [row["procedure"].code for row in response.context["procedures"]] == ["2.001035"]
    assert reverse("portal:procedure", args=["2.001035"]) in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_measure_is_not_found(dashboard_officers, now):
    client = client_for(dashboard_officers["leader"])
    assert client.get(reverse("metrics:drill", args=["nothing"])).status_code == 404
    # A measure with nothing to list (not recorded by motcua) is not found either.
    assert client.get(reverse("metrics:drill", args=["procedures_announced"])).status_code == 404


# -- officers and units ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_steps_per_officer_and_unit(dashboard_officers, province, march):
    period = index.Period.of("month", 2026, 3)
    found = survey.steps(period.start, period.end, index.Tree.load().subtree(province["thanh_sen"].pk))
    officers = {row["name"]: (row["handled"], row["early"], row["on_time"], row["late"]) for row in found["officers"]}
    # A, B, C and H were resolved: each had its reception, appraisal and signing steps finished.
    # Reception (4 working hours) was each time finished half an hour before the result, days
    # later: late. Appraisal: A late (due 3/3 14:30, done 14:40), B and H on time, C early
    # (its due time moved by its two supplement waits). Signing: H on time, A, B and C early.
    assert officers == {
        "Tiepnhan": (4, 0, 0, 4),
        "Chuyenvien": (4, 1, 2, 1),
        "Lanhdao": (4, 3, 1, 0),
    }
    assert [row["name"] for row in found["officers"]] == ["Tiepnhan", "Chuyenvien", "Lanhdao"]  # most late first
    units = {row["agency_id"]: (row["handled"], row["late"]) for row in found["agencies"]}
    assert units == {province["thanh_sen_centre"].pk: (4, 4), province["thanh_sen"].pk: (8, 1)}
    # Trần Phú handled nothing.
    assert survey.steps(period.start, period.end, {province["tran_phu"].pk}) == {"officers": [], "agencies": []}


@pytest.mark.django_db
def test_the_survey_by_criterion_per_officer_and_unit(dashboard_officers, province, march):
    act(at(2026, 3, 4, 9, 0), feedback.rate, march["A"].pk, liked=True, scores={"time": 2, "attitude": 1})
    act(
        at(2026, 3, 3, 9, 0),
        feedback.rate,
        march["H"].pk,
        liked=True,
        scores={"time": 0, "attitude": 2, "publicity": 1},
    )
    # B was rated "not satisfied" on 7/3 with no criterion answered.
    period = index.Period.of("month", 2026, 3)
    found = survey.satisfaction(period.start, period.end, index.Tree.load().subtree(province["thanh_sen"].pk))
    keys = list(survey.CRITERIA)
    expected = [None] * 9
    expected[keys.index("time")] = 1.0  # (2 + 0) ÷ 2
    expected[keys.index("attitude")] = 1.5  # (1 + 2) ÷ 2
    expected[keys.index("publicity")] = 1.0
    # The receptionist, the specialist and the leader handled A, B and H: three ratings each, two
    # satisfied, 6 points over 5 answers.
    assert {row["name"] for row in found["officers"]} == {"Tiepnhan", "Chuyenvien", "Lanhdao"}
    for row in found["officers"]:
        assert (row["ratings"], row["liked"], row["average"]) == (3, 2, 1.2)
        assert row["criteria"] == expected
    assert {row["agency_id"] for row in found["agencies"]} == {
        province["thanh_sen"].pk,
        province["thanh_sen_centre"].pk,
    }
    assert all(row["criteria"] == expected for row in found["agencies"])
    # Another commune: nothing; April: nothing.
    assert survey.satisfaction(period.start, period.end, {province["tran_phu"].pk}) == {"officers": [], "agencies": []}
    april = index.Period.of("month", 2026, 4)
    assert survey.satisfaction(april.start, april.end)["officers"] == []


@pytest.mark.django_db
def test_the_officers_page(dashboard_officers, province, march, now):
    act(at(2026, 3, 4, 9, 0), feedback.rate, march["A"].pk, liked=True, scores={"attitude": 1})
    response = client_for(dashboard_officers["leader"]).get(reverse("metrics:officers"), {"pick": "m3"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tiepnhan" in page and "Lanhdao" in page
    assert response.context["survey_tables"][0]["rows"][0]["criteria_text"][5]["text"] == "1,00"  # attitude


# -- Excel ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboard_as_excel(dashboard_officers, province, march, now, tmp_path):
    response = client_for(dashboard_officers["leader"]).get(reverse("metrics:excel"), {"pick": "m3"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="chi-so-H42.18073-202603-202603.xlsx"'
    path = tmp_path / "index.xlsx"
    path.write_bytes(response.content)
    book = load_workbook(path)
    sheet = book.worksheets[0]
    found = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    assert found["2.1"][2] == 62.5 and found["2.1"][5] == 12.5 and found["2.1"][6] == 20
    assert book.worksheets[2]["D2"].value == 62.5  # the trend: March's on-time rate
