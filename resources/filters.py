"""The search page's filters. The HSDS API reuses the same FilterSet.

Every parameter is optional and validated; a bad value becomes a message on
the page (or a 400 in the API) and is otherwise ignored — never a 500.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import geo, search, taxonomies
from .forms import QuickWidgets
from .models import Service, TaxonomyTerm

DEFAULT_RADIUS_MILES = 10
OPEN_AT_YEARS = (1900, 2200)


class ServiceFilterForm(forms.Form):
    """Turns the raw parameters into values, with messages people understand."""

    default_renderer = QuickWidgets()

    def clean_near(self):
        value = (self.cleaned_data.get("near") or "").strip()
        if not value:
            return None
        try:
            return geo.parse_near(value, state=settings.DIRECTORY_STATE)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_radius(self):
        value = self.cleaned_data.get("radius")
        if value is None:
            return None
        try:
            return geo.parse_radius(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_open_at(self):
        value = (self.cleaned_data.get("open_at") or "").strip()
        if not value:
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                _("Give a date and time such as 2026-12-01T14:30.")
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
        # Hours are read around the moment, in local time: years at the
        # calendar's ends would overflow, and nobody plans a visit there.
        if not OPEN_AT_YEARS[0] <= moment.year <= OPEN_AT_YEARS[1]:
            raise forms.ValidationError(
                _("Give a date between %(first)s and %(last)s.")
                % {"first": OPEN_AT_YEARS[0], "last": OPEN_AT_YEARS[1]}
            )
        return moment


class ServiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("What do you need help with?"),
        method="filter_text",
        max_length=200,
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"),
        empty_label=_("Any category"),
        method="filter_category",
    )
    access = django_filters.MultipleChoiceFilter(
        label=_("Access"),
        widget=forms.CheckboxSelectMultiple,
        method="filter_access",
    )
    language = django_filters.ChoiceFilter(
        label=_("Language spoken"),
        empty_label=_("Any language"),
        method="filter_language",
    )
    age = django_filters.NumberFilter(
        label=_("Age"),
        method="filter_age",
        min_value=0,
        max_value=120,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    organization = django_filters.UUIDFilter(field_name="organization_id")
    open_now = django_filters.BooleanFilter(
        label=_("Open now"),
        method="filter_open_now",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    open_at = django_filters.CharFilter(
        label=_("Open at"), method="filter_open_at", max_length=40
    )
    near = django_filters.CharFilter(
        label=_("Where? (ZIP or town)"),
        method="filter_near",
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    radius = django_filters.NumberFilter(
        label=_("Within (miles)"),
        method="filter_radius",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = Service
        fields = []
        form = ServiceFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Both taxonomies' terms in one query, reused to validate and render.
        terms = TaxonomyTerm.objects.filter(
            taxonomy_detail_id__in=[taxonomies.CATEGORIES_ID, taxonomies.ACCESS_ID]
        ).order_by("name")
        choices = {taxonomies.CATEGORIES_ID: [], taxonomies.ACCESS_ID: []}
        # Filters then name the terms by id: exact row estimates for the planner.
        self.terms = {}
        for term in terms:
            choices[term.taxonomy_detail_id].append((term.code, _(term.name)))
            self.terms[term.taxonomy_detail_id, term.code] = term
        self.filters["category"].extra["choices"] = choices[taxonomies.CATEGORIES_ID]
        self.filters["access"].extra["choices"] = choices[taxonomies.ACCESS_ID]
        self.filters["language"].extra["choices"] = settings.DIRECTORY_SPOKEN_LANGUAGES

    def filter_queryset(self, queryset):
        # The words last: a search relaxes to the closest matches when fewer
        # than a page of the services that the other filters leave meet
        # every word (see `search.search_services`).
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        text = (data.get("q") or "").strip()
        ordering = []
        if text:
            queryset = self.filters["q"].filter(queryset, text)
            ordering.append("-coverage")
        if data.get("near"):
            # Nearby first, then services that serve the area, then lines
            # to call from anywhere (see `ServiceQuerySet.near`).
            ordering += ["reach", "distance"]
        if text:
            ordering.append("-rank")
        return queryset.order_by(*ordering, "name", "pk")

    def filter_text(self, queryset, name, value):
        # The page's memo, shared with its "Did you mean" (see the view).
        memo = getattr(self.request, "search_memo", None)
        return search.search_services(
            queryset,
            value,
            memo=memo,
            relax_below=settings.DIRECTORY_PAGE_SIZE,
        )

    def filter_category(self, queryset, name, value):
        # The category and its sub-categories.
        category = self.terms[taxonomies.CATEGORIES_ID, value]
        return search.filter_facets(
            queryset,
            any_of=[
                search.Facet.term(term.pk)
                for (taxonomy, _code), term in self.terms.items()
                if taxonomy == taxonomies.CATEGORIES_ID
                and category.pk in (term.pk, term.parent_id)
            ],
        )

    def filter_access(self, queryset, name, value):
        # Every ticked access attribute must hold: "free" and "walk-in".
        return search.filter_facets(
            queryset,
            all_of=[
                search.Facet.term(self.terms[taxonomies.ACCESS_ID, code].pk)
                for code in value
            ],
        )

    def filter_language(self, queryset, name, value):
        # Spoken at the service itself, or at one of its locations.
        return search.filter_facets(queryset, all_of=[search.Facet.language(value)])

    def filter_age(self, queryset, name, value):
        return queryset.filter(
            Q(minimum_age__isnull=True) | Q(minimum_age__lte=value),
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=value),
        )

    def filter_open_now(self, queryset, name, value):
        return queryset.open_at(timezone.now()) if value else queryset

    def filter_open_at(self, queryset, name, value):
        return queryset.open_at(value) if value else queryset

    def filter_near(self, queryset, name, value):
        radius = self.form.cleaned_data.get("radius") or DEFAULT_RADIUS_MILES
        return queryset.near(value, radius)

    def filter_radius(self, queryset, name, value):
        return queryset  # read by filter_near
