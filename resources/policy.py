"""The verification policy: how often each listing must be checked again.

Pure date arithmetic and the deployment's settings; no ORM. The QuerySet
methods in `models.services` turn the same rules into SQL, and tests hold
the two to each other.

Settings (`DIRECTORY_VERIFICATION_POLICY`, every key optional):

- `months`: the default interval, 12 (AIRS / Inform USA: at least yearly);
- `categories`: {category code: months}, e.g. 3 for crisis hotlines. An
  override applies to the category and its sub-categories; a service in
  several categories follows the shortest of their intervals;
- `due_soon_days`: how far ahead the dashboard lists listings as "due", 30;
- `public_warning_after_days`: days past the due date after which the
  public page warns that a listing may be out of date; None (the
  default) never warns.
"""

import calendar
import dataclasses
import datetime
from collections.abc import Iterable


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the same day `months` later (or earlier), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclasses.dataclass(frozen=True)
class VerificationPolicy:
    months: int = 12
    categories: dict[str, int] = dataclasses.field(default_factory=dict)
    due_soon_days: int = 30
    public_warning_after_days: int | None = None

    def __post_init__(self):
        for months in (self.months, *self.categories.values()):
            if not isinstance(months, int) or months < 1:
                raise ValueError(
                    f"A verification interval must be >= 1 month: {months}"
                )

    def months_for(self, codes: Iterable[str]) -> int:
        """Return the interval for a service in categories with these codes.

        Pass each category's own code and its parent's.
        """
        overrides = [self.categories[code] for code in codes if code in self.categories]
        return min(overrides) if overrides else self.months

    def codes_by_months(self) -> dict[int, list[str]]:
        """Return the overridden category codes grouped by interval, shortest first."""
        grouped: dict[int, list[str]] = {}
        for code, months in sorted(self.categories.items(), key=lambda item: item[1]):
            grouped.setdefault(months, []).append(code)
        return grouped

    def intervals(self) -> list[int]:
        """Return every interval in use, default included."""
        return sorted({self.months, *self.categories.values()})

    @staticmethod
    def due_date(assured: datetime.date, months: int) -> datetime.date:
        """Return the day a listing last verified on `assured` is due again."""
        return add_months(assured, months)

    @classmethod
    def last_assured_before_due(cls, day: datetime.date, months: int) -> datetime.date:
        """Return the earliest verification date whose due date is not before `day`.

        A listing verified before the returned date is due before `day`:
        the SQL form of `due_date(assured, months) < day`, exact even where
        month ends are clamped.
        """
        guess = add_months(day, -months)
        while cls.due_date(guess - datetime.timedelta(days=1), months) >= day:
            guess -= datetime.timedelta(days=1)
        while cls.due_date(guess, months) < day:
            guess += datetime.timedelta(days=1)
        return guess

    def is_overdue(
        self, assured: datetime.date | None, months: int, today: datetime.date
    ) -> bool:
        """Return whether a listing verified on `assured` is past its due date."""
        return assured is not None and self.due_date(assured, months) < today

    def shows_public_warning(
        self, assured: datetime.date | None, months: int, today: datetime.date
    ) -> bool:
        """Return whether the public page should warn that the listing may be stale.

        Never for a listing never verified: it already says so.
        """
        if self.public_warning_after_days is None or assured is None:
            return False
        grace = datetime.timedelta(days=self.public_warning_after_days)
        return self.due_date(assured, months) + grace < today


def verification_policy() -> VerificationPolicy:
    """Return the deployment's policy, read from settings on each call."""
    from django.conf import settings

    return VerificationPolicy(**getattr(settings, "DIRECTORY_VERIFICATION_POLICY", {}))
