"""Administrators add an index scheme with an effective date and change points and thresholds in
the admin; an indicator naming a measure motcua does not count is refused with a clear message."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.metrics import facts, index
from motcua.metrics.admin import IndicatorForm
from motcua.metrics.models import Group, Indicator, Scheme

from .conftest import at


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("quantri", "quantri@example.com", "x")
    client.force_login(user)
    return client


def inline(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def indicator(**overrides) -> dict:
    values = {
        "position": "0",
        "code": "2.1",
        "name": "Hồ sơ giải quyết đúng hạn",
        "measure": "on_time",
        "points": "100",
        "threshold": "80",
        "when_empty": "full",
    }
    values.update(overrides)
    return values


def test_an_unknown_measure_is_refused_by_name():
    form = IndicatorForm(data=indicator(measure="dung_han"))
    assert not form.is_valid()
    assert "dung_han" in form.errors["measure"][0]
    assert "on_time" in form.errors["measure"][0]  # the message lists the measures motcua knows


@pytest.mark.parametrize(("field", "value"), [("threshold", "120"), ("threshold", "-1"), ("points", "-2")])
def test_points_and_thresholds_out_of_range_are_refused(field, value):
    form = IndicatorForm(data=indicator(**{field: value}))
    assert not form.is_valid()
    assert field in form.errors


def test_a_known_measure_is_accepted():
    form = IndicatorForm(data=indicator())
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_the_admin_pages_answer(admin_client):
    scheme = Scheme.objects.order_by("-effective_from").first()
    group = scheme.groups.first()
    for url in (
        reverse("admin:metrics_scheme_changelist"),
        reverse("admin:metrics_scheme_change", args=[scheme.pk]),
        reverse("admin:metrics_group_change", args=[group.pk]),
        reverse("admin:metrics_indicator_add"),
    ):
        assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
def test_an_indicator_with_an_unknown_measure_is_not_saved_from_its_group(admin_client):
    group = Group.objects.filter(scheme__effective_from=dt.date(2024, 1, 1), code="tien-do").get()
    before = list(group.indicators.values_list("code", "measure", "points"))
    rows = [
        {"id": str(i.pk), "group": str(group.pk), **indicator(code=i.code, measure=i.measure, points=str(i.points))}
        for i in group.indicators.all()
    ]
    rows[0]["measure"] = "dung_han"
    data = {"position": str(group.position), "code": group.code, "name": group.name, "scheme": str(group.scheme_id)}
    data.update(inline("indicators", rows, initial=len(rows)))
    response = admin_client.post(reverse("admin:metrics_group_change", args=[group.pk]), data)
    assert response.status_code == 200  # the form again, with the error
    page = response.content.decode()
    assert "dung_han" in page and "digitized, dossier_satisfaction, dossiers_synced" in page  # the message
    assert list(group.indicators.values_list("code", "measure", "points")) == before


@pytest.mark.django_db
def test_a_new_scheme_with_an_effective_date_scores_the_periods_that_end_after_it(admin_client, march_dossiers):
    facts.store(d.pk for d in march_dossiers.values())
    data = {"name": "Thí điểm của tỉnh", "effective_from": "2026-03-01", "note": ""}
    data.update(inline("groups", [{"position": "0", "code": "tien-do", "name": "Tiến độ"}]))
    response = admin_client.post(reverse("admin:metrics_scheme_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    scheme = Scheme.objects.get(effective_from=dt.date(2026, 3, 1))
    group = scheme.groups.get()
    data = {"position": "0", "code": "tien-do", "name": "Tiến độ", "scheme": str(scheme.pk)}
    data.update(inline("indicators", [{"group": str(group.pk), **indicator()}]))
    response = admin_client.post(reverse("admin:metrics_group_change", args=[group.pk]), data)
    assert response.status_code == 302
    assert Indicator.objects.get(group=group).threshold == Decimal(80)

    tree = index.Tree.load()
    thanh_sen = tree.subtree(next(pk for pk, a in tree.agencies.items() if a.identifier == "H42.18073"))
    now = at(2026, 4, 15, 9, 0)
    march = index.Figures.load(index.Period.of("month", 2026, 3), now=now).result(thanh_sen)
    # March is scored under the new scheme: 2.1 at 5/8 = 62,5 % under an 80 % threshold earns
    # 100 × 0,625 ÷ 0,8 = 78,13 points of 100.
    assert march.scheme == scheme
    assert (march.earned, march.points) == (Decimal("78.13"), Decimal(100))
    # February ended before the new scheme: still the national portal's six groups.
    february = index.Figures.load(index.Period.of("month", 2026, 2), now=now).result(thanh_sen)
    assert february.scheme.effective_from == dt.date(2024, 1, 1)
