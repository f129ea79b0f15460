"""Writes that span several models. Keyword-only, typed, atomic."""

from collections.abc import Iterable

from django.db import transaction

from .models import Attribute, Service, TaxonomyTerm


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
