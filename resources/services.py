"""Writes that span several models. Keyword-only, typed, atomic."""

import dataclasses
import datetime
import re
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import changes, hours, search, taxonomies
from .history import through
from .models import (
    Attribute,
    ChangeRequest,
    ConceptAlias,
    Location,
    Metadata,
    OpeningWindow,
    Organization,
    Service,
    ServiceAtLocation,
    SynonymGroup,
    TaxonomyTerm,
    Verification,
    ZeroResultSearch,
)
from .models.base import Channel
from .models.corrections import Problem, RequestSource, RequestStatus
from .models.reports import retained_since
from .models.schedules import closures_by_service, hours_by_service, zones_by_service
from .search import language, query


@transaction.atomic
def service_set_terms(
    *, service: Service, taxonomy_id, terms: Iterable[TaxonomyTerm]
) -> None:
    """Make `terms` the service's terms from one taxonomy, keeping the others.

    Unchanged terms keep their attribute rows (and so their ids and history).
    """
    wanted = {term.pk for term in terms}
    current = Attribute.objects.for_entity("service").filter(
        link_id=service.pk, taxonomy_term__taxonomy_detail_id=taxonomy_id
    )
    for attribute in current:
        if attribute.taxonomy_term_id in wanted:
            wanted.discard(attribute.taxonomy_term_id)
        else:
            attribute.delete()
    for term_pk in wanted:
        attribute = Attribute(
            link_entity="service", link_id=service.pk, taxonomy_term_id=term_pk
        )
        attribute.full_clean()
        attribute.save()


@transaction.atomic
def opening_windows_rebuild(*, service_ids: Iterable) -> int:
    """Recompile the opening windows of these services from their schedules.

    Returns the number of windows written. Services that no longer exist
    simply lose theirs.
    """
    service_ids = list(service_ids)
    OpeningWindow.objects.filter(service_id__in=service_ids).delete()
    links = ServiceAtLocation.objects.filter(service_id__in=service_ids).values_list(
        "pk", "service_id", "location_id"
    )
    rows = hours_by_service(service_ids, links)
    closures = {
        service_id: [hours.Closure.of(closure) for closure in service_closures]
        for service_id, service_closures in closures_by_service(service_ids).items()
    }
    zones = zones_by_service(service_ids, settings.TIME_ZONE)
    # (service, schedule row or None for a closure's special hours, rule)
    rules = [
        (service_id, row.pk, piece)
        for service_id, schedules in rows.items()
        for row in schedules
        for piece in hours.without_closures(
            hours.Rule.of(row), closures.get(service_id, ())
        )
    ] + [
        (service_id, None, rule)
        for service_id, service_closures in closures.items()
        for closure in service_closures
        if (rule := hours.special_hours(closure)) is not None
    ]
    windows = [
        OpeningWindow(
            service_id=service_id,
            schedule_id=schedule_id,
            zone=zones[service_id],
            **dataclasses.asdict(window),
        )
        for service_id, schedule_id, rule in rules
        for window in hours.compile_rule(rule)
    ]
    OpeningWindow.objects.bulk_create(windows, batch_size=2000)
    return len(windows)


# Verification -----------------------------------------------------------------


@transaction.atomic
@through(Channel.VERIFICATION)
def service_verify(
    *,
    service: Service,
    user,
    method: str,
    outcome: str,
    notes: str,
    when: datetime.datetime | None = None,
) -> Verification:
    """Log one verification of `service`; a confirmed or updated one assures it.

    Assuring sets the service's HSDS `assured_date` (the day of `when`, in
    the directory's zone) and `assurer_email` (the directory's verification
    address, `DIRECTORY_VERIFICATION_EMAIL`: never the verifier's own, who is
    kept in the log and the history). A verification logged late, older
    than the current assured date, is kept in the log but moves nothing
    back.
    """
    verification = Verification(
        service=service,
        verified_by=user,
        verified_at=when or timezone.now(),
        method=method,
        outcome=outcome,
        notes=notes,
    )
    verification.full_clean()
    verification.save()
    day = timezone.localdate(verification.verified_at)
    if verification.assures and (
        service.assured_date is None or service.assured_date <= day
    ):
        service.assured_date = day
        service.assurer_email = settings.DIRECTORY_VERIFICATION_EMAIL
        service.clean_fields(
            exclude=[
                field.name
                for field in Service._meta.fields
                if field.name not in ("assured_date", "assurer_email")
            ]
        )
        service._history_user = user
        service._change_reason = _("Verified (%(method)s)") % {
            "method": verification.get_method_display()
        }
        service.save(update_fields=["assured_date", "assurer_email", "last_modified"])
    if verification.outcome == Verification.Outcome.UNREACHABLE:
        _flag_if_unreachable(service)
    return verification


def _flag_if_unreachable(service: Service) -> ChangeRequest | None:
    """After the last few calls could not reach the provider, queue a review.

    One open request at a time: the caseworker who works it decides whether
    the service has closed, moved or changed its number.
    """
    limit = settings.DIRECTORY_UNREACHABLE_FLAG
    missed = Service.objects.with_unreachable_count().get(pk=service.pk)
    if missed.unreachable_count < limit:
        return None
    flagged = ChangeRequest.objects.open().filter(
        service=service, source=ChangeRequest.Source.VERIFICATION
    )
    if flagged.exists():
        return None
    return ChangeRequest.objects.create(
        service=service,
        organization=service.organization,
        problem=Problem.CLOSED,
        source=ChangeRequest.Source.VERIFICATION,
        message=_(
            "Verification calls could not reach them %(count)s times in a row. "
            "Check whether the service still runs, has moved or has a new number."
        )
        % {"count": missed.unreachable_count},
    )


# The corrections queue --------------------------------------------------------


@transaction.atomic
def change_request_propose(
    *,
    user,
    listing: Service | Location,
    operations: list[dict],
    note: str = "",
) -> ChangeRequest | None:
    """Hold an organization editor's edit of `listing` for a caseworker's review.

    Return None when the edit changes nothing.
    """
    if not operations:
        return None
    for operation in operations:
        if operation["model"] not in changes.EDITABLE_MODELS:
            raise ValidationError(_("This change cannot be proposed."))
    change_request = ChangeRequest(
        service=listing if isinstance(listing, Service) else None,
        location=listing if isinstance(listing, Location) else None,
        organization_id=listing.organization_id,
        problem=Problem.UPDATE,
        source=RequestSource.EDITOR,
        message=(note or changes.summarize(operations))[:2000],
        proposed_changes=operations,
        submitted_by=user,
    )
    change_request.full_clean()
    change_request.save()
    return change_request


def _open_for_update(change_request: ChangeRequest) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if not locked.is_open:
        raise ValidationError(
            _("This request has already been dealt with (%(status)s).")
            % {"status": locked.get_status_display()}
        )
    return locked


def _resolve(change_request: ChangeRequest, *, user, status: str, note: str) -> None:
    change_request.status = status
    change_request.resolved_at = timezone.now()
    change_request.resolved_by = user
    change_request.resolution_note = note
    # The reporter's contact is only for questions while the report is open.
    change_request.contact = ""
    change_request._history_user = user
    change_request.full_clean()
    change_request.save()
    change_request_forget_contact(change_request.pk)


def change_request_forget_contact(pk) -> int:
    """Erase the reporter's contact from every stored version of a request.

    The public form promises the contact goes once the request is dealt
    with: from its history rows too, which old versions and the history
    export show. Called on resolving and, by a signal, on deleting.
    """
    return ChangeRequest.history.filter(id=pk).exclude(contact="").update(contact="")


@transaction.atomic
@through(Channel.QUEUE)
def change_request_accept(
    *,
    change_request: ChangeRequest,
    user,
    verify: bool = False,
    method: str = "",
    notes: str = "",
) -> ChangeRequest:
    """Accept a request: apply exactly its proposed changes, if it has any.

    Each change lands in its record's history under `user`, with the
    request named as the reason. With `verify`, also log a verification
    (outcome "updated" when something changed, else "confirmed") of the
    service, or of every service at the location.
    """
    locked = _open_for_update(change_request)
    reason = _("Change request %(id)s accepted") % {"id": str(locked.pk)[:8]}
    for operation in locked.proposed_changes:
        changes.apply_operation(operation, user=user, reason=reason)
    if verify:
        if not method:
            raise ValidationError(_("Say how the listing was verified."))
        services = (
            [locked.service]
            if locked.service_id
            else list(
                Service.objects.filter(
                    service_at_locations__location_id=locked.location_id
                )
            )
        )
        outcome = (
            Verification.Outcome.UPDATED
            if locked.proposed_changes
            else Verification.Outcome.CONFIRMED
        )
        for service in services:
            service.refresh_from_db()
            service_verify(
                service=service,
                user=user,
                method=method,
                outcome=outcome,
                notes=notes or reason,
            )
    _resolve(locked, user=user, status=RequestStatus.ACCEPTED, note=notes)
    return locked


@transaction.atomic
def change_request_reject(
    *, change_request: ChangeRequest, user, reason: str
) -> ChangeRequest:
    """Reject a request, saying why; nothing in the listing changes."""
    if not reason.strip():
        raise ValidationError(_("Give a reason for rejecting the request."))
    locked = _open_for_update(change_request)
    _resolve(locked, user=user, status=RequestStatus.REJECTED, note=reason.strip())
    return locked


@transaction.atomic
def change_request_mark_duplicate(
    *,
    change_request: ChangeRequest,
    user,
    duplicate_of: ChangeRequest | None = None,
    note: str = "",
) -> ChangeRequest:
    """Close a request that repeats another one; nothing in the listing changes."""
    locked = _open_for_update(change_request)
    if duplicate_of is not None and duplicate_of.pk == locked.pk:
        raise ValidationError(_("A request cannot duplicate itself."))
    locked.duplicate_of = duplicate_of
    _resolve(locked, user=user, status=RequestStatus.DUPLICATE, note=note)
    return locked


# Merging duplicates -----------------------------------------------------------

# Rebuilt from the records themselves; never moved, only recomputed.
DERIVED = ("SearchEntry", "OpeningWindow")


def _save(row: models.Model, *, user, reason: str) -> None:
    row._history_user = user
    row._change_reason = reason
    row.save()


def _move_related(keep, merge, *, user, reason: str) -> None:
    """Point every row that refers to `merge` at `keep` instead, one save each.

    Saving row by row puts each move in that row's history. Where `keep`
    already has the same link (a service at the same location, an editor
    of the same organization), the duplicate link goes and what hangs off
    it moves to `keep`'s.
    """
    for relation in merge._meta.related_objects:
        field = relation.field
        if not isinstance(field, models.ForeignKey):
            continue  # virtual links (HSDS attributes) are moved by the caller
        model = relation.related_model
        if model.__name__ in DERIVED or field.remote_field.model is not type(merge):
            continue
        for row in model._default_manager.filter(**{field.name: merge}):
            twin = _existing_twin(row, field, keep)
            if twin is not None:
                _move_related(twin, row, user=user, reason=reason)
                row._history_user = user
                row._change_reason = reason
                row.delete()
                continue
            if row == keep:
                # `keep` was a child of `merge`: it cannot become its own child.
                setattr(row, field.name, None)
            else:
                setattr(row, field.name, keep)
            _save(row, user=user, reason=reason)


def _existing_twin(row, field, keep):
    """Return the row of `keep` that `row` would duplicate under a unique constraint."""
    for constraint in row._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or (
            field.name not in constraint.fields
        ):
            continue
        lookup = {
            name: keep if name == field.name else getattr(row, name)
            for name in constraint.fields
        }
        twin = type(row)._default_manager.filter(**lookup).first()
        if twin is not None:
            return twin
    return None


def _move_attributes(keep, merge, *, entity: str, user, reason: str) -> None:
    kept_terms = set(
        Attribute.objects.for_entity(entity)
        .filter(link_id=keep.pk)
        .values_list("taxonomy_term_id", flat=True)
    )
    for attribute in Attribute.objects.for_entity(entity).filter(link_id=merge.pk):
        if attribute.taxonomy_term_id in kept_terms:
            attribute._history_user = user
            attribute._change_reason = reason
            attribute.delete()
        else:
            attribute.link_id = keep.pk
            kept_terms.add(attribute.taxonomy_term_id)
            _save(attribute, user=user, reason=reason)


@through(Channel.MERGE)
def _merge(keep, merge, *, user, entity: str):
    if keep.pk == merge.pk:
        raise ValidationError(_("Choose two different records to merge."))
    reason = _("Merged %(name)s (%(id)s) into %(kept)s") % {
        "name": merge,
        "id": merge.pk,
        "kept": keep,
    }
    _move_related(keep, merge, user=user, reason=reason)
    _move_attributes(keep, merge, entity=entity, user=user, reason=reason)
    keep.refresh_from_db()
    # Fill what `keep` lacks from `merge`; what `keep` says wins.
    for field in type(keep)._meta.concrete_fields:
        if field.primary_key or not field.editable:
            continue
        if getattr(keep, field.attname) in (None, "") and getattr(
            merge, field.attname
        ) not in (None, ""):
            setattr(keep, field.attname, getattr(merge, field.attname))
    # The merged record's past becomes part of the kept record's.
    history = type(merge).history.model
    history._default_manager.filter(id=merge.pk).update(id=keep.pk)
    Metadata.objects.filter(resource_type=entity, resource_id=merge.pk).update(
        resource_id=keep.pk
    )
    Metadata.objects.create(
        resource_id=keep.pk,
        resource_type=entity,
        last_action_date=timezone.now(),
        last_action_type="merge",
        field_name="id",
        previous_value=str(merge.pk),
        replacement_value=str(keep.pk),
        updated_by="merge",  # published: the person is in the staff history
    )
    keep.full_clean()
    _save(keep, user=user, reason=reason)
    merge._history_user = user
    merge._change_reason = reason
    merge.delete()
    return keep


@transaction.atomic
def organization_merge(
    *, keep: Organization, merge: Organization, user
) -> Organization:
    """Merge the organization `merge` into `keep` and delete `merge`.

    Its services, locations, phones, contacts, programs, editors, change
    requests, categories, HSDS metadata and history all move to `keep`.
    """
    return _merge(keep, merge, user=user, entity="organization")


@transaction.atomic
def service_merge(*, keep: Service, merge: Service, user) -> Service:
    """Merge the service `merge` into `keep` and delete `merge`.

    Its locations, phones, hours, languages, costs, documents, areas,
    contacts, verifications, change requests, categories, HSDS metadata and
    history all move to `keep`.
    """
    return _merge(keep, merge, user=user, entity="service")


# Reports ----------------------------------------------------------------------

MAX_SEARCH_WORDS = 8
MIN_WORD_LENGTH = 2
MAX_WORD_LENGTH = 30

# Contact details or an address on the web: whoever typed them is not
# asking for a service, and they say who someone is. Matched on the text
# as typed (compatibility-normalised, so "＠" is "@" and "８" is "8").
_CONTACT_SHAPES = re.compile(
    r"""
    @                                         # an e-mail address, a handle
    | \b(?:at|arroba)\s+\S+\s+(?:dot|punto)\b  # "ana at mail dot com"
    | (?:\d[\s().\-/+]*){7,}                  # seven digits: a phone number
    | [a-z][a-z0-9+.\-]*://                   # a URL
    | \bwww\.
    | [^\W_]\.[^\W\d_]{2,}\b                  # a domain: "mail.com", "ana.org"
    """,
    re.IGNORECASE | re.VERBOSE,
)


def zero_result_words(text: str, *, using: str | None = None) -> str:
    """Return the words of a search worth counting: known words, nothing personal.

    Nothing at all is kept from a text that looks like contact details: an
    e-mail address (any "@"), a phone number (seven digits or more), a URL
    or a domain name. Of any other text, a word is kept only when it

    - is made of 2 to 30 letters: a word with a digit (ZIP code, house
      number, date) says something about a person, not a need;
    - is no stop word ("the", "de") nor word of asking ("need", "busco");
    - is known: one of the common words of English or Spanish, a word of
      the public index (`SearchWord`), or of a synonym group or concept
      alias. A surname, a street or a typo nobody knows is dropped.

    Words are folded (lower case, no accents), each kept once, at most
    `MAX_SEARCH_WORDS` of them, in the order typed.

    Common words include first names ("maria"): those are only ever seen
    once their words have been searched on `MIN_DAYS_SEEN` different days
    (see `ZeroResultSearch.objects.shown`), and all rows go after
    `RETENTION_DAYS`.
    """
    normalised = unicodedata.normalize("NFKC", text)
    if _CONTACT_SHAPES.search(normalised):
        return ""
    dropped = language.stopwords() | language.request_words()
    candidates = [
        word
        for word in dict.fromkeys(query.words(normalised))
        if word.isalpha()
        and MIN_WORD_LENGTH <= len(word) <= MAX_WORD_LENGTH
        and word not in dropped
    ]
    unknown = {word for word in candidates if not language.is_common(word)}
    if unknown:
        unknown -= search.known_words(
            unknown, using=using or router.db_for_read(Service)
        )
    kept: list[str] = []
    width = ZeroResultSearch._meta.get_field("words").max_length
    for word in candidates:
        if word in unknown:
            continue
        if len(" ".join([*kept, word])) > width or len(kept) == MAX_SEARCH_WORDS:
            break
        kept.append(word)
    return " ".join(kept)


def zero_result_search_purge(
    *, today: datetime.date | None = None, using: str | None = None
) -> int:
    """Delete the counts older than `RETENTION_DAYS`; return how many went.

    One DELETE on the date index, cheap enough to run on every write: as
    plain SQL, since nothing cascades from these rows and the ORM's delete
    would wrap it in a transaction of its own.
    """
    using = using or router.db_for_write(ZeroResultSearch)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {ZeroResultSearch._meta.db_table} WHERE date < %s",
            [retained_since(today)],
        )
        return cursor.rowcount


def zero_result_search_record(*, text: str, day: datetime.date | None = None) -> None:
    """Count one search for `text` that found nothing, on `day` (today).

    Only the words `zero_result_words` keeps are counted; counts past the
    retention period are deleted on the way.
    """
    using = router.db_for_write(ZeroResultSearch)
    today = timezone.localdate()
    day = day or today
    # Two independent statements, no transaction needed: the purge only
    # touches days the count below never writes.
    zero_result_search_purge(today=today, using=using)
    words = zero_result_words(text, using=using)
    if not words or day < retained_since(today):
        return
    table = ZeroResultSearch._meta.db_table
    # One statement, safe when two requests count the same words at once
    # (PostgreSQL and SQLite both speak ON CONFLICT).
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (words, date, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (words, date) DO UPDATE SET count = {table}.count + 1",
            [words, day],
        )


def _history(record: models.Model, *, user, reason: str) -> None:
    record._history_user = user
    record._change_reason = reason


def _forget_searches(words: list[str]) -> None:
    # The search now finds something: its count has nothing more to say.
    ZeroResultSearch.objects.filter(words__in=words).delete()


@transaction.atomic
def zero_result_search_make_alias(
    *, words: Iterable[str], term: TaxonomyTerm, language: str, user
) -> list[ConceptAlias]:
    """Make each of these searches' words an alias of `term`, then forget them.

    `term` is a category or an access term of the shipped taxonomies;
    `language` is that of the words ("en" or "es"). A later search for
    the words finds the term's services.
    """
    words = list(dict.fromkeys(words))
    if term.taxonomy_detail_id not in (taxonomies.CATEGORIES_ID, taxonomies.ACCESS_ID):
        raise ValidationError(_("Choose a category or an access term."))
    reason = _("Added from the searches that found nothing")
    created = []
    for phrase in words:
        alias = ConceptAlias(term=term, phrase=phrase, language=language)
        alias.full_clean()
        _history(alias, user=user, reason=reason)
        alias.save()
        created.append(alias)
    _forget_searches(words)
    return created


def _member_key(member: str) -> str:
    return " ".join(query.words(member))


@transaction.atomic
def zero_result_search_make_synonyms(
    *,
    words: Iterable[str],
    members: str = "",
    group: SynonymGroup | None = None,
    user,
) -> SynonymGroup:
    """Put these searches' words in a synonym group, then forget the searches.

    Into `group` when given, else into a new group; `members` (separated
    by commas) are other words that mean the same. A member the group
    already has is not repeated.
    """
    words = list(dict.fromkeys(words))
    if group is not None:
        group = SynonymGroup.objects.select_for_update().get(pk=group.pk)
    existing = [m.strip() for m in (group.members if group else "").split(",")]
    result = [m for m in existing if m]
    have = {_member_key(m) for m in result}
    for member in [*words, *members.split(",")]:
        member = member.strip()
        if member and _member_key(member) not in have:
            have.add(_member_key(member))
            result.append(member)
    group = group or SynonymGroup()
    group.members = ", ".join(result)
    group.full_clean()
    _history(group, user=user, reason=_("Added from the searches that found nothing"))
    group.save()
    _forget_searches(words)
    return group
