"""The payments log is history: the database refuses to change its rows, and to delete them while
their invoice exists (emptying the whole database, as the test runner does, stays possible)."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER payments_event_no_update BEFORE UPDATE ON payments_paymentevent
       BEGIN SELECT RAISE(ABORT, 'payment events are append-only'); END;""",
    """CREATE TRIGGER payments_event_no_delete BEFORE DELETE ON payments_paymentevent
       WHEN EXISTS (SELECT 1 FROM payments_invoice WHERE id = OLD.invoice_id)
       BEGIN SELECT RAISE(ABORT, 'payment events are append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER payments_event_no_update;", "DROP TRIGGER payments_event_no_delete;"]

POSTGRES = [
    """CREATE FUNCTION payments_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'payment events are append-only'; END; $$;""",
    """CREATE TRIGGER payments_event_no_change BEFORE UPDATE OR DELETE ON payments_paymentevent
       FOR EACH ROW EXECUTE FUNCTION payments_event_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER payments_event_no_change ON payments_paymentevent;",
    "DROP FUNCTION payments_event_append_only();",
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
    dependencies = [("payments", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
