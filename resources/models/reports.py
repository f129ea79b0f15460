"""What caseworkers learn from the site's use, with nothing about any person."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ZeroResultSearch(models.Model):
    """How often, on one day, a search for these words found nothing.

    Only the normalised words, the date and a count: no time of day,
    address, browser or anything else that could tie a search to a person.
    A counter, so it keeps no history.
    """

    words = models.CharField(_("words"), max_length=200)
    date = models.DateField(_("date"))
    count = models.PositiveIntegerField(_("searches"), default=0)

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
