"""Benchmark: the data quality view over a national database, against the per-person rule.

    .venv/bin/python bench/data_quality.py [--people 1000000] [--skip-seed] [--months 12]

It uses its own embedded PostgreSQL (`.lantern/bench`, or --data-dir) unless DATABASE_URL is
set, and seeds it as `bench/person_page.py` does (`seed_demo --reset --people N`), or reuses
the data with --skip-seed. It times `outcomes.quality.data_quality` for every team and the
last --months whole months, as governance opens `/outcomes/data-quality/` for the whole
service, in a fresh process so the peak memory is its own.

The baseline is the per-person rule: whose TOP is overdue at the end of the last month,
worked out with `outcomes.selectors.next_top_due` one person at a time over the same frames,
against the columns the view uses (`next_top_due_dates`), with a check that both find the
same people. The target: the whole view within 5 s at 1,000,000 people, as a figure
family's national figure is held to. The last line of output is one JSON object with the
figures (units in the keys).
"""

import argparse
import datetime
import io
import json
import os
import sys
import time

from harness import add_data_dir_option, configure_django, peak_rss_mb, run_child

TARGET_S = 5.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--months", type=int, default=12, help="whole months shown (12)")
    add_data_dir_option(parser, "bench")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the data from the last run")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def months_to(today: datetime.date, count: int) -> tuple[datetime.date, datetime.date]:
    from core.dates import add_months

    def month(months: int) -> datetime.date:
        year, number = add_months(today.year, today.month, months)
        return datetime.date(year, number, 1)

    return month(-count), month(-1)


def child(args: argparse.Namespace) -> int:
    """Time the view, then the TOP-overdue step both ways; print one JSON line."""
    import pandas as pd
    from django.utils import timezone

    from core.dates import month_end
    from outcomes import quality
    from outcomes.figures.loading import read_frames
    from outcomes.selectors import next_top_due

    today = timezone.localdate()
    first, last = months_to(today, args.months)
    filters = quality.QualityFilters(first_month=first, last_month=last)
    started = time.perf_counter()
    result = quality.data_quality(filters, today=today)
    view_s = time.perf_counter() - started

    frames = read_frames(quality._statements(filters))
    end = pd.Timestamp(month_end(last.year, last.month))
    started = time.perf_counter()
    ordered = quality.by_person(frames)
    _, overdue = quality._top_overdue(ordered["episodes"], ordered["tops"], end)
    columns_s = time.perf_counter() - started

    started = time.perf_counter()
    episodes = frames["episodes"]
    known = episodes[episodes["referral"] <= end].sort_values(["referral", "episode_id"])
    latest = known.groupby("person_id").tail(1).set_index("person_id")
    latest = latest[latest["discharge"].isna() | (latest["discharge"] > end)]
    tops = frames["tops"]
    last_top = tops[tops["top_date"] <= end].groupby("person_id")["top_date"].max()
    last_top = last_top.reindex(latest.index)

    def as_date(value) -> datetime.date | None:
        return None if pd.isna(value) else value.date()

    looped = []
    for start, referral, top in zip(latest["start"], latest["referral"], last_top, strict=True):
        due = next_top_due(
            in_treatment=True,
            episode_start=as_date(start),
            episode_referral=as_date(referral),
            last_top_date=as_date(top),
        )
        looped.append(due is not None and due < end.date())
    loop_s = time.perf_counter() - started
    same = overdue.sort_index().equals(pd.Series(looped, index=latest.index).sort_index())

    print(
        json.dumps(
            {
                "view_s": round(view_s, 2),
                "teams": len(result["teams"]),
                "months": len(result["months"]),
                "top_overdue_columns_s": round(columns_s, 3),
                "top_overdue_loop_s": round(loop_s, 3),
                "in_caseload": len(looped),
                "same_people": same,
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_django(args.data_dir)
    if args.child:
        return child(args)

    from django.core.management import call_command

    from cases.models import ServiceUser

    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    if not args.skip_seed:
        print(f"Seeding {args.people:,} people...", flush=True)
        started = time.perf_counter()
        call_command(
            "seed_demo",
            without_history=True,
            reset=True,
            people=args.people,
            seed=args.seed,
            stdout=io.StringIO(),
        )
        print(f"Seeded in {time.perf_counter() - started:.1f} s", flush=True)
    people = ServiceUser.objects.count()

    figures, wall = run_child(
        __file__,
        ["--data-dir", args.data_dir, "--months", str(args.months), "--child"],
        "The data quality view failed.",
    )
    figures["people"] = people
    figures["process_s"] = round(wall, 2)
    figures["target_view_s"] = TARGET_S
    speedup = figures["top_overdue_loop_s"] / max(figures["top_overdue_columns_s"], 1e-6)
    figures["top_overdue_speedup"] = round(speedup, 1)
    print(
        f"Data quality view, {figures['teams']} teams (with all teams) x {figures['months']} "
        f"months over {people:,} people: {figures['view_s']:.2f} s "
        f"(target {TARGET_S:.0f} s: {'met' if figures['view_s'] <= TARGET_S else 'missed'}), "
        f"peak {figures['peak_rss_mb']:,.0f} MB"
    )
    print(
        f"TOP overdue at the last month's end, {figures['in_caseload']:,} people in treatment: "
        f"columns {figures['top_overdue_columns_s']:.3f} s, per-person rule (baseline) "
        f"{figures['top_overdue_loop_s']:.3f} s, {speedup:.0f}x; same people: "
        f"{figures['same_people']}"
    )
    print(json.dumps(figures))
    return 0 if figures["same_people"] else 1


if __name__ == "__main__":
    sys.exit(main())
