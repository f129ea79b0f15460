from django.core.management.base import BaseCommand

from ...duplicates import DEFAULT_THRESHOLD, find_duplicates


class Command(BaseCommand):
    help = (
        "List likely duplicate organizations and services (similar names, same "
        "phone, website or address). Changes nothing: merge in the admin, "
        "under Likely duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            choices=("organization", "service", "all"),
            default="all",
            help="What to compare (default: both).",
        )
        parser.add_argument(
            "--threshold",
            type=int,
            default=DEFAULT_THRESHOLD,
            help=f"How alike names must be, in percent (default {DEFAULT_THRESHOLD}).",
        )

    def handle(self, *args, kind: str, threshold: int, **options):
        kinds = ("organization", "service") if kind == "all" else (kind,)
        total = 0
        for each in kinds:
            candidates = find_duplicates(each, threshold=threshold)
            total += len(candidates)
            self.stdout.write(self.style.MIGRATE_HEADING(f"{each}s: {len(candidates)}"))
            for candidate in candidates:
                self.stdout.write(
                    f"  {candidate.first} ({candidate.first.pk})\n"
                    f"  {candidate.second} ({candidate.second.pk})\n"
                    f"    score {candidate.score}: {'; '.join(candidate.reasons)}"
                )
        self.stdout.write(f"{total} likely duplicate pair(s).")
