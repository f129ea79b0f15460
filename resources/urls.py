from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("services/", views.ServiceSearchView.as_view(), name="service-list"),
    path(
        "services/<uuid:pk>/",
        views.ServiceDetailView.as_view(),
        name="service-detail",
    ),
    path(
        "services/<uuid:pk>/report/",
        views.report_problem,
        name="report-problem",
    ),
    path(
        "services/<uuid:pk>/report/thanks/",
        views.report_thanks,
        name="report-thanks",
    ),
    path(
        "categories/<slug:code>/",
        views.CategoryDetailView.as_view(),
        name="category-detail",
    ),
    path("list/", views.ClientListView.as_view(), name="client-list"),
    path("browse-safely/", views.BrowseSafelyView.as_view(), name="browse-safely"),
    path(
        "organizations/<uuid:pk>/",
        views.OrganizationDetailView.as_view(),
        name="organization-detail",
    ),
]
