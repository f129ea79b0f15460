"""No admin form answers a server error, whatever is typed into it.

For every model the admin registers, Hypothesis posts its add page and the
change page of a real record with generated values in any of the form's
fields — its inlines and their management forms included — and every
answer must be the form again with its errors, a redirect after saving, or
"forbidden", never a 500. Each post is rolled back, so every example
starts from the same directory.
"""

import pytest
from django.contrib import admin
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from .factories import make_staff
from .test_admin import (  # noqa: F401  (fixtures)
    REGISTERED,
    admin_url,
    form_data,
    full_service,
    one_of_each,
    posted,
)
from .test_hostile_parameters import HOSTILE_MANY, VALUES

ANSWERS = (200, 302, 403)


def field_names(response) -> list[str]:
    """Return the name of every field the page's forms post."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
        forms.append(inline.formset.empty_form)
    return sorted(
        {name for form in forms for field in form for name, _ in posted(field)}
    )


@pytest.fixture
def superuser_client(client, one_of_each):  # noqa: F811
    from resources import roles

    user = make_staff(username="root", role=roles.ADMINISTRATORS)
    user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def post_rolled_back(client, url, data):
    with transaction.atomic():
        response = client.post(url, data)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize("page", ["add", "change"])
def test_every_admin_form_answers_anything(superuser_client, model, page):
    if page == "change":
        record = model._default_manager.first()
        if record is None:
            pytest.skip(f"add a {model.__name__} to the one_of_each fixture")
        url = admin_url(model, "change", record.pk)
    else:
        url = admin_url(model, "add")
    shown = superuser_client.get(url)
    if shown.status_code == 403:  # written by the system, never by hand
        assert not admin.site._registry[model].has_add_permission(shown.wsgi_request)
        return
    assert shown.status_code == 200
    baseline, names = form_data(shown), field_names(shown)

    # The page's own fields, or any name at all (a page may have none).
    keys = (st.sampled_from(names) if names else st.nothing()) | st.text(max_size=20)

    @HOSTILE_MANY
    @given(typed=st.dictionaries(keys, VALUES, max_size=4))
    def check(typed):
        response = post_rolled_back(superuser_client, url, baseline | typed)
        assert response.status_code in ANSWERS, (typed, response.status_code)

    check()
