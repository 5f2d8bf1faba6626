# ruff: noqa: F811 — the dossiers fixtures are imported here by name
"""On a phone: the citizen's data warehouse lists their papers by kind, readable and accessible."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from motcua.backoffice.tests.conftest import flushable_events  # noqa: F401
from motcua.dossiers.tests.conftest import officers, receive  # noqa: F401
from motcua.portal.tests.tracking_helpers import PDF, approve

from .test_warehouse import citizen, scan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events"),
]


def test_the_warehouse_on_a_phone(live_server, receive, officers, phone, screenshot, axe_violations):
    lan = citizen()
    dossier = receive(documents=scan())
    approve(dossier, officers, result=PDF + b"% ket qua\n")
    client = Client()
    client.force_login(lan)
    phone.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    phone.goto(f"{live_server.url}/kho-du-lieu/")
    expect(phone.get_by_text("Dự thảo hợp đồng, giao dịch", exact=True)).to_be_visible()
    expect(phone.get_by_text("Kết quả", exact=True)).to_be_visible()
    screenshot(phone, "warehouse-phone")
    assert axe_violations(phone) == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
