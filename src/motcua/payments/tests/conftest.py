"""Fixtures of the payment tests: the dossier fixtures of the small province, finance officers, a
dossier accepted with its invoice, and the VNPay simulator on a free port, reached over HTTP."""

import json
import time
import urllib.request
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model

from motcua.agencies.models import Assignment, Role
from motcua.dossiers.tests.conftest import PDF, at, officers, person, receive  # noqa: F401 — shared fixtures
from motcua.payments import simulator as sim
from motcua.payments.contrib.vnpay import protocol

# Procedure codes of the small catalogue: 2.001035 costs 50.000 đ at the counter and 25.000 đ
# online (from 2026); 1.013225 costs 75.000 đ; 1.001193 is free.
CONTRACT, BUILDING, BIRTH = "2.001035", "1.013225", "1.001193"


@pytest.fixture
def finance(province, officers):  # noqa: F811
    """A centre head of Thành Sen's centre (finance decisions) and the provincial administrator."""
    User = get_user_model()
    head = User.objects.create_user("truongtt_ts", first_name="Bình")
    Assignment.objects.create(officer=head, agency=province["thanh_sen_centre"], role=Role.CENTRE_HEAD)
    admin = User.objects.create_user("quantri", first_name="An")
    Assignment.objects.create(officer=admin, agency=province["root"], role=Role.PROVINCE_ADMIN)
    return {"head": head, "admin": admin, **officers}


@pytest.fixture
def accept(receive, django_capture_on_commit_callbacks):  # noqa: F811
    """Receive a dossier at the counter with no fees taken, and its invoice made on commit."""

    def go(code=CONTRACT, when=None, fees_collected=0, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return receive(code=code, when=when, fees_collected=fees_collected, **kwargs)

    return go


@pytest.fixture
def invoice_of():
    def get(dossier):
        from motcua.payments.models import Invoice

        return Invoice.objects.filter(dossier=dossier).order_by("-issued_at").first()

    return get


class Simulator:
    """The simulator in this process, and the HTTP calls a browser would make to it."""

    def __init__(self, gateway: sim.Gateway, server):
        self.gateway, self.server = gateway, server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"

    def call(self, path: str, data=None, *, method=None):
        body = json.dumps(data).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(self.url + path, data=body, method=method)  # noqa: S310 — loopback
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, response.read()

    def faults(self, **settings) -> None:
        self.call("/_sim/faults", settings)

    def state(self) -> dict:
        return json.loads(self.call("/_sim/state")[1])

    def open_page(self, pay_url: str) -> str:
        """GET the payment page as the applicant's browser does; returns its HTML."""
        parts = urlsplit(pay_url)
        assert f"{parts.scheme}://{parts.netloc}" == self.url, pay_url
        return self.call(f"{parts.path}?{parts.query}")[1].decode()

    def press(self, txn_ref: str, action: str = "pay", faults: str = "", bank: str = "") -> dict:
        """Press "Thanh toán" (pay) or "Hủy" (cancel); returns the signed parameters of the return URL."""
        form = urlencode({"txn_ref": txn_ref, "action": action, "sim_faults": faults, "bank": bank}).encode()
        opener = urllib.request.build_opener(_NoRedirect)
        request = urllib.request.Request(self.url + sim.PAY_PATH, data=form, method="POST")  # noqa: S310
        try:
            opener.open(request, timeout=15)
        except urllib.error.HTTPError as exc:  # the 302 to the return URL
            assert exc.code == 302, exc
            location = exc.headers["Location"]
        return dict(parse_qsl(urlsplit(location).query))

    def ipns(self, txn_ref: str | None = None, *, wait: int = 0, timeout: float = 15) -> list[dict]:
        """The IPNs the simulator sent (or captured), waiting until at least `wait` of them exist
        and none is still in flight."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state()
            log = [e for e in state["ipn_log"] if txn_ref is None or e["txn_ref"] == txn_ref]
            if len(log) >= wait and not state["in_flight"]:
                return log
            if time.monotonic() > deadline:
                raise AssertionError(f"IPNs not there after {timeout}s: {log}")
            time.sleep(0.05)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def simulator(settings):
    """The simulator on a free port, keeping the signed IPNs for the test to hand to motcua; motcua's
    VNPay settings point at it (demo terminal and secret on loopback)."""
    gateway = sim.Gateway(tmn_code=protocol.DEMO_TMN_CODE, hash_secret=protocol.DEMO_HASH_SECRET, ipn_url="", timeout=3)
    server = sim.start_in_thread(gateway)
    running = Simulator(gateway, server)
    settings.VNPAY_PAYMENT_URL = running.url + sim.PAY_PATH
    settings.VNPAY_API_URL = running.url + sim.API_PATH
    settings.VNPAY_TIMEOUT = 2
    yield running
    server.shutdown()
    server.server_close()


MONDAY = at(2026, 1, 12, 9, 0)


@pytest.fixture
def clock_running():
    """Time runs (the simulator's deadlines and motcua's must agree) from Monday 12/01/2026 09:00."""
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


__all__ = ["PDF", "at", "person"]
