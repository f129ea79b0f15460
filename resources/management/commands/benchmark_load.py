"""Serve the site with gunicorn and the production settings, load it with wrk.

For each kind of page (home, a category, a service's page, searches of
every kind, zero hits) wrk sends requests from `--connections` connections
for `--seconds`, after a warm-up of the same length, over a fixed list of
addresses: popular ones repeat (a Zipf mix over 1,000 distinct searches
or 1,000 services), except for "keyword, no repeats", where every request
is a search nobody made before. Prints requests/s, p50 and p99 latency,
and any error or non-2xx answer, with the database size and worker count.

Needs `wrk` (Debian's package) and `collectstatic` run first. Loopback
only: gunicorn listens on 127.0.0.1 and wrk sends nowhere else.
"""

import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ... import taxonomies
from ...models import Service, TaxonomyTerm
from ...search.language import DATA as DATA_DIR
from .benchmark_search import machine_speed_ms

DISTINCT = 1000
SEQUENCE = 100_000  # addresses per kind, sampled from the distinct ones
NEAR = ["06103", "06105", "06106", "06107", "06110", "06117", "06119", "06457"]

# wrk runs this in each of its threads: every thread walks the same list
# from its own starting point.
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  position = id * math.floor(#paths / tonumber(os.getenv("BENCH_THREADS")))
end
function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
"""

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def search_words() -> list[str]:
    """Return the words and phrases of the synonym groups: what people search."""
    words = []
    for line in (DATA_DIR / "synonyms.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            words += [member.strip().strip('"') for member in line.split(",")]
    return sorted({word for word in words if word})


def judged(kind: str) -> list[str]:
    queries = []
    for name in ("judged_queries.json", "heldout_queries.json"):
        for entry in json.loads((DATA_DIR / name).read_text(encoding="utf-8")):
            if entry["kind"] == kind or kind == "es" and entry["language"] == "es":
                queries.append(entry["query"])
    return sorted(set(queries))


def zipf(items: list[str], rng: random.Random, count: int = SEQUENCE) -> list[str]:
    """Sample `count` of `items`, the first most often (Zipf, s = 1)."""
    weights = [1 / rank for rank in range(1, len(items) + 1)]
    return rng.choices(items, weights=weights, k=count)


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(out: str) -> dict:
    """Read wrk's report (`--latency`): rate, requests, p50, p99, errors.

    Errors are answers that were not 2xx or 3xx, and socket errors
    (connect, read, write, timeout).
    """
    latency = dict(re.findall(r"\b(50|99)%\s+([\d.]+(?:us|ms|s))\b", out))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    if socket := re.search(r"Socket errors: (.*)", out):
        errors += sum(int(n) for n in re.findall(r"\d+", socket[1]))
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "errors": errors,
    }


class Command(BaseCommand):
    help = "Load the site under gunicorn with wrk; print requests/s and latency."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=4)
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument("--seconds", type=int, default=15)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--only", default="", help="Run only the kinds whose name has this."
        )

    def handle(self, *args, **options):
        if shutil.which("wrk") is None:
            raise CommandError("wrk is not installed: apt-get install wrk")
        if connection.vendor != "postgresql":
            self.stderr.write("Note: SQLite; the README's figures are PostgreSQL.")
        rng = random.Random(options["seed"])
        kinds = [
            (kind, paths) for kind, paths in self.mix(rng) if options["only"] in kind
        ]
        published = Service.objects.published().count()
        self.stdout.write(
            f"{connection.vendor}, {published:,} published services, gunicorn "
            f"with {options['workers']} workers, cache "
            f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}, "
            f"wrk -t{options['threads']} -c{options['connections']}, "
            f"{options['seconds']} s per kind after as long a warm-up; this "
            f"machine runs sum(range(10**6)) in {machine_speed_ms():.0f} ms\n"
        )
        header = (
            f"{'kind':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'requests':>9} {'distinct':>9} {'errors':>7}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        with tempfile.TemporaryDirectory() as folder, self.server(options):
            script = Path(folder, "mix.lua")
            script.write_text(WRK_SCRIPT)
            for kind, paths in kinds:
                listed = Path(folder, "paths.txt")
                listed.write_text("\n".join(paths) + "\n")
                self.wrk(options, script, listed, options["seconds"])  # warm-up
                if kind == "keyword, no repeats":
                    # Walked backwards, each thread meets none of the
                    # searches the warm-up asked (it walked forwards).
                    listed.write_text("\n".join(reversed(paths)) + "\n")
                result = self.wrk(options, script, listed, options["seconds"])
                self.stdout.write(
                    f"{kind:<26} {result['rate']:8.1f} {result['p50']:8.1f} "
                    f"{result['p99']:8.1f} {result['requests']:9,d} "
                    f"{len(set(paths)):9,d} {result['errors']:7d}"
                )

    def mix(self, rng: random.Random) -> list[tuple[str, list[str]]]:
        words = search_words()
        rng.shuffle(words)
        keywords = words[:DISTINCT]
        categories = list(
            TaxonomyTerm.objects.filter(
                taxonomy_detail_id=taxonomies.CATEGORIES_ID
            ).values_list("code", flat=True)
        )
        published = Service.objects.published().order_by("?")
        services = [service.get_absolute_url() for service in published[:DISTINCT]]
        # Two different words: as many distinct searches as a run can ask.
        pairs = list(
            dict.fromkeys(f"{a} {b}" for a in words[:200] for b in words[-200:])
        )
        rng.shuffle(pairs)

        def search(**params) -> str:
            return "/services/?" + urlencode(params)

        def combined(**options) -> list[str]:
            """Zipf over up to 1,000 searches, a value drawn from each list."""
            made = (
                search(
                    **{
                        name: rng.choice(value) if isinstance(value, list) else value
                        for name, value in options.items()
                    }
                )
                for _ in range(DISTINCT)
            )
            return zipf(list(dict.fromkeys(made)), rng)

        return [
            ("home", ["/"]),
            ("category page", zipf([f"/categories/{c}/" for c in categories], rng)),
            ("service page", zipf(services, rng)),
            ("keyword", zipf([search(q=word) for word in keywords], rng)),
            ("keyword, no repeats", [search(q=pair) for pair in pairs]),
            ("sentence", zipf([search(q=q) for q in judged("sentence")], rng)),
            ("Spanish", zipf([search(q=q) for q in judged("es")], rng)),
            (
                "keyword + category",
                combined(q=keywords[:200], category=categories),
            ),
            ("open now", [search(open_now=1)]),
            (
                "near ZIP, 10 miles",
                zipf([search(near=z, radius=10) for z in NEAR], rng),
            ),
            (
                "all combined",
                combined(
                    q=keywords[:100],
                    category=categories,
                    open_now=1,
                    near=NEAR,
                    radius=10,
                ),
            ),
            (
                "zero hits",
                zipf([search(q=f"xq{n}zv qqj{n}") for n in range(DISTINCT)], rng),
            ),
        ]

    @contextmanager
    def server(self, options):
        """Run gunicorn with the production settings until the block ends."""
        cache.clear()  # the run starts from nothing kept
        env = os.environ | {
            "DJANGO_DEBUG": "",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "WEB_CONCURRENCY": str(options["workers"]),
            "GUNICORN_BIND": f"127.0.0.1:{options['port']}",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "directory.wsgi"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{options['port']}/healthz"
            for _ in range(100):
                try:
                    with urllib.request.urlopen(url, timeout=2):
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                raise CommandError(f"gunicorn did not answer at {url}")
            yield
        finally:
            process.terminate()
            process.wait(timeout=30)

    def wrk(self, options, script: Path, listed: Path, seconds: int) -> dict:
        completed = subprocess.run(
            [
                "wrk",
                f"-t{options['threads']}",
                f"-c{options['connections']}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(script),
                f"http://127.0.0.1:{options['port']}",
            ],
            env=os.environ
            | {"BENCH_PATHS": str(listed), "BENCH_THREADS": str(options["threads"])},
            capture_output=True,
            text=True,
            check=True,
        )
        return parse_wrk(completed.stdout)
