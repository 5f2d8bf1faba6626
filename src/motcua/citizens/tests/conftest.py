"""Fixtures for the accounts' tests: a clean cache (rate limits) and the codes as the person
receives them — read from the outbox of messages, like the phone or mailbox would show them."""

import re

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def received():
    """The last one-time code sent to a phone number or e-mail address."""
    from motcua.notifications.models import Message

    def read(destination: str) -> str:
        message = Message.objects.filter(recipient=destination).order_by("-created_at", "-pk").first()
        assert message is not None, f"no message to {destination}"
        return re.search(r"\b(\d{6})\b", message.body).group(1)

    return read


@pytest.fixture
def citizen(db, django_user_model):
    """A citizen with a password account, phone 0912345678, password 'Hoa-sen-2026'."""
    from motcua.citizens.models import Profile
    from motcua.core import clock

    user = django_user_model.objects.create_user("citizen-test", password="Hoa-sen-2026")
    Profile.objects.create(user=user, full_name="Phạm Thị Lan", phone="0912345678", phone_verified_at=clock.now())
    return user


# The dossiers' officers and counter reception, for the test that a citizen's session opens
# nothing in the back office.
from motcua.dossiers.tests.conftest import officers, receive  # noqa: E402, F401
