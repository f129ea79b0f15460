"""The caseworkers' admin: every HSDS model, with history and revert."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import taxonomies
from .models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Synonym,
    Taxonomy,
    TaxonomyTerm,
    Unit,
    Url,
)
from .services import service_set_terms


class HistoryAdmin(SimpleHistoryAdmin):
    """Every record keeps its full change history, viewable and revertible."""

    list_per_page = 50


# Inlines -------------------------------------------------------------------


class PhoneInline(admin.TabularInline):
    model = Phone
    fields = ("number", "extension", "type", "description")
    extra = 0


class ScheduleInline(admin.TabularInline):
    model = Schedule
    fields = (
        "freq",
        "byday",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "description",
    )
    extra = 0


class LanguageInline(admin.TabularInline):
    model = Language
    fields = ("name", "code", "note")
    extra = 0


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    fields = ("location", "description")
    autocomplete_fields = ("location",)
    extra = 0


class CostOptionInline(admin.TabularInline):
    model = CostOption
    fields = ("option", "amount", "currency", "amount_description")
    extra = 0


class RequiredDocumentInline(admin.TabularInline):
    model = RequiredDocument
    fields = ("document", "uri")
    extra = 0


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


class AccessibilityInline(admin.TabularInline):
    model = Accessibility
    fields = ("description", "details", "url")
    extra = 0


class OrganizationIdentifierInline(admin.TabularInline):
    model = OrganizationIdentifier
    fields = ("identifier_scheme", "identifier_type", "identifier")
    extra = 0


class LocationLinkInline(admin.TabularInline):
    model = Location
    fields = ("name", "location_type", "address_visibility")
    show_change_link = True
    extra = 0


class ServiceLinkInline(admin.TabularInline):
    model = Service
    fields = ("name", "status", "publication_status", "assured_date")
    readonly_fields = ("assured_date",)
    show_change_link = True
    extra = 0


# List filters --------------------------------------------------------------


class CategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        terms = TaxonomyTerm.objects.filter(
            taxonomy_detail_id=taxonomies.CATEGORIES_ID
        ).select_related("parent")
        return sorted(
            (
                (term.code, f"{term.parent} › {term}" if term.parent else str(term))
                for term in terms
            ),
            key=lambda choice: choice[1],
        )

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        terms = TaxonomyTerm.objects.filter(code=self.value()) | (
            TaxonomyTerm.objects.filter(parent__code=self.value())
        )
        return queryset.with_terms(terms)


class VerificationFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return (("yes", _("Verified")), ("never", _("Never verified")))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(assured_date__isnull=False)
        if self.value() == "never":
            return queryset.never_verified()
        return queryset


# Organizations, services, locations -----------------------------------------


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ("name", "service_count", "website", "email")
    search_fields = ("name", "alternate_name", "phones__number")
    autocomplete_fields = ("parent_organization",)
    inlines = (
        ServiceLinkInline,
        LocationLinkInline,
        PhoneInline,
        OrganizationIdentifierInline,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(Count("services", distinct=True))

    @admin.display(description=_("services"), ordering="services__count")
    def service_count(self, organization):
        return organization.services__count


class ServiceAdminForm(forms.ModelForm):
    """The service form, plus its categories and access attributes as checkboxes."""

    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=TaxonomyTerm.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    access = forms.ModelMultipleChoiceField(
        label=_("Access"),
        queryset=TaxonomyTerm.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Free, walk-in, no ID required, languages, who it is for."),
    )

    # The admin builds the Meta (model and fields) from ServiceAdmin.fieldsets.
    TERM_FIELDS = {
        "categories": taxonomies.CATEGORIES_ID,
        "access": taxonomies.ACCESS_ID,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, taxonomy_id in self.TERM_FIELDS.items():
            field = self.fields[name]
            field.queryset = TaxonomyTerm.objects.filter(
                taxonomy_detail_id=taxonomy_id
            ).order_by("parent__name", "name")
            if self.instance.pk:
                field.initial = TaxonomyTerm.objects.filter(
                    taxonomy_detail_id=taxonomy_id,
                    attributes__link_entity="service",
                    attributes__link_id=self.instance.pk,
                )

    def save_terms(self, service: Service) -> None:
        for name, taxonomy_id in self.TERM_FIELDS.items():
            service_set_terms(
                service=service,
                taxonomy_id=taxonomy_id,
                terms=self.cleaned_data[name],
            )


@admin.register(Service)
class ServiceAdmin(HistoryAdmin):
    form = ServiceAdminForm
    list_display = (
        "name",
        "organization",
        "status",
        "publication_status",
        "assured_date",
        "last_modified",
    )
    list_filter = (
        "publication_status",
        "status",
        VerificationFilter,
        CategoryFilter,
        ("organization", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("organization",)
    search_fields = ("name", "alternate_name", "organization__name", "phones__number")
    autocomplete_fields = ("organization", "program")
    date_hierarchy = "last_modified"
    actions = ("publish", "unpublish")
    readonly_fields = ("last_modified",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "organization",
                    "name",
                    "alternate_name",
                    "description",
                    ("status", "publication_status"),
                    "alert",
                )
            },
        ),
        (_("Categories and access"), {"fields": ("categories", "access")}),
        (
            _("Who it is for and how to get it"),
            {
                "fields": (
                    "eligibility_description",
                    ("minimum_age", "maximum_age"),
                    "application_process",
                    "fees_description",
                    "fees",
                    "wait_time",
                    "interpretation_services",
                )
            },
        ),
        (_("Contact"), {"fields": ("url", "email")}),
        (
            _("Verification"),
            {"fields": ("assured_date", "assurer_email", "last_modified")},
        ),
        (
            _("More"),
            {
                "classes": ("collapse",),
                "fields": ("program", "accreditations", "licenses"),
            },
        ),
    )
    inlines = (
        ServiceAtLocationInline,
        PhoneInline,
        ScheduleInline,
        LanguageInline,
        CostOptionInline,
        RequiredDocumentInline,
    )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_terms(form.instance)

    @admin.action(description=_("Publish selected services"))
    def publish(self, request, queryset):
        self._set_publication(request, queryset, Service.Publication.PUBLISHED)

    @admin.action(description=_("Unpublish selected services (back to draft)"))
    def unpublish(self, request, queryset):
        self._set_publication(request, queryset, Service.Publication.DRAFT)

    def _set_publication(self, request, queryset, state):
        # Save one by one so that each change lands in the history.
        services = list(queryset.exclude(publication_status=state))
        for service in services:
            service.publication_status = state
            service.save(update_fields=["publication_status", "last_modified"])
        self.message_user(
            request,
            ngettext(
                "%(count)d service updated.",
                "%(count)d services updated.",
                len(services),
            )
            % {"count": len(services)},
            messages.SUCCESS,
        )


@admin.register(Location)
class LocationAdmin(HistoryAdmin):
    list_display = (
        "__str__",
        "organization",
        "location_type",
        "address_visibility",
        "time_zone",
    )
    list_filter = ("location_type", "address_visibility")
    list_select_related = ("organization",)
    search_fields = (
        "name",
        "organization__name",
        "addresses__address_1",
        "addresses__city",
        "addresses__postal_code",
    )
    autocomplete_fields = ("organization",)
    inlines = (AddressInline, PhoneInline, AccessibilityInline, LanguageInline)


@admin.register(ServiceAtLocation)
class ServiceAtLocationAdmin(HistoryAdmin):
    list_display = ("service", "location")
    list_select_related = ("service", "location")
    search_fields = ("service__name", "location__name")
    autocomplete_fields = ("service", "location")
    inlines = (PhoneInline, ScheduleInline)


# Taxonomy ------------------------------------------------------------------


@admin.register(Taxonomy)
class TaxonomyAdmin(HistoryAdmin):
    list_display = ("name", "version", "uri")
    search_fields = ("name",)


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(HistoryAdmin):
    list_display = ("name", "code", "parent", "taxonomy_detail")
    list_filter = ("taxonomy_detail",)
    list_select_related = ("parent", "taxonomy_detail")
    search_fields = ("name", "code", "description")
    autocomplete_fields = ("parent", "taxonomy_detail")


@admin.register(Attribute)
class AttributeAdmin(HistoryAdmin):
    list_display = ("taxonomy_term", "link_entity", "link_id", "value")
    list_filter = ("link_entity",)
    list_select_related = ("taxonomy_term",)
    search_fields = ("taxonomy_term__name", "=link_id", "value", "label")
    autocomplete_fields = ("taxonomy_term",)


# The remaining HSDS records: plain, searchable, with history. ---------------


@admin.register(Phone)
class PhoneAdmin(HistoryAdmin):
    list_display = ("number", "type", "service", "organization", "location")
    list_filter = ("type",)
    list_select_related = ("service", "organization", "location")
    search_fields = ("number", "service__name", "organization__name")
    autocomplete_fields = (
        "service",
        "organization",
        "location",
        "service_at_location",
    )
    raw_id_fields = ("contact",)


@admin.register(Schedule)
class ScheduleAdmin(HistoryAdmin):
    list_display = ("__str__", "service", "location", "valid_from", "valid_to")
    list_filter = ("freq",)
    list_select_related = ("service", "location")
    search_fields = ("service__name", "location__name", "description")
    autocomplete_fields = ("service", "location", "service_at_location")


@admin.register(Address)
class AddressAdmin(HistoryAdmin):
    list_display = ("__str__", "postal_code", "location")
    list_select_related = ("location",)
    search_fields = ("address_1", "city", "postal_code")
    autocomplete_fields = ("location",)


@admin.register(Contact)
class ContactAdmin(HistoryAdmin):
    list_display = ("__str__", "title", "organization", "service")
    list_select_related = ("organization", "service")
    search_fields = ("name", "email", "organization__name")
    autocomplete_fields = ("organization", "service", "location", "service_at_location")


@admin.register(Language)
class LanguageAdmin(HistoryAdmin):
    list_display = ("__str__", "code", "service", "location")
    list_select_related = ("service", "location")
    search_fields = ("name", "code", "service__name")
    autocomplete_fields = ("service", "location")
    raw_id_fields = ("phone",)


@admin.register(Program)
class ProgramAdmin(HistoryAdmin):
    list_display = ("name", "organization")
    list_select_related = ("organization",)
    search_fields = ("name", "organization__name")
    autocomplete_fields = ("organization",)


class ServiceChildAdmin(HistoryAdmin):
    """Records that belong to one service: find them through the service."""

    list_select_related = ("service",)
    search_fields = ("service__name",)
    autocomplete_fields = ("service",)


@admin.register(CostOption)
class CostOptionAdmin(ServiceChildAdmin):
    list_display = ("__str__", "amount", "service")


@admin.register(RequiredDocument)
class RequiredDocumentAdmin(ServiceChildAdmin):
    list_display = ("document", "service")


@admin.register(ServiceCapacity)
class ServiceCapacityAdmin(ServiceChildAdmin):
    list_display = ("__str__", "maximum", "updated", "service")
    autocomplete_fields = ("service", "unit")


@admin.register(ServiceArea)
class ServiceAreaAdmin(ServiceChildAdmin):
    list_display = ("name", "service")
    raw_id_fields = ("service_at_location",)


@admin.register(Funding)
class FundingAdmin(HistoryAdmin):
    list_display = ("__str__", "organization", "service")
    list_select_related = ("organization", "service")
    search_fields = ("source", "organization__name", "service__name")
    autocomplete_fields = ("organization", "service")


@admin.register(Url)
class UrlAdmin(HistoryAdmin):
    list_display = ("__str__", "url", "organization", "service")
    list_select_related = ("organization", "service")
    search_fields = ("label", "url")
    autocomplete_fields = ("organization", "service")


@admin.register(OrganizationIdentifier)
class OrganizationIdentifierAdmin(HistoryAdmin):
    list_display = ("identifier", "identifier_type", "organization")
    list_select_related = ("organization",)
    search_fields = ("identifier", "organization__name")
    autocomplete_fields = ("organization",)


@admin.register(Accessibility)
class AccessibilityAdmin(HistoryAdmin):
    list_display = ("__str__", "location")
    list_select_related = ("location",)
    search_fields = ("description", "location__name")
    autocomplete_fields = ("location",)


@admin.register(Unit)
class UnitAdmin(HistoryAdmin):
    list_display = ("name", "scheme", "identifier")
    search_fields = ("name",)


@admin.register(Metadata)
class MetadataAdmin(admin.ModelAdmin):
    """The HSDS change log is written by the system, never edited by hand."""

    list_display = (
        "last_action_date",
        "last_action_type",
        "resource_type",
        "field_name",
        "updated_by",
    )
    list_filter = ("last_action_type", "resource_type")
    search_fields = ("=resource_id", "field_name", "updated_by")
    date_hierarchy = "last_action_date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Search ----------------------------------------------------------------------


@admin.register(Synonym)
class SynonymAdmin(HistoryAdmin):
    list_display = ("phrase", "terms")
    search_fields = ("phrase", "terms")
