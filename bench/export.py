"""Benchmark: the commissioner CSV extract, beside its floor and the old way, in one run.

    .venv/bin/python bench/export.py [--sizes 100000,1000000] [--data-dir DIR] [--skip-seed]
                                     [--repeat N]

Each size uses its own embedded PostgreSQL, `.lantern/exportbench-<size>`,
unless DATABASE_URL is set or `--data-dir DIR` (or LANTERN_BENCH_DATA_DIR)
names one database to use as it is, for a single size: a database seeded once
and shared by several benchmarks. It is migrated, and seeded with
`seed_demo --people <size>` unless it already holds that many people (or
`--skip-seed` is given). Then, each in a fresh process so that its peak
memory is its own:

1. the extract: GET /api/v1/extracts/people/?format=csv through the real view
   (Django's test client, a commissioner's bearer token, the middleware and the
   request log), the streamed response consumed end to end and counted;
2. the floor: a plain `COPY ... TO STDOUT` of the same people's stored columns
   (no pseudonyms, no sorting, no suppression) relayed in 256 KB chunks, the
   most this machine can move;
3. the baseline: the extract as it was written before (the old SQL and
   psycopg's row-by-row `Copy` iterator, `tests/commissioning/extract_reference.py`),
   through the same view.

It prints rows per second, each against the floor, peak memory (the
process's VmHWM, and how much the request added to what the process held
before it) and the CPU time spent a row by PostgreSQL (its backend and the
parallel workers it started, when it runs on this machine) and by the app
(the view and the relay): figures a busy machine hardly changes. Then it
checks the targets: at least 500,000 rows a second and at most 100 MB that
the extract adds. The last line is one JSON object with the
figures (units in the keys), those of the largest size unsuffixed.
"""

import argparse
import datetime
import io
import json
import os
import sys
import time
from pathlib import Path

from harness import BASE_DIR, configure_django, peak_rss_mb, run_child

TARGET_ROWS_PER_S = 500_000
TARGET_EXTRACT_MB = 100
EXTRACT_URL = "/api/v1/extracts/people/?format=csv"
FLOOR_SQL = (
    "COPY (SELECT su.external_id, su.consent_to_ndtms, su.sex, su.date_of_birth, su.ethnicity, "
    "su.nationality, su.local_authority_id, su.team_id FROM cases_serviceuser su) "
    "TO STDOUT WITH (FORMAT csv, HEADER)"
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="people per run")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-seed", action="store_true", help="reuse the data already there")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the three steps this many times, in turn, and keep each one's fastest run "
        "(on a busy machine a short run is at the mercy of the other processes)",
    )
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("LANTERN_BENCH_DATA_DIR"),
        help="one embedded database to use as it is (one size only); by default "
        ".lantern/exportbench-<size> for each size",
    )
    # Internal: run one step in this process and print its figures as JSON.
    parser.add_argument(
        "--child", choices=["seed", "extract", "floor", "baseline"], help=argparse.SUPPRESS
    )
    parser.add_argument("--people", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _stat(pid: int) -> list[str]:
    # The fields after the command name, which may hold spaces: field 3 of proc(5) is [0].
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def backend_cpu_s() -> float | None:
    """CPU seconds used so far by this process's PostgreSQL backend and by the parallel
    workers it has finished with, when it runs on this machine (the embedded database):
    a measure that a busy machine hardly changes.

    A parallel worker's CPU is added to the postmaster's children's time when it exits,
    so the postmaster's `cutime` and `cstime` count it (and any other backend that ends
    meanwhile: nothing else runs against a benchmark's database).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        backend = _stat(pid)
        postmaster = _stat(int(backend[1]))
    except OSError:
        return None
    ticks = sum(int(backend[i]) for i in (11, 12)) + sum(int(postmaster[i]) for i in (13, 14))
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_us_per_row(before: float | None, rows: int) -> float | None:
    time.sleep(0.1)  # for the postmaster to reap the parallel workers
    after = backend_cpu_s()
    if before is None or after is None or rows <= 0:
        return None
    return round((after - before) * 1e6 / rows, 2)


def app_cpu_us_per_row(before: float, rows: int) -> float | None:
    """CPU this process (the app: the view and the relay) spent a row since `before`."""
    if rows <= 0:
        return None
    return round((time.process_time() - before) * 1e6 / rows, 2)


def child_seed(people: int, seed: int, skip_seed: bool) -> dict:
    from django.core.management import call_command

    from cases.models import ServiceUser

    call_command("migrate", interactive=False, verbosity=0)
    present = ServiceUser.objects.count()
    if present == people or (skip_seed and present):
        return {"people": present, "seed_s": None}
    started = time.perf_counter()
    call_command(
        "seed_demo",
        without_history=True,
        reset=True,
        people=people,
        seed=seed,
        stdout=io.StringIO(),
    )
    return {
        "people": ServiceUser.objects.count(),
        "seed_s": round(time.perf_counter() - started, 1),
    }


def bench_token() -> str:
    """A fresh token for the demo commissioner, of a benchmark client."""
    from django.utils import timezone

    from cases.models import Role, User
    from commissioning import services
    from commissioning.models import ApiClient

    client, _ = ApiClient.objects.get_or_create(name="Benchmark commissioning")
    user = User.objects.filter(username="commissioner", role=Role.COMMISSIONER).first()
    if user is None:
        user = User.objects.create(username="bench-commissioner", role=Role.COMMISSIONER)
    if user.api_client_id != client.pk:
        user.api_client = client
        user.save(update_fields=["api_client"])
    _, raw = services.api_token_create(
        client=client,
        user=user,
        name="export benchmark",
        expires_at=timezone.now() + datetime.timedelta(days=1),
        created_by=None,
    )
    return raw


def consume(chunks, started: float) -> dict:
    size = lines = 0
    first_byte_s = None
    for chunk in chunks:
        if first_byte_s is None:
            first_byte_s = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")
    return {
        "rows": lines - 1,
        "seconds": round(time.perf_counter() - started, 3),
        "first_byte_ms": round((first_byte_s or 0) * 1000, 1),
        "mb": round(size / 1024 / 1024, 1),
    }


def through_view() -> dict:
    from django.test import Client

    from commissioning.models import ApiRequestLog

    client = Client(headers={"Authorization": f"Bearer {bench_token()}"})
    # One small JSON page first, as a running server has served others: the first request
    # of a process loads every URL's views and the schema, which is not the extract's cost.
    warm_up = client.get(EXTRACT_URL.replace("format=csv", "page_size=1"))
    if warm_up.status_code != 200:
        raise SystemExit(f"The warm-up request answered {warm_up.status_code}")
    before = current_rss_mb()
    cpu = backend_cpu_s()
    app_cpu = time.process_time()
    started = time.perf_counter()
    response = client.get(EXTRACT_URL)
    if response.status_code != 200:
        raise SystemExit(f"GET {EXTRACT_URL} answered {response.status_code}")
    figures = consume(response.streaming_content, started)
    response.close()
    figures["app_cpu_us_per_row"] = app_cpu_us_per_row(app_cpu, figures["rows"])
    figures["pg_cpu_us_per_row"] = cpu_us_per_row(cpu, figures["rows"])
    log = ApiRequestLog.objects.filter(extract="people", format="csv").latest("at")
    return {
        **figures,
        "logged_rows": log.rows,
        "logged_complete": log.complete,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "added_mb": round(peak_rss_mb() - before, 1),
    }


def child_extract() -> dict:
    return through_view()


def child_baseline() -> dict:
    """The old way through the same view: the old SQL, psycopg's row-by-row iterator."""
    from commissioning.api import extract_views
    from tests.commissioning.extract_reference import reference_chunks

    def old_csv_chunks(extract, audience, filters, *, finished=None):
        lines = 0
        for chunk in reference_chunks(extract, audience, filters):
            lines += chunk.count(b"\n")
            yield chunk
        if finished is not None:
            finished(lines - 1, True)

    extract_views.csv_chunks = old_csv_chunks
    return through_view()


def child_floor() -> dict:
    """COPY of the same people's stored columns, relayed in 256 KB chunks as the extract is."""
    from django.db import connection

    from commissioning.extracts.base import copy_chunks

    connection.ensure_connection()
    before = current_rss_mb()
    cpu = backend_cpu_s()
    app_cpu = time.process_time()
    started = time.perf_counter()
    figures = consume(copy_chunks(connection.connection, FLOOR_SQL, []), started)
    figures["app_cpu_us_per_row"] = app_cpu_us_per_row(app_cpu, figures["rows"])
    figures["pg_cpu_us_per_row"] = cpu_us_per_row(cpu, figures["rows"])
    return {
        **figures,
        "rss_before_mb": round(before, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "added_mb": round(peak_rss_mb() - before, 1),
    }


def run_step(args: argparse.Namespace, step: str, people: int) -> dict:
    arguments = ["--child", step, "--people", str(people), "--seed", str(args.seed)]
    arguments += ["--data-dir", data_dir_for(args, people)]
    arguments += ["--skip-seed"] if args.skip_seed else []
    figures, _ = run_child(__file__, arguments, f"The {step} step for {people:,} people failed.")
    return figures


def data_dir_for(args: argparse.Namespace, people: int) -> str:
    if args.data_dir:
        return args.data_dir
    return str(BASE_DIR / ".lantern" / f"exportbench-{people}")


def rate(figures: dict) -> float:
    return figures["rows"] / max(figures["seconds"], 1e-9)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        configure_django(args.data_dir)
        steps = {"extract": child_extract, "floor": child_floor, "baseline": child_baseline}
        if args.child == "seed":
            figures = child_seed(args.people, args.seed, args.skip_seed)
        else:
            figures = steps[args.child]()
        print(json.dumps(figures))
        return 0

    sizes = [int(size) for size in args.sizes.split(",")]
    if args.data_dir and len(sizes) > 1:
        raise SystemExit("--data-dir names one database: give one size with --sizes.")
    if os.environ.get("DATABASE_URL"):
        print("Database: DATABASE_URL", flush=True)
    results: dict[int, dict] = {}
    for people in sizes:
        print(f"Database: {data_dir_for(args, people)}", flush=True)
        seeded = run_step(args, "seed", people)
        note = f"seeded in {seeded['seed_s']} s" if seeded["seed_s"] else "reused"
        print(f"{seeded['people']:,} people ({note})", flush=True)
        # The floor between the two others, so that a change in the machine's load shows.
        runs: dict[str, list[dict]] = {"extract": [], "floor": [], "baseline": []}
        for _ in range(max(args.repeat, 1)):
            for step, figures in runs.items():
                figures.append(run_step(args, step, people))
        extract, floor, baseline = (max(runs[step], key=rate) for step in runs)
        fast, floor_rate, base_rate = rate(extract), rate(floor), rate(baseline)
        for name, figures, speed, note in (
            ("extract ", extract, fast, "the view, fast path"),
            ("floor   ", floor, floor_rate, "COPY of the stored columns, 256 KB chunks"),
            ("baseline", baseline, base_rate, "the view, the old way"),
        ):
            print(
                f"  {name} {figures['rows']:>9,} rows in {figures['seconds']:6.2f} s = "
                f"{speed:>9,.0f} rows/s ({speed / floor_rate:4.0%} of the floor), "
                f"{figures['mb']} MB of CSV, first byte after {figures['first_byte_ms']} ms, "
                f"peak {figures['peak_rss_mb']:.0f} MB (+{figures['added_mb']:.0f} MB for it), "
                f"CPU a row: PostgreSQL {figures['pg_cpu_us_per_row']} us, "
                f"the app {figures['app_cpu_us_per_row']} us; {note}",
                flush=True,
            )
        print(
            f"  logged {extract['logged_rows']:,} rows (complete: {extract['logged_complete']})",
            flush=True,
        )
        if extract["rows"] != baseline["rows"] or extract["logged_rows"] != extract["rows"]:
            raise SystemExit("The extract's row count differs from the old way's or its log's.")
        results[people] = {
            "people": seeded["people"],
            "seed_s": seeded["seed_s"],
            "rows": extract["rows"],
            "rows_per_s": round(fast),
            "floor_rows_per_s": round(floor_rate),
            "baseline_rows_per_s": round(base_rate),
            "ratio_to_floor": round(fast / floor_rate, 2),
            "speedup_over_baseline": round(fast / base_rate, 2),
            "seconds": extract["seconds"],
            "first_byte_ms": extract["first_byte_ms"],
            "csv_mb": extract["mb"],
            "peak_rss_mb": extract["peak_rss_mb"],
            "extract_added_mb": extract["added_mb"],
            "floor_peak_rss_mb": floor["peak_rss_mb"],
            "baseline_peak_rss_mb": baseline["peak_rss_mb"],
            "pg_cpu_us_per_row": extract["pg_cpu_us_per_row"],
            "floor_pg_cpu_us_per_row": floor["pg_cpu_us_per_row"],
            "baseline_pg_cpu_us_per_row": baseline["pg_cpu_us_per_row"],
            "app_cpu_us_per_row": extract["app_cpu_us_per_row"],
            "floor_app_cpu_us_per_row": floor["app_cpu_us_per_row"],
        }

    large = max(sizes)
    figures = dict(results[large])
    rate_ok = figures["rows_per_s"] >= TARGET_ROWS_PER_S
    memory_ok = figures["extract_added_mb"] <= TARGET_EXTRACT_MB
    print(
        f"Targets at {large:,} people: >= {TARGET_ROWS_PER_S:,} rows/s "
        f"({'met' if rate_ok else 'MISSED'}: {figures['rows_per_s']:,}, "
        f"{figures['ratio_to_floor']:.0%} of the floor measured in this run); the extract adds "
        f"<= {TARGET_EXTRACT_MB} MB ({'met' if memory_ok else 'MISSED'}: "
        f"{figures['extract_added_mb']:+.0f} MB over the {figures['peak_rss_mb'] - figures['extract_added_mb']:.0f} MB "
        f"the app holds once loaded); {figures['speedup_over_baseline']:.1f}x the old way"
    )
    if len(sizes) > 1:
        for people, result in results.items():
            figures.update({f"{key}_{people}": value for key, value in result.items()})
    figures["target_rows_per_s"] = TARGET_ROWS_PER_S
    figures["target_extract_mb"] = TARGET_EXTRACT_MB
    print(json.dumps(figures))
    return 0 if rate_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
