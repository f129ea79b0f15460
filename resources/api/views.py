"""The HSDS 3.1 API: read-only, public, published data only.

Every view starts from `queries.visible_*()` (published services and what
hangs off them). Lists use the HSDS page envelope; `format=ndjson` streams
every match instead, one object per line, fetched in batches so memory stays
flat whatever the size of the directory.
"""

import json
import uuid
from itertools import batched

from django.conf import settings
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, permissions, viewsets
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from .. import areas, geo
from ..filters import ServiceFilter
from ..models import Address, Attribute, Location, ServiceAtLocation, Taxonomy
from ..models.base import listing_languages
from ..models.services import ServiceCoverage
from . import export, params, queries, serializers
from .pagination import HSDSPagination

NDJSON = "application/x-ndjson"
STREAM_BATCH = 200
PROFILE_URL = "https://docs.openreferral.org/en/latest/hsds/overview.html"
ERROR = OpenApiResponse(
    description="A parameter is invalid; the body maps each bad parameter "
    "to its messages."
)
STREAM = OpenApiResponse(
    response=OpenApiTypes.STR,
    description="With format=ndjson: every match, one JSON object per line.",
)
NOT_FOUND = OpenApiResponse(description="No published record has this id.")


class HSDSViewMixin:
    """Public, read-only, no session or cookie, UUID ids (a bad one is a 404)."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)
    pagination_class = HSDSPagination
    lookup_value_regex = "[^/]+"
    parameters_class = params.ListParameters

    def parameters(self) -> dict:
        """Validate this request's query parameters; a bad one is a 400."""
        if not hasattr(self, "_parameters"):
            checked = self.parameters_class(data=self.request.query_params)
            checked.is_valid(raise_exception=True)
            self._parameters = checked.validated_data
        return self._parameters

    # The published file that answers an unfiltered `format=ndjson`.
    full_export = None
    # Paging and format are not filters: with only these, a list is all.
    NOT_FILTERS = frozenset({"format", "page", "per_page", "full", "lang"})

    def language(self) -> str:
        """Return the language of the listing text asked for.

        `?lang=es`, else the best of `Accept-Language` the directory has,
        else English; an unknown `lang` is a 400.
        """
        if self._language is None:
            supported = listing_languages()
            asked = self.request.query_params.get("lang")
            if asked is not None and asked not in supported:
                asked = asked.split("-")[0].lower()  # "es-MX": Spanish
            if asked is not None and asked not in supported:
                raise exceptions.ValidationError(
                    {"lang": [f"Choose one of: {', '.join(supported)}."]}
                )
            if asked is None:
                preferred = translation.get_language_from_request(self.request)
                asked = preferred if preferred in supported else supported[0]
            self._language = asked
        return self._language

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": self.language()}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # The published file is written in the base language, with every
        # translation in it (see `ndjson`).
        language = listing_languages()[0] if self._whole else self._language
        if language and not response.has_header("Content-Language"):
            response["Content-Language"] = language
        patch_vary_headers(response, ["Accept-Language"])
        return response

    _whole, _language = False, None

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if self.parameters().get("format") == "ndjson":
            return self.ndjson(queryset)
        page = self.paginate_queryset(self.fetch(queryset))
        self.prepare(page)
        data = self.get_serializer(page, many=True).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.prepare([obj])
        return Response(self.get_serializer(obj).data)

    def get_object(self):
        try:
            pk = uuid.UUID(self.kwargs["pk"])
        except ValueError:
            raise exceptions.NotFound() from None
        obj = self.fetch(self.get_queryset().filter(pk=pk)).first()
        if obj is None:
            raise exceptions.NotFound()
        return obj

    def fetch(self, queryset):
        """Add everything the response nests to `queryset`, prefetched."""
        return queryset

    def prepare(self, objects) -> None:
        """Attach what prefetching cannot (the metadata change log)."""

    def ndjson(self, queryset):
        """Every match as NDJSON: the published file for all, live for a few.

        A whole directory is never built for one request (see
        `resources.hsds.published`): beyond `DIRECTORY_API_STREAM_LIMIT`
        matches, an unfiltered request gets the worker's file, a filtered
        one a 400 that says how to narrow it or where the full file is.
        """
        limit = settings.DIRECTORY_API_STREAM_LIMIT
        whole = self.full_export and (
            set(self.request.query_params) <= self.NOT_FILTERS
        )
        # The file holds base-language text: another language is streamed.
        whole = whole and self.language() == listing_languages()[0]
        if whole and (response := export.serve(self.full_export)) is not None:
            self._whole = True
            return response
        if queryset.count() <= limit:
            return self.stream(queryset)
        if whole:
            return export.not_ready()
        raise exceptions.ValidationError(
            {
                "format": [
                    f"More than {limit} records match: narrow the filters, "
                    f"page through them (page, per_page), or download the "
                    f"full export listed at {reverse('api:export')}."
                ]
            }
        )

    def stream(self, queryset) -> StreamingHttpResponse:
        """Stream every match as NDJSON, a batch of records at a time."""
        ids = queryset.values_list("pk", flat=True)
        model = queryset.model
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()

        def lines():
            for chunk in batched(ids.iterator(chunk_size=STREAM_BATCH), STREAM_BATCH):
                objects = list(self.fetch(model.objects.filter(pk__in=chunk)))
                self.prepare(objects)
                by_pk = {obj.pk: obj for obj in objects}
                for pk in chunk:
                    data = serializer_class(by_pk[pk], context=context).data
                    yield json.dumps(data, cls=JSONEncoder, ensure_ascii=False) + "\n"

        response = StreamingHttpResponse(lines(), content_type=NDJSON)
        response["Cache-Control"] = "no-store"
        return response


def _term_filter(queryset, entity: str, data: dict, *, field: str = "pk"):
    """Keep records carrying the term, or any term of the taxonomy, asked for."""
    attributes = Attribute.objects.for_entity(entity)
    if data.get("taxonomy_term_id"):
        queryset = queryset.filter(
            **{
                f"{field}__in": attributes.filter(
                    taxonomy_term_id=data["taxonomy_term_id"]
                ).values("link_id")
            }
        )
    if data.get("taxonomy_id"):
        queryset = queryset.filter(
            **{
                f"{field}__in": attributes.filter(
                    taxonomy_term__taxonomy_detail_id=data["taxonomy_id"]
                ).values("link_id")
            }
        )
    return queryset


def _locations_within(postcode: str, metres: float) -> list:
    """Return the ids of locations within `metres` of a US ZIP code's centre.

    One query for the candidates in a bounding box; the exact distance in
    Python. A bad ZIP code is a 400 naming `postcode`.
    """
    try:
        point = geo.parse_near(postcode)
    except geo.GeoError as error:
        raise exceptions.ValidationError({"postcode": [str(error)]}) from None
    miles = metres / 1609.344
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(point, miles + 1)
    candidates = Location.objects.filter(
        latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
    ).values_list("pk", "latitude", "longitude", "address_visibility")
    near = []
    for pk, lat, lon, visibility in candidates:
        if visibility == Location.Visibility.CONFIDENTIAL:
            # Measured from the rounded position, as everywhere public.
            lat, lon = round(lat, 2), round(lon, 2)
        if geo.distance_miles(point, geo.Point(lat, lon)) <= miles:
            near.append(pk)
    return near


def _at_postcode(postcode: str):
    """Return the ids of locations with an address at this postcode."""
    return Address.objects.filter(postal_code__iexact=postcode.strip()).values(
        "location_id"
    )


def _covering(postcode: str):
    """Return the coverage rows of service areas that hold this postcode."""
    place = geo.zip_place(geo.zip_code(postcode) or "")
    return ServiceCoverage.objects.areas().covering(place)


# Services --------------------------------------------------------------------

SERVICE_LIST_PARAMETERS = [
    params.SEARCH,
    params.PAGE,
    params.PER_PAGE,
    params.FORMAT,
    params.TAXONOMY_TERM_ID,
    params.TAXONOMY_ID,
    params.ORGANIZATION_ID,
    params.MODIFIED_AFTER,
    params.MINIMAL,
    params.FULL,
    params.POSTCODE,
    params.PROXIMITY,
    *params.EXTENSIONS,
]


@extend_schema_view(
    list=extend_schema(
        summary="Paginated list of services",
        parameters=SERVICE_LIST_PARAMETERS,
        responses={
            (200, "application/json"): serializers.ServiceListSerializer(many=True),
            (200, NDJSON): STREAM,
            400: ERROR,
        },
    ),
    retrieve=extend_schema(
        summary="A fully nested service",
        responses={200: serializers.ServiceSerializer, 404: NOT_FOUND},
    ),
)
class ServiceViewSet(HSDSViewMixin, viewsets.ReadOnlyModelViewSet):
    parameters_class = params.ServiceParameters
    full_export = "services.ndjson"

    def get_queryset(self):
        return queries.visible_services()

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        data = self.parameters()
        queryset, ordered = self.search_page_filters(queryset, data)
        if data.get("organization_id"):
            queryset = queryset.filter(organization_id=data["organization_id"])
        if data.get("modified_after"):
            queryset = queryset.filter(last_modified__gte=data["modified_after"])
        queryset = _term_filter(queryset, "service", data)
        if data.get("postcode"):
            queryset = self.serving_postcode(
                queryset, data["postcode"], data.get("proximity")
            )
        return queryset if ordered else queryset.order_by("name", "pk")

    def serving_postcode(self, queryset, postcode: str, metres: float | None):
        """Services serving this postcode, as HSDS asks of service-at-locations.

        Within a service area, when the service (or one of its locations)
        has one that can be read; otherwise at a location with this
        postcode, or by phone from anywhere (no location, no area). With
        `metres`, only those with a location that near its centre.
        """
        in_area = Q(pk__in=_covering(postcode).values("service_id"))
        has_area = Q(pk__in=ServiceCoverage.objects.areas().values("service_id"))
        if metres is None:
            at_postcode = Q(
                pk__in=ServiceAtLocation.objects.filter(
                    location_id__in=_at_postcode(postcode)
                ).values("service_id")
            )
            by_phone = Q(
                pk__in=ServiceCoverage.objects.filter(key=areas.ANYWHERE).values(
                    "service_id"
                )
            )
            return queryset.filter(in_area | by_phone | (~has_area & at_postcode))
        near = ServiceAtLocation.objects.filter(
            location_id__in=_locations_within(postcode, metres)
        )
        return queryset.filter(Q(pk__in=near.values("service_id")), in_area | ~has_area)

    def search_page_filters(self, queryset, data):
        """Apply the search page's FilterSet: `search` is its `q`."""
        query = self.request.query_params.copy()
        for name in ("search", "open_now", "organization", "page", "format"):
            query.pop(name, None)
        if data.get("search"):
            query["q"] = data["search"]
        if data.get("open_now"):
            query["open_now"] = "true"
        filterset = ServiceFilter(data=query, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            errors = {
                ("search" if name == "q" else name): messages
                for name, messages in filterset.errors.items()
            }
            raise exceptions.ValidationError(errors)
        cleaned = filterset.form.cleaned_data
        ordered = bool(cleaned.get("near") or (cleaned.get("q") or "").strip())
        return filterset.qs, ordered

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.ServiceSerializer
        data = self.parameters()
        if data.get("minimal"):
            return serializers.ServiceMinimalSerializer
        if data.get("full") or data.get("format") == "ndjson":
            return serializers.ServiceSerializer
        return serializers.ServiceListSerializer

    def fetch(self, queryset):
        if self.get_serializer_class() is serializers.ServiceSerializer:
            return queries.full_services(queryset)
        return queries.listed_services(queryset)

    def prepare(self, objects):
        if self.get_serializer_class() is serializers.ServiceSerializer:
            queries.attach_metadata(objects)


# Organizations ---------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Paginated list of organizations",
        parameters=[
            params.SEARCH,
            params.FULL_SERVICE,
            params.FULL,
            params.TAXONOMY_TERM_ID,
            params.TAXONOMY_ID,
            params.PAGE,
            params.PER_PAGE,
            params.FORMAT,
        ],
        responses={
            (200, "application/json"): serializers.OrganizationListSerializer(
                many=True
            ),
            (200, NDJSON): STREAM,
            400: ERROR,
        },
    ),
    retrieve=extend_schema(
        summary="A fully nested organization",
        parameters=[params.FULL_SERVICE],
        responses={
            200: serializers.OrganizationDetailSerializer,
            400: ERROR,
            404: NOT_FOUND,
        },
    ),
)
class OrganizationViewSet(HSDSViewMixin, viewsets.ReadOnlyModelViewSet):
    parameters_class = params.OrganizationParameters

    def get_queryset(self):
        return queries.organizations_queryset()

    def parameters(self):
        if self.action == "retrieve":
            self.parameters_class = params.OrganizationDetailParameters
        return super().parameters()

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        data = self.parameters()
        if data.get("search"):
            queryset = queryset.filter(
                Q(name__icontains=data["search"])
                | Q(alternate_name__icontains=data["search"])
            )
        # Carrying the term itself, or through one of its published services.
        if data.get("taxonomy_term_id") or data.get("taxonomy_id"):
            own = _term_filter(queryset, "organization", data)
            services = _term_filter(queries.visible_services(), "service", data)
            queryset = queryset.filter(
                Q(pk__in=own.values("pk"))
                | Q(pk__in=services.values("organization_id"))
            )
        return queryset

    def full(self) -> bool:
        data = self.parameters()
        return self.action == "retrieve" or bool(
            data.get("full")
            or data.get("full_service")
            or data.get("format") == "ndjson"
        )

    def get_serializer_class(self):
        if self.full():
            return serializers.OrganizationDetailSerializer
        return serializers.OrganizationListSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["full_service"] = self.parameters().get("full_service", False)
        return context

    def fetch(self, queryset):
        if not self.full():
            return queryset
        full_service = self.parameters().get("full_service", False)
        return queries.full_organizations(queryset, full_services=full_service)

    def prepare(self, objects):
        if self.full():
            queries.attach_metadata(objects)
            if self.parameters().get("full_service"):
                services = [s for o in objects for s in o.hsds_services]
                queries.attach_metadata(services)


# Taxonomies ------------------------------------------------------------------

SIMPLE_LIST = [params.SEARCH, params.PAGE, params.PER_PAGE, params.FORMAT]


@extend_schema_view(
    list=extend_schema(
        summary="Paginated list of taxonomies",
        parameters=SIMPLE_LIST,
        responses={
            (200, "application/json"): serializers.TaxonomySerializer(many=True),
            (200, NDJSON): STREAM,
            400: ERROR,
        },
    ),
    retrieve=extend_schema(
        summary="A taxonomy",
        responses={200: serializers.TaxonomySerializer, 404: NOT_FOUND},
    ),
)
class TaxonomyViewSet(HSDSViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.TaxonomySerializer

    def get_queryset(self):
        return Taxonomy.objects.order_by("name", "pk")

    def filter_queryset(self, queryset):
        if self.action == "list" and (text := self.parameters().get("search")):
            queryset = queryset.filter(
                Q(name__icontains=text) | Q(description__icontains=text)
            )
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="Paginated list of taxonomy terms",
        parameters=[
            *SIMPLE_LIST,
            params.TAXONOMY_ID,
            params.TOP_ONLY,
            params.PARENT_ID,
        ],
        responses={
            (200, "application/json"): serializers.TaxonomyTermSerializer(many=True),
            (200, NDJSON): STREAM,
            400: ERROR,
        },
    ),
    retrieve=extend_schema(
        summary="A taxonomy term",
        responses={200: serializers.TaxonomyTermSerializer, 404: NOT_FOUND},
    ),
)
class TaxonomyTermViewSet(HSDSViewMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.TaxonomyTermSerializer
    parameters_class = params.TaxonomyTermParameters

    def get_queryset(self):
        return queries.terms_queryset()

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        data = self.parameters()
        if text := data.get("search"):
            queryset = queryset.filter(
                Q(name__icontains=text)
                | Q(code__icontains=text)
                | Q(description__icontains=text)
            )
        if data.get("taxonomy_id"):
            queryset = queryset.filter(taxonomy_detail_id=data["taxonomy_id"])
        if data.get("top_only"):
            queryset = queryset.filter(parent__isnull=True)
        if data.get("parent_id"):
            queryset = queryset.filter(parent_id=data["parent_id"])
        return queryset

    def fetch(self, queryset):
        return queryset.select_related("taxonomy_detail")


# Service at location ---------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Paginated list of services at locations",
        parameters=[
            params.SEARCH,
            params.TAXONOMY_TERM_ID,
            params.TAXONOMY_ID,
            params.ORGANIZATION_ID,
            params.MODIFIED_AFTER,
            params.FULL,
            params.PAGE,
            params.PER_PAGE,
            params.FORMAT,
            params.POSTCODE,
            params.PROXIMITY,
        ],
        responses={
            (200, "application/json"): serializers.ServiceAtLocationListSerializer(
                many=True
            ),
            (200, NDJSON): STREAM,
            400: ERROR,
        },
    ),
    retrieve=extend_schema(
        summary="A fully nested service at location",
        responses={200: serializers.ServiceAtLocationSerializer, 404: NOT_FOUND},
    ),
)
class ServiceAtLocationViewSet(HSDSViewMixin, viewsets.ReadOnlyModelViewSet):
    parameters_class = params.ServiceAtLocationParameters

    def get_queryset(self):
        return queries.visible_links().order_by("service__name", "pk")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        data = self.parameters()
        if data.get("search"):
            from ..search import search_services

            found = search_services(
                queries.visible_services(),
                data["search"],
                relax_below=settings.DIRECTORY_PAGE_SIZE,
            )
            queryset = queryset.filter(service__in=found.values("pk"))
        if data.get("organization_id"):
            queryset = queryset.filter(service__organization_id=data["organization_id"])
        if data.get("modified_after"):
            queryset = queryset.filter(
                service__last_modified__gte=data["modified_after"]
            )
        queryset = _term_filter(queryset, "service", data, field="service_id")
        if data.get("postcode"):
            queryset = self.near_postcode(
                queryset, data["postcode"], data.get("proximity")
            )
        return queryset

    def near_postcode(self, queryset, postcode: str, metres: float | None):
        """Links serving this postcode, as HSDS asks.

        Within the service area, when the link (or else its service) has one
        that can be read; otherwise at a location with this postcode. With
        `metres`, only links that near its centre, too.
        """
        covering = _covering(postcode)
        own = ServiceCoverage.objects.areas().filter(service_at_location__isnull=False)
        shared = ServiceCoverage.objects.areas().filter(
            service_at_location__isnull=True
        )
        # A link's own area decides for it; its service's, when it has none.
        with_own = Q(pk__in=own.values("service_at_location_id"))
        in_area = Q(
            pk__in=covering.filter(service_at_location__isnull=False).values(
                "service_at_location_id"
            )
        ) | (
            ~with_own
            & Q(
                service_id__in=covering.filter(service_at_location__isnull=True).values(
                    "service_id"
                )
            )
        )
        has_area = with_own | Q(service_id__in=shared.values("service_id"))
        if metres is None:
            at_postcode = Q(location_id__in=_at_postcode(postcode))
            return queryset.filter(in_area | (~has_area & at_postcode))
        near = Q(location_id__in=_locations_within(postcode, metres))
        return queryset.filter(near, in_area | ~has_area)

    def full(self) -> bool:
        data = self.parameters()
        return self.action == "retrieve" or bool(
            data.get("full") or data.get("format") == "ndjson"
        )

    def get_serializer_class(self):
        if self.full():
            return serializers.ServiceAtLocationSerializer
        return serializers.ServiceAtLocationListSerializer

    def fetch(self, queryset):
        if self.full():
            return queries.full_links(queryset)
        return queries.listed_links(queryset)

    def prepare(self, objects):
        if self.full():
            queries.attach_metadata([link.service for link in objects])


# The root ----------------------------------------------------------------------


class RootView(APIView):
    """`GET /api/`: which HSDS this is and where its OpenAPI document is."""

    authentication_classes = ()
    permission_classes = (permissions.AllowAny,)

    @extend_schema(
        summary="API meta information", responses={200: serializers.RootSerializer}
    )
    def get(self, request):
        return Response(
            {
                "version": serializers.HSDS_VERSION,
                "profile": PROFILE_URL,
                "openapi_url": request.build_absolute_uri(reverse("api:schema")),
                "description": settings.SPECTACULAR_SETTINGS["DESCRIPTION"],
                "publisher": {
                    key: value
                    for key, value in settings.DIRECTORY_PUBLISHER.items()
                    if value
                },
            }
        )
