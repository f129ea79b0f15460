"""Time the search page end to end, per kind of query, and print a table.

Runs a fixed mix of searches through the whole stack (middleware, view,
templates) with Django's test client against the configured database, and
the main query of the same search as bare SQL for comparison. Each search
is ranked and rendered anew, as for the first person to ask it (the data
version is raised before each, see `resources.caching`); `--kept` times
the same searches asked again, served from what the first one kept. Load data
first, e.g. `manage.py generate_directory 100000`.
"""

import resource
import statistics
import time
import timeit

from django.core.management.base import BaseCommand
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ... import caching
from ...filters import ServiceFilter
from ...models import Service
from ...views import CappedPaginator

# (kind, list of query-string variants); variants rotate across repeats.
MIX = [
    ("keyword", ["q=counselling", "q=legal aid", "q=food pantry", "q=testing"]),
    (
        "keyword + category",
        [
            "q=testing&category=health",
            "q=lawyer&category=legal",
            "q=bed&category=housing",
        ],
    ),
    ("open now", ["open_now=1"]),
    ("near ZIP, 10 miles", ["near=06103&radius=10", "near=06107&radius=10"]),
    (
        "all combined",
        [
            "q=counselling&category=mental-health&open_now=1&near=06103&radius=10"
            "&access=free",
            "q=shelter&category=housing&open_now=1&near=06107&radius=10&language=es",
        ],
    ),
    ("typo", ["q=councelling", "q=shelther", "q=lawer"]),
    (
        "sentence",
        [
            "q=i need a place to sleep tonight",
            "q=where can i get free food for my kids",
            "q=looking for someone to talk to about my drinking",
        ],
    ),
    (
        "Spanish",
        ["q=necesito un abogado", "q=busco comida gratis", "q=clínicas de salud"],
    ),
    ("zero hits", ["q=xylophone quartz", "q=zzzz qqqq"]),
]


def machine_speed_ms() -> float:
    """Time a fixed piece of pure Python, to compare runs on different machines."""
    return 1000 * min(timeit.repeat("sum(range(10**6))", number=1, repeat=5))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Benchmark the search page per query kind (p50 / p95 / max, queries)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--path", default="/services/")
        parser.add_argument(
            "--kept", action="store_true", help="Time searches asked again."
        )

    def handle(self, *args, repeat: int, path: str, kept: bool, **options):
        self.kept = kept
        client = Client(SERVER_NAME="localhost")
        published = Service.objects.published().count()
        self.stdout.write(
            f"{connection.vendor}, {published} published services, "
            f"{repeat} requests per kind, {'kept' if kept else 'ranked anew'}; "
            "this machine runs "
            f"sum(range(10**6)) in {machine_speed_ms():.0f} ms\n"
        )
        header = (
            f"{'query kind':<20} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
            f"{'queries':>8} {'bare p50':>9} {'results':>8}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for kind, variants in MIX:
            self.stdout.write(self.run_kind(client, path, kind, variants, repeat))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"\npeak memory (RSS) of this process: {peak:.0f} MB")

    def run_kind(self, client, path, kind, variants, repeat) -> str:
        # Warm up and count queries once per variant.
        queries = set()
        results = 0
        for query in variants:
            if self.kept:
                client.get(f"{path}?{query}")  # what the second asker finds
            else:
                caching.bump()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(f"{path}?{query}")
            if response.status_code != 200:
                raise SystemExit(f"{query}: HTTP {response.status_code}")
            queries.add(len(captured))
            results = max(results, self.filtered(query).count())
        timings, bare = [], []
        for n in range(repeat):
            query = variants[n % len(variants)]
            if not self.kept:
                caching.bump()
            started = time.perf_counter()
            client.get(f"{path}?{query}")
            timings.append((time.perf_counter() - started) * 1000)
            bare.append(self.bare_sql_ms(query))
        count = "/".join(str(q) for q in sorted(queries))
        return (
            f"{kind:<20} {statistics.median(timings):8.1f} "
            f"{percentile(timings, 0.95):8.1f} {max(timings):8.1f} {count:>8} "
            f"{statistics.median(bare):9.1f} {results:8d}"
        )

    def filtered(self, query: str):
        return ServiceFilter(QueryDict(query), queryset=Service.objects.published()).qs

    def bare_sql_ms(self, query: str) -> float:
        """Time the page's main query alone, as SQL, without Django around it.

        That query finds the results: their ids in order, as many as the page
        counts (see `CappedPaginator`). The page then loads its 20 services.
        """
        results = CappedPaginator.results(self.filtered(query))
        sql, params = results.query.sql_with_params()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()
        return (time.perf_counter() - started) * 1000
