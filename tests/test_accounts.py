"""Staff accounts: nobody climbs above their role, nobody takes over a peer.

Walked for each role that reaches the user admin (superuser, directory
administrator) and for those that must not (caseworker, editor), against
each kind of account: a superuser, another administrator, a caseworker.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from resources import roles

from .factories import give_authenticator, make_editor, make_staff

PASSWORD = "a-new-long-password-for-test"


@pytest.fixture
def accounts(db):
    superuser = User.objects.create_superuser("root", password="a-long-test-password")
    give_authenticator(superuser)
    administrator = make_staff(role=roles.ADMINISTRATORS)
    other_administrator = make_staff(role=roles.ADMINISTRATORS)
    caseworker = make_staff()
    for user in (administrator, other_administrator, caseworker):
        give_authenticator(user)
    return {
        "superuser": superuser,
        "administrator": administrator,
        "other administrator": other_administrator,
        "caseworker": caseworker,
        "editor": make_editor(),
    }


def signed_in(client, user):
    client.force_login(user)
    return client


def change_form(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def post_change(client, user, **changes):
    return client.post(
        reverse("admin:auth_user_change", args=[user.pk]), change_form(user, **changes)
    )


def set_password(client, user):
    return client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": PASSWORD, "password2": PASSWORD},
    )


def group(name: str) -> str:
    return str(Group.objects.get(name=name).pk)


def test_an_administrator_cannot_make_themselves_superuser_or_staff(client, accounts):
    administrator = accounts["administrator"]
    client = signed_in(client, administrator)

    response = post_change(
        client,
        administrator,
        is_superuser="on",
        is_staff="on",
        groups=[group(roles.ADMINISTRATORS)],
    )

    assert (
        response.status_code == 403
    )  # an administrator's account is not theirs to edit
    administrator.refresh_from_db()
    assert not administrator.is_superuser


@pytest.mark.parametrize("target", ["superuser", "other administrator"])
def test_an_administrator_cannot_touch_a_superuser_or_a_peer(client, accounts, target):
    user = accounts[target]
    client = signed_in(client, accounts["administrator"])
    before = User.objects.values().get(pk=user.pk)

    assert post_change(client, user, first_name="Taken").status_code == 403
    response = set_password(client, user)
    assert response.status_code == 403
    device = TOTPDevice.objects.get(user=user)
    delete_url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code in (403, 302)
    # The bulk action cannot reach it either: it is not in the list.
    client.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )

    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert User.objects.values().get(pk=user.pk) == before


def test_an_administrator_manages_a_caseworker(client, accounts):
    caseworker = accounts["caseworker"]
    client = signed_in(client, accounts["administrator"])

    response = post_change(
        client, caseworker, first_name="Ana", groups=[group(roles.ORGANIZATION_EDITORS)]
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = set_password(client, caseworker)
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=caseworker)
    response = client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}
    )
    assert response.status_code == 302

    caseworker.refresh_from_db()
    assert caseworker.first_name == "Ana"
    assert caseworker.check_password(PASSWORD)
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert list(caseworker.groups.values_list("name", flat=True)) == [
        roles.ORGANIZATION_EDITORS
    ]


def test_an_administrator_cannot_grant_superuser_or_the_administrators_role(
    client, accounts
):
    caseworker = accounts["caseworker"]
    client = signed_in(client, accounts["administrator"])

    response = post_change(
        client, caseworker, is_superuser="on", groups=[group(roles.ADMINISTRATORS)]
    )
    assert response.status_code == 200  # the form, with its error
    assert "groups" in response.context["adminform"].form.errors
    post_change(client, caseworker, is_superuser="on", user_permissions=["1"])

    caseworker.refresh_from_db()
    assert not caseworker.is_superuser
    assert not caseworker.user_permissions.exists()
    assert not caseworker.groups.filter(name=roles.ADMINISTRATORS).exists()


def test_staff_status_follows_the_role_an_administrator_gives(client, accounts):
    client = signed_in(client, accounts["administrator"])
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert not newcomer.is_staff

    post_change(client, newcomer, is_staff="on")
    newcomer.refresh_from_db()
    assert not newcomer.is_staff  # not by hand

    post_change(client, newcomer, groups=[group(roles.CASEWORKERS)])
    newcomer.refresh_from_db()
    assert newcomer.is_staff

    post_change(client, newcomer, groups=[])
    newcomer.refresh_from_db()
    assert not newcomer.is_staff


def test_a_superuser_may_do_all_of_it(client, accounts):
    administrator = accounts["administrator"]
    client = signed_in(client, accounts["superuser"])

    response = post_change(
        client,
        administrator,
        is_staff="on",
        is_superuser="on",
        groups=[group(roles.ADMINISTRATORS)],
    )

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.is_superuser


@pytest.mark.parametrize("role", ["caseworker", "editor"])
def test_caseworkers_and_editors_reach_no_account(client, accounts, role):
    client = signed_in(client, accounts[role])
    target = accounts["caseworker"] if role == "editor" else accounts["editor"]

    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert post_change(client, target, first_name="X").status_code == 403
    assert (
        client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403
    )


@pytest.mark.parametrize("role", ["administrator", "caseworker", "editor"])
def test_only_a_superuser_changes_what_a_role_may_do(client, accounts, role):
    caseworkers = Group.objects.get(name=roles.CASEWORKERS)
    before = set(caseworkers.permissions.values_list("pk", flat=True))
    client = signed_in(client, accounts[role])
    url = reverse("admin:auth_group_change", args=[caseworkers.pk])

    response = client.post(
        url, {"name": roles.CASEWORKERS, "permissions": [1, 2, 3, 4]}
    )

    assert response.status_code == 403
    assert set(caseworkers.permissions.values_list("pk", flat=True)) == before
    add = client.post(reverse("admin:auth_group_add"), {"name": "Superpowers"})
    assert add.status_code == 403
    assert not Group.objects.filter(name="Superpowers").exists()
