from django.core.management.base import BaseCommand

from ...derived import REPAIR_GRACE, repair


class Command(BaseCommand):
    help = (
        "Rebuild the derived rows (search index, opening windows, places "
        "served) of every service whose rebuild was missed: noted stale and "
        "never rebuilt, published but not in the search index, or in it "
        "though no longer published. The task worker runs this every few "
        "minutes; it is safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace",
            type=int,
            default=int(REPAIR_GRACE.total_seconds()),
            help="Leave notes younger than this many seconds to the "
            "transaction that wrote them (default: %(default)s).",
        )

    def handle(self, *args, grace, **options):
        import datetime as dt

        repaired = repair(grace=dt.timedelta(seconds=max(grace, 0)))
        self.stdout.write(f"Rebuilt the derived rows of {repaired} services.")
