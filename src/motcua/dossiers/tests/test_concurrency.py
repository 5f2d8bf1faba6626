"""Several OS processes at once on the same database: dossier codes stay unique and gap-free, and
of two officers finishing the same step, one wins and the other is told so, with nothing half-done.

The children are started with the spawn method and set Django up themselves on the test
database: on PostgreSQL the test database itself; on SQLite, whose test database lives in memory,
a file copy of it made after the fixtures are committed. Module-level imports stay free of Django
models so that the children can import this module before `django.setup()`.
"""

import datetime as dt
import multiprocessing
import os
import sqlite3
from contextlib import closing
from urllib.parse import quote

import pytest

PROCESSES, EACH = 4, 25
WHEN = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
JOIN_SECONDS = 120


# -- what the children run ----------------------------------------------------------------------


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings.test")
    import django

    django.setup()


def _receive_many(database_url, centre_id, officer_id, count, start, results) -> None:
    try:
        _setup_django(database_url)
        from django.contrib.auth import get_user_model

        from motcua.agencies.models import Agency
        from motcua.core import clock
        from motcua.dossiers import services
        from motcua.dossiers.tests.conftest import PDF, person

        centre = Agency.objects.get(pk=centre_id)
        officer = get_user_model().objects.get(pk=officer_id)
        reception = services.Reception(
            procedure_code="2.001035",
            applicant=person(),
            documents=[services.Upload(name="Dự thảo hợp đồng", form="original", filename="hd.pdf", content=PDF)],
        )
        start.wait(timeout=JOIN_SECONDS)
        with clock.at(WHEN):
            codes = [services.receive_at_counter(officer, centre, reception, "receive").code for _ in range(count)]
        results.put(("ok", codes))
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put(("error", repr(exc)))


def _complete_steps(database_url, officer_id, attempts, start, results) -> None:
    """For each (dossier, what the officer saw): wait for the other officer, then finish the step."""
    try:
        _setup_django(database_url)
        from django.contrib.auth import get_user_model

        from motcua.core import clock
        from motcua.dossiers import services

        officer = get_user_model().objects.get(pk=officer_id)
        outcomes = []
        for dossier_id, seen in attempts:
            start.wait(timeout=JOIN_SECONDS)
            with clock.at(WHEN + dt.timedelta(hours=1)):
                try:
                    services.complete_step(dossier_id, officer, note=f"by {officer.username}", **seen)
                    outcomes.append((dossier_id, "ok"))
                except services.ActionError as exc:
                    outcomes.append((dossier_id, type(exc).__name__))
        results.put((officer_id, outcomes))
    except Exception as exc:
        results.put(("error", repr(exc)))


# -- the parent's side --------------------------------------------------------------------------


class SharedDatabase:
    """The test database as the children reach it, and read-back from the parent."""

    def __init__(self, tmp_path):
        from django.db import connection

        self.connection = connection
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            # The committed fixtures, copied from memory into a file every process can open.
            self.file = tmp_path / "concurrency.sqlite3"
            connection.ensure_connection()
            with closing(sqlite3.connect(self.file)) as target:
                connection.connection.backup(target)
            self.url = f"sqlite:///{self.file}"
        elif connection.vendor == "postgresql":
            self.file = None
            user = quote(settings["USER"] or "", safe="")
            password = f":{quote(settings['PASSWORD'], safe='')}" if settings.get("PASSWORD") else ""
            host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
            self.url = f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"
        else:
            pytest.skip(f"no multi-process test for {connection.vendor}")

    def rows(self, sql: str, params=()) -> list[tuple]:
        if self.file is not None:
            with closing(sqlite3.connect(self.file)) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _run(target, argument_lists) -> list:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(len(argument_lists)), context.Queue()
    children = [context.Process(target=target, args=(*args, start, results)) for args in argument_lists]
    for child in children:
        child.start()
    try:
        outcomes = [results.get(timeout=JOIN_SECONDS) for _ in children]
    finally:
        for child in children:
            child.join(timeout=JOIN_SECONDS)
            if child.is_alive():
                child.kill()
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, errors
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_codes_are_unique_and_gap_free_when_processes_receive_at_once(province, small_catalog, officers, tmp_path):
    database = SharedDatabase(tmp_path)
    arguments = [(database.url, province["thanh_sen_centre"].pk, officers["receptionist"].pk, EACH)] * PROCESSES
    outcomes = _run(_receive_many, arguments)

    issued = [code for _kind, codes in outcomes for code in codes]
    stored = [code for (code,) in database.rows("SELECT code FROM dossiers_dossier")]
    expected = [f"H42.18073-260112-{n:04d}" for n in range(1, PROCESSES * EACH + 1)]
    assert sorted(issued) == sorted(stored) == expected
    counters = database.rows("SELECT day, last FROM dossiers_dailycounter")
    assert [last for _day, last in counters] == [PROCESSES * EACH]
    # Each dossier got its steps and its one reception event: no half-received dossier.
    assert database.rows("SELECT COUNT(*) FROM dossiers_event") == [(PROCESSES * EACH,)]
    assert database.rows("SELECT COUNT(*) FROM dossiers_dossierstep") == [(PROCESSES * EACH * 3,)]


@pytest.mark.django_db(transaction=True)
def test_two_officers_finishing_the_same_step_one_wins(province, small_catalog, officers, tmp_path):
    from django.contrib.auth import get_user_model

    from motcua.agencies.models import Assignment, Role

    colleague = get_user_model().objects.create_user("tiepnhan_b", first_name="Hoa")
    Assignment.objects.create(officer=colleague, agency=province["thanh_sen_centre"], role=Role.RECEPTIONIST)
    database = SharedDatabase(tmp_path)
    # Received by a child too: on SQLite the parent's in-memory copy must stay without events,
    # which are append-only and would stop the database from being flushed after the test.
    _run(_receive_many, [(database.url, province["thanh_sen_centre"].pk, officers["receptionist"].pk, 2)])
    dossiers = database.rows(
        "SELECT d.id, d.revision, s.id FROM dossiers_dossier d JOIN dossiers_dossierstep s"
        " ON s.dossier_id = d.id AND s.stage = 1 ORDER BY d.id"
    )
    # Both had the first dossier open (they send its revision); both saw the second's step in
    # their queue (they send the step's id).
    attempts = [(dossiers[0][0], {"revision": dossiers[0][1]}), (dossiers[1][0], {"step_id": dossiers[1][2]})]
    reports = dict(
        _run(
            _complete_steps,
            [(database.url, officers["receptionist"].pk, attempts), (database.url, colleague.pk, attempts)],
        )
    )

    for pk, revision, _step in dossiers:
        outcomes = {officer: dict(report)[pk] for officer, report in reports.items()}
        assert sorted(outcomes.values()) == ["Conflict", "ok"], outcomes
        (winner,) = [officer for officer, outcome in outcomes.items() if outcome == "ok"]
        state = database.rows("SELECT status, revision FROM dossiers_dossier WHERE id = %s", [pk])
        assert state == [("in_progress", revision + 1)]
        steps = database.rows(
            "SELECT stage, state, finished_by_id FROM dossiers_dossierstep WHERE dossier_id = %s", [pk]
        )
        assert sorted(steps) == [(1, "done", winner), (2, "active", None), (3, "waiting", None)]
        events = database.rows("SELECT action, actor_id FROM dossiers_event WHERE dossier_id = %s ORDER BY id", [pk])
        assert events == [("receive", officers["receptionist"].pk), ("complete_step", winner)]
