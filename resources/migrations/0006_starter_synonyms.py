from django.db import migrations

from resources.roles import sync_groups


def load(apps, schema_editor):
    # The starter synonyms were one-way rules; 0016 ships them as groups.
    # Caseworkers edit synonyms: give the staff groups the new permissions.
    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("resources", "0005_search")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
