from django.db import migrations

from resources.roles import sync_groups
from resources.search.synonyms import sync_starter_synonyms


def load(apps, schema_editor):
    sync_starter_synonyms(apps)
    # Caseworkers edit synonyms: give the staff groups the new permissions.
    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [("resources", "0005_search")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
