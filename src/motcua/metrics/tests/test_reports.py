"""The data of the registers and the periodic statistics: periods, the register's rows read in
chunks, and the statistics of January 2026 for a commune, counted by hand from a month of dossiers
received, supplemented, apologised for, approved, refused, withdrawn and closed at the counter."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from motcua.agencies.models import Assignment, Role
from motcua.dossiers import services
from motcua.dossiers.tests import conftest as dossier_fixtures
from motcua.dossiers.tests.conftest import at, person
from motcua.metrics import reports
from motcua.workdays.calendar import days_bounds

officers, receive = dossier_fixtures.officers, dossier_fixtures.receive

D = dt.date


def act(when, fn, *args, **kwargs):
    with time_machine.travel(when, tick=False):
        return fn(*args, **kwargs)


def approve_two_day_dossier(dossier, officers, *, steps_at, approve_at):
    """Reception step, appraisal, then the leader signs (the 2-working-day certification)."""
    act(steps_at, services.complete_step, dossier.pk, officers["receptionist"])
    act(steps_at + dt.timedelta(minutes=30), services.complete_step, dossier.pk, officers["specialist"])
    return act(approve_at, services.approve, dossier.pk, officers["leader"])


@pytest.fixture
def january(province, officers, receive):
    """Dossiers of the Thành Sen centre around January 2026 (2.001035: 2 working days, in person,
    unless said otherwise). The letters name them in the tests."""
    d = {}
    # A: received in December, due Wed 17/12 09:00, signed Mon 05/01: carried over, resolved late.
    d["A"] = receive(when=at(2025, 12, 15, 9, 0))
    approve_two_day_dossier(d["A"], officers, steps_at=at(2025, 12, 15, 10, 0), approve_at=at(2026, 1, 5, 10, 0))
    # B: received and signed in December: not part of January at all.
    d["B"] = receive(when=at(2025, 12, 15, 10, 0))
    approve_two_day_dossier(d["B"], officers, steps_at=at(2025, 12, 15, 11, 0), approve_at=at(2025, 12, 16, 15, 0))
    # I: received Mon 05/01, supplement asked at once and never brought: closed (stopped) on 28/01.
    d["I"] = receive(when=at(2026, 1, 5, 9, 0))
    act(
        at(2026, 1, 5, 10, 0),
        services.request_supplement,
        d["I"].pk,
        officers["specialist"],
        items=["Bản sao"],
        reasons="Thiếu",
    )
    assert act(at(2026, 1, 28, 10, 0), services.close_expired_suspensions) == 1
    # C: received Mon 12/01 09:00, due Wed 14/01 09:00, signed Tue 13/01: early; returned Wed 14/01 08:00.
    d["C"] = receive(when=at(2026, 1, 12, 9, 0))
    approve_two_day_dossier(d["C"], officers, steps_at=at(2026, 1, 12, 10, 0), approve_at=at(2026, 1, 13, 15, 0))
    act(at(2026, 1, 14, 8, 0), services.return_result, d["C"].pk, officers["receptionist"])
    # D: received Mon 12/01 09:30, due Wed 14/01 09:30, signed Wed 14/01 09:00: on time.
    d["D"] = receive(when=at(2026, 1, 12, 9, 30))
    approve_two_day_dossier(d["D"], officers, steps_at=at(2026, 1, 12, 10, 30), approve_at=at(2026, 1, 14, 9, 0))
    # F: received Mon 12/01 10:00, supplement asked Tue 13/01 09:00 and brought Thu 15/01 09:00: the
    # law's time limit starts again (due Mon 19/01 09:00); signed Mon 19/01 08:30: on time in law
    # (late for the index, whose due time was Fri 16/01 10:00).
    d["F"] = receive(when=at(2026, 1, 12, 10, 0))
    act(at(2026, 1, 12, 11, 0), services.complete_step, d["F"].pk, officers["receptionist"])
    act(
        at(2026, 1, 13, 9, 0),
        services.request_supplement,
        d["F"].pk,
        officers["specialist"],
        items=["Sổ"],
        reasons="Thiếu",
    )
    supplemented = act(at(2026, 1, 15, 9, 0), services.supplement, d["F"].pk, officers["receptionist"])
    assert supplemented.due_at == at(2026, 1, 19, 9, 0) and supplemented.index_due_at == at(2026, 1, 16, 10, 0)
    act(at(2026, 1, 16, 15, 0), services.complete_step, d["F"].pk, officers["specialist"])
    act(at(2026, 1, 19, 8, 30), services.approve, d["F"].pk, officers["leader"])
    # G: received Tue 13/01 09:00, refused after appraisal the same morning.
    d["G"] = receive(when=at(2026, 1, 13, 9, 0))
    act(at(2026, 1, 13, 10, 0), services.refuse, d["G"].pk, officers["leader"], reasons="Không đủ điều kiện")
    # H: sent by post, received Tue 13/01 09:30, withdrawn at the applicant's request at 10:00.
    d["H"] = receive(when=at(2026, 1, 13, 9, 30), reception={"channel": "postal"})
    act(at(2026, 1, 13, 10, 0), services.withdraw, d["H"].pk, officers["receptionist"], reasons="Xin rút")
    # E: received Mon 19/01 09:00, due Wed 21/01 09:00; apology and new date Fri 23/01 17:00 issued
    # on Mon 19/01; signed Thu 22/01: before the new date, yet late (the apology does not excuse it).
    d["E"] = receive(when=at(2026, 1, 19, 9, 0))
    act(
        at(2026, 1, 19, 10, 0),
        services.extend,
        d["E"].pk,
        officers["leader"],
        new_due_at=at(2026, 1, 23, 17, 0),
        reason="Chờ xác minh",
    )
    approve_two_day_dossier(d["E"], officers, steps_at=at(2026, 1, 19, 11, 0), approve_at=at(2026, 1, 22, 10, 0))
    # J: received Mon 26/01, due Wed 28/01 09:00, still in progress on 31/01: overdue at the end.
    d["J"] = receive(when=at(2026, 1, 26, 9, 0))
    # L: received Tue 27/01, due Thu 29/01 09:00, but waiting since Wed 28/01 for a supplement: not due.
    d["L"] = receive(when=at(2026, 1, 27, 9, 0))
    act(
        at(2026, 1, 28, 9, 0),
        services.request_supplement,
        d["L"].pk,
        officers["specialist"],
        items=["Ảnh"],
        reasons="Mờ",
    )
    # K: building permit (15 working days) submitted online, accepted Thu 29/01 09:00: not due yet.
    submitted = act(at(2026, 1, 28, 16, 0), services.submit_online, "1.013225", province["thanh_sen_centre"], person())
    d["K"] = act(at(2026, 1, 29, 9, 0), services.receive_existing, submitted.pk, officers["receptionist"])
    # M: received at the Trần Phú centre on 12/01, due 14/01, in progress: only in the province's figures.
    with time_machine.travel(at(2026, 1, 12, 9, 0), tick=False):
        d["M"] = services.receive_at_counter(
            officers["other_receptionist"],
            province["tran_phu_centre"],
            services.Reception(procedure_code="2.001035", applicant=person(name="Trần Văn Minh")),
            "receive",
        )
    # N: received in February: outside the period. O: refused at reception: never received.
    d["N"] = receive(when=at(2026, 2, 2, 9, 0))
    d["O"] = receive(when=at(2026, 1, 20, 9, 0), outcome="refuse", reasons="Không thuộc thẩm quyền")
    for key in d:
        d[key].refresh_from_db()
    return d


FEB_10 = at(2026, 2, 10, 12, 0)


def figures(row):
    return {key: row.figures[key] for key in reports.FIGURES}


def counted(**values):
    out = dict.fromkeys(reports.FIGURES, 0)
    out.update(values)
    return out


# The commune's figures for January, from the letters above.
THANH_SEN = counted(
    total=11,  # A C D E F G H I J K L
    carried_over=1,  # A
    received=10,
    received_online=1,  # K
    resolved=5,  # A C D E F
    early=1,  # C
    on_time=2,  # D F
    late=2,  # A E
    refused=1,  # G
    withdrawn=1,  # H
    stopped=1,  # I
    open=3,  # J K L
    open_overdue=1,  # J
    open_not_due=2,  # K L
)


# -- periods --------------------------------------------------------------------------------------------


def test_months_quarters_and_years_have_their_days():
    assert reports.month_period(2026, 2) == (D(2026, 2, 1), D(2026, 2, 28))
    assert reports.month_period(2028, 2) == (D(2028, 2, 1), D(2028, 2, 29))
    assert reports.month_period(2026, 12) == (D(2026, 12, 1), D(2026, 12, 31))
    assert reports.quarter_period(2026, 1) == (D(2026, 1, 1), D(2026, 3, 31))
    assert reports.quarter_period(2026, 4) == (D(2026, 10, 1), D(2026, 12, 31))
    assert reports.year_period(2026) == (D(2026, 1, 1), D(2026, 12, 31))


def test_last_month_is_the_default_and_january_looks_back_to_december():
    assert reports.last_month(D(2026, 3, 15)) == (D(2026, 2, 1), D(2026, 2, 28))
    assert reports.last_month(D(2026, 1, 1)) == (D(2025, 12, 1), D(2025, 12, 31))


def test_the_picker_names_months_quarters_the_year_and_other_days():
    assert reports.picked_period("m7", 2026) == (D(2026, 7, 1), D(2026, 7, 31))
    assert reports.picked_period("q3", 2026) == (D(2026, 7, 1), D(2026, 9, 30))
    assert reports.picked_period("y", 2025) == (D(2025, 1, 1), D(2025, 12, 31))
    for bad in ("m13", "q5", "x", "custom", ""):
        with pytest.raises(ValueError):
            reports.picked_period(bad, 2026)
    assert reports.pick_of(D(2026, 7, 1), D(2026, 7, 31)) == "m7"
    assert reports.pick_of(D(2026, 7, 1), D(2026, 9, 30)) == "q3"
    assert reports.pick_of(D(2026, 1, 1), D(2026, 12, 31)) == "y"
    assert reports.pick_of(D(2026, 7, 2), D(2026, 7, 31)) == "custom"


def test_a_period_is_described_in_vietnamese():
    assert reports.describe_period(D(2026, 1, 1), D(2026, 1, 31)) == "Tháng 1/2026"
    assert reports.describe_period(D(2026, 4, 1), D(2026, 6, 30)) == "Quý II/2026"
    assert reports.describe_period(D(2026, 1, 1), D(2026, 12, 31)) == "Năm 2026"
    assert reports.describe_period(D(2026, 1, 5), D(2026, 2, 4)) == "Từ ngày 05/01/2026 đến ngày 04/02/2026"


def test_one_year_after_a_leap_day_is_the_first_of_march():
    assert reports.one_year_after(D(2028, 2, 29)) == D(2029, 3, 1)
    assert reports.one_year_after(D(2026, 1, 1)) == D(2027, 1, 1)


def test_the_period_runs_from_midnight_to_midnight_in_vietnam():
    start, end = days_bounds(D(2026, 1, 1), D(2026, 1, 31))
    assert start == at(2026, 1, 1, 0, 0) and end == at(2026, 2, 1, 0, 0)
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 12, 31, 17, 0, tzinfo=dt.UTC)


# -- the statistics -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_communes_january_counted_by_agency(january, province):
    stats = reports.statistics(province["thanh_sen"], D(2026, 1, 1), D(2026, 1, 31), now=FEB_10)
    assert stats.at == at(2026, 2, 1, 0, 0)  # in progress judged at the end of January
    by_agency = stats.tables[0]
    assert [(row.label, row.code) for row in by_agency.rows] == [("Ủy ban nhân dân phường Thành Sen", "H42.18073")]
    assert figures(by_agency.rows[0]) == THANH_SEN
    assert figures(by_agency.total) == THANH_SEN
    assert by_agency.rows[0].on_time_rate == pytest.approx(60.0)  # (1 early + 2 on time) of 5


@pytest.mark.django_db
def test_the_communes_january_counted_by_field_and_by_channel(january, province):
    stats = reports.statistics(province["thanh_sen"], D(2026, 1, 1), D(2026, 1, 31), now=FEB_10)
    by_field, by_channel = stats.tables[1], stats.tables[2]
    assert [row.label for row in by_field.rows] == ["Chứng thực", "Hoạt động xây dựng"]
    assert figures(by_field.rows[0]) == counted(
        total=10, carried_over=1, received=9, resolved=5, early=1, on_time=2, late=2,
        refused=1, withdrawn=1, stopped=1, open=2, open_overdue=1, open_not_due=1,
    )  # fmt: skip
    assert figures(by_field.rows[1]) == counted(total=1, received=1, received_online=1, open=1, open_not_due=1)
    assert [row.code for row in by_channel.rows] == ["in_person", "online", "postal"]
    assert [row.label for row in by_channel.rows] == [
        "Trực tiếp tại quầy",
        "Trực tuyến trên Cổng dịch vụ công",
        "Qua bưu chính",
    ]
    assert figures(by_channel.rows[0]) == counted(
        total=9, carried_over=1, received=8, resolved=5, early=1, on_time=2, late=2,
        refused=1, stopped=1, open=2, open_overdue=1, open_not_due=1,
    )  # fmt: skip
    assert figures(by_channel.rows[1]) == counted(total=1, received=1, received_online=1, open=1, open_not_due=1)
    assert figures(by_channel.rows[2]) == counted(total=1, received=1, withdrawn=1)
    assert figures(by_field.total) == figures(by_channel.total) == THANH_SEN


@pytest.mark.django_db
def test_the_provinces_figures_add_the_other_commune(january, province):
    stats = reports.statistics(province["root"], D(2026, 1, 1), D(2026, 1, 31), now=FEB_10)
    by_agency = stats.tables[0]
    assert [row.label for row in by_agency.rows] == [
        "Ủy ban nhân dân phường Thành Sen",
        "Ủy ban nhân dân phường Trần Phú",
    ]
    assert figures(by_agency.rows[1]) == counted(total=1, received=1, open=1, open_overdue=1)  # M
    expected = dict(THANH_SEN, total=12, received=11, open=4, open_overdue=2)
    assert figures(by_agency.total) == expected


@pytest.mark.django_db
def test_a_centres_statistics_count_what_it_received(january, province):
    """The centre resolves nothing itself: its report is the dossiers received there."""
    stats = reports.statistics(province["thanh_sen_centre"], D(2026, 1, 1), D(2026, 1, 31), now=FEB_10)
    assert figures(stats.total) == THANH_SEN
    other = reports.statistics(province["tran_phu_centre"], D(2026, 1, 1), D(2026, 1, 31), now=FEB_10)
    assert figures(other.total) == counted(total=1, received=1, open=1, open_overdue=1)


@pytest.mark.django_db
def test_the_next_month_carries_over_what_january_left_open(january, province):
    """February: J, K and L come from January, N is new; nothing ended yet on 10/02."""
    stats = reports.statistics(province["thanh_sen"], D(2026, 2, 1), D(2026, 2, 28), now=FEB_10)
    assert stats.at == FEB_10  # the month is not over: "overdue" is judged now
    # J was due 28/01, N (received Mon 02/02) was due Wed 04/02: both overdue on 10/02; K is not
    # due before the end of February; L waits for its supplement.
    assert figures(stats.total) == counted(total=4, carried_over=3, received=1, open=4, open_overdue=2, open_not_due=2)


@pytest.mark.django_db
def test_a_dossier_becomes_overdue_once_its_appointment_passes(province, officers, receive):
    dossier = receive(when=at(2026, 1, 12, 9, 0))  # due Wed 14/01 09:00
    period = (D(2026, 1, 1), D(2026, 1, 31))
    before = reports.statistics(province["thanh_sen"], *period, now=at(2026, 1, 14, 8, 59))
    after = reports.statistics(province["thanh_sen"], *period, now=at(2026, 1, 14, 9, 1))
    assert figures(before.total) == counted(total=1, received=1, open=1, open_not_due=1)
    assert figures(after.total) == counted(total=1, received=1, open=1, open_overdue=1)
    assert dossier.due_at == at(2026, 1, 14, 9, 0)


@pytest.mark.django_db
def test_statistics_take_three_grouped_queries_whatever_the_number_of_dossiers(
    january, province, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        stats = reports.statistics(province["root"], D(2026, 1, 1), D(2026, 1, 31), now=FEB_10)
    assert stats.total.figures["total"] == 12


@pytest.mark.django_db
def test_an_empty_period_has_empty_tables_and_zero_totals(province):
    stats = reports.statistics(province["root"], D(2026, 1, 1), D(2026, 1, 31), now=FEB_10)
    assert all(table.rows == [] for table in stats.tables)
    assert figures(stats.total) == counted()
    assert stats.total.on_time_rate is None


# -- the register ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_register_lists_what_the_centre_received_in_order(january, province):
    chunks = list(reports.register_chunks(province["thanh_sen_centre"], D(2026, 1, 1), D(2026, 1, 31)))
    rows = [row for chunk in chunks for row in chunk]
    assert len(chunks) == 1
    assert [row["code"] for row in rows] == [
        january[key].code for key in ("I", "C", "D", "F", "G", "H", "E", "J", "L", "K")
    ]
    assert [row["number"] for row in rows] == list(range(1, 11))
    first, returned = rows[0], rows[1]
    assert first == {
        "number": 1,
        "code": "H42.18073-260105-0001",
        "procedure": "Chứng thực giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất, nhà ở",
        "applicant": "Nguyễn Thị Lan",
        "contact": "Số 5, đường Trần Phú, phường Thành Sen, Hà Tĩnh / 0912345678",
        "resolving": "Ủy ban nhân dân phường Thành Sen",
        "received": dt.datetime(2026, 1, 5, 9, 0),
        "due": dt.datetime(2026, 1, 7, 9, 0),
        "returned": "Dừng giải quyết (không bổ sung)",
        "method": "Trực tiếp tại Bộ phận Tiếp nhận và Trả kết quả",
    }
    assert returned["received"] == dt.datetime(2026, 1, 12, 9, 0)
    assert returned["returned"] == dt.datetime(2026, 1, 14, 8, 0)
    assert reports.register_size(province["thanh_sen_centre"], D(2026, 1, 1), D(2026, 1, 31)) == 10
    assert reports.register_size(province["thanh_sen_centre"], D(2026, 1, 1), D(2026, 1, 31), limit=3) == 4


@pytest.mark.django_db
def test_the_register_is_read_in_chunks_without_losing_or_repeating_a_row(province, officers, receive):
    """Five dossiers received at the same minute, read two at a time."""
    received = [receive(when=at(2026, 1, 12, 9, 0)) for _ in range(5)]
    chunks = list(reports.register_chunks(province["thanh_sen_centre"], D(2026, 1, 12), D(2026, 1, 12), size=2))
    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    rows = [row for chunk in chunks for row in chunk]
    assert [row["code"] for row in rows] == [d.code for d in received]
    assert [row["number"] for row in rows] == [1, 2, 3, 4, 5]


@pytest.mark.django_db
def test_the_province_register_covers_every_centre_under_it(january, province):
    rows = [r for c in reports.register_chunks(province["root"], D(2026, 1, 12), D(2026, 1, 12)) for r in c]
    assert [row["code"] for row in rows] == [
        january["C"].code, january["M"].code, january["D"].code, january["F"].code
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_centre_heads_statistics_roles(province):
    """Who sees which agency's statistics: one SQL filter over the roles and the tree."""
    from motcua.metrics import exports

    User = get_user_model()
    head = User.objects.create_user("truongtt")
    Assignment.objects.create(officer=head, agency=province["thanh_sen_centre"], role=Role.CENTRE_HEAD)
    assert exports.may_see_statistics(head, province["thanh_sen_centre"])
    assert not exports.may_see_statistics(head, province["thanh_sen"])
    assert list(exports.register_centres(head)) == [province["thanh_sen_centre"]]
