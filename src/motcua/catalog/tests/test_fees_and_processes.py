import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog import services
from motcua.catalog.models import ProcessStep, ProcessTemplate
from motcua.catalog.rules import FeeLine, applicable_fees, process_total, share_error

VN = dt.timezone(dt.timedelta(hours=7))


def test_parallel_steps_count_once_per_stage():
    assert process_total([(1, Decimal("0.5")), (2, Decimal(5)), (2, Decimal(3)), (3, Decimal(2))]) == Decimal("7.5")


def test_share_error_says_what_is_wrong():
    assert share_error([(1, Decimal(2)), (2, Decimal(1))], Decimal(3), "working_days") is None
    assert share_error([(1, Decimal(2))], Decimal(3), "working_days") == ("the shares add up to 2, the time limit is 3")
    assert share_error([], Decimal(3), "working_days") == "the process has no step"
    # A same-day procedure splits one working day of 8 hours.
    assert share_error([(1, Decimal(4)), (2, Decimal(4))], Decimal(0), "same_day") is None


def test_online_line_beats_any_line_and_newest_amount_wins():
    lines = [
        FeeLine("Phí", "fee", "any", 50000, dt.date(2025, 7, 1)),
        FeeLine("Phí", "fee", "online", 25000, dt.date(2026, 1, 1)),
        FeeLine("Phí", "fee", "any", 60000, dt.date(2027, 1, 1)),
    ]
    assert [f.amount for f in applicable_fees(lines, "online", dt.date(2025, 12, 31))] == [50000]
    assert [f.amount for f in applicable_fees(lines, "online", dt.date(2026, 6, 1))] == [25000]
    assert [f.amount for f in applicable_fees(lines, "in_person", dt.date(2026, 6, 1))] == [50000]
    assert [f.amount for f in applicable_fees(lines, "postal", dt.date(2027, 6, 1))] == [60000]
    assert [f.amount for f in applicable_fees(lines, "online", dt.date(2027, 6, 1))] == [25000]


@pytest.mark.django_db
def test_fees_for_a_version_follow_channel_and_date(small_catalog):
    version = services.version_in_force("2.001035")
    assert [f.amount for f in services.fees_for(version, "online", dt.date(2026, 3, 1))] == [25000]
    assert [f.amount for f in services.fees_for(version, "in_person", dt.date(2026, 3, 1))] == [50000]


@pytest.mark.django_db
def test_agency_process_overrides_the_model_only_where_allowed(small_catalog, province):
    version = services.version_in_force("2.001035")
    own = ProcessTemplate(version=version, agency=province["thanh_sen"], name="Quy trình riêng")
    steps = [
        ProcessStep(
            stage=1, name="Tiếp nhận và thẩm định", role="specialist", agency_role="resolving", share=Decimal("1.5")
        ),
        ProcessStep(stage=2, name="Ký", role="leader", agency_role="resolving", share=Decimal("0.5")),
    ]
    services.save_process(own, steps)
    assert services.process_for(version, province["thanh_sen"]).pk == own.pk
    assert services.process_for(version, province["tran_phu"]).agency_id is None

    birth = services.version_in_force("1.001193")
    refused = ProcessTemplate(version=birth, agency=province["thanh_sen"])
    with pytest.raises(ValidationError, match="does not allow agencies"):
        services.save_process(
            refused, [ProcessStep(stage=1, name="x", role="leader", agency_role="resolving", share=8)]
        )
    assert not ProcessTemplate.objects.filter(version=birth, agency=province["thanh_sen"]).exists()


@pytest.mark.django_db
def test_process_with_wrong_shares_is_refused_and_nothing_saved(small_catalog, province):
    version = services.version_in_force("2.001035")
    template = services.process_for(version, None)
    before = list(template.steps.values_list("name", "share"))
    with pytest.raises(ValidationError, match="add up to 3, the time limit is 2"):
        services.save_process(
            template, [ProcessStep(stage=1, name="Một bước", role="specialist", agency_role="resolving", share=3)]
        )
    assert list(template.steps.values_list("name", "share")) == before


@pytest.mark.django_db
def test_expected_return_counts_working_days_from_receipt(small_catalog):
    version = services.version_in_force("2.001035")
    # Thursday 12/02/2026 10:00, 2 working days: Friday 13/02 is one, then Tết runs from
    # Monday 16/02 to Friday 20/02, so the second day is Monday 23/02, due at 10:00.
    received = dt.datetime(2026, 2, 12, 10, 0, tzinfo=VN)
    assert services.expected_return(version, received) == dt.datetime(2026, 2, 23, 10, 0, tzinfo=VN)


@pytest.mark.django_db
def test_expected_return_of_same_day_procedure_after_the_cutoff(small_catalog):
    version = services.version_in_force("1.001193")
    # Paper dossier at 15:30 on Friday 09/01/2026: counted from the next working day, which is
    # the swapped working Saturday 10/01/2026, so due at its end.
    received = dt.datetime(2026, 1, 9, 15, 30, tzinfo=VN)
    assert services.expected_return(version, received) == dt.datetime(2026, 1, 10, 17, 0, tzinfo=VN)
    # The same dossier online is counted from its arrival inside working hours: due that day.
    assert services.expected_return(version, received, channel="online") == dt.datetime(2026, 1, 9, 17, 0, tzinfo=VN)
