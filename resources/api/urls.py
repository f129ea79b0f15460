"""`/api/`: the HSDS API, its OpenAPI document and its docs page."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import export, views

app_name = "api"

# HSDS paths have no trailing slash: /api/services, /api/services/{id}.
router = SimpleRouter(trailing_slash=False)
router.register("services", views.ServiceViewSet, basename="service")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("taxonomies", views.TaxonomyViewSet, basename="taxonomy")
router.register("taxonomy_terms", views.TaxonomyTermViewSet, basename="taxonomy-term")
router.register(
    "service_at_locations",
    views.ServiceAtLocationViewSet,
    basename="service-at-location",
)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our static files; its start-up script is a separate file.

    No inline script or style, so a Content-Security-Policy of 'self' (no
    'unsafe-inline', no nonce) lets the page work.
    """

    template_name = "resources/api/swagger_ui.html"


urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("export/", export.index, name="export"),
    path("export/<str:name>", export.download, name="export-file"),
    *router.urls,
]
