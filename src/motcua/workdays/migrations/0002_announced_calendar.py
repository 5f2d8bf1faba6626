"""Ships the default working hours and the Government's announced calendars for 2025 and 2026."""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "announced_calendar.json"


def load(apps, schema_editor):
    WorkingSchedule = apps.get_model("workdays", "WorkingSchedule")
    CalendarOverride = apps.get_model("workdays", "CalendarOverride")
    WorkingSchedule.objects.get_or_create(name="Giờ hành chính (7:30–11:30, 13:00–17:00)", defaults={"is_default": True})
    for row in json.loads(DATA.read_text(encoding="utf-8"))["overrides"]:
        CalendarOverride.objects.get_or_create(
            first_day=dt.date.fromisoformat(row["first_day"]),
            last_day=dt.date.fromisoformat(row["last_day"]),
            defaults={"kind": row["kind"], "name": row["name"], "source": row["source"]},
        )


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
