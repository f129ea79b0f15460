import random

from django.core.management.base import BaseCommand, CommandError

from ...derived import refresh_statistics
from ...generator import BatchReport, generate_directory, region_for


class Command(BaseCommand):
    help = (
        "Generate a synthetic directory of N services (about N/4 organizations) "
        "for demos and load tests. Generated organizations carry a Metadata row "
        "updated by generate_directory."
    )

    def add_arguments(self, parser):
        parser.add_argument("services", type=int, help="How many services to make.")
        parser.add_argument(
            "--seed",
            type=int,
            help="Random seed; the same seed gives the same directory. "
            "Default: a new one, printed so that the run can be repeated.",
        )
        parser.add_argument(
            "--state",
            default="CT",
            help="Two-letter US state to spread the locations over (default CT).",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=5000,
            help="Services written per transaction (default 5000).",
        )

    def handle(self, *args, services: int, seed, state: str, batch: int, **options):
        if services < 1 or batch < 1:
            raise CommandError("N and --batch must be positive numbers.")
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)
        try:
            region = region_for(state=state)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Generating {services:,} services over {region.state} "
            f"({len(region.places)} ZIP codes from {region.source}), seed {seed}."
        )
        totals = generate_directory(
            services=services,
            seed=seed,
            state=state,
            batch_size=batch,
            on_batch=self.progress,
        )
        refresh_statistics()
        counts = ", ".join(f"{count:,} {table}" for table, count in totals.items())
        self.stdout.write(self.style.SUCCESS(f"Generated {counts}."))

    def progress(self, report: BatchReport) -> None:
        rows = sum(report.rows.values())
        self.stdout.write(
            f"Batch {report.number}: {report.services_done:,}/"
            f"{report.services_total:,} services, {rows:,} rows, "
            f"{report.seconds:.1f} s"
        )
