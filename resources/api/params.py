"""The HSDS API's query parameters: validated, documented, never a 500.

Each list endpoint validates its parameters with one serializer; a bad value
is a 400 whose JSON body names the parameter, e.g.
``{"per_page": ["Ensure this value is less than or equal to 100."]}``.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from ..models.base import listing_languages
from .pagination import MAX_PER_PAGE


# An id filter takes any well-formed id: one that names nothing here (yet)
# matches nothing, an empty page, as a harvester expects; a malformed one is
# a 400.
def _id():
    return serializers.UUIDField(required=False)


class ListParameters(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200)
    format = serializers.ChoiceField(
        choices=("json", "ndjson"), required=False, default="json"
    )


def _postcode():
    return serializers.CharField(required=False, max_length=20)


def _proximity():
    return serializers.FloatField(
        required=False, min_value=1, max_value=500_000, help_text=_("Metres.")
    )


def _check_proximity(data):
    if data.get("proximity") is not None and not data.get("postcode"):
        raise serializers.ValidationError(
            {"proximity": [_("Give a postcode to measure the proximity from.")]}
        )


class ServiceParameters(ListParameters):
    taxonomy_term_id = _id()
    taxonomy_id = _id()
    organization_id = _id()
    modified_after = serializers.DateTimeField(required=False)
    minimal = serializers.BooleanField(required=False, default=False)
    full = serializers.BooleanField(required=False, default=False)
    open_now = serializers.BooleanField(required=False, default=False)
    postcode = _postcode()
    proximity = _proximity()

    def validate(self, data):
        if data.get("minimal") and data.get("full"):
            raise serializers.ValidationError(
                {"minimal": [_("Ask for minimal or full, not both.")]}
            )
        _check_proximity(data)
        return data


class OrganizationParameters(ListParameters):
    taxonomy_term_id = _id()
    taxonomy_id = _id()
    full = serializers.BooleanField(required=False, default=False)
    full_service = serializers.BooleanField(required=False, default=False)


class OrganizationDetailParameters(serializers.Serializer):
    full_service = serializers.BooleanField(required=False, default=False)


class TaxonomyTermParameters(ListParameters):
    taxonomy_id = _id()
    top_only = serializers.BooleanField(required=False, default=False)
    parent_id = _id()


class ServiceAtLocationParameters(ListParameters):
    taxonomy_term_id = _id()
    taxonomy_id = _id()
    organization_id = _id()
    modified_after = serializers.DateTimeField(required=False)
    full = serializers.BooleanField(required=False, default=False)
    postcode = _postcode()
    proximity = _proximity()

    def validate(self, data):
        _check_proximity(data)
        return data


# OpenAPI documentation of the parameters ---------------------------------------


def _query(name, type_, description, **extra):
    return OpenApiParameter(
        name, type_, OpenApiParameter.QUERY, description=description, **extra
    )


SEARCH = _query("search", OpenApiTypes.STR, "Full text search.")
PAGE = _query(
    "page",
    {"type": "integer", "minimum": 1, "maximum": 10**9},
    "Page number of paginated result, from 1.",
)
PER_PAGE = _query(
    "per_page",
    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
    f"Number of results in one page (at most {MAX_PER_PAGE}).",
)
FORMAT = _query(
    "format",
    OpenApiTypes.STR,
    "`json` (default) or `ndjson`: every matching result, one JSON object "
    "per line, without pagination.",
    enum=["json", "ndjson"],
)
TAXONOMY_TERM_ID = _query(
    "taxonomy_term_id", OpenApiTypes.UUID, "Records with this taxonomy term."
)
TAXONOMY_ID = _query(
    "taxonomy_id", OpenApiTypes.UUID, "Records with any term of this taxonomy."
)
ORGANIZATION_ID = _query(
    "organization_id", OpenApiTypes.UUID, "Services of this organization."
)
MODIFIED_AFTER = _query(
    "modified_after",
    OpenApiTypes.DATETIME,
    "Services modified on or after this date and time (ISO 8601).",
)
MINIMAL = _query(
    "minimal",
    OpenApiTypes.BOOL,
    "Only id, name, status and last_modified of each service.",
)
FULL = _query("full", OpenApiTypes.BOOL, "Fully nested records.")
FULL_SERVICE = _query(
    "full_service", OpenApiTypes.BOOL, "Fully nested services in the organization."
)
TOP_ONLY = _query("top_only", OpenApiTypes.BOOL, "Only terms without a parent.")
PARENT_ID = _query("parent_id", OpenApiTypes.UUID, "Only children of this term.")
POSTCODE = _query(
    "postcode",
    OpenApiTypes.STR,
    "Results serving this postcode: where a service area is given (for the "
    "service at location, else for its service), only those whose area holds "
    "it (a US ZIP code, its town, county or state, or the whole country); "
    "otherwise those at a location with this postcode, and on /services "
    "phone lines with no location or area.",
)
PROXIMITY = _query(
    "proximity",
    {"type": "number", "minimum": 1, "maximum": 500000},
    "Only results with a location within this many metres of the centre of "
    "the postcode (a US ZIP code).",
)

# Extensions: the search page's filters (resources.filters.ServiceFilter).
EXTENSIONS = [
    _query("category", OpenApiTypes.STR, "Extension: a category code."),
    _query(
        "access",
        {"type": "array", "items": {"type": "string"}},
        "Extension: access attribute codes (free, walk-in, ...); all must hold.",
        explode=True,
    ),
    _query("language", OpenApiTypes.STR, "Extension: an ISO 639 language code."),
    _query(
        "age",
        {"type": "integer", "minimum": 0, "maximum": 120},
        "Extension: an age the service accepts.",
    ),
    _query("open_now", OpenApiTypes.BOOL, "Extension: open now."),
    _query(
        "open_at",
        OpenApiTypes.STR,
        "Extension: open at this local date and time (2026-12-01T14:30).",
    ),
    _query("near", OpenApiTypes.STR, "Extension: a US ZIP code, or lat,lon."),
    _query(
        "radius",
        {"type": "number", "minimum": 0.1, "maximum": 200},
        "Extension: miles from `near` (default 10).",
    ),
]


def with_language_parameter(result, generator, request, public):
    """Document `lang` on every listing endpoint (drf-spectacular hook).

    Each viewset answers in the language asked for (`HSDSViewMixin.language`).
    """
    for path, operations in result.get("paths", {}).items():
        if path.startswith(("/schema", "/docs", "/export")) or path == "/":
            continue
        for operation in operations.values():
            operation.setdefault("parameters", []).append(
                {
                    "in": "query",
                    "name": "lang",
                    "schema": {"type": "string", "enum": listing_languages()},
                    "description": "The language of the listing text (else "
                    "Accept-Language, else English); the response's "
                    "Content-Language says which was sent. Every language's "
                    "text is also in the `translations` extension.",
                }
            )
    return result
