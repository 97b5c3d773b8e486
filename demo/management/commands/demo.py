"""`manage.py demo`: migrate, seed the synthetic population if the database is empty,
recompute the risk flags as of today, print the URL, the demo logins and how to
pass the second factor, and serve on localhost. Each step says what it is doing
as it starts. When the server stops (Ctrl-C, or SIGTERM), the embedded PostgreSQL
stops with it."""

import signal
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from core.embedded_postgres import embedded_server_stop
from demo import DEMO_LOGINS, DEMO_PASSWORD


def _exit_on_sigterm(signum, frame):
    # SIGTERM ends a process without running `finally` blocks; this makes it an exit.
    sys.exit(0)


class Command(BaseCommand):
    help = "Bring up the demo: migrate, seed if empty, serve and print the logins."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument(
            "--no-serve",
            action="store_false",
            dest="serve",
            help="Prepare the demo and print how to sign in, but do not serve.",
        )

    def handle(self, *args, addrport: str, people: int, serve: bool = True, **options):
        self.stdout.write("Bringing the database up to date...")
        # One stream for every step, so what the steps print reads in order with the rest.
        streams = {"stdout": self.stdout, "stderr": self.stderr}
        call_command("migrate", interactive=False, verbosity=0, **streams)
        call_command("seed_demo", people=people, if_empty=True, show_logins=False, **streams)
        # Flags are as of a date: bring them up to today whenever the demo starts.
        self.stdout.write("Recomputing the risk flags as of today...")
        call_command("recompute_flags", **streams)
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
        pgdata = settings.LANTERN_EMBEDDED_PGDATA
        if pgdata is not None:
            self.stdout.write("Ctrl-C stops the server and the embedded PostgreSQL with it.")
        # Last, so the address is what a person sees just above the server's own lines.
        self.stdout.write(self.style.SUCCESS(f"Lantern demo: http://{host or '127.0.0.1'}:{port}/"))
        if not serve:
            return
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if pgdata is not None:
                connections.close_all()
                embedded_server_stop(pgdata)
                self.stdout.write("Stopped the embedded PostgreSQL.")
