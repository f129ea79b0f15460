from django.db import migrations

from resources.roles import sync_groups


def load(apps, schema_editor):
    # Adds the "Organization editors" group, the new models' permissions, and
    # administrators' rights over second factors and lockouts.
    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0009_verification_editors_queue"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
