"""Benchmark: a month's NDTMS submission prepared and validated, beside its floor and the old way.

    .venv/bin/python bench/ndtms.py [--people 1000000] [--data-dir DIR] [--month 2026-11]
                                    [--baseline-max 200000]

The database is an existing seeded one (`--data-dir`, or LANTERN_BENCH_DATA_DIR, or
DATABASE_URL; `.lantern/bench-all` by default, the one `bench/all.py` seeds); it is
migrated, never seeded. The service with the most people is submitted for the month
(by default the previous one). Each step runs in a fresh process, so that its peak
memory is its own:

1. prepare: `exchange.selectors.write_service_file`, the set-based path: the file written
   to a temporary file on disk and checked as it is written, every problem kept (in
   temporary files), then read back and counted. Its stages: read (the SQL and its rows
   into Arrow), validate (the rules over the frames), write (the CSV);
2. the floor: a server-side `COPY ... TO '/dev/null'` of the same rows (the period's
   episodes with their person, their interventions, their TOPs), no formatting or
   mapping, no client: the least this machine spends reading them;
3. the baseline: the old way (`tests/exchange/ndtms/reference.py`: a dict per row,
   Python's csv writer, the file parsed back and checked row by row), only up to
   `--baseline-max` people: at 1,000,000 it takes minutes and more memory than the
   machine can spare;
4. the data quality page: its counts made afresh (the first read of a quarter of an hour)
   and then read again through the view (Django's test client, an administrator).

Targets: prepare + validate under 60 s and under 1 GB peak memory. The last line is
one JSON object with the figures (units in the keys).
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import time

from harness import add_data_dir_option, configure_django, peak_rss_mb, run_child

TARGET_S = 60.0
TARGET_MB = 1024.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000, help="people expected")
    parser.add_argument("--month", help="YYYY-MM submitted (default: last month)")
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=200_000,
        help="run the old way only for a service of at most this many people",
    )
    add_data_dir_option(parser, "bench-all")
    parser.add_argument(
        "--child", choices=["setup", "prepare", "floor", "baseline", "page"], help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def period(args: argparse.Namespace) -> tuple[datetime.date, datetime.date]:
    from django.utils import timezone

    from exchange.services import month_bounds

    if args.month:
        return month_bounds(datetime.date.fromisoformat(f"{args.month}-01"))
    today = timezone.localdate()
    return month_bounds(today.replace(day=1) - datetime.timedelta(days=1))


def largest_service():
    from django.db.models import Count

    from cases.models import Service

    return Service.objects.annotate(people=Count("teams__service_users")).order_by("-people")[0]


def child_setup(args: argparse.Namespace) -> dict:
    from django.core.management import call_command

    from cases.models import ServiceUser

    call_command("migrate", interactive=False, verbosity=0)
    service = largest_service()
    return {"people": ServiceUser.objects.count(), "service_people": service.people}


def child_prepare(args: argparse.Namespace) -> dict:
    from exchange.selectors import write_service_file

    start, end = period(args)
    service = largest_service()
    stages: dict[str, float] = {}
    started = time.perf_counter()
    with tempfile.TemporaryFile() as sink:
        prepared = write_service_file(service, start, end, sink, stages=stages)
        size = sink.tell()
    seconds = time.perf_counter() - started
    began = time.perf_counter()
    kept = sum(batch.num_rows for _, batch in prepared.checks.batches())
    return {
        "rows": prepared.rows,
        "file_mb": round(size / 1024 / 1024, 1),
        "problems": sum(prepared.checks.counts.values()),
        "problems_kept": kept,
        "problem_counts": prepared.checks.counts,
        "seconds": round(seconds, 2),
        "read_s": round(stages["read"], 2),
        "validate_s": round(stages["validate"], 2),
        "write_s": round(stages["write"], 2),
        "problems_read_back_s": round(time.perf_counter() - began, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def child_floor(args: argparse.Namespace) -> dict:
    from django.db import connection
    from psycopg import sql

    start, end = period(args)
    service = largest_service()
    chosen = sql.SQL(
        "FROM cases_treatmentepisode ep "
        "JOIN cases_serviceuser su ON su.id = ep.service_user_id "
        "JOIN cases_team tm ON tm.id = su.team_id "
        "WHERE tm.service_id = {service} AND ep.referral_date <= {end} "
        "AND (ep.discharge_date IS NULL OR ep.discharge_date >= {start})"
    ).format(service=sql.Literal(service.pk), start=sql.Literal(start), end=sql.Literal(end))
    ids = sql.SQL("SELECT ep.id {}").format(chosen)
    statements = [
        sql.SQL("SELECT ep.*, su.* {}").format(chosen),
        sql.SQL(
            "SELECT iv.* FROM cases_intervention iv JOIN ({}) e ON e.id = iv.episode_id "
            "WHERE iv.start_date <= {}"
        ).format(ids, sql.Literal(end)),
        sql.SQL(
            "SELECT tp.* FROM outcomes_topassessment tp JOIN ({}) e ON e.id = tp.episode_id "
            "WHERE tp.top_date <= {}"
        ).format(ids, sql.Literal(end)),
    ]
    rows = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for statement in statements:
            copy = sql.SQL("COPY ({}) TO '/dev/null' WITH (FORMAT csv)").format(statement)
            cursor.execute(copy.as_string(cursor.connection))
            rows += cursor.rowcount
    return {
        "rows": rows,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def child_baseline(args: argparse.Namespace) -> dict:
    sys.path.insert(0, os.getcwd())
    from exchange.ndtms.items import DATASET_VERSION
    from exchange.ndtms.mapping import mappings_for
    from tests.exchange.ndtms.reference import reference_file, reference_problems

    start, end = period(args)
    service = largest_service()
    started = time.perf_counter()
    content = reference_file(start=start, end=end, agency=service.code)
    written = time.perf_counter()
    problems = reference_problems(content, codes=mappings_for(DATASET_VERSION).codes, end=end)
    return {
        "rows": content.count(b"\n") - 1,
        "problems": len(problems),
        "seconds": round(time.perf_counter() - started, 2),
        "write_s": round(written - started, 2),
        "validate_s": round(time.perf_counter() - written, 2),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def child_page(args: argparse.Namespace) -> dict:
    sys.path.insert(0, os.getcwd())
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from cases.models import Role, User
    from exchange.selectors import count_problems, data_quality
    from tests.conftest import sign_in_verified

    service = largest_service()
    started = time.perf_counter()
    quality = data_quality(
        service, timezone.localdate(), count_problems(service, timezone.localdate())
    )
    counted = time.perf_counter() - started
    admin = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk").first()
    if admin is None:
        raise SystemExit("No administrator to read the page as.")
    client = sign_in_verified(Client(), admin)
    url = f"{reverse('ndtms_quality')}?service={service.pk}"
    times = []
    for _ in range(5):
        began = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - began)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")
    return {
        "counted_s": round(counted, 2),
        "page_ms": round(sorted(times)[len(times) // 2] * 1000, 1),
        "problems": quality.rows[-1].total[0],
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


STEPS = {
    "setup": child_setup,
    "prepare": child_prepare,
    "floor": child_floor,
    "baseline": child_baseline,
    "page": child_page,
}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        configure_django(args.data_dir)
        print(json.dumps(STEPS[args.child](args)))
        return 0

    shared = ["--data-dir", args.data_dir] + (["--month", args.month] if args.month else [])

    def step(name: str) -> dict:
        figures, _ = run_child(__file__, ["--child", name, *shared], f"The {name} step failed.")
        return figures

    # Started (or attached to) here, so it stays up and warm between the steps.
    configure_django(args.data_dir)
    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    setup = step("setup")
    print(f"{setup['people']:,} people, {setup['service_people']:,} in the service", flush=True)
    if setup["people"] != args.people:
        print(f"  (expected {args.people:,}: the figures are for the people there)", flush=True)
    prepare = step("prepare")
    floor = step("floor")
    print(
        f"  prepare  {prepare['rows']:>9,} rows, {prepare['file_mb']} MB in {prepare['seconds']:.1f} s"
        f" (read {prepare['read_s']:.1f}, validate {prepare['validate_s']:.1f}, write "
        f"{prepare['write_s']:.1f}), {prepare['problems']:,} problems "
        f"(read back in {prepare['problems_read_back_s']:.1f} s), peak {prepare['peak_rss_mb']:.0f} MB",
        flush=True,
    )
    print(
        f"  floor    {floor['rows']:>9,} rows of episodes, interventions and TOPs in "
        f"{floor['seconds']:.1f} s (server-side COPY to /dev/null); the prepare is "
        f"{prepare['seconds'] / max(floor['seconds'], 1e-9):.1f}x it",
        flush=True,
    )
    baseline = None
    if setup["service_people"] <= args.baseline_max:
        baseline = step("baseline")
        print(
            f"  baseline {baseline['rows']:>9,} rows in {baseline['seconds']:.1f} s (write "
            f"{baseline['write_s']:.1f}, validate {baseline['validate_s']:.1f}), "
            f"{baseline['problems']:,} problems, peak {baseline['peak_rss_mb']:.0f} MB",
            flush=True,
        )
        if (baseline["rows"], baseline["problems"]) != (prepare["rows"], prepare["problems"]):
            raise SystemExit("The old way's rows or problems differ from the new way's.")
    else:
        print(f"  baseline not run: over {args.baseline_max:,} people (--baseline-max)")
    page = step("page")
    print(
        f"  quality page: counts made afresh in {page['counted_s']:.1f} s, then the page in "
        f"{page['page_ms']:.0f} ms (median of 5), {page['problems']:,} problems this month",
        flush=True,
    )
    time_ok = prepare["seconds"] <= TARGET_S
    memory_ok = prepare["peak_rss_mb"] <= TARGET_MB
    print(
        f"Targets: <= {TARGET_S:.0f} s ({'met' if time_ok else 'MISSED'}: "
        f"{prepare['seconds']:.1f} s), <= {TARGET_MB:.0f} MB ({'met' if memory_ok else 'MISSED'}: "
        f"{prepare['peak_rss_mb']:.0f} MB)"
    )
    figures = {
        "people": setup["people"],
        "service_people": setup["service_people"],
        "rows": prepare["rows"],
        "file_mb": prepare["file_mb"],
        "problems": prepare["problems"],
        "seconds": prepare["seconds"],
        "read_s": prepare["read_s"],
        "validate_s": prepare["validate_s"],
        "write_s": prepare["write_s"],
        "problems_read_back_s": prepare["problems_read_back_s"],
        "peak_rss_mb": prepare["peak_rss_mb"],
        "floor_s": floor["seconds"],
        "floor_rows": floor["rows"],
        "ratio_to_floor": round(prepare["seconds"] / max(floor["seconds"], 1e-9), 2),
        "baseline_s": baseline["seconds"] if baseline else None,
        "baseline_peak_rss_mb": baseline["peak_rss_mb"] if baseline else None,
        "speedup_over_baseline": (
            round(baseline["seconds"] / prepare["seconds"], 2) if baseline else None
        ),
        "page_counted_s": page["counted_s"],
        "page_ms": page["page_ms"],
        "target_s": TARGET_S,
        "target_peak_rss_mb": TARGET_MB,
    }
    print(json.dumps(figures))
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
