"""A service's story: one timeline of its changes and of everything its page shows.

The service's own versions, and those of its schedules, closures, phones,
locations and their addresses, categories and access terms, languages,
costs, documents and areas, plus the verification log: each with who,
when, through what (admin, queue, import, verification, merge) and what
changed, field by field. Deleted records stay in it (their history does).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib import admin
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from .models import (
    Accessibility,
    Address,
    Attribute,
    Closure,
    Contact,
    CostOption,
    Language,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from .models.base import Channel

LIMIT = 200
ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping, not what a listing says.
UNSHOWN_FIELDS = {"last_modified", "assurer_email"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Event:
    when: dt.datetime
    who: str
    channel: str
    kind: str  # what the record is: "schedule", "phone"...
    record: str  # the record as it read then
    action: str  # "created", "changed", "deleted", or a verification outcome
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    revert_url: str = ""


def _owned_by(service_id, links: set, locations: set):
    """The rows of the service itself, of its links and of its locations."""

    def owners(model) -> Q:
        names = {f.name for f in model._meta.get_fields()}
        condition = Q(pk__in=[])
        if "service" in names:
            condition |= Q(service_id=service_id)
        if "service_at_location" in names:
            condition |= Q(service_at_location_id__in=links)
        if "location" in names:
            condition |= Q(location_id__in=locations)
        return condition

    return owners


def _value(model, name: str, value, labels: dict) -> str:
    if value is None or value == "":
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name in labels:
        return labels[name].get(value, str(value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _revert_url(model, entry) -> str:
    if model not in admin.site._registry:
        return ""
    try:
        return reverse(
            f"admin:resources_{model._meta.model_name}_simple_history",
            args=[entry.id, entry.history_id],
        )
    except NoReverseMatch:
        return ""


def _events_of(model, entries, labels: dict, label_of, kind: str) -> list[Event]:
    """Turn one model's history entries (ordered by record, then time) into events."""
    events = []
    previous = None
    for entry in entries:
        if previous is not None and previous.id != entry.id:
            previous = None
        changes = []
        if entry.history_type == "~" and previous is not None:
            diff = entry.diff_against(previous, foreign_keys_are_objs=False)
            for change in diff.changes:
                if change.field in UNSHOWN_FIELDS:
                    continue
                changes.append(
                    Change(
                        field=str(model._meta.get_field(change.field).verbose_name),
                        old=_value(model, change.field, change.old, labels),
                        new=_value(model, change.field, change.new, labels),
                    )
                )
        unchanged = entry.history_type == "~" and previous is not None and not changes
        previous = entry
        if unchanged and not entry.history_change_reason:
            continue  # a save that changed nothing a person reads
        events.append(
            Event(
                when=entry.history_date,
                who=entry.history_user.get_username() if entry.history_user else "",
                channel=entry.get_history_channel_display(),
                kind=kind,
                record=label_of(entry),
                action=ACTIONS.get(entry.history_type, "changed"),
                reason=entry.history_change_reason or "",
                changes=changes,
                revert_url=_revert_url(model, entry),
            )
        )
    return events


def service_timeline(service: Service, limit: int = LIMIT) -> list[Event]:
    """Return the latest `limit` events of the service's story, newest first.

    A fixed number of queries, however long the story.
    """
    link_rows = ServiceAtLocation.history.filter(service_id=service.pk).values_list(
        "id", "location_id"
    )
    links = {link for link, _location in link_rows}
    locations = {location for _link, location in link_rows}
    location_names = dict(
        Location.history.filter(id__in=locations)
        .order_by("history_date")
        .values_list("id", "name")
    )
    term_ids = set(
        Attribute.history.filter(link_id=service.pk).values_list(
            "taxonomy_term_id", flat=True
        )
    )
    term_names = dict(
        TaxonomyTerm.objects.filter(pk__in=term_ids).values_list("pk", "name")
    )
    labels = {"location": location_names, "taxonomy_term": term_names}
    owners = _owned_by(service.pk, links, locations)

    def plain(entry) -> str:
        return str(entry.instance)

    # What caseworkers call these records, where it is not the model's name.
    kinds = {
        ServiceAtLocation: _("where it is offered"),
        Attribute: _("category or access term"),
    }

    sources = [
        (Service, Q(id=service.pk), lambda entry: entry.name),
        (
            ServiceAtLocation,
            Q(service_id=service.pk),
            lambda entry: location_names.get(entry.location_id, "—"),
        ),
        (Location, Q(id__in=locations), plain),
        (Address, Q(location_id__in=locations), plain),
        (Accessibility, Q(location_id__in=locations), plain),
        (
            Attribute,
            Q(link_id=service.pk),
            lambda entry: term_names.get(entry.taxonomy_term_id, "—"),
        ),
    ] + [
        (model, owners(model), plain)
        for model in (
            Schedule,
            Closure,
            Phone,
            Language,
            Contact,
            CostOption,
            RequiredDocument,
            ServiceArea,
        )
    ]
    events = []
    for model, condition, label_of in sources:
        entries = (
            model.history.filter(condition)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        kind = str(kinds.get(model, model._meta.verbose_name))
        events += _events_of(model, entries, labels, label_of, kind)
    for verification in service.verifications.select_related("verified_by"):
        events.append(
            Event(
                when=verification.verified_at,
                who=(
                    verification.verified_by.get_username()
                    if verification.verified_by
                    else ""
                ),
                channel=Channel.VERIFICATION.label,
                kind=str(verification._meta.verbose_name),
                record=verification.get_method_display(),
                action=verification.get_outcome_display(),
                reason=verification.notes,
            )
        )
    events.sort(key=lambda event: event.when, reverse=True)
    return events[:limit]
