"""Spanish for those whose browser asks for it, on the first visit, without a cookie."""

import pytest
from django.urls import reverse

FIRST_VISIT = {"HTTP_SEC_FETCH_SITE": "none"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", ["es", "es-MX,es;q=0.9,en;q=0.5", "fr-FR, es-419;q=0.8, en;q=0.7"]
)
def test_a_first_visit_in_spanish_goes_to_the_spanish_home(client, header):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header, **FIRST_VISIT)

    assert response.status_code == 302
    assert response["Location"] == "/es/"
    assert not response.cookies
    assert "Accept-Language" in response["Vary"]


@pytest.mark.django_db
def test_coming_from_a_search_engine_counts_as_a_first_visit(client):
    response = client.get(
        "/?q=comida", HTTP_ACCEPT_LANGUAGE="es", HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response["Location"] == "/es/?q=comida"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        # Clicked "English" on a Spanish page: stays, nothing remembered.
        {"HTTP_ACCEPT_LANGUAGE": "es", "HTTP_SEC_FETCH_SITE": "same-origin"},
        # A browser that does not say where it came from, or a crawler.
        {"HTTP_ACCEPT_LANGUAGE": "es"},
        {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9,es;q=0.8", **FIRST_VISIT},
        {"HTTP_ACCEPT_LANGUAGE": "fr, de", **FIRST_VISIT},
        {"HTTP_ACCEPT_LANGUAGE": "es;q=0", **FIRST_VISIT},
        {"HTTP_ACCEPT_LANGUAGE": ";;q=x,,\x00" + "é" * 600, **FIRST_VISIT},
        FIRST_VISIT,
    ],
)
def test_otherwise_the_home_page_is_the_one_asked_for(client, headers):
    response = client.get("/", **headers)

    assert response.status_code == 200
    assert response.text.count('<html lang="en">') == 1
    assert not response.cookies


@pytest.mark.django_db
def test_only_the_home_page_moves(client):
    response = client.get(
        reverse("resources:service-list"), HTTP_ACCEPT_LANGUAGE="es", **FIRST_VISIT
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_each_page_names_its_pages_in_both_languages(client):
    text = client.get("/es/").text

    assert '<link rel="alternate" hreflang="en" href="http://testserver/">' in text
    assert '<link rel="alternate" hreflang="es" href="http://testserver/es/">' in text
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/">' in text
    )
