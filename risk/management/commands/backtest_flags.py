"""What a rule set would have flagged on each date of a range, for validating it.

The engine is pure in its as-of date and the loader cuts every record to that
date, so each day is evaluated on the records as they stood then (as far as
they are dated). Nothing is written to the flags.
"""

import csv
import datetime
import sys

from django.core.management.base import BaseCommand, CommandError

from risk import engine, loader
from risk.models import RuleSet
from risk.wording import TIER_LABELS


class Command(BaseCommand):
    help = "Evaluate a rule set version on each date of a range and report the flags."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="end", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--every", type=int, default=7, help="Days between dates (default 7).")
        parser.add_argument(
            "--rule-set", type=int, help="Version to test (default: the active one)."
        )
        parser.add_argument(
            "--flags-csv", help="Also write every flag of every date to this CSV file."
        )

    def handle(self, *args, start, end, every, rule_set, flags_csv, **options):
        if end < start:
            raise CommandError("--to must be on or after --from.")
        if every < 1:
            raise CommandError("--every must be 1 or more.")
        query = RuleSet.objects.prefetch_related("rules")
        try:
            chosen = query.get(version=rule_set) if rule_set else query.get(status="active")
        except RuleSet.DoesNotExist as error:
            raise CommandError(f"There is no rule set version {rule_set}.") from error
        spec = chosen.spec()
        writer = None
        out = None
        if flags_csv:
            out = open(flags_csv, "w", newline="")  # noqa: SIM115 (closed below)
            writer = csv.writer(out)
            writer.writerow(["as_of", "person_id", "tier", "score", "rules", "summary"])
        self.stdout.write(f"Rule set version {spec.version}")
        # One column per tier, highest first, each wide enough for its words.
        columns = [(tier, TIER_LABELS[tier].lower()) for tier in engine.TIERS]
        widths = {tier: max(9, len(words) + 2) for tier, words in columns}
        self.stdout.write(
            f"{'as of':<12}{'people':>10}"
            + "".join(f"{words:>{widths[tier]}}" for tier, words in columns)
        )
        day = start
        try:
            while day <= end:
                evaluation = engine.evaluate(loader.load_frames(spec, day), spec, day)
                tiers = evaluation.counts_by_tier
                self.stdout.write(
                    f"{day:%d/%m/%Y}  {evaluation.population:>10,}"
                    + "".join(f"{tiers[tier]:>{widths[tier]},}" for tier, _ in columns)
                )
                if writer is not None:
                    for row in evaluation.people.itertuples(index=False):
                        writer.writerow(
                            [
                                day.isoformat(),
                                row.person_id,
                                row.tier,
                                row.score,
                                row.rule_codes,
                                row.summary,
                            ]
                        )
                day += datetime.timedelta(days=every)
        finally:
            if out is not None:
                out.close()
                self.stdout.write(f"Flags written to {flags_csv}", style_func=None)
        sys.stdout.flush()
