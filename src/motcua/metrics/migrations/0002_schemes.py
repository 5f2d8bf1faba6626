from django.db import migrations


def load(apps, schema_editor):
    from motcua.metrics import seeds

    seeds.load(apps.get_model("metrics", "Scheme"), apps.get_model("metrics", "Group"), apps.get_model("metrics", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
