"""Fixtures shared by the documents' tests: the dossiers' officers and counter reception."""

from motcua.dossiers.tests.conftest import officers, receive  # noqa: F401 — fixtures shared here
