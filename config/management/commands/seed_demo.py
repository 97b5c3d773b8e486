"""`manage.py seed_demo`: load a reproducible synthetic population for demos and load tests,
then file a handful of death reviews in different states through the review services.

Invented people only (see `config.demo`). The same --seed on the same day gives
the same data. A million people take a few minutes; progress goes to stderr.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from config.demo import DEMO_LOGINS, DEMO_PASSWORD, load, reviews


class Command(BaseCommand):
    help = "Create a synthetic demo population (service, teams, staff, people and histories)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=2000, help="How many people (2000).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (2026).")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if anyone is already recorded."
        )
        parser.add_argument(
            "--without-reviews",
            action="store_true",
            help="Load the population only: no death reviews (and so no deaths or past flags).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the case and TOP tables and remove the demo staff first.",
        )

    def handle(
        self,
        *args,
        people: int,
        seed: int,
        if_empty: bool,
        reset: bool,
        without_reviews: bool = False,
        **options,
    ):
        if people < 1:
            raise CommandError("--people must be at least 1")
        if if_empty and load.has_people():
            self.stdout.write("People are already recorded; seed_demo left the data as it is.")
            return
        progress = load.Progress(sys.stderr)
        progress.note(f"Seeding {people:,} people (seed {seed})...")
        try:
            result = load.seed_demo(people=people, seed=seed, reset=reset, progress=progress)
        except load.DemoDataExists as error:
            raise CommandError(str(error)) from error
        filed = []
        if not without_reviews:
            progress.note("Filing the demo death reviews...")
            filed = reviews.seed_reviews(today=timezone.localdate())

        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.people:,} people in {result.seconds:.1f}s: "
                f"{result.teams} teams, {result.keyworkers} keyworkers."
            )
        )
        for table, count in result.rows.items():
            self.stdout.write(f"  {table:<13} {count:>12,}")
        self.stdout.write(
            f"The demo keyworker holds {result.demo_caseload} people in treatment or "
            "discharged in the last 12 months."
        )
        if filed:
            states = sorted({r.get_status_display().lower() for r in filed})
            self.stdout.write(f"Death reviews: {len(filed)} ({', '.join(states)}).")
        self.stdout.write("\nDemo logins (every one uses the same password):")
        self.stdout.write(f"  {'username':<14} {'role':<14} password")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {role:<14} {DEMO_PASSWORD}")
