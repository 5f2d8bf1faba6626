"""The control slip is history: the database itself refuses to change or delete its events
(see motcua.core.append_only)."""

from django.db import migrations

from motcua.core import append_only


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [
        append_only.operation(
            "dossiers_event", "dossiers_event", "dossiers_dossier", "dossier_id", "control slip events are append-only"
        )
    ]
