"""Fixtures: the dossier fixtures, a real SMTP server and the eSMS simulator on free ports."""

import logging

import pytest

from motcua.dossiers.tests.conftest import *  # noqa: F403
from motcua.notifications import simulator


@pytest.fixture
def sim(settings):
    """The simulator (SMS gateway over HTTP, SMTP server) with motcua's settings pointed at it."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    gateway = simulator.Gateway(delivery_delay=0.05, timeout=3)
    server = simulator.start_in_thread(gateway)
    smtp = simulator.start_smtp(gateway)
    settings.ESMS_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.ESMS_TIMEOUT = 1
    settings.NOTIFICATIONS_CALLBACK_TOKEN = "test-token"
    # Delivery reports go nowhere unless a test serves motcua (live_server) and says so.
    settings.MOTCUA_SITE_URL = "http://127.0.0.1:9"
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 5},
        }
    }
    gateway.url = settings.ESMS_URL
    yield gateway
    gateway.wait_idle()
    server.shutdown()
    server.server_close()
    smtp.stop()


def set_fault(sim, **faults):
    with sim.lock:
        sim.gateway_fault = faults.get("gateway", sim.gateway_fault)
        sim.delivery_fault = faults.get("delivery", sim.delivery_fault)
