"""The index of the dossiers in progress covers every column `facts.open_now` reads."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("metrics", "0002_schemes")]

    operations = [
        migrations.RemoveIndex(model_name="dossierfact", name="fact_open"),
        migrations.AddIndex(
            model_name="dossierfact",
            index=models.Index(
                condition=models.Q(("ended_at", None)),
                fields=["agency", "due_at", "paused_at", "supplements", "dossier"],
                name="fact_open",
            ),
        ),
    ]
