# ruff: noqa: F811 — fixtures imported by name are used as arguments below
"""Fixtures shared with the dossier tests: the small province, its officers and a counter reception;
and March 2026 at the Thành Sen commune made with the real services (see test_index.py for the
scenario and the index it gives), with officers of each dashboard role."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from motcua.agencies.models import Assignment, Role
from motcua.dossiers import services
from motcua.dossiers.tests.conftest import at, officers, receive  # noqa: F401 — fixtures shared here
from motcua.feedback import services as feedback
from motcua.payments import services as payments
from motcua.payments.models import Payment


def act(when, fn, *args, **kwargs):
    with time_machine.travel(when, tick=False):
        return fn(*args, **kwargs)


@pytest.fixture
def march_dossiers(receive, officers):
    """Dossiers A–H of test_index.py: A on time and paid online; B on time after one supplement,
    rated "not satisfied"; C late (two supplements); D in progress and late at the end of March;
    E withdrawn; F refused after its due time; G received on 31/3 16:00; H birth registration (no
    fee), result the same day."""
    o = officers

    def resolve(dossier, when):
        act(when - dt.timedelta(minutes=30), services.complete_step, dossier.pk, o["receptionist"])
        act(when - dt.timedelta(minutes=20), services.complete_step, dossier.pk, o["specialist"])
        act(when, services.approve, dossier.pk, o["leader"])

    def supplement(dossier, asked, brought):
        act(asked, services.request_supplement, dossier.pk, o["specialist"], items=["Bản sao"], reasons="Thiếu")
        act(brought, services.supplement, dossier.pk, o["receptionist"])

    monday = at(2026, 3, 2, 9, 0)
    d = {name: receive(when=monday, fees_collected=0) for name in "ABCDEF"}
    d["G"] = receive(when=at(2026, 3, 31, 16, 0), fees_collected=0)
    d["H"] = receive(code="1.001193", when=monday, fees_collected=0)
    for dossier in d.values():
        act(dossier.received_at, payments.open_invoice, dossier)

    resolve(d["A"], at(2026, 3, 3, 15, 0))
    invoice = d["A"].invoices.get()
    Payment.objects.create(
        invoice=invoice,
        gateway="vnpay",
        txn_ref="A-1",
        amount=invoice.total,
        status=Payment.Status.PAID,
        applied=True,
        created_at=at(2026, 3, 2, 10, 0),
        paid_at=at(2026, 3, 2, 10, 1),
    )

    supplement(d["B"], at(2026, 3, 2, 10, 0), at(2026, 3, 5, 10, 0))
    resolve(d["B"], at(2026, 3, 6, 15, 0))
    act(at(2026, 3, 7, 9, 0), feedback.rate, d["B"].pk, liked=False, scores={})

    supplement(d["C"], at(2026, 3, 2, 10, 0), at(2026, 3, 3, 9, 0))
    supplement(d["C"], at(2026, 3, 3, 10, 0), at(2026, 3, 3, 14, 0))
    resolve(d["C"], at(2026, 3, 4, 15, 0))

    act(at(2026, 3, 3, 10, 0), services.withdraw, d["E"].pk, o["receptionist"], reasons="Người nộp rút")
    act(at(2026, 3, 5, 10, 0), services.refuse, d["F"].pk, o["leader"], reasons="Không đủ điều kiện")
    resolve(d["H"], at(2026, 3, 2, 15, 0))
    return d


@pytest.fixture
def dashboard_officers(province, officers):
    """Besides the commune's officers: a centre head of the Thành Sen centre, an inspector and a
    provincial administrator of the whole province."""
    User = get_user_model()

    def officer(username, agency, role, last_name=""):
        user = User.objects.create_user(username, first_name=username.title(), last_name=last_name)
        Assignment.objects.create(officer=user, agency=province[agency], role=role)
        return user

    return {
        **officers,
        "centre_head": officer("truongtt", "thanh_sen_centre", Role.CENTRE_HEAD),
        "inspector": officer("thanhtra", "root", Role.INSPECTOR),
        "province_admin": officer("quantri", "root", Role.PROVINCE_ADMIN),
    }
