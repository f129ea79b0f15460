from django.db import migrations

from resources.search import sqlite

# The FTS5 table of 0005 read its documents from the entries' own columns
# (external content, three triggers); it now keeps its own copy, and the
# entries become narrow rows.
OLD_TABLE = [
    f"DROP TRIGGER IF EXISTS {sqlite.TABLE}_insert",
    f"DROP TRIGGER IF EXISTS {sqlite.TABLE}_update",
    f"DROP TRIGGER IF EXISTS {sqlite.TABLE}_delete",
    f"DROP TABLE IF EXISTS {sqlite.TABLE}",
]
COPY = (
    f"INSERT INTO {sqlite.TABLE}(rowid, name, topics, body, languages) "
    f"SELECT id, name, topics, body, languages FROM {sqlite.ENTRIES}"
)


def own_copy(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*OLD_TABLE, *sqlite.INSTALL, COPY]:
            schema_editor.execute(statement)


def install(apps, schema_editor):
    # Removing columns rebuilt the entry table, and the trigger with it.
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite.INSTALL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("resources", "0011_search_statistics")]

    operations = [
        # Irreversible on SQLite: the entries' texts are gone. `rebuild_indexes`
        # makes them again from the services.
        migrations.RunPython(own_copy, migrations.RunPython.noop),
        migrations.RemoveField(model_name="searchentry", name="body"),
        migrations.RemoveField(model_name="searchentry", name="languages"),
        migrations.RemoveField(model_name="searchentry", name="name"),
        migrations.RemoveField(model_name="searchentry", name="topics"),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
