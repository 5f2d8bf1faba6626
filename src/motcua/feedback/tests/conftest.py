"""The dossiers' fixtures (officers, receive) and the message simulator for the feedback tests."""

from motcua.dossiers.tests.conftest import officers, receive  # noqa: F401
from motcua.notifications.tests.conftest import sim  # noqa: F401
