"""Staff roles as Django groups, and the permissions each one holds."""

ADMINISTRATORS = "Directory administrators"
CASEWORKERS = "Caseworkers"
ORGANIZATION_EDITORS = "Organization editors"

# Records whose deletion loses a lot at once: caseworkers retire them
# (status inactive / defunct) instead; administrators may delete. The
# verification log is a record of what was done: only they may prune it.
ADMIN_ONLY_DELETE = {
    "organization",
    "service",
    "location",
    "taxonomy",
    "taxonomyterm",
    "verification",
    "changerequest",  # the queue keeps what was reported; caseworkers decide
    "job",
}

# Who may edit which organization is an access decision: administrators
# make it; caseworkers may only look.
ADMIN_ONLY_MODELS = {"organizationmembership", "historicalorganizationmembership"}

# Organization editors reach their own listings and, inside those pages,
# the parts they may change. Their edits are held for review (see
# resources.admin.editors), so "change" here means "propose a change".
EDITOR_PERMISSIONS = {
    "view_service",
    "change_service",
    "view_location",
    "change_location",
    "view_phone",
    "add_phone",
    "change_phone",
    "delete_phone",
    "view_schedule",
    "add_schedule",
    "change_schedule",
    "delete_schedule",
    "view_address",
    "add_address",
    "change_address",
}

# Administrators look after staff accounts, their second factors and
# lockouts, besides the whole directory.
ACCOUNT_PERMISSIONS = {
    "auth": {"add_user", "change_user", "view_user", "view_group"},
    "otp_totp": {"view_totpdevice", "delete_totpdevice"},
    "otp_static": {"view_staticdevice", "delete_staticdevice"},
    "axes": {
        "view_accessattempt",
        "delete_accessattempt",
        "view_accesslog",
        "view_accessfailurelog",
    },
}


def sync_groups(apps) -> None:
    """Create the staff groups with their permissions; safe to run again."""
    from django.contrib.auth.management import create_permissions
    from django.db.models import Q

    # Permissions are normally created after migrations; make sure they exist.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    directory = list(
        Permission.objects.filter(content_type__app_label="resources").select_related(
            "content_type"
        )
    )
    caseworker = [
        p
        for p in directory
        if not (
            p.codename.startswith("delete_")
            and p.codename.removeprefix("delete_") in ADMIN_ONLY_DELETE
        )
        and not (
            p.content_type.model in ADMIN_ONLY_MODELS
            and not p.codename.startswith("view_")
        )
    ]
    editor = [p for p in directory if p.codename in EDITOR_PERMISSIONS]
    accounts = Q(pk__in=[])
    for app_label, codenames in ACCOUNT_PERMISSIONS.items():
        accounts |= Q(content_type__app_label=app_label, codename__in=codenames)

    Group.objects.get_or_create(name=CASEWORKERS)[0].permissions.set(caseworker)
    Group.objects.get_or_create(name=ADMINISTRATORS)[0].permissions.set(
        [*directory, *Permission.objects.filter(accounts)]
    )
    Group.objects.get_or_create(name=ORGANIZATION_EDITORS)[0].permissions.set(editor)


def _group_names(user) -> frozenset[str]:
    # Cached on the user object: admin pages ask many times per request.
    names = getattr(user, "_directory_groups", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user._directory_groups = names
    return names


def is_organization_editor(user) -> bool:
    """Return whether `user` is limited to the organizations they edit.

    A caseworker or administrator who is also an editor keeps their wider
    role; superusers are never limited.
    """
    if not user.is_authenticated or user.is_superuser:
        return False
    names = _group_names(user)
    return ORGANIZATION_EDITORS in names and not names & {ADMINISTRATORS, CASEWORKERS}


def edited_organization_ids(user) -> list:
    """Return the ids of the organizations an editor is bound to."""
    ids = getattr(user, "_directory_organizations", None)
    if ids is None:
        from .models import OrganizationMembership

        ids = list(
            OrganizationMembership.objects.filter(user=user).values_list(
                "organization_id", flat=True
            )
        )
        user._directory_organizations = ids
    return ids
