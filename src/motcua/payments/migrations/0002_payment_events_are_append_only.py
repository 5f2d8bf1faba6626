"""The payments log is history: the database refuses to change its rows, and to delete them while
their invoice exists (see motcua.core.append_only)."""

from django.db import migrations

from motcua.core import append_only


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]
    operations = [
        append_only.operation(
            "payments_event",
            "payments_paymentevent",
            "payments_invoice",
            "invoice_id",
            "payment events are append-only",
        )
    ]
