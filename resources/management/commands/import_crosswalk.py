from django.core.management.base import BaseCommand, CommandError

from ...crosswalk import import_csv


class Command(BaseCommand):
    help = (
        "Load a crosswalk CSV: columns taxonomy (their taxonomy's id or name), "
        "code or name (their term), directory_code (our category or access "
        "term). All or nothing; each problem names its row and column."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The crosswalk CSV file.")

    def handle(self, *args, path, **options):
        created, problems = import_csv(path)
        for problem in problems:
            self.stdout.write(f"ERROR: {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s): nothing was loaded.")
        self.stdout.write(self.style.SUCCESS(f"{created} crosswalk entries added."))
