"""The control slip is history: the database itself refuses to change or delete its events.

Row by row, that is: TRUNCATE of the whole table (a database administrator's act, and how the
test runner empties PostgreSQL) is left possible."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER dossiers_event_no_update BEFORE UPDATE ON dossiers_event
       BEGIN SELECT RAISE(ABORT, 'control slip events are append-only'); END;""",
    # Deleting an event is refused while its dossier exists; emptying the whole database (as the
    # test runner's flush does, dossiers first) stays possible.
    """CREATE TRIGGER dossiers_event_no_delete BEFORE DELETE ON dossiers_event
       WHEN EXISTS (SELECT 1 FROM dossiers_dossier WHERE id = OLD.dossier_id)
       BEGIN SELECT RAISE(ABORT, 'control slip events are append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER dossiers_event_no_update;", "DROP TRIGGER dossiers_event_no_delete;"]

POSTGRES = [
    """CREATE FUNCTION dossiers_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'control slip events are append-only'; END; $$;""",
    """CREATE TRIGGER dossiers_event_no_change BEFORE UPDATE OR DELETE ON dossiers_event
       FOR EACH ROW EXECUTE FUNCTION dossiers_event_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER dossiers_event_no_change ON dossiers_event;",
    "DROP FUNCTION dossiers_event_append_only();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
