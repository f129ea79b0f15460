from django.core.management.base import BaseCommand

from ...models.reports import RETENTION_DAYS
from ...services import zero_result_search_purge


class Command(BaseCommand):
    help = (
        f"Delete the counts of searches that found nothing older than "
        f"{RETENTION_DAYS} days. Each new count already deletes them; run this "
        f"daily from cron so that they go on days nobody searches too, e.g. "
        f"`15 3 * * * cd /srv/directory && .venv/bin/python manage.py "
        f"purge_search_reports --verbosity 0`."
    )

    def handle(self, *args, **options):
        deleted = zero_result_search_purge()
        if options["verbosity"]:
            self.stdout.write(
                f"{deleted} count(s) older than {RETENTION_DAYS} days deleted."
            )
