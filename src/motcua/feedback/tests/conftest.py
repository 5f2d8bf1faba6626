"""The dossiers' fixtures (officers, receive) for the rating tests."""

from motcua.dossiers.tests.conftest import officers, receive  # noqa: F401
