"""What caseworkers learn from the site's use, with nothing about any person."""

import datetime

from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long a day's counts are kept, today included; older rows are deleted
# on each write and by `manage.py purge_search_reports`.
RETENTION_DAYS = 90
# On how many different days the same words must have been searched before
# anyone sees them: one person typing a name on one day never shows.
MIN_DAYS_SEEN = 3


def retained_since(today: datetime.date | None = None) -> datetime.date:
    """Return the first day whose counts are kept, `RETENTION_DAYS` back from today."""
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=RETENTION_DAYS - 1)


class ZeroResultSearchQuerySet(models.QuerySet):
    def expired(self, today: datetime.date | None = None):
        """Return the rows older than the retention period: to delete."""
        return self.filter(date__lt=retained_since(today))

    def shown(self, today: datetime.date | None = None):
        """Return the kept rows whose words were searched on `MIN_DAYS_SEEN` days.

        The days are counted over everything kept, whatever else filters
        this queryset, so a period chosen in a report does not hide words
        that are common enough, nor show words that are not.
        """
        since = retained_since(today)
        frequent = (
            self.model._default_manager.using(self.db)
            .filter(date__gte=since)
            .values("words")
            .annotate(days=Count("date", distinct=True))
            .filter(days__gte=MIN_DAYS_SEEN)
            .values("words")
        )
        return self.filter(date__gte=since, words__in=frequent)


class ZeroResultSearch(models.Model):
    """How often, on one day, a search for these words found nothing.

    Only words that the directory or the common words of English and
    Spanish know (see `resources.services.zero_result_words`), the date and
    a count: no time of day, address, browser or anything else that could
    tie a search to a person. A counter, so it keeps no history; kept for
    `RETENTION_DAYS`.
    """

    words = models.CharField(_("words"), max_length=200)
    date = models.DateField(_("date"))
    count = models.PositiveIntegerField(_("searches"), default=0)

    objects = ZeroResultSearchQuerySet.as_manager()

    class Meta:
        verbose_name = _("search that found nothing")
        verbose_name_plural = _("searches that found nothing")
        ordering = ["-date", "-count"]
        constraints = [
            models.UniqueConstraint(
                fields=["words", "date"], name="zero_result_search_unique"
            )
        ]
        indexes = [models.Index(fields=["date"], name="zero_result_search_date_idx")]

    def __str__(self):
        return f"{self.words} ({self.date}: {self.count})"
