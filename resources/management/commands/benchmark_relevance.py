"""Measure how well search answers the judged queries, and print a table.

The judged set (`resources/search/data/judged_queries.json`) holds requests
as people type them — sentences, lay words, misspellings, English and
Spanish — each with the demo services a caseworker judged right, best
first. Every query runs through the search page's own FilterSet, so the
numbers are the page's. Load the demo directory first:
`manage.py load_demo_data && manage.py rebuild_indexes`.

hit@k: share of queries with a right service among the first k results.
MRR: mean of 1 / (position of the first right service), 0 past `--depth`.
zero: queries that found nothing at all.
"""

import json
from collections import defaultdict
from types import SimpleNamespace

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict

from ...demo import demo_id
from ...filters import ServiceFilter
from ...models import Service
from ...search.language import DATA

JUDGED = DATA / "judged_queries.json"


def ranked_ids(text: str, depth: int) -> list:
    """Return the ids of the first `depth` results of the search page for `text`."""
    request = SimpleNamespace(search_memo={})
    found = ServiceFilter(
        QueryDict(mutable=True) | {"q": text},
        queryset=Service.objects.published(),
        request=request,
    ).qs
    return list(found.values_list("pk", flat=True)[:depth])


class Scores:
    def __init__(self):
        self.n = self.hit1 = self.hit3 = self.zero = 0
        self.reciprocal = 0.0

    def add(self, position: int | None, empty: bool) -> None:
        self.n += 1
        self.hit1 += position == 1
        self.hit3 += position is not None and position <= 3
        self.reciprocal += 1 / position if position else 0.0
        self.zero += empty

    def row(self, label: str) -> str:
        return (
            f"{label:<16} {self.n:>5} {100 * self.hit1 / self.n:>7.1f} "
            f"{100 * self.hit3 / self.n:>7.1f} {self.reciprocal / self.n:>6.3f} "
            f"{self.zero:>5}"
        )


class Command(BaseCommand):
    help = "Print hit@1, hit@3, MRR and zero results of the judged queries."

    def add_arguments(self, parser):
        parser.add_argument("--depth", type=int, default=settings.DIRECTORY_PAGE_SIZE)
        parser.add_argument(
            "--misses", action="store_true", help="List the queries missing hit@3."
        )
        parser.add_argument(
            "--judged",
            dest="judged_path",
            default=JUDGED,
            help="Another judged set in the same format, e.g. one held out.",
        )

    def handle(self, *args, depth: int, misses: bool, judged_path: str, **options):
        with open(judged_path, encoding="utf-8") as file:
            judged = json.load(file)
        keys = {key for item in judged for key in item["relevant"]}
        present = set(
            Service.objects.published()
            .filter(pk__in=[demo_id("service", key) for key in keys])
            .values_list("pk", flat=True)
        )
        absent = sorted(key for key in keys if demo_id("service", key) not in present)
        if absent:
            raise CommandError(
                f"Not in the directory: {', '.join(absent)}. Load the demo directory "
                "(`manage.py load_demo_data` and `manage.py rebuild_indexes`), and "
                "judge only its services."
            )
        groups: dict[str, Scores] = defaultdict(Scores)
        missed = []
        for item in judged:
            relevant = {demo_id("service", key) for key in item["relevant"]}
            found = ranked_ids(item["query"], depth)
            position = next(
                (i for i, pk in enumerate(found, 1) if pk in relevant), None
            )
            for label in ("all", item["kind"], f"language: {item['language']}"):
                groups[label].add(position, not found)
            if position is None or position > 3:
                missed.append((item["query"], position, len(found)))

        self.stdout.write(
            f"{connection.vendor}: {len(judged)} judged queries, depth {depth}\n"
        )
        header = (
            f"{'queries':<16} {'n':>5} {'hit@1':>7} {'hit@3':>7} {'MRR':>6} {'zero':>5}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        order = ["all", "sentence", "lay", "typo", "direct"]
        labels = order + sorted(label for label in groups if label not in order)
        for label in labels:
            if label in groups:
                self.stdout.write(groups[label].row(label))
        if misses and missed:
            self.stdout.write("\nMissing hit@3 (query, first right position, results):")
            for text, position, count in missed:
                self.stdout.write(f"  {text!r}: {position or '-'}, {count}")
