"""`manage.py demo_code <username>`: print the sign-in code a demo login's authenticator
app would show now, for trying the demo without an authenticator app.

It refuses to run anywhere but the demo: DEBUG must be on, Lantern must not be in
production, the database must hold the demo's seed, and the username must be one
of the demo logins. Real accounts' codes are never printed.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.models import User
from commissioning.models import ApiClient
from demo import DEMO_LOGINS
from demo.load import DEMO_API_CLIENT
from web import signin

# A code with fewer seconds left than this is not printed; the next one is.
FRESH_CODE_SECONDS = 10


class Command(BaseCommand):
    help = "Print a demo login's current sign-in code (demo database only)."
    # The system checks import every view (and pandas with them): seconds for one code.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("username", choices=[username for username, _ in DEMO_LOGINS])

    def handle(self, *args, username: str, **options):
        if settings.PRODUCTION or not settings.DEBUG:
            raise CommandError("demo_code runs only on the demo (DEBUG on, not production).")
        if not ApiClient.objects.filter(name=DEMO_API_CLIENT).exists():
            raise CommandError("This database was not seeded by the demo (`manage.py demo`).")
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no demo login {username!r}: run `manage.py demo`.")
        device = signin.confirmed_totp_device(user)
        if device is None:
            device = signin.pending_totp_device(user)
        if device is None:
            raise CommandError(
                f"Sign in as {username} with the password first: the page that then asks "
                "for a code is where the key is made. Run this command again after that."
            )
        now = time.time()
        left = device.step - int(now - device.t0) % device.step
        if left < FRESH_CODE_SECONDS:
            # Too little time to read and type it: wait for the next code.
            self.stderr.write(f"Waiting {left} seconds for a fresh code...")
            time.sleep(left)
            now = time.time()
            left = device.step - int(now - device.t0) % device.step
        self.stdout.write(signin.totp_code(device, at=now))
        self.stderr.write(
            f"The code for {username}, good for {left} more seconds. If Lantern says it was "
            "already used, wait for the next one and run this again."
        )
