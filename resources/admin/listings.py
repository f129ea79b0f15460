"""The caseworkers' admin: every HSDS model, with history and revert."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .. import crosswalk, taxonomies
from ..history import history_metadata_csv
from ..models import (
    Accessibility,
    Address,
    Attribute,
    Closure,
    ConceptAlias,
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
    SynonymGroup,
    Taxonomy,
    TaxonomyTerm,
    TermMapping,
    Unit,
    Url,
)
from ..models.services import VerificationState
from ..models.verification import VerificationOutcome
from ..policy import verification_policy
from ..roles import is_organization_editor
from ..services import service_set_terms, service_verify
from ..timeline import LIMIT as TIMELINE_LIMIT
from ..timeline import service_timeline
from ..views import ServicePreviewView
from .editors import EditorScopedAdmin
from .forms import BulkVerifyForm, ClosureForm, ScheduleForm, VerifyForm
from .search import ListingSearchMixin
from .translations import MissingTranslationFilter, TranslatedAdminMixin
from .widgets import AutocompleteMixin, LabelledInlineFormSet, TabularInline


class HistoryAdmin(TranslatedAdminMixin, AutocompleteMixin, SimpleHistoryAdmin):
    """Every record keeps its full change history, viewable and revertible.

    Organization editors are kept out, except where a subclass mixes in
    `EditorScopedAdmin` (their own listings).
    """

    list_per_page = 50
    actions = ("export_history",)

    def response_action(self, request, queryset, **kwargs):
        # A tampered selection ("not-an-id") is a message, not a 500.
        try:
            return super().response_action(request, queryset, **kwargs)
        except (ValidationError, ValueError):
            self.message_user(request, _("Select items from the list."), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _editor_kept_out(self, request) -> bool:
        return not isinstance(self, EditorScopedAdmin) and is_organization_editor(
            request.user
        )

    def has_module_permission(self, request):
        return not self._editor_kept_out(request) and super().has_module_permission(
            request
        )

    def has_view_permission(self, request, obj=None):
        return not self._editor_kept_out(request) and super().has_view_permission(
            request, obj
        )

    def has_change_permission(self, request, obj=None):
        return not self._editor_kept_out(request) and super().has_change_permission(
            request, obj
        )

    def has_add_permission(self, request):
        return not self._editor_kept_out(request) and super().has_add_permission(
            request
        )

    def has_delete_permission(self, request, obj=None):
        return not self._editor_kept_out(request) and super().has_delete_permission(
            request, obj
        )

    @admin.action(description=_("Export history as HSDS metadata (CSV)"))
    def export_history(self, request, queryset):
        opts = self.model._meta
        response = HttpResponse(
            history_metadata_csv(queryset), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="{opts.model_name}-history-{stamp}.csv"'
        )
        response["Cache-Control"] = "no-store"
        return response


# Inlines -------------------------------------------------------------------


class PhoneFormSet(LabelledInlineFormSet):
    """A listing's phones: at most one of them is its main phone."""

    def clean(self):
        super().clean()
        main = [
            form
            for form in self.forms
            if form.cleaned_data.get("main") and not form.cleaned_data.get("DELETE")
        ]
        if len(main) > 1:
            raise ValidationError(
                _("Mark one phone as the main phone, not %(count)d."),
                params={"count": len(main)},
                code="several_main_phones",
            )


class PhoneInline(TabularInline):
    model = Phone
    formset = PhoneFormSet
    fields = ("number", "extension", "type", "main", "description")
    extra = 0


class ScheduleInline(TabularInline):
    model = Schedule
    form = ScheduleForm
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


class ClosureInline(TabularInline):
    model = Closure
    form = ClosureForm
    extra = 1  # a blank row to fill in, even without JavaScript
    verbose_name = _("closure or special hours")
    verbose_name_plural = _(
        "Closures and special hours (holidays, “closed until”): they end by themselves"
    )


class LanguageInline(TabularInline):
    model = Language
    fields = ("name", "code", "note")
    extra = 0


class ServiceAtLocationInline(TabularInline):
    model = ServiceAtLocation
    fields = ("location", "description")
    autocomplete_fields = ("location",)
    extra = 0


class CostOptionInline(TabularInline):
    model = CostOption
    fields = ("option", "amount", "currency", "amount_description")
    extra = 0


class RequiredDocumentInline(TabularInline):
    model = RequiredDocument
    fields = ("document", "uri")
    extra = 0


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


class AccessibilityInline(TabularInline):
    model = Accessibility
    fields = ("description", "details", "url")
    extra = 0


class OrganizationIdentifierInline(TabularInline):
    model = OrganizationIdentifier
    fields = ("identifier_scheme", "identifier_type", "identifier")
    extra = 0


class LocationLinkInline(TabularInline):
    model = Location
    fields = ("name", "location_type", "address_visibility")
    show_change_link = True
    extra = 0


class ServiceLinkInline(TabularInline):
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
        return queryset.with_terms(TaxonomyTerm.objects.category_tree([self.value()]))


class VerificationFilter(admin.SimpleListFilter):
    title = _("verification")
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return (
            ("yes", _("Verified")),
            (VerificationState.NEVER, _("Never verified")),
            (VerificationState.OVERDUE, _("Overdue")),
            (VerificationState.DUE, _("Due soon")),
            (VerificationState.CURRENT, _("Up to date")),
        )

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(assured_date__isnull=False)
        if self.value() == VerificationState.NEVER:
            return queryset.never_verified()
        if self.value() in VerificationState.values:
            return queryset.with_verification_state().filter(
                verification_state=self.value()
            )
        return queryset


# Organizations, services, locations -----------------------------------------


@admin.register(Organization)
class OrganizationAdmin(ListingSearchMixin, HistoryAdmin):
    list_display = ("name", "service_count", "website", "email")
    search_fields = ("name", "alternate_name", "phones__number")
    phone_paths = ("phones", "services__phones", "locations__phones")
    autocomplete_fields = ("parent_organization",)
    inlines = (
        ServiceLinkInline,
        LocationLinkInline,
        PhoneInline,
        OrganizationIdentifierInline,
    )

    def get_inlines(self, request, obj):
        from .moderation import OrganizationMembershipInline

        return (*super().get_inlines(request, obj), OrganizationMembershipInline)

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
class ServiceAdmin(EditorScopedAdmin, ListingSearchMixin, HistoryAdmin):
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
        MissingTranslationFilter,
        ("organization", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("organization",)
    search_fields = (
        "name",
        "alternate_name",
        "organization__name",
        "phones__number",
        "service_at_locations__location__addresses__address_1",
    )
    phone_paths = ("phones", "service_at_locations__location__phones")
    public_search = True
    autocomplete_fields = ("organization", "program")
    date_hierarchy = "last_modified"
    actions = ("publish", "unpublish", "mark_verified", "export_history")
    # Set only by a verification record ("Verify this listing"), never typed.
    readonly_fields = ("last_modified", "verify_link", "assured_date", "assurer_email")
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
            {
                "fields": (
                    "verify_link",
                    "assured_date",
                    "assurer_email",
                    "last_modified",
                )
            },
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
        ClosureInline,
        LanguageInline,
        CostOptionInline,
        RequiredDocumentInline,
    )
    editor_fieldsets = (
        (
            None,
            {
                "fields": (
                    "organization",
                    "name",
                    "alternate_name",
                    "description",
                    "status",
                    "alert",
                )
            },
        ),
        (
            _("Who it is for and how to get it"),
            {
                "fields": (
                    "eligibility_description",
                    ("minimum_age", "maximum_age"),
                    "application_process",
                    "fees_description",
                    "wait_time",
                    "interpretation_services",
                )
            },
        ),
        (_("Contact"), {"fields": ("url", "email")}),
        (_("Verification"), {"fields": ("assured_date",)}),
    )
    editor_readonly_fields = ("organization", "assured_date")
    editor_inlines = (PhoneInline, ScheduleInline)

    def get_inlines(self, request, obj):
        from .moderation import VerificationInline

        inlines = super().get_inlines(request, obj)
        if obj is not None and not self.is_editor(request):
            inlines = (*inlines, VerificationInline)
        return inlines

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not self.is_editor(request):
            form.save_terms(form.instance)

    # History: the listing's whole story ---------------------------------------

    object_history_template = "admin/resources/service/timeline.html"

    def history_view(self, request, object_id, extra_context=None):
        """One timeline of the service and everything its page shows."""
        try:
            pk = uuid.UUID(unquote(object_id))
        except ValueError:
            raise Http404 from None
        # A deleted service's story is still in the history tables.
        service = self.get_object(request, str(pk)) or Service(pk=pk)
        context = {"timeline": service_timeline(service), "limit": TIMELINE_LIMIT}
        return super().history_view(request, str(pk), context | (extra_context or {}))

    # Verification ------------------------------------------------------------

    def has_verify_permission(self, request):
        return request.user.has_perm("resources.verify_service")

    @admin.display(description=_("verify"))
    def verify_link(self, service):
        if service.pk is None:
            return "—"
        url = reverse("admin:resources_service_verify", args=[service.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _("Verify now"))

    def get_urls(self):
        return [
            path(
                "<path:object_id>/verify/",
                self.admin_site.admin_view(self.verify_view),
                name="resources_service_verify",
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="resources_service_preview",
            ),
        ] + super().get_urls()

    def preview_view(self, request, object_id):
        """The listing's public card and page as they stand, published or not."""
        service = self.get_object(request, unquote(object_id))
        if service is None or not self.has_view_permission(request, service):
            raise Http404
        return ServicePreviewView.as_view()(request, pk=service.pk)

    def verify_view(self, request, object_id):
        """Show the listing as it stands, with the form that logs a verification."""
        if not self.has_verify_permission(request):
            raise PermissionDenied
        service = self.get_object(request, unquote(object_id))
        if service is None:
            raise Http404
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}
        ):
            target = ""
        form = VerifyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            service_verify(service=service, user=request.user, **form.cleaned_data)
            self.message_user(
                request,
                _("Verification of “%(service)s” logged.") % {"service": service},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                target or reverse("admin:verification-dashboard")
            )
        policy = verification_policy()
        listing = (
            Service.objects.for_detail()
            .with_verification_months()
            .prefetch_related("schedules", "service_at_locations__location__schedules")
            .get(pk=service.pk)
        )
        due = (
            policy.due_date(listing.assured_date, listing.verification_months)
            if listing.assured_date
            else None
        )
        context = self.admin_site.each_context(request) | {
            "title": _("Verify %(service)s") % {"service": service},
            "opts": self.model._meta,
            "original": service,
            "service": listing,
            "due": due,
            "months": listing.verification_months,
            "verifications": service.verifications.select_related("verified_by")[:10],
            "form": form,
            "next": target,
        }
        return TemplateResponse(request, "admin/resources/service_verify.html", context)

    @admin.action(
        description=_("Mark selected services verified…"), permissions=["verify"]
    )
    def mark_verified(self, request, queryset):
        """Confirm several listings at once: asks for the method and a note first."""
        applying = "apply" in request.POST
        form = BulkVerifyForm(request.POST if applying else None)
        if applying and form.is_valid():
            services = list(queryset)
            for service in services:
                service_verify(
                    service=service,
                    user=request.user,
                    method=form.cleaned_data["method"],
                    outcome=VerificationOutcome.CONFIRMED,
                    notes=form.cleaned_data["notes"],
                )
            self.message_user(
                request,
                ngettext(
                    "%(count)d service marked verified.",
                    "%(count)d services marked verified.",
                    len(services),
                )
                % {"count": len(services)},
                messages.SUCCESS,
            )
            return None
        context = self.admin_site.each_context(request) | {
            "title": _("Mark services verified"),
            "opts": self.model._meta,
            "services": queryset.select_related("organization"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/resources/service_mark_verified.html", context
        )

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
class LocationAdmin(EditorScopedAdmin, ListingSearchMixin, HistoryAdmin):
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
    editor_fieldsets = (
        (
            None,
            {
                "fields": (
                    "organization",
                    "name",
                    "alternate_name",
                    "description",
                    "transportation",
                    "url",
                    "address_visibility",
                )
            },
        ),
    )
    editor_readonly_fields = ("organization",)
    editor_inlines = (AddressInline, PhoneInline)


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


class ConceptAliasFormSet(LabelledInlineFormSet):
    """A term's aliases: each phrase once, whatever its capitals."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            phrase = form.cleaned_data.get("phrase")
            if not phrase or form.cleaned_data.get("DELETE"):
                continue
            if phrase.lower() in seen:
                raise ValidationError(
                    _("“%(phrase)s” is given twice: keep one."),
                    params={"phrase": phrase},
                    code="alias_twice",
                )
            seen.add(phrase.lower())


class ConceptAliasInline(TabularInline):
    model = ConceptAlias
    formset = ConceptAliasFormSet
    fields = ("phrase", "language")
    extra = 1


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(HistoryAdmin):
    list_display = ("name", "code", "parent", "taxonomy_detail")
    list_filter = ("taxonomy_detail",)
    list_select_related = ("parent", "taxonomy_detail")
    search_fields = ("name", "code", "description", "aliases__phrase")
    autocomplete_fields = ("parent", "taxonomy_detail")
    inlines = (ConceptAliasInline,)
    actions = ("map_as_suggested", "export_history")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mappings__term")

    def get_list_display(self, request):
        ours = crosswalk.directory_terms()  # once per page

        @admin.display(description=_("shown as (crosswalk)"))
        def shown_as(term):
            """Our terms for another taxonomy's term, or the one suggested."""
            if term.taxonomy_detail_id in crosswalk.OURS:
                return ""
            mapped = [str(mapping.term) for mapping in term.mappings.all()]
            if mapped:
                return ", ".join(mapped)
            suggestion = crosswalk.suggest(term, ours)
            if suggestion is None:
                return "—"
            return _("suggested: %(term)s") % {"term": suggestion}

        return (*super().get_list_display(request), shown_as)

    @admin.action(
        description=_("Show as the suggested directory term (crosswalk)"),
        permissions=["change"],
    )
    def map_as_suggested(self, request, queryset):
        ours = crosswalk.directory_terms()
        mapped, without = 0, []
        for term in queryset.exclude(taxonomy_detail_id__in=crosswalk.OURS):
            suggestion = crosswalk.suggest(term, ours)
            if suggestion is None:
                without.append(term.name)
                continue
            _entry, created = TermMapping.objects.get_or_create(
                external=term, term=suggestion
            )
            mapped += created
        self.message_user(
            request,
            ngettext("%d term mapped.", "%d terms mapped.", mapped) % mapped,
        )
        if without:
            self.message_user(
                request,
                _("No suggestion for: %(names)s. Map them by hand.")
                % {"names": ", ".join(without)},
                messages.WARNING,
            )


@admin.register(TermMapping)
class TermMappingAdmin(HistoryAdmin):
    """The crosswalk: another taxonomy's term listed as one of ours."""

    list_display = ("external", "their_taxonomy", "term")
    list_select_related = ("external__taxonomy_detail", "term")
    list_filter = ("external__taxonomy_detail",)
    search_fields = ("external__name", "external__code", "term__name")
    autocomplete_fields = ("external", "term")

    @admin.display(description=_("their taxonomy"))
    def their_taxonomy(self, mapping):
        return mapping.external.taxonomy_detail or mapping.external.taxonomy


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
    list_display = ("number", "type", "main", "service", "organization", "location")
    list_filter = ("type", "main")
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
    form = ScheduleForm
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


@admin.register(SynonymGroup)
class SynonymGroupAdmin(HistoryAdmin):
    list_display = ("members",)
    search_fields = ("members",)


@admin.register(ConceptAlias)
class ConceptAliasAdmin(HistoryAdmin):
    list_display = ("phrase", "term", "language")
    list_filter = ("language", "term__taxonomy_detail")
    list_select_related = ("term",)
    search_fields = ("phrase", "term__name", "term__code")
    autocomplete_fields = ("term",)
