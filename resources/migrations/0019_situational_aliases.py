"""Add the shipped aliases for what people say about their situation.

`concepts.json` gained phrases such as "took my passport" and "me tienen
encerrada"; this adds the ones a directory lacks and changes nothing a
caseworker edited (see `sync_shipped_vocabulary`).
"""

from django.db import migrations

from resources.search.shipped import sync_shipped_vocabulary


def load(apps, schema_editor):
    sync_shipped_vocabulary(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0018_concepts_in_documents"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
