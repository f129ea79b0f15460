"""What the HSDS API and the HSDS exports may show, and how to fetch it.

Everything public starts from `Service.objects.published()`. Each nested
shape has one function that prefetches all of it, so a page costs the same
number of queries whatever its size.
"""

from django.db.models import Prefetch, Q, QuerySet

from ..models import (
    Attribute,
    Contact,
    Location,
    Metadata,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
)


def visible_services(*, public: bool = True) -> QuerySet:
    """Return the services a reader may see: published ones, or all for staff."""
    return Service.objects.published() if public else Service.objects.all()


def visible_locations(*, public: bool = True) -> QuerySet:
    """Return locations of published services, and those of no service at all.

    A location used only by draft or retired services stays private.
    """
    if not public:
        return Location.objects.all()
    links = ServiceAtLocation.objects.values("location_id")
    published = links.filter(service__in=visible_services().values("pk"))
    return Location.objects.filter(Q(pk__in=published) | ~Q(pk__in=links))


def visible_links(*, public: bool = True) -> QuerySet:
    """Return service-at-location rows of visible services."""
    links = ServiceAtLocation.objects.all()
    if public:
        links = links.filter(service__in=visible_services().values("pk"))
    return links


def _attributes(prefix: str) -> Prefetch:
    return Prefetch(
        f"{prefix}attributes",
        queryset=Attribute.objects.select_related(
            "taxonomy_term__taxonomy_detail"
        ).order_by("taxonomy_term__name", "pk"),
    )


def _phones(prefix: str) -> list:
    return [
        Prefetch(f"{prefix}phones", queryset=Phone.objects.order_by("pk")),
        f"{prefix}phones__languages",
    ]


def _contacts(prefix: str) -> list:
    return [
        Prefetch(f"{prefix}contacts", queryset=Contact.objects.order_by("pk")),
        *_phones(f"{prefix}contacts__"),
    ]


def location_prefetches(prefix: str) -> list:
    """Prefetch everything a full HSDS location nests, under `prefix`."""
    return [
        f"{prefix}languages",
        f"{prefix}addresses",
        *_contacts(prefix),
        f"{prefix}accessibility",
        *_phones(prefix),
        f"{prefix}schedules",
        _attributes(prefix),
    ]


def organization_prefetches(prefix: str, *, public: bool) -> list:
    """Prefetch everything a full HSDS organization nests (not its services)."""
    return [
        f"{prefix}additional_websites",
        f"{prefix}funding",
        *_contacts(prefix),
        *_phones(prefix),
        Prefetch(
            f"{prefix}locations",
            queryset=visible_locations(public=public).order_by("name", "pk"),
        ),
        *location_prefetches(f"{prefix}locations__"),
        f"{prefix}programs",
        f"{prefix}organization_identifiers",
        _attributes(prefix),
    ]


def link_prefetches(prefix: str) -> list:
    """Prefetch what a service-at-location nests besides its service."""
    return [
        f"{prefix}service_areas",
        *_contacts(prefix),
        *_phones(prefix),
        f"{prefix}schedules",
        *location_prefetches(f"{prefix}location__"),
    ]


def service_prefetches(prefix: str = "", *, public: bool, links: bool = True) -> list:
    """Prefetch everything a fully nested HSDS service holds."""
    lookups = [
        f"{prefix}additional_urls",
        *_phones(prefix),
        f"{prefix}schedules",
        f"{prefix}closures",  # they change what the schedules say
        f"{prefix}service_areas",
        f"{prefix}languages",
        *organization_prefetches(f"{prefix}organization__", public=public),
        f"{prefix}funding",
        f"{prefix}cost_options",
        f"{prefix}required_documents",
        *_contacts(prefix),
        Prefetch(
            f"{prefix}capacities",
            queryset=ServiceCapacity.objects.select_related("unit"),
        ),
        _attributes(prefix),
    ]
    if links:
        lookups += [
            Prefetch(
                f"{prefix}service_at_locations",
                queryset=ServiceAtLocation.objects.select_related("location").order_by(
                    "pk"
                ),
            ),
            *link_prefetches(f"{prefix}service_at_locations__"),
        ]
    return lookups


def full_services(queryset: QuerySet, *, public: bool = True) -> QuerySet:
    """Fetch fully nested services in a fixed number of queries."""
    return queryset.select_related("organization", "program").prefetch_related(
        *service_prefetches(public=public)
    )


def listed_services(queryset: QuerySet) -> QuerySet:
    """Fetch services with the one-to-one fields a list shows."""
    return queryset.select_related("organization", "program")


def full_organizations(
    queryset: QuerySet, *, public: bool = True, full_services: bool = False
) -> QuerySet:
    """Fetch fully nested organizations; their services listed or in full."""
    services = visible_services(public=public).select_related("organization", "program")
    lookups = organization_prefetches("", public=public)
    lookups.append(
        Prefetch(
            "services",
            queryset=services.order_by("name", "pk"),
            to_attr="hsds_services",
        )
    )
    if full_services:
        lookups += service_prefetches("hsds_services__", public=public)
    return queryset.prefetch_related(*lookups)


def full_links(queryset: QuerySet, *, public: bool = True) -> QuerySet:
    """Fetch fully nested service-at-location rows, with their services."""
    return queryset.select_related(
        "location", "service__organization", "service__program"
    ).prefetch_related(
        *link_prefetches(""),
        *service_prefetches("service__", public=public, links=False),
    )


def listed_links(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(
        "location", "service__organization", "service__program"
    )


def attach_metadata(objects, attribute: str = "hsds_metadata") -> None:
    """Give each object its HSDS metadata rows (the change log), in one query."""
    by_id = {obj.pk: obj for obj in objects}
    for obj in by_id.values():
        setattr(obj, attribute, [])
    if not by_id:
        return
    rows = Metadata.objects.filter(resource_id__in=list(by_id)).order_by(
        "last_action_date", "pk"
    )
    for row in rows:
        getattr(by_id[row.resource_id], attribute).append(row)


def terms_queryset() -> QuerySet:
    return TaxonomyTerm.objects.select_related("taxonomy_detail").order_by("name", "pk")


def organizations_queryset() -> QuerySet:
    return Organization.objects.order_by("name", "pk")
