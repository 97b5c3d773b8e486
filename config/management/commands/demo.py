"""`manage.py demo`: migrate, seed the synthetic population if the database is empty,
recompute the risk flags as of today, print the URL, the demo logins and how to
pass the second factor, and serve on localhost."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from config.demo import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Bring up the demo: migrate, seed if empty, serve and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--people", type=int, default=2000)

    def handle(self, *args, addrport: str, people: int, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", people=people, if_empty=True)
        # Flags are as of a date: bring them up to today whenever the demo starts.
        call_command("recompute_flags")
        host, _, port = addrport.rpartition(":")
        self.stdout.write(f"\nPassword for every demo login: {DEMO_PASSWORD}")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {role}")
        self.stdout.write(
            "\nAfter the password Lantern asks for a code from an authenticator app. The first\n"
            "time, it shows a QR code and a key: scan it or type it into any authenticator app\n"
            "(Microsoft Authenticator, Google Authenticator, FreeOTP...), then enter the code.\n"
            "No app? In a second terminal, print the current code for a demo login:\n"
            "  .venv/bin/python manage.py demo_code keyworker\n"
        )
        # Last, so the address is what a person sees just above the server's own lines.
        self.stdout.write(self.style.SUCCESS(f"Lantern demo: http://{host or '127.0.0.1'}:{port}/"))
        call_command("runserver", addrport, use_reloader=False)
