from django.core.management.base import BaseCommand
from django.utils import timezone

from ...caching import bump
from ...derived import coverage_rebuild, refresh_statistics
from ...models import Service, StaleService
from ...search import rebuild_index
from ...services import opening_windows_rebuild

BATCH_SIZE = 2000


class Command(BaseCommand):
    help = (
        "Rebuild every service's derived rows: the search index, the opening "
        "windows and the places served from afar. Run after bulk loads, which "
        "skip the automatic refresh."
    )

    def handle(self, *args, **options):
        started = timezone.now()
        indexed = rebuild_index()
        self.stdout.write(f"Search index: {indexed} services indexed.")

        services = windows = coverage = 0
        last = None
        while True:
            ids = Service.objects.order_by("pk")
            if last is not None:
                ids = ids.filter(pk__gt=last)
            batch = list(ids.values_list("pk", flat=True)[:BATCH_SIZE])
            if not batch:
                break
            windows += opening_windows_rebuild(service_ids=batch)
            coverage += coverage_rebuild(batch)
            services += len(batch)
            last = batch[-1]
        self.stdout.write(
            f"Opening windows: {windows} windows for {services} services."
        )
        self.stdout.write(f"Served from afar: {coverage} coverage rows.")
        bump()
        # Everything noted stale before the rebuild began is rebuilt now.
        StaleService.objects.filter(noted_at__lt=started).delete()
        refresh_statistics()
        self.stdout.write(self.style.SUCCESS("Planner statistics refreshed."))
