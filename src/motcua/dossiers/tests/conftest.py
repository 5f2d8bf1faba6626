"""Officers of the small test province and a helper to receive a dossier at the counter."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model

from motcua.agencies.models import Assignment, Role
from motcua.dossiers import services
from motcua.dossiers.services import Applicant, Reception, Upload

VN = dt.timezone(dt.timedelta(hours=7))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(*args):
    return dt.datetime(*args, tzinfo=VN)


@pytest.fixture
def officers(province):
    User = get_user_model()

    def officer(username, agency, role):
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": username.title()})
        Assignment.objects.create(officer=user, agency=province[agency], role=role)
        return user

    return {
        "receptionist": officer("tiepnhan", "thanh_sen_centre", Role.RECEPTIONIST),
        "specialist": officer("chuyenvien", "thanh_sen", Role.SPECIALIST),
        "leader": officer("lanhdao", "thanh_sen", Role.LEADER),
        "other_leader": officer("lanhdao2", "tran_phu", Role.LEADER),
        "other_receptionist": officer("tiepnhan2", "tran_phu_centre", Role.RECEPTIONIST),
    }


def person(**overrides):
    values = {
        "kind": "person",
        "name": "Nguyễn Thị Lan",
        "id_number": "042190000123",
        "address": "Số 5, đường Trần Phú, phường Thành Sen, Hà Tĩnh",
        "birth_date": dt.date(1990, 5, 1),
        "phone": "0912345678",
        "email": "lan@example.com",
    }
    values.update(overrides)
    return Applicant(**values)


@pytest.fixture
def receive(province, small_catalog, officers):
    """Receive a dossier at the Thành Sen centre at a given instant (default 09:00 Mon 12/01/2026)."""

    def go(code="2.001035", when=None, outcome="receive", applicant=None, **kwargs):
        when = when or at(2026, 1, 12, 9, 0)
        reception = Reception(
            procedure_code=code,
            applicant=applicant or person(),
            documents=kwargs.pop(
                "documents", [Upload(name="Dự thảo hợp đồng", form="original", filename="hd.pdf", content=PDF)]
            ),
            fees_collected=kwargs.pop("fees_collected", 50000),
            **kwargs.pop("reception", {}),
        )
        with time_machine.travel(when, tick=False):
            return services.receive_at_counter(
                kwargs.pop("actor", officers["receptionist"]),
                province["thanh_sen_centre"],
                reception,
                outcome,
                **kwargs,
            )

    return go
