"""Run the full recompute now, as the nightly beat entry does."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from risk import services, tasks
from risk.engine import TIERS
from risk.wording import selectivity_warning


class Command(BaseCommand):
    help = "Recompute every person's risk flags and publish them atomically."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument(
            "--chunks",
            type=int,
            default=1,
            help="Split the people into this many Celery tasks (needs running workers).",
        )

    def handle(self, *args, as_of, chunks, **options):
        if chunks < 1:
            raise CommandError("--chunks must be 1 or more.")
        run = services.flags_recompute(
            as_of=as_of, chunks=chunks, run_chunks=tasks.run_chunks_on_workers
        )
        if run is None:
            self.stdout.write("Another recompute is running; nothing was written.")
            return
        self.stdout.write(
            f"Published flags as of {run.as_of:%d/%m/%Y} under rule set version "
            f"{run.rule_set.version}: {run.population:,} people in scope, {run.flagged:,} flagged."
        )
        for tier in TIERS:
            count = run.counts_by_tier.get(tier, 0)
            share = count / run.population if run.population else 0
            self.stdout.write(f"  {tier:<10} {count:>9,}  {share:6.1%}")
        warning = selectivity_warning(run.tier_shares)
        if warning:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(json.dumps({"run_id": run.pk, **run.timings}))
