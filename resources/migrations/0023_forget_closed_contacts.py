"""Erase reporters' contacts kept in the history of closed or deleted requests."""

from django.db import migrations


def forget(apps, schema_editor):
    ChangeRequest = apps.get_model("resources", "ChangeRequest")
    History = apps.get_model("resources", "HistoricalChangeRequest")
    still_open = ChangeRequest.objects.filter(status="open").values("pk")
    History.objects.exclude(contact="").exclude(id__in=still_open).update(contact="")


class Migration(migrations.Migration):
    dependencies = [("resources", "0022_crosswalk")]
    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
