"""Benchmark: how long a keyworker's caseload page takes with N people in the database.

    .venv/bin/python bench/caseload.py [--people 100000] [--requests 30]

It uses its own embedded PostgreSQL (`.lantern/bench`, or --data-dir) unless
DATABASE_URL is set, so the demo data is never touched. It migrates, seeds
with `seed_demo --reset --people N` (timed), signs in as the demo `keyworker`
(about 58 people in treatment or discharged within a year) and times
GET /caseload/mine/ through Django's test client: a few warm-up requests, then
--requests timed ones. Server time is `time.perf_counter()` around
`client.get`; queries are counted with `CaptureQueriesContext` on one extra
request, so capturing does not slow the timed ones.

The baseline it compares against is the target: a median under 150 ms for a
keyworker with 60 people. The last line of output is one JSON object with the
figures (units in the keys), for scripts to read.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time

from harness import add_data_dir_option, configure_django, signed_in_client

TARGET_MEDIAN_MS = 150.0
CASELOAD_URL = "/caseload/mine/"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests (30)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (5)")
    parser.add_argument("--seed", type=int, default=2026)
    add_data_dir_option(parser, "bench")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the data from the last run")
    return parser.parse_args(argv)


def keyworker_to_sign_in():
    """The demo keyworker, or else the keyworker holding the caseload nearest 60 people."""
    from django.db.models import Count

    from cases.models import Role, User

    user = User.objects.filter(username="keyworker", role=Role.KEYWORKER).first()
    if user is not None:
        return user
    held = (
        User.objects.filter(role=Role.KEYWORKER)
        .annotate(people=Count("caseload"))
        .filter(people__gt=0)
        .values_list("pk", "people")
    )
    best = min(held, key=lambda row: abs(row[1] - 60), default=None)
    if best is None:
        raise SystemExit("No keyworker holds a caseload: did seeding fail?")
    return User.objects.get(pk=best[0])


def caseload_rows(user) -> int:
    """People on the user's own caseload list: in treatment or left within 12 months."""
    from cases import selectors

    people = selectors.caseload_people(user, "mine")
    return selectors.in_caseload_window(selectors.with_caseload_columns(people)).count()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_django(args.data_dir)

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)

    seed_s = None
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
        seed_s = time.perf_counter() - started
        print(f"Seeded in {seed_s:.1f} s", flush=True)

    from cases.models import ServiceUser

    people = ServiceUser.objects.count()  # what is there, also when --skip-seed reuses data
    user = keyworker_to_sign_in()
    rows = caseload_rows(user)
    client = signed_in_client(user)

    response = client.get(CASELOAD_URL)
    if response.status_code != 200:
        print(f"GET {CASELOAD_URL} answered {response.status_code}: nothing to time.")
        figures = {
            "people": people,
            "seed_s": _round(seed_s),
            "caseload_rows": rows,
            "caseload_status": response.status_code,
        }
        print(json.dumps(figures))
        return 1
    for _ in range(args.warmup):
        client.get(CASELOAD_URL)

    timings_ms = []
    for _ in range(args.requests):
        started = time.perf_counter()
        response = client.get(CASELOAD_URL)
        timings_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as captured:
        client.get(CASELOAD_URL)
    queries = len(captured.captured_queries)
    page_kb = len(response.content) / 1024

    median = statistics.median(timings_ms)
    p95 = percentile(timings_ms, 0.95)
    verdict = "meets" if median < TARGET_MEDIAN_MS else "MISSES"
    print(f"{people:,} people in the database")
    print(f"Signed in as {user.username}: {rows} people on the caseload list")
    print(f"GET {CASELOAD_URL}, {args.requests} timed requests after {args.warmup} warm-up:")
    print(
        f"  median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"min {min(timings_ms):.1f} ms, max {max(timings_ms):.1f} ms"
    )
    print(f"  {queries} queries per request, page {page_kb:.0f} KB")
    print(
        f"Target (baseline): median < {TARGET_MEDIAN_MS:.0f} ms for a keyworker with 60 "
        f"people: {verdict} it."
    )
    figures = {
        "people": people,
        "seed_s": _round(seed_s),
        "caseload_rows": rows,
        "requests": args.requests,
        "caseload_median_ms": _round(median),
        "caseload_p95_ms": _round(p95),
        "caseload_min_ms": _round(min(timings_ms)),
        "caseload_max_ms": _round(max(timings_ms)),
        "queries_per_request": queries,
        "page_kb": _round(page_kb),
        "target_median_ms": TARGET_MEDIAN_MS,
    }
    print(json.dumps(figures))
    return 0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


if __name__ == "__main__":
    sys.exit(main())
