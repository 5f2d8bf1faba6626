"""History tables that the database itself keeps append-only (control slip, payments log).

`operation(...)` is a migration operation: triggers refuse UPDATE, and DELETE while the parent row
still exists, so emptying the whole database (the test runner's flush, a DBA's TRUNCATE) stays
possible while no row of a living dossier or invoice can be changed or removed.
"""

from django.db import migrations


# Every name below comes from our own migrations, never from input: building SQL text is safe here.
def _statements(prefix: str, table: str, parent_table: str, parent_column: str, message: str):
    sqlite = [
        f"""CREATE TRIGGER {prefix}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{message}'); END;""",
        f"""CREATE TRIGGER {prefix}_no_delete BEFORE DELETE ON {table}
            WHEN EXISTS (SELECT 1 FROM {parent_table} WHERE id = OLD.{parent_column})
            BEGIN SELECT RAISE(ABORT, '{message}'); END;""",  # noqa: S608
    ]
    sqlite_reverse = [f"DROP TRIGGER {prefix}_no_update;", f"DROP TRIGGER {prefix}_no_delete;"]
    postgres = [
        f"""CREATE FUNCTION {prefix}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '{message}'; END; $$;""",
        f"""CREATE TRIGGER {prefix}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {prefix}_append_only();""",
    ]
    postgres_reverse = [f"DROP TRIGGER {prefix}_no_change ON {table};", f"DROP FUNCTION {prefix}_append_only();"]
    return (sqlite, sqlite_reverse), (postgres, postgres_reverse)


def operation(prefix: str, table: str, parent_table: str, parent_column: str, message: str) -> migrations.RunPython:
    (sqlite, sqlite_reverse), (postgres, postgres_reverse) = _statements(
        prefix, table, parent_table, parent_column, message
    )

    def run(statements_for):
        def apply(apps, schema_editor):
            postgresql = schema_editor.connection.vendor == "postgresql"
            for statement in statements_for(postgresql):
                schema_editor.execute(statement)

        return apply

    return migrations.RunPython(
        run(lambda pg: postgres if pg else sqlite), run(lambda pg: postgres_reverse if pg else sqlite_reverse)
    )
