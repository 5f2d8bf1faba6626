"""A feedback item's history: the database itself refuses to change or delete its events
(see motcua.core.append_only)."""

from django.db import migrations

from motcua.core import append_only


class Migration(migrations.Migration):
    dependencies = [("feedback", "0002_feedback_items")]
    operations = [
        append_only.operation(
            "feedback_event",
            "feedback_feedbackevent",
            "feedback_feedbackitem",
            "item_id",
            "feedback events are append-only",
        )
    ]
