"""Officers of the small test province (shared with the dossier tests) and a frozen clock."""

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection

from motcua.agencies.models import Assignment, Role
from motcua.dossiers.tests.conftest import at, officers, receive  # noqa: F401 — fixtures shared here


@pytest.fixture
def inspector(province):
    user = get_user_model().objects.create_user("thanhtra", first_name="Thanh tra")
    Assignment.objects.create(officer=user, agency=province["root"], role=Role.INSPECTOR)
    return user


@pytest.fixture
def travel():
    """Move the clock for the pages: `travel(at(2026, 1, 12, 10, 0))`; stays until the test ends."""
    travellers = []

    def go(when):
        if travellers:
            travellers.pop().stop()
        traveller = time_machine.travel(when, tick=False)
        traveller.start()
        travellers.append(traveller)

    yield go
    for traveller in travellers:
        traveller.stop()


@pytest.fixture
def monday(travel):
    """Monday 12/01/2026 09:30, a working morning."""
    travel(at(2026, 1, 12, 9, 30))


@pytest.fixture
def flushable_events(transactional_db):
    """Let a transactional test's database be emptied although it holds append-only history.

    On SQLite, triggers refuse to delete a control-slip (or payment) event row by row, and the
    flush after a transactional test deletes row by row; PostgreSQL's flush truncates, which its
    triggers allow. The triggers are dropped only for the time of the clean-up, then restored.
    """
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%append-only%'"
        )
        triggers = cursor.fetchall()
        for name, _table, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in sorted({table for _name, table, _sql in triggers}):
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 — names from the schema itself
        for _name, _table, sql in triggers:
            cursor.execute(sql)
