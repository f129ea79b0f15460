from django.core.management.base import BaseCommand

from ...demo import load_demo_data


class Command(BaseCommand):
    help = (
        "Load the West Hartford demo directory (unverified listings from "
        "shared/seed); safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-login",
            action="store_true",
            help="Also create or reset the demo staff logins (known passwords: "
            "never use on a real directory).",
        )

    def handle(self, *args, demo_login: bool, **options):
        result = load_demo_data(demo_login=demo_login)
        logins = result.pop("logins", [])
        counts = ", ".join(f"{count} {table}" for table, count in result.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo directory loaded (not verified): {counts}.")
        )
        if logins:
            self.stdout.write("Demo staff logins, for local use only:")
            for login in logins:
                self.stdout.write(
                    f"  {login['username']} / {login['password']} ({login['group']})"
                )
