import time

from django.core.management.base import BaseCommand

from ...hsds.exporter import FORMATS, export


class Command(BaseCommand):
    help = (
        "Export the directory as Open Referral HSDS: a CSV data package (a folder, "
        "or a .zip if OUT ends in .zip), a JSON array or NDJSON of fully nested "
        "services. Public by default: published services only, confidential "
        "addresses withheld."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "out", help="Folder or .zip (csv), or a file (json, ndjson)."
        )
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Staff export: drafts, retired services and confidential "
            "addresses included. Keep it private.",
        )
        parser.add_argument(
            "--for-spreadsheets",
            action="store_true",
            help="CSV: quote text that a spreadsheet would run as a formula "
            "(other systems would read the quotes as data).",
        )

    def handle(self, *args, out, format, everything, for_spreadsheets, **options):
        started = time.monotonic()
        counts = export(
            out,
            format=format,
            public=not everything,
            for_spreadsheets=for_spreadsheets,
        )
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        scope = "staff (everything)" if everything else "public"
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote a {scope} {format} export to {out} in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
