from django.db import migrations

from resources.taxonomies import sync_taxonomies


def load(apps, schema_editor):
    sync_taxonomies(apps)


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
