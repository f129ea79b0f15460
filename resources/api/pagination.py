"""The HSDS page envelope: total_items, total_pages, page_number, size, ..."""

import math

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


class PageParameters(serializers.Serializer):
    page = serializers.IntegerField(
        required=False,
        default=1,
        min_value=1,
        max_value=10**9,
        help_text=_("Page number, from 1."),
    )
    per_page = serializers.IntegerField(
        required=False,
        default=DEFAULT_PER_PAGE,
        min_value=1,
        max_value=MAX_PER_PAGE,
        help_text=_("Items per page, at most 100."),
    )


class HSDSPagination(BasePagination):
    """Page through a queryset with HSDS's `page` and `per_page` parameters.

    A page past the end is an empty page (`empty: true`), not an error, so
    that clients can stop where the contents run out. A page count of zero
    means there is nothing at all.
    """

    def paginate_queryset(self, queryset, request, view=None):
        params = PageParameters(data=request.query_params)
        params.is_valid(raise_exception=True)
        self.page_number = params.validated_data["page"]
        per_page = params.validated_data["per_page"]
        self.total_items = queryset.count()
        self.total_pages = math.ceil(self.total_items / per_page)
        start = (self.page_number - 1) * per_page
        if start >= self.total_items:
            return []
        return list(queryset[start : start + per_page])

    def get_paginated_response(self, data):
        return Response(
            {
                "total_items": self.total_items,
                "total_pages": self.total_pages,
                "page_number": self.page_number,
                "size": len(data),
                "first_page": self.page_number == 1,
                "last_page": self.page_number >= self.total_pages,
                "empty": not data,
                "contents": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        integer = {"type": "integer"}
        boolean = {"type": "boolean"}
        return {
            "type": "object",
            "required": [
                "total_items",
                "total_pages",
                "page_number",
                "size",
                "first_page",
                "last_page",
                "empty",
                "contents",
            ],
            "properties": {
                "total_items": integer,
                "total_pages": integer,
                "page_number": integer,
                "size": integer,
                "first_page": boolean,
                "last_page": boolean,
                "empty": boolean,
                "contents": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        # Documented by each view's extend_schema, with the HSDS wording.
        return []
