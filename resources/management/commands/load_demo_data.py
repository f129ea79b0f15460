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
            help="Also create or reset the demo staff logins (known passwords "
            "and authenticator keys: never use on a real directory).",
        )

    def handle(self, *args, demo_login: bool, **options):
        result = load_demo_data(demo_login=demo_login)
        logins = result.pop("logins", [])
        counts = ", ".join(f"{count} {table}" for table, count in result.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo directory loaded (not verified): {counts}.")
        )
        if not logins:
            return
        self.stdout.write(
            "Demo staff logins, for local use only. After the password the admin "
            "asks for a second factor: type one of the one-time backup codes, or "
            "add the key to an authenticator app (or open the otpauth link) and "
            "type the 6-digit code it shows."
        )
        for login in logins:
            role = login["group"]
            if "organization" in login:
                role += f", for {login['organization']}"
            self.stdout.write(f"  {login['username']} / {login['password']} ({role})")
            self.stdout.write(f"    backup codes: {' '.join(login['backup_codes'])}")
            self.stdout.write(f"    authenticator key: {login['totp_secret']}")
            self.stdout.write(f"    {login['totp_uri']}")
