"""What rule set versions would have flagged on past dates, and whom they found beforehand.

Evaluates one or more versions side by side on each date (the records as they stood
then: the loader and the engine ignore anything dated later), scores them against the
deaths and near-fatal overdoses of the following 28 and 90 days (`risk.backtest`), prints
the figures and stores them as a backtest, which the activation of a draft requires.
Nothing is written to the flags.
"""

import csv
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from risk import backtest, engine, loader, services
from risk.backtest_tables import tables_as_text
from risk.models import Backtest, RuleSet
from risk.wording import TIER_LABELS


class Command(BaseCommand):
    help = "Backtest rule set versions side by side on past dates against recorded outcomes."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="end", type=datetime.date.fromisoformat)
        parser.add_argument("--every", type=int, default=7, help="Days between dates (default 7).")
        parser.add_argument(
            "--months",
            type=int,
            help="Instead of --from/--to: N monthly dates, the last one 90 days ago (its outcomes "
            "all recorded by now).",
        )
        parser.add_argument(
            "--rule-set",
            type=int,
            action="append",
            dest="rule_sets",
            help="A version to test; repeat for several (default: the active one).",
        )
        parser.add_argument(
            "--flags-csv", help="Also write every flag of every date and version to this CSV."
        )

    def handle(self, *args, start, end, every, months, rule_sets, flags_csv, **options):
        dates = self._dates(start, end, every, months)
        chosen = self._rule_sets(rule_sets or [])
        run = services.backtest_request(
            rule_sets=chosen,
            dates=dates,
            date_from=start,
            date_to=end,
            every_days=None if months else every,
            months=months,
        )
        run = services.backtest_perform(backtest_id=run.pk)
        if run.status != Backtest.Status.DONE:
            raise CommandError(f"The backtest failed: {run.error}")
        self._print(run.results, [str(v) for v in run.versions])
        self.stdout.write(f"Stored as backtest {run.pk}.")
        if flags_csv:
            self._write_flags(flags_csv, chosen, dates)

    @staticmethod
    def _dates(start, end, every, months) -> list[datetime.date]:
        if months is not None:
            if start or end:
                raise CommandError("Give either --months or --from and --to, not both.")
            if months < 1:
                raise CommandError("--months must be 1 or more.")
            return backtest.monthly_dates(months, backtest.last_complete_date(timezone.localdate()))
        if start is None or end is None:
            raise CommandError("Give --from and --to (or --months).")
        if end < start:
            raise CommandError("--to must be on or after --from.")
        if every < 1:
            raise CommandError("--every must be 1 or more.")
        return backtest.every_dates(start, end, every)

    @staticmethod
    def _rule_sets(versions: list[int]) -> list[RuleSet]:
        query = RuleSet.objects.prefetch_related("rules")
        if not versions:
            active = query.filter(status=RuleSet.Status.ACTIVE).first()
            if active is None:
                raise CommandError("There is no active rule set; name one with --rule-set.")
            return [active]
        found = {rule_set.version: rule_set for rule_set in query.filter(version__in=versions)}
        missing = [str(v) for v in versions if v not in found]
        if missing:
            raise CommandError(f"There is no rule set version {', '.join(missing)}.")
        return [found[v] for v in dict.fromkeys(versions)]

    def _print(self, results: dict, versions: list[str]) -> None:
        figures = results["versions"]
        line = self.stdout.write
        line(
            f"Backtest on {len(results['dates'])} dates, {results['dates'][0]} to "
            f"{results['dates'][-1]} ({results['seconds']:.1f} s)"
        )
        for text in tables_as_text(results, versions):
            line(text)
        line("")
        line("People in each tier on each date")
        line(
            f"{'as of':<12}{'version':>8}{'people':>12}"
            + "".join(f"{TIER_LABELS[t].lower():>12}" for t in engine.TIERS)
        )
        for v in versions:
            for day in figures[v]["per_date"]:
                line(
                    f"{day['as_of']:<12}{v:>8}{day['population']:>12,}"
                    + "".join(f"{day[t]:>12,}" for t in engine.TIERS)
                )

    def _write_flags(self, path: str, chosen: list[RuleSet], dates: list[datetime.date]) -> None:
        specs = [rule_set.spec() for rule_set in chosen]
        both = backtest.loading_spec(specs)
        with open(path, "w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["as_of", "version", "person_id", "tier", "score", "rules", "summary"])
            for day in dates:
                frames = loader.load_frames(both, day)
                for spec in specs:
                    people = engine.evaluate(frames, spec, day, every_fired=False).people
                    for row in people.itertuples(index=False):
                        writer.writerow(
                            [
                                day.isoformat(),
                                spec.version,
                                row.person_id,
                                row.tier,
                                row.score,
                                row.rule_codes,
                                engine.word_marked(row.summary, day),
                            ]
                        )
        self.stdout.write(f"Flags written to {path}")
