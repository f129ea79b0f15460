"""The corrections queue, the verification log, editors and search reports."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import changes, taxonomies
from ..models import (
    AliasLanguage,
    ChangeRequest,
    OrganizationMembership,
    Service,
    SynonymGroup,
    TaxonomyTerm,
    Verification,
    ZeroResultSearch,
)
from ..models.corrections import Problem
from ..models.verification import VerificationMethod
from ..roles import ORGANIZATION_EDITORS, is_organization_editor
from ..search import language
from ..services import (
    change_request_accept,
    change_request_mark_duplicate,
    change_request_reject,
    zero_result_search_make_alias,
    zero_result_search_make_synonyms,
)
from ..views import ServicePreviewView
from .forms import AcceptForm, DuplicateForm, RejectForm
from .listings import HistoryAdmin
from .widgets import TabularInline


def _url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _link(obj) -> str:
    if obj is None:
        return "—"
    return format_html('<a href="{}">{}</a>', _url(obj), obj)


# The corrections queue --------------------------------------------------------

DECISIONS = {
    "accept": (AcceptForm, _("Accept")),
    "reject": (RejectForm, _("Reject")),
    "duplicate": (DuplicateForm, _("Mark as duplicate")),
}


@admin.register(ChangeRequest)
class ChangeRequestAdmin(HistoryAdmin):
    """The queue: read a request, then accept, reject or mark it a duplicate."""

    list_display = (
        "created_at",
        "problem",
        "words",
        "alike",
        "listing_link",
        "organization",
        "source",
        "proposes_changes",
        "status",
    )
    list_filter = (
        "status",
        "source",
        "problem",
        ("organization", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("service", "location", "organization")
    search_fields = (
        "message",
        "correction",
        "service__name",
        "location__name",
        "organization__name",
    )
    date_hierarchy = "created_at"
    actions = ("accept", "reject", "mark_duplicate", "export_history")
    change_form_template = "admin/resources/changerequest/change_form.html"
    fields = (
        "listing_link",
        "organization",
        "problem",
        "message",
        "correction",
        "listing_now",
        "proposed_change_table",
        "contact",
        "source",
        "submitted_by",
        "created_at",
        "status",
        "resolved_at",
        "resolved_by",
        "resolution_note",
        "duplicate_of",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # requests come from the public form and from editors

    def has_change_permission(self, request, obj=None):
        return False  # decisions go through accept / reject / duplicate

    def has_review_permission(self, request):
        return request.user.has_perm("resources.change_changerequest")

    def get_queryset(self, request):
        # Identical open reports on one listing: how many, on each of them.
        alike = (
            ChangeRequest.objects.filter(
                Q(service=OuterRef("service"))
                | Q(service__isnull=True, location=OuterRef("location")),
                status=ChangeRequest.Status.OPEN,
                problem=OuterRef("problem"),
                message=OuterRef("message"),
            )
            .order_by()
            .values("problem")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return super().get_queryset(request).annotate(alike=Subquery(alike))

    @admin.display(description=_("what they wrote"))
    def words(self, change_request):
        return Truncator(change_request.message).chars(100) or "—"

    @admin.display(description=_("open reports alike"), ordering="alike")
    def alike(self, change_request):
        return change_request.alike if (change_request.alike or 0) > 1 else ""

    @admin.display(description=_("listing"))
    def listing_link(self, change_request):
        return _link(change_request.listing)

    @admin.display(description=_("field changes"), boolean=True)
    def proposes_changes(self, change_request):
        return bool(change_request.proposed_changes)

    @admin.display(description=_("what the listing says now"))
    def listing_now(self, change_request):
        """The listing's current value of what the report is about."""
        listing, problem = change_request.listing, change_request.problem
        if listing is None:
            return "—"
        service = change_request.service
        locations = (
            [link.location for link in service.service_at_locations.all()]
            if service
            else [listing]
        )
        match problem:
            case Problem.PHONE:
                phones = service.contact_phones if service else listing.phones.all()
                lines = [f"{p.number} ({p.get_type_display()})" for p in phones]
            case Problem.HOURS:
                lines = [str(row) for row in listing.schedules.all()]
            case Problem.ADDRESS:
                lines = [str(a) for place in locations for a in place.addresses.all()]
            case Problem.CLOSED:
                lines = [listing.get_status_display()] if service else []
            case Problem.ELIGIBILITY if service:
                lines = [service.eligibility_description, service.fees_description]
            case _:
                return "—"
        lines = [line for line in lines if line]
        if not lines:
            return _("(nothing given)")
        return format_html_join("", "<div>{}</div>", ((line,) for line in lines))

    @admin.display(description=_("proposed change"))
    def proposed_change_table(self, change_request):
        rows = changes.describe(change_request.proposed_changes)
        if not rows:
            return "—"
        from django.template.loader import render_to_string

        return render_to_string(
            "admin/resources/changerequest/proposed_changes.html", {"rows": rows}
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="resources_changerequest_decide",
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="resources_changerequest_preview",
            ),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change_request = self.get_object(request, unquote(object_id))
        listing = change_request.listing if change_request else None
        extra_context = (extra_context or {}) | {
            "decisions": [(name, label) for name, (_form, label) in DECISIONS.items()],
            "can_review": self.has_review_permission(request),
            "listing_url": _url(listing) if listing else "",
            "can_preview": bool(
                change_request
                and change_request.is_open
                and change_request.proposed_changes
                and _previewed_service(change_request)
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, object_id):
        """The listing's public page as it would read with the proposed changes.

        The changes are applied inside a transaction that is rolled back once
        the page is rendered: nothing is saved, no history is written.
        """
        change_request = self.get_object(request, unquote(object_id))
        service = change_request and _previewed_service(change_request)
        if not service or not self.has_view_permission(request, change_request):
            raise Http404
        back = reverse("admin:resources_changerequest_change", args=[change_request.pk])
        view = ServicePreviewView.as_view(
            preview_note=_("With the changes this request proposes, not yet accepted.")
        )
        with transaction.atomic():
            try:
                for operation in change_request.proposed_changes:
                    changes.apply_operation(operation, user=request.user, reason="")
            except ValidationError as error:
                transaction.set_rollback(True)
                self.message_user(
                    request,
                    _("The proposed changes cannot be shown: %(error)s")
                    % {"error": " ".join(error.messages)},
                    messages.ERROR,
                )
                return HttpResponseRedirect(back)
            response = view(request, pk=service.pk)
            response.render()
            transaction.set_rollback(True)
        return response

    # Actions, each with a page that asks what the decision needs ---------------

    @admin.action(description=_("Accept selected requests…"), permissions=["review"])
    def accept(self, request, queryset):
        return self._decide(request, queryset, "accept")

    @admin.action(description=_("Reject selected requests…"), permissions=["review"])
    def reject(self, request, queryset):
        return self._decide(request, queryset, "reject")

    @admin.action(
        description=_("Mark selected requests as duplicates…"), permissions=["review"]
    )
    def mark_duplicate(self, request, queryset):
        return self._decide(request, queryset, "duplicate")

    def decide_view(self, request, object_id, decision):
        if not self.has_review_permission(request):
            raise PermissionDenied
        if decision not in DECISIONS:
            raise Http404
        change_request = self.get_object(request, unquote(object_id))
        if change_request is None:
            raise Http404
        queryset = self.get_queryset(request).filter(pk=change_request.pk)
        response = self._decide(request, queryset, decision, single=True)
        return response or HttpResponseRedirect(
            reverse("admin:resources_changerequest_change", args=[change_request.pk])
        )

    def _decide(self, request, queryset, decision, *, single=False):
        form_class, label = DECISIONS[decision]
        requests = list(queryset.select_related("service", "location"))
        applying = request.method == "POST" and "apply" in request.POST
        initial = {}
        if decision == "accept" and all(
            r.source == ChangeRequest.Source.EDITOR for r in requests
        ):
            initial["method"] = VerificationMethod.ORGANIZATION
        kwargs = {"requests": requests} if decision == "duplicate" else {}
        form = form_class(request.POST if applying else None, initial=initial, **kwargs)
        if applying and form.is_valid():
            self._apply(request, requests, decision, form.cleaned_data)
            return None
        context = self.admin_site.each_context(request) | {
            "title": label,
            "decision": decision,
            "requests": requests,
            "form": form,
            "single": single,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": {"accept": "accept", "reject": "reject"}.get(
                decision, "mark_duplicate"
            ),
        }
        return TemplateResponse(
            request, "admin/resources/changerequest/decide.html", context
        )

    def _apply(self, request, requests, decision, data) -> None:
        done = 0
        for change_request in requests:
            try:
                if decision == "accept":
                    change_request_accept(
                        change_request=change_request,
                        user=request.user,
                        verify=data["verify"],
                        method=data["method"],
                        notes=data["notes"],
                    )
                elif decision == "reject":
                    change_request_reject(
                        change_request=change_request,
                        user=request.user,
                        reason=data["reason"],
                    )
                else:
                    change_request_mark_duplicate(
                        change_request=change_request,
                        user=request.user,
                        duplicate_of=data["duplicate_of"],
                        note=data["notes"],
                    )
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(request)s: not done. %(reason)s")
                    % {"request": change_request, "reason": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d request dealt with.",
                    "%(count)d requests dealt with.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )


# The verification log ---------------------------------------------------------


class VerificationInline(TabularInline):
    """A listing's latest verifications, read-only: new ones via "Verify"."""

    model = Verification
    fields = ("verified_at", "verified_by", "method", "outcome", "notes")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ("-verified_at",)
    verbose_name_plural = _("verifications")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    """Who checked which listing, when, how and with what result."""

    list_display = ("verified_at", "service", "outcome", "method", "verified_by")
    list_filter = ("outcome", "method", "verified_at")
    list_select_related = ("service", "verified_by")
    search_fields = ("service__name", "service__organization__name", "notes")
    date_hierarchy = "verified_at"

    def has_add_permission(self, request):
        return False  # logged through a listing's "Verify" page

    def has_change_permission(self, request, obj=None):
        return False  # a log: a wrong entry is answered by a newer one


# Organization editors ---------------------------------------------------------


class EditorChoiceMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(groups__name=ORGANIZATION_EDITORS)
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OrganizationMembershipInline(EditorChoiceMixin, TabularInline):
    model = OrganizationMembership
    fields = ("user", "created_at")
    readonly_fields = ("created_at",)
    extra = 0
    verbose_name = _("editor")
    verbose_name_plural = _("editors (staff of this organization)")


@admin.register(OrganizationMembership)
class OrganizationMembershipAdmin(EditorChoiceMixin, HistoryAdmin):
    list_display = ("user", "organization", "created_at")
    list_select_related = ("user", "organization")
    search_fields = ("user__username", "organization__name")
    autocomplete_fields = ("organization",)


# What people searched for and did not find ------------------------------------


class AliasForm(forms.Form):
    """Make searches an alias of one category or access term."""

    term = forms.ChoiceField(label=_("Category or access term"))
    language = forms.ChoiceField(
        label=_("Language of the words"), choices=AliasLanguage.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        terms = TaxonomyTerm.objects.filter(
            taxonomy_detail_id__in=(taxonomies.CATEGORIES_ID, taxonomies.ACCESS_ID)
        ).select_related("parent", "taxonomy_detail")
        self.terms = {str(term.pk): term for term in terms}
        # Categories first, then access terms; a sub-category after its parent.
        groups: dict[tuple, list] = {}
        for term in self.terms.values():
            label = gettext(term.name)
            if term.parent:
                label = f"{gettext(term.parent.name)} › {label}"
            taxonomy = term.taxonomy_detail
            key = (taxonomy.pk != taxonomies.CATEGORIES_ID, gettext(taxonomy.name))
            groups.setdefault(key, []).append((str(term.pk), label))
        self.fields["term"].choices = [
            ("", "---------"),
            *(
                (name, sorted(choices, key=lambda choice: choice[1]))
                for (_access, name), choices in sorted(groups.items())
            ),
        ]

    def clean_term(self):
        return self.terms[self.cleaned_data["term"]]


class SynonymForm(forms.Form):
    """Put searches in a synonym group: a new one, or one that exists."""

    group = forms.ModelChoiceField(
        label=_("Synonym group"),
        queryset=SynonymGroup.objects.order_by("members"),
        required=False,
        empty_label=_("A new group"),
    )
    members = forms.CharField(
        label=_("Other words that mean the same"),
        max_length=500,
        required=False,
        help_text=_(
            "Separate them with commas, e.g. dentist, dental, teeth. Required "
            "for a new group of one search."
        ),
    )


VOCABULARY = {
    "alias": (AliasForm, _("Add as alias of a category or access term")),
    "synonyms": (SynonymForm, _("Add to a synonym group")),
}


@admin.register(ZeroResultSearch)
class ZeroResultSearchAdmin(admin.ModelAdmin):
    """What searches found nothing; from a row, one step to the vocabulary.

    Only rows whose words were searched on several days are listed (see
    `ZeroResultSearch.objects.shown`). Adding them as an alias or to a
    synonym group deletes their counts: the search now finds something.
    """

    list_display = ("words", "date", "count")
    list_filter = ("date",)
    search_fields = ("words",)
    date_hierarchy = "date"
    actions = ("add_alias", "add_synonyms")

    def get_queryset(self, request):
        return super().get_queryset(request).shown()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_alias_permission(self, request):
        return not is_organization_editor(request.user) and request.user.has_perm(
            "resources.add_conceptalias"
        )

    def has_synonyms_permission(self, request):
        return not is_organization_editor(request.user) and request.user.has_perms(
            ("resources.add_synonymgroup", "resources.change_synonymgroup")
        )

    def get_urls(self):
        return [
            path(
                "vocabulary/<str:kind>/",
                self.admin_site.admin_view(self.vocabulary_view),
                name="resources_zeroresultsearch_vocabulary",
            )
        ] + super().get_urls()

    @admin.action(
        description=_("Add as alias of a category or access term…"),
        permissions=["alias"],
    )
    def add_alias(self, request, queryset):
        return self._add_to_vocabulary(request, queryset, "alias", action="add_alias")

    @admin.action(description=_("Add to a synonym group…"), permissions=["synonyms"])
    def add_synonyms(self, request, queryset):
        return self._add_to_vocabulary(
            request, queryset, "synonyms", action="add_synonyms"
        )

    def vocabulary_view(self, request, kind):
        """The same step from the reports page, for the words of one of its rows."""
        if kind not in VOCABULARY:
            raise Http404
        if not getattr(self, f"has_{kind}_permission")(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        queryset = self.get_queryset(request).filter(words__in=data.getlist("words"))
        response = self._add_to_vocabulary(request, queryset, kind)
        return response or HttpResponseRedirect(reverse("admin:reports"))

    def _add_to_vocabulary(self, request, queryset, kind, *, action=None):
        form_class, title = VOCABULARY[kind]
        words = sorted(set(queryset.values_list("words", flat=True)))
        if not words:
            self.message_user(
                request, _("None of these searches is listed."), messages.WARNING
            )
            return HttpResponseRedirect(
                reverse("admin:resources_zeroresultsearch_changelist")
            )
        applying = request.method == "POST" and "apply" in request.POST
        initial = {}
        if kind == "alias":
            spanish = sum(
                language.is_spanish(word) for text in words for word in text.split()
            )
            total = sum(len(text.split()) for text in words)
            initial["language"] = "es" if spanish * 2 > total else "en"
        form = form_class(request.POST if applying else None, initial=initial)
        if applying and form.is_valid():
            try:
                done = self._apply_vocabulary(request, kind, words, form.cleaned_data)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return None
        context = self.admin_site.each_context(request) | {
            "title": title,
            "opts": self.model._meta,
            "kind": kind,
            "words": words,
            "form": form,
            "action": action,
            "selected": queryset.values_list("pk", flat=True) if action else (),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "form_url": (
                reverse("admin:resources_zeroresultsearch_changelist")
                if action
                else reverse("admin:resources_zeroresultsearch_vocabulary", args=[kind])
            ),
        }
        return TemplateResponse(
            request, "admin/resources/zeroresultsearch_vocabulary.html", context
        )

    def _apply_vocabulary(self, request, kind, words, data) -> str:
        if kind == "alias":
            aliases = zero_result_search_make_alias(
                words=words,
                term=data["term"],
                language=data["language"],
                user=request.user,
            )
            return ngettext(
                "%(count)d alias of “%(term)s” added.",
                "%(count)d aliases of “%(term)s” added.",
                len(aliases),
            ) % {"count": len(aliases), "term": gettext(data["term"].name)}
        group = zero_result_search_make_synonyms(
            words=words,
            members=data["members"],
            group=data["group"],
            user=request.user,
        )
        return gettext("Synonym group saved: %(members)s") % {"members": group.members}


def _previewed_service(change_request: ChangeRequest):
    """The service whose page shows the request's listing: its own, or the first
    service at its location."""
    if change_request.service_id:
        return change_request.service
    return (
        Service.objects.filter(
            service_at_locations__location_id=change_request.location_id
        )
        .order_by("name")
        .first()
    )
