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


def around_sqlite_rebuild(prefix: str, table: str, parent_table: str, parent_column: str, message: str, operations):
    """`operations` wrapped so that SQLite may rebuild `parent_table` (it does so to add a column
    with a default): the triggers naming it are dropped before and created again after. PostgreSQL
    alters tables in place and keeps its triggers throughout."""
    (sqlite, sqlite_reverse), _postgres = _statements(prefix, table, parent_table, parent_column, message)

    def on_sqlite(statements):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "sqlite":
                for statement in statements:
                    schema_editor.execute(statement)

        return apply

    drop, create = on_sqlite(sqlite_reverse), on_sqlite(sqlite)
    return [migrations.RunPython(drop, create), *operations, migrations.RunPython(create, drop)]
