"""Public pages. Every one starts from `Service.objects.published()`."""

import datetime as dt
import uuid
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Prefetch, TextField
from django.db.models.functions import Cast
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from . import areas, caching, geo, ratelimit, search, taxonomies
from .cards import load_cards, render_cards
from .context_processors import client_list_ids
from .filters import ServiceFilter
from .forms import ReportProblemForm
from .models import Organization, Service, TaxonomyTerm
from .models.base import listing_languages
from .models.services import ServiceCoverage
from .opening import attach_opening, closure_lines, summary_lines
from .policy import verification_policy
from .services import zero_result_search_record


def top_categories():
    return TaxonomyTerm.objects.filter(
        taxonomy_detail_id=taxonomies.CATEGORIES_ID, parent__isnull=True
    ).order_by("name")


class KeptPageMixin:
    """Render a public page once and keep it until what it shows changes.

    Only pages that depend on nothing a person typed or carries: no query
    string but a page number (a client list in the URL is the person's).
    Kept per address and language, under the data version
    (`resources.caching`), and only until its hours lines would change
    (`kept_until`, set while rendering). Browsers are still told to store
    nothing.
    """

    kept_until = None

    def keeps(self, request) -> bool:
        # A page number a person would follow: junk ones are not kept apart.
        page = request.GET.get("page", "1")
        return (
            set(request.GET) <= {"page"}
            and page.isascii()
            and page.isdigit()
            and len(page) <= 2
        )

    def get(self, request, *args, **kwargs):
        if not self.keeps(request):
            return super().get(request, *args, **kwargs)
        key = caching.key(
            "page", request, [request.get_full_path(), translation.get_language()]
        )
        if (content := caching.get(key)) is not None:
            return HttpResponse(content)
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200:
            response.render()
            caching.put(key, response.content, until=self.kept_until)
        return response


def lines_change(services) -> dt.datetime | None:
    """Return when the first of these services' hours lines changes (`kept_until`)."""
    return min((service.opening_until for service in services), default=None)


class HomeView(KeptPageMixin, TemplateView):
    template_name = "resources/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(categories=top_categories(), **kwargs)


class CappedPaginator(Paginator):
    """Pages of search results: found by one lean query, loaded by id.

    The filtered queryset yields at most `cap + 1` ids in order, with their
    sort keys (rank, distance). How many there are is the count (past the
    cap the page says "more than 1,000": nobody pages through thousands);
    a slice of them is the page. Only the page's cards are then loaded,
    by `load(ids) -> {id: card}` (`resources.cards`, kept ones from the
    cache), so a search never joins, sorts or counts wide rows, and never
    runs twice to count.
    """

    cap = 1000
    keys = ("distance", "rank", "coverage", "reach")

    def __init__(self, object_list, per_page, *, load, found=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.load = load
        if found is not None:  # the results of the same search, kept
            self.found, self.present_keys = found

    @classmethod
    def keys_of(cls, queryset) -> list[str]:
        return [key for key in cls.keys if key in queryset.query.annotations]

    @classmethod
    def results(cls, queryset):
        """Return the one query that finds a search's results: (id, *keys).

        The ids come as text: a thousand of them parsed as UUIDs would cost
        more than the page's own 20 (see `page`).
        """
        found = queryset.values_list(
            Cast("pk", output_field=TextField()), *cls.keys_of(queryset)
        )
        return found[: cls.cap + 1]

    @cached_property
    def present_keys(self) -> list[str]:
        return self.keys_of(self.object_list)

    @cached_property
    def found(self) -> list[tuple]:
        return list(self.results(self.object_list))

    @cached_property
    def count(self) -> int:
        return len(self.found)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.found[bottom : bottom + self.per_page]
        ids = [uuid.UUID(pk) for pk, *_keys in rows]
        loaded = self.load(ids)
        services = []
        for pk, (_text, *values) in zip(ids, rows, strict=True):
            if (service := loaded.get(pk)) is not None:  # not deleted meanwhile
                found = dict(zip(self.present_keys, values, strict=True))
                for key in self.keys:  # None when not searched by it
                    setattr(service, key, found.get(key))
                services.append(service)
        return self._get_page(services, number, self)


class ServiceSearchView(FilterView):
    """The search page: keywords, filters, open now, near a ZIP code."""

    filterset_class = ServiceFilter
    template_name = "resources/service_list.html"
    context_object_name = "services"
    # A bad parameter is reported and ignored, not an empty page.
    strict = False

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.filterset.is_valid()  # a bad filter is reported and ignored
        self.results_key = self.results_cache_key()
        self.kept = caching.get(self.results_key) if self.results_key else None
        if self.kept is None:
            self.object_list = self.filterset.qs
        else:
            # The same search was ranked a moment ago: its ids in order.
            self.object_list = self.filterset.queryset
            self.understand(self.kept)
        context = self.get_context_data(
            filter=self.filterset, object_list=self.object_list
        )
        return self.render_to_response(context)

    def results_cache_key(self) -> str | None:
        """Return the key of this search's results, or None to keep none.

        The filters as understood, so that "Food " and "food" are one
        search; the minute for "open now". A search near a position (a
        phone's location) is never kept.
        """
        parts = {}
        for name, value in self.filterset.form.cleaned_data.items():
            if value in (None, "", [], False):
                continue
            if isinstance(value, geo.Point):
                if value.zip_code is None and value.town is None:
                    return None
                value = (value.lat, value.lon)
            elif name == "q":
                value = " ".join(value.casefold().split())
            elif isinstance(value, list):
                value = sorted(value)
            parts[name] = value
        if parts.get("open_now"):
            parts["minute"] = self.minute().isoformat()
        return caching.key("results", self.request, parts)

    def minute(self) -> dt.datetime:
        return timezone.now().replace(second=0, microsecond=0)

    def understand(self, kept: dict) -> None:
        """Read the words again (cheap) for the page's notices; no ranking."""
        text = (self.filterset.form.cleaned_data.get("q") or "").strip()
        if text:
            self.request.search_memo["outcome"] = search.understand(
                text,
                using=self.object_list.db,
                relaxed=kept["relaxed"],
                spelling=kept["spelling"],
                memo=self.request.search_memo,
            )

    def keep_results(self, paginator) -> None:
        if self.results_key is None or self.kept is not None:
            return
        outcome = self.request.search_memo.get("outcome")
        until = None
        if self.filterset.form.cleaned_data.get("open_now"):
            until = self.minute() + dt.timedelta(minutes=1)
        caching.put(
            self.results_key,
            {
                "found": (paginator.found, paginator.present_keys),
                "relaxed": bool(outcome and outcome.relaxed),
                "spelling": self.request.search_memo.get("spelling", []),
            },
            until=until,
        )

    def get_paginate_by(self, queryset):
        return settings.DIRECTORY_PAGE_SIZE

    def get_filterset_kwargs(self, filterset_class):
        # One memo per page for the search's look-ups (see search_services).
        self.request.search_memo = {}
        # Always bound, so that an empty query validates like any other.
        return super().get_filterset_kwargs(filterset_class) | {
            "data": self.request.GET
        }

    def get_queryset(self):
        # Lean: the paginator loads the page's services with all they show.
        return Service.objects.published()

    def get_paginator(self, queryset, per_page, **kwargs):
        return CappedPaginator(
            queryset,
            per_page,
            load=lambda ids: load_cards(ids, request=self.request),
            found=self.kept and self.kept["found"],
            **kwargs,
        )

    def paginate_queryset(self, queryset, page_size):
        # Out-of-range or malformed page numbers show the nearest real page.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        self.keep_results(paginator)
        return paginator, page, page.object_list, page.has_other_pages()

    def name_serving_areas(self, services) -> None:
        """Say which area a service that serves the person's place from afar covers."""
        point = self.filterset.form.cleaned_data.get("near")
        afar = [s.pk for s in services if s.reach == areas.SERVES_AREA]
        if point is None or not afar or (place := geo.place_of(point)) is None:
            return
        names = ServiceCoverage.objects.names_covering(place, afar)
        for service in services:
            service.serves = names.get(service.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        services = list(context["services"])  # cards (resources.cards)
        self.kept_until = lines_change(services)
        self.name_serving_areas(services)
        context["services"] = services
        context["active_filters"] = self.active_filters()
        context["filter_summary"] = self.filter_summary()
        context["client_list_size"] = len(
            client_list_ids(self.request.GET.get("list", ""))
        )
        text = (self.filterset.form.cleaned_data.get("q") or "").strip()
        if not text:
            return context
        memo = self.request.search_memo
        outcome = memo.get("outcome")
        terms = {str(term.pk): term for term in self.filterset.terms.values()}
        context["filters_set"] = not self.only_words_searched()
        if outcome is not None and services:
            context["search_outcome"] = outcome
            partial = [s for s in services if (s.coverage or 0) < outcome.full]
            context["closest_only"] = services[0] in partial
            context["some_partial"] = bool(partial)
            context["concepts_shown"] = [
                (
                    typed,
                    terms[pk],
                    terms[pk].get_absolute_url()
                    if terms[pk].taxonomy_detail_id == taxonomies.CATEGORIES_ID
                    else None,
                )
                for typed, pk in outcome.concepts
                if pk in terms
            ]
        if not services:
            context["suggestion"] = search.suggest(text, memo=memo)
            context["related_categories"] = self.related_categories(text, terms)
            if self.only_words_searched():
                zero_result_search_record(text=text)
        return context

    def related_categories(self, text: str, terms: dict) -> list[TaxonomyTerm]:
        """Return the categories nearest the words that found nothing, or the top ones.

        A page that found nothing still offers a next step.
        """
        found = [
            terms[pk]
            for pk in search.related_terms(text, memo=self.request.search_memo)
            if pk in terms and terms[pk].taxonomy_detail_id == taxonomies.CATEGORIES_ID
        ]
        if not found:
            found = [
                term
                for term in terms.values()
                if term.taxonomy_detail_id == taxonomies.CATEGORIES_ID
                and term.parent_id is None
            ]
        return found[:8]

    def only_words_searched(self) -> bool:
        """Return whether the words alone, no filter, narrowed the search.

        Only then does an empty result say the directory lacks something.
        """
        if self.fixed_filters():
            return False
        data = self.filterset.form.cleaned_data
        return not any(
            value not in (None, "", [], False)
            for name, value in data.items()
            if name != "q"
        )

    def filter_summary(self) -> list[str]:
        """Return the filters in effect, each in a word or two, for one line.

        "Free · Open now · near West Hartford": what the collapsed filter
        form says, so that the results come first on a phone.
        """
        form = self.filterset.form
        shown = []
        for name, value in form.cleaned_data.items():
            if name in ("q", *self.fixed_filters()) or value in (None, "", [], False):
                continue
            field = form.fields[name]
            for item in value if isinstance(value, list) else [value]:
                if name == "open_now":
                    shown.append(str(field.label))
                elif name == "near":
                    shown.append(_("near %(place)s") % {"place": item.name})
                elif name == "radius":
                    shown.append(_("within %(miles)s miles") % {"miles": f"{item:g}"})
                elif item in dict(getattr(field, "choices", []) or []):
                    shown.append(self.display(field, name, item))
                else:
                    shown.append(f"{field.label}: {self.display(field, name, item)}")
        return shown

    def active_filters(self) -> list[tuple[str, str]]:
        """Return (label, URL without it) for each filter in effect."""
        form = self.filterset.form
        query = self.request.GET.copy()
        query.pop("page", None)
        active = []
        for name, value in form.cleaned_data.items():
            if name in self.fixed_filters() or value in (None, "", [], False):
                continue
            field = form.fields[name]
            values = value if isinstance(value, list) else [value]
            for item in values:
                remaining = query.copy()
                if isinstance(value, list):
                    remaining.setlist(
                        name, [v for v in query.getlist(name) if v != item]
                    )
                else:
                    remaining.pop(name, None)
                    if name == "near":
                        remaining.pop("radius", None)
                active.append(
                    (
                        f"{field.label}: {self.display(field, name, item)}",
                        "?" + remaining.urlencode(),
                    )
                )
        return active

    def display(self, field, name, value) -> str:
        choices = dict(getattr(field, "choices", []) or [])
        if value in choices:
            return str(choices[value])
        if name == "near":
            point = self.filterset.form.cleaned_data.get("near")
            return point.name if point else self.request.GET.get(name, "")
        if name == "open_now":
            return _("yes")
        return str(value)

    def fixed_filters(self) -> set[str]:
        return set()


class CategoryDetailView(KeptPageMixin, ServiceSearchView):
    """The search page, within one category and its sub-categories."""

    template_name = "resources/category_detail.html"

    @cached_property
    def category(self) -> TaxonomyTerm:
        # Looked up only when the page is rendered, not when it is kept.
        return get_object_or_404(
            TaxonomyTerm.objects.select_related("parent"),
            code=self.kwargs["code"],
            taxonomy_detail_id=taxonomies.CATEGORIES_ID,
        )

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = kwargs["data"].copy()
        data["category"] = self.category.code
        kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(category=self.category, **kwargs)

    def fixed_filters(self) -> set[str]:
        return {"category"}


class ServiceDetailView(KeptPageMixin, DetailView):
    context_object_name = "service"

    def get_queryset(self):
        queryset = Service.objects.published().for_detail()
        if verification_policy().public_warning_after_days is not None:
            queryset = queryset.with_verification_months()
        return queryset

    def get_context_data(self, **kwargs):
        now = timezone.now()
        attach_opening([self.object], now)
        self.kept_until = self.object.opening_until
        policy = verification_policy()
        months = getattr(self.object, "verification_months", policy.months)
        return super().get_context_data(
            hours_summary=summary_lines(self.object, now.date()),
            closure_lines=closure_lines(self.object),
            verification_overdue=policy.shows_public_warning(
                self.object.assured_date, months, timezone.localdate(now)
            ),
            **kwargs,
        )


class ServicePreviewView(ServiceDetailView):
    """Any listing's public page and card, draft or not: for staff, never cached.

    Reached only through the admin (`ServiceAdmin.preview_view`), which
    checks who may see the listing.
    """

    preview_note = ""

    def keeps(self, request) -> bool:
        return False  # drafts, for staff: never kept

    def get(self, request, *args, **kwargs):
        # `?lang=es`: the page as a Spanish speaker reads it.
        language = request.GET.get("lang")
        if language not in listing_languages():
            return super().get(request, *args, **kwargs)
        with translation.override(language):
            return super().get(request, *args, **kwargs).render()

    def get_queryset(self):
        return Service.objects.for_detail()

    def get_context_data(self, **kwargs):
        (card,) = render_cards([Service.objects.for_listing().get(pk=self.object.pk)])
        return super().get_context_data(
            preview={
                "card": card,
                "note": self.preview_note,
                "languages": [
                    (code, get_language_info(code)["name_local"])
                    for code in listing_languages()
                ],
            },
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response


class OrganizationDetailView(KeptPageMixin, DetailView):
    context_object_name = "organization"

    def get_queryset(self):
        return Organization.objects.prefetch_related(
            Prefetch(
                "services",
                queryset=Service.objects.published().for_listing(),
                to_attr="public_services",
            )
        )

    def get_context_data(self, **kwargs):
        cards = render_cards(self.object.public_services)
        self.kept_until = lines_change(cards)
        return super().get_context_data(cards=cards, **kwargs)


class BrowseSafelyView(TemplateView):
    template_name = "resources/browse_safely.html"


class ClientListView(TemplateView):
    """A printable list of services for a client, held only in the URL.

    Nothing about the client is stored: no account, cookie or database row.
    """

    template_name = "resources/client_list.html"

    def get_context_data(self, **kwargs):
        ids = client_list_ids(self.request.GET.get("s", ""))
        found = Service.objects.published().for_detail().in_bulk(ids)
        services = [found[pk] for pk in ids if pk in found]
        now = timezone.now()
        attach_opening(services, now)
        for service in services:
            service.hours_summary = summary_lines(service, now.date())
            service.closure_lines = closure_lines(service)
        list_value = ",".join(str(service.pk) for service in services)
        share_url = self.request.build_absolute_uri(
            reverse("resources:client-list")
            + "?"
            + urlencode({"s": list_value}, safe=",")
        )
        return super().get_context_data(
            services=services,
            list_value=list_value,
            share_url=share_url,
            qr_svg=segno.make(share_url, error="m").svg_inline(
                scale=3, title=_("QR code of this list's address")
            ),
            missing=len(ids) - len(services),
            today=timezone.localdate(now),
            **kwargs,
        )


# Accepted reports one network may send in REPORT_WINDOW: of one listing,
# and in all. Wrong tries never count, so a shelter's shared connection
# never meets these in normal use; a flood from one place does.
REPORTS_PER_LISTING = 3
REPORTS_PER_NETWORK = 30
REPORT_WINDOW = dt.timedelta(hours=1)


def report_problem(request, pk):
    """Let anyone report a problem with a listing; it joins the caseworkers' queue."""
    service = get_object_or_404(Service.objects.published(), pk=pk)
    form = ReportProblemForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_from_a_bot():
            # Look like success, keep nothing.
            return redirect("resources:report-thanks", pk=service.pk)
        listing = f"report:{service.pk}"
        if (
            ratelimit.count(request, listing) >= REPORTS_PER_LISTING
            or ratelimit.count(request, "report") >= REPORTS_PER_NETWORK
        ):
            form.add_error(
                None,
                _("Too many reports from this connection. Please try again later."),
            )
            status = 429
        elif form.is_valid():
            form.instance.service = service
            form.save()
            ratelimit.hit(request, listing, window=REPORT_WINDOW)
            ratelimit.hit(request, "report", window=REPORT_WINDOW)
            return redirect("resources:report-thanks", pk=service.pk)
        else:
            status = 400
    response = render(
        request,
        "resources/report_problem.html",
        {"service": service, "form": form},
        status=status,
    )
    # With `no-referrer`, browsers post this form with `Origin: null`, which
    # the CSRF check refuses; same-origin still tells other sites nothing.
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def report_thanks(request, pk):
    service = get_object_or_404(Service.objects.published(), pk=pk)
    return render(request, "resources/report_thanks.html", {"service": service})
