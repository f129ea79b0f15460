from django.core.management.base import BaseCommand, CommandError

from ...hsds.importer import import_hsds


class Command(BaseCommand):
    help = (
        "Import Open Referral HSDS data: a CSV data package (folder or .zip with "
        "datapackage.json), a JSON file of nested services or organizations, or "
        "NDJSON. All or nothing: any invalid row rejects the whole import, "
        "unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Folder, .zip, .json or .ndjson file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and report everything, then write nothing.",
        )
        parser.add_argument(
            "--lenient",
            action="store_true",
            help="Skip rows whose required reference points nowhere, and drop "
            "optional references that point nowhere, listing each; other "
            "faults still reject the import.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid rows and skip the invalid ones (and what "
            "refers to them), listing each; still one transaction.",
        )
        parser.add_argument(
            "--report",
            metavar="FILE.csv",
            help="Also write every issue (level, file, row, field, reason) "
            "to this CSV file.",
        )

    def handle(self, *args, path, dry_run, lenient, skip_invalid, report, **options):
        written = report
        report = import_hsds(
            path, dry_run=dry_run, lenient=lenient, skip_invalid=skip_invalid
        )
        for line in report.lines():
            self.stdout.write(line)
        for line in report.summary():
            self.stdout.write(line)
        for file, field, count in report.skipped_by_field():
            self.stdout.write(f"Skipped for {field or 'the row'} in {file}: {count}")
        if written:
            report.write_csv(written)
            self.stdout.write(f"Wrote the {len(report.issues)} issue(s) to {written}.")
        self.stdout.write(
            f"Took {report.seconds:.1f} s; "
            f"peak memory (RSS) {report.peak_rss_mb:.0f} MB."
        )
        if not report.ok:
            raise CommandError(f"{report.error_count} error(s): nothing was imported.")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported; derived rows rebuilt for "
                    f"{len(report.service_ids)} service(s)."
                )
            )
