"""Benchmark: the backtest of two rule set versions over 12 monthly dates, at national scale.

    .venv/bin/python bench/backtest.py [--people 1000000] [--months 12] [--versions 2 3]

It uses its own embedded PostgreSQL (`.lantern/validation1m`, or --data-dir) unless
DATABASE_URL is set. It migrates and seeds `--people` synthetic people as the validation
population (`seed_demo --validation`: deaths and near-fatal overdoses drawn from the
evidence table's hazards, `docs/validation-population.md`), unless the database already
holds that many.

Then it backtests the versions (by default the active one and the newest draft) on
`--months` monthly as-of dates, the last one 90 days before today so that every date has its
following 90 days of outcomes, and prints, per version: the share of the risk population in
each tier, and the deaths and near-fatal overdoses of the following 28 and 90 days by the
tier their person held beforehand, with capture per percent flagged and lead time.

The baseline is the version in use (the active one): the new version should keep very high
at most 5% and very high plus high at most 15% of the risk population and capture more of
the following 90 days' deaths at no larger share. Target: under 10 minutes on the 2-core
machine. The last line of output is one JSON object with the figures (units in the keys).
"""

import argparse
import io
import json
import os
import sys
import time

from harness import add_data_dir_option, configure_django, peak_rss_mb

TARGET_S = 600.0
MAX_VERY_HIGH_PCT = 5.0
MAX_HIGH_OR_ABOVE_PCT = 15.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument(
        "--versions", type=int, nargs="+", help="rule set versions (default: active, newest draft)"
    )
    add_data_dir_option(parser, "validation1m")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_django(args.data_dir)

    from django.core.management import call_command
    from django.utils import timezone

    from cases.models import ServiceUser
    from risk.backtest import last_complete_date, monthly_dates, run_backtest
    from risk.backtest_tables import tables_as_text
    from risk.models import RuleSet

    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    seed_s = None
    if ServiceUser.objects.count() != args.people:
        print(f"Seeding the validation population of {args.people:,} people...", flush=True)
        started = time.perf_counter()
        out = io.StringIO()
        call_command(
            "seed_demo",
            without_history=True,
            without_reviews=True,
            without_logins=True,
            validation=True,
            reset=True,
            people=args.people,
            seed=args.seed,
            stdout=out,
        )
        seed_s = round(time.perf_counter() - started, 1)
        print(out.getvalue().strip().splitlines()[-1] if out.getvalue().strip() else "")
        print(f"Seeded in {seed_s:.0f} s", flush=True)

    versions = args.versions
    if not versions:
        active = RuleSet.objects.get(status=RuleSet.Status.ACTIVE).version
        draft = RuleSet.objects.filter(status=RuleSet.Status.DRAFT).order_by("-version").first()
        versions = [active] + ([draft.version] if draft else [])
    dates = monthly_dates(args.months, last_complete_date(timezone.localdate()))
    print(
        f"Backtesting versions {', '.join(map(str, versions))} on {len(dates)} dates, "
        f"{dates[0]:%d/%m/%Y} to {dates[-1]:%d/%m/%Y}...",
        flush=True,
    )
    started = time.perf_counter()
    result = run_backtest(versions=versions, dates=dates)
    seconds = time.perf_counter() - started
    print("\n".join(tables_as_text(result, versions)))

    baseline, candidate = str(versions[0]), str(versions[-1])
    base, new = result["versions"][baseline], result["versions"][candidate]
    new_shares, base_shares = new["tier_share_pct"], base["tier_share_pct"]
    deaths_new = new["outcomes"]["death"]["90"]
    deaths_base = base["outcomes"]["death"]["90"]
    checks = {
        "very_high_within_5pct": new_shares["very_high"] <= MAX_VERY_HIGH_PCT,
        "high_or_above_within_15pct": new_shares["high_or_above"] <= MAX_HIGH_OR_ABOVE_PCT,
        "captures_more_deaths_90d_high_or_above": deaths_new["captured_high_or_above_pct"]
        > deaths_base["captured_high_or_above_pct"],
        "no_larger_high_or_above_share": new_shares["high_or_above"]
        <= base_shares["high_or_above"],
        "under_10_minutes": seconds <= TARGET_S,
    }
    print(f"\nBacktest took {seconds:.0f} s (target under {TARGET_S:.0f} s).")
    print(f"Version {candidate} against version {baseline} (the baseline):")
    for name, held in checks.items():
        print(f"  {name.replace('_', ' ')}: {'yes' if held else 'NO'}")

    figures = {
        "people": args.people,
        "dates": len(dates),
        "versions": versions,
        "seed_s": seed_s,
        "backtest_s": round(seconds, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    for version, data in result["versions"].items():
        shares = data["tier_share_pct"]
        figures[f"v{version}_very_high_pct"] = shares["very_high"]
        figures[f"v{version}_high_or_above_pct"] = shares["high_or_above"]
        figures[f"v{version}_flagged_pct"] = shares["flagged"]
        for outcome in ("death", "overdose"):
            for window in ("28", "90"):
                row = data["outcomes"][outcome][window]
                key = f"v{version}_{outcome}_{window}d"
                figures[f"{key}_total"] = row["total"]
                figures[f"{key}_captured_high_or_above_pct"] = row["captured_high_or_above_pct"]
                figures[f"{key}_captured_any_pct"] = row["captured_any_pct"]
    figures.update({f"check_{name}": held for name, held in checks.items()})
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
