"""Staff roles as Django groups, and the permissions each one holds."""

ADMINISTRATORS = "Directory administrators"
CASEWORKERS = "Caseworkers"

# Records whose deletion loses a lot at once: caseworkers retire them
# (status inactive / defunct) instead; administrators may delete.
ADMIN_ONLY_DELETE = {"organization", "service", "location", "taxonomy", "taxonomyterm"}


def sync_groups(apps) -> None:
    """Create the staff groups with their permissions; safe to run again."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrations; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    directory = Permission.objects.filter(content_type__app_label="resources")
    caseworker = [
        p
        for p in directory
        if not (
            p.codename.startswith("delete_")
            and p.codename.removeprefix("delete_") in ADMIN_ONLY_DELETE
        )
    ]
    accounts = Permission.objects.filter(
        content_type__app_label="auth",
        codename__in=["add_user", "change_user", "view_user", "view_group"],
    )

    Group.objects.get_or_create(name=CASEWORKERS)[0].permissions.set(caseworker)
    Group.objects.get_or_create(name=ADMINISTRATORS)[0].permissions.set(
        [*directory, *accounts]
    )
