"""The tallies added up per month and resolving agency (`AgencyMonth`), filled from the tallies there are."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import CharField, Q, StringAgg, Sum, Value
from django.db.models.functions import Cast

SUMS = (
    "received",
    "received_online",
    "received_in_person",
    "received_postal",
    "fee_bearing",
    "paid_online",
    "digitized",
    "reused",
    "warehouse",
    "verified",
    "ended",
    "ended_late",
    "ended_disliked",
    "resolved",
    "refused",
    "withdrawn",
    "stopped",
    "with_result",
    "e_result",
    "working_days",
)


def _ids(listed: str) -> str:
    return ",".join(str(pk) for pk in sorted({int(pk) for pk in listed.split(",") if pk}))


def fill(apps, schema_editor):
    Tally = apps.get_model("metrics", "Tally")
    AgencyMonth = apps.get_model("metrics", "AgencyMonth")
    procedure = Cast("procedure_id", output_field=CharField())
    rows = (
        Tally.objects.values("month", "agency_id")
        .annotate(
            **{f"sum_{name}": Sum(name) for name in SUMS},
            listed_online=StringAgg(procedure, Value(","), filter=Q(received_online__gt=0), default=""),
            listed_paid=StringAgg(procedure, Value(","), filter=Q(paid_online__gt=0), default=""),
        )
        .order_by()
    )
    objects = [
        AgencyMonth(
            month=row["month"],
            agency_id=row["agency_id"],
            procedures_online=_ids(row["listed_online"]),
            procedures_paid=_ids(row["listed_paid"]),
            **{name: row[f"sum_{name}"] or 0 for name in SUMS},
        )
        for row in rows
    ]
    AgencyMonth.objects.bulk_create(objects, batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("metrics", "0003_fact_open_covering"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgencyMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("received", models.PositiveIntegerField(default=0)),
                ("received_online", models.PositiveIntegerField(default=0)),
                ("received_in_person", models.PositiveIntegerField(default=0)),
                ("received_postal", models.PositiveIntegerField(default=0)),
                ("fee_bearing", models.PositiveIntegerField(default=0)),
                ("paid_online", models.PositiveIntegerField(default=0)),
                ("digitized", models.PositiveIntegerField(default=0)),
                ("reused", models.PositiveIntegerField(default=0)),
                ("warehouse", models.PositiveIntegerField(default=0)),
                ("verified", models.PositiveIntegerField(default=0)),
                ("ended", models.PositiveIntegerField(default=0)),
                ("ended_late", models.PositiveIntegerField(default=0)),
                ("ended_disliked", models.PositiveIntegerField(default=0)),
                ("resolved", models.PositiveIntegerField(default=0)),
                ("refused", models.PositiveIntegerField(default=0)),
                ("withdrawn", models.PositiveIntegerField(default=0)),
                ("stopped", models.PositiveIntegerField(default=0)),
                ("with_result", models.PositiveIntegerField(default=0)),
                ("e_result", models.PositiveIntegerField(default=0)),
                ("working_days", models.FloatField(default=0)),
                ("month", models.DateField()),
                ("procedures_online", models.TextField(blank=True, default="")),
                ("procedures_paid", models.TextField(blank=True, default="")),
                (
                    "agency",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="agencies.agency"
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("month", "agency"), name="one_roll_up_per_month_agency")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
