"""Public pages. Every one starts from `Service.objects.published()`."""

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from . import taxonomies
from .models import Organization, Service, TaxonomyTerm


def top_categories():
    return TaxonomyTerm.objects.filter(
        taxonomy_detail_id=taxonomies.CATEGORIES_ID, parent__isnull=True
    ).order_by("name")


class HomeView(TemplateView):
    template_name = "resources/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(categories=top_categories(), **kwargs)


class ServiceListView(ListView):
    """All public services, a page at a time."""

    context_object_name = "services"

    def get_paginate_by(self, queryset):
        return settings.DIRECTORY_PAGE_SIZE

    def get_queryset(self):
        return Service.objects.published().for_listing()


class CategoryDetailView(ServiceListView):
    """The services in one category, its sub-categories included."""

    template_name = "resources/category_detail.html"

    def get_queryset(self):
        self.category = get_object_or_404(
            TaxonomyTerm.objects.select_related("parent"),
            code=self.kwargs["code"],
            taxonomy_detail_id=taxonomies.CATEGORIES_ID,
        )
        terms = [self.category, *self.category.children.all()]
        return super().get_queryset().with_terms(terms)

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)


class ServiceDetailView(DetailView):
    context_object_name = "service"

    def get_queryset(self):
        return Service.objects.published().for_detail()


class OrganizationDetailView(DetailView):
    context_object_name = "organization"

    def get_queryset(self):
        return Organization.objects.prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.published().for_listing(),
                to_attr="public_services",
            )
        )
