"""Benchmark: keyworkers' pages under load, served by gunicorn from a national database.

    .venv/bin/python bench/load.py [--people 1000000] [--users 20] [--seconds 60]
                                   [--think-ms 0] [--paused-seconds 30] [--workers 4]
                                   [--threads 1] [--data-dir DIR] [--skip-seed]

It uses its own embedded PostgreSQL (`.lantern/bench-load`, or --data-dir)
unless DATABASE_URL is set.

Seeding. Unless --skip-seed is given, it migrates and then seeds the database
(`load_data.seed`), replacing whatever people it held:

1. `manage.py seed_demo --people N --seed 7 --without-history --reset` (histories,
   TOPs, staff, about 55 people in treatment or recently left per keyworker);
2. a flag history the way production builds one: the nightly recompute as of 28, 14
   and 0 days ago (`figures.build_flag_history`, which empties the risk tables first);
3. for benchmark data only, outreach attempts against most very high and high flags
   (`figures.add_outreach(7)`);
4. `VACUUM (ANALYZE)`.

With --skip-seed it only migrates and checks that people and open flags are there: a
caller that has seeded one shared database that way (e.g. `make bench`, once, at
1,000,000 people) runs this against it with `--data-dir` or DATABASE_URL. Either way,
before each run each chosen user without a confirmed authenticator app is given one
(`load_data.with_devices`, benchmark data only), which writes a `TOTPDevice` row.

The app runs as in production: gunicorn (`config.wsgi`) as a subprocess with
LANTERN_ENV=production (DEBUG off, WhiteNoise serving collected static files,
secure cookies), behind what would be a TLS-terminating proxy: the driver sends
`X-Forwarded-Proto: https`, as that proxy would. The driver asks for pages only,
never a static file: a browser holds Lantern's hashed, far-future-cached static files
after its first page (and in production a proxy can serve them, docs/operations.md),
so none of gunicorn's CPU counted here is static files.

The driver is a second process (`bench/load_driver.py`, plain `requests` in threads, with no
Django set up), on loopback. Each of `--users` members of staff signs in through the
real sign-in forms, password then the code of their own authenticator app (a
confirmed django-otp TOTP device; the driver computes its codes from the device's
key), goes round their pages once untimed (a warm-up), then loops until `--seconds`
have passed, asking for each page as soon as the last one has arrived (a closed
loop, the heaviest reading of "20 concurrent users"). A second run of
`--paused-seconds` has each user pause a second after each page (`--paused-think-ms`),
still far quicker than anyone reads a record:

- a keyworker (most users): their caseload (alternately by name and by risk),
  a person's record picked from that page, the team's outreach worklist;
- a team lead (one user in five, `--team-leads`): the team caseload, a person's
  record, the worklist and the "not contacted in 2 days" list.

Users are real caseload holders of the seed: keyworkers each holding 40 to 60
people in treatment or recently left (in different teams at a million people),
and team leads. A response counts as an error if it is not a 200, if the
connection fails or times out, or if the page lacks what it must hold (the
caseload's title and its people's links, the person's name on their record,
the worklist's title), so a fast error page is never counted as a success.

The machine may be shared with other work, so besides latencies the script
prints the CPU time each side used per request during the timed window
(gunicorn's processes, the embedded PostgreSQL's, the driver's own, from
/proc) and the load average: what the pages cost, whatever else was running.
Beside them, the floor: the caseload's own SQL (the page's rows and their count),
captured from the real page and executed alone through a cursor in the same run
(`caseload_sql_ms`, `load_data.caseload_sql_floor`).

The baseline is the same loop with one user (`--baseline-seconds`), which gives
each page's latency without contention. The targets, for 20 users at 1,000,000
people on the 2-core machine: at least 120 requests/s and a 95th percentile of at
most 250 ms asking without pause, at most 60 ms with a second's pause, no errors.
The script prints every run, then one JSON line, and exits 1 if a target is missed.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from harness import BASE_DIR, add_data_dir_option, configure_django
from load_data import caseload_sql_floor, choose_users, seed, with_devices
from load_server import free_port, postgres_pid, server_environment, start_server, wait_for_server

TARGET_P95_MS = 250.0
TARGET_RPS = 120.0
TARGET_PAUSED_P95_MS = 60.0
PAUSED_THINK_MS = 1000.0
PASSWORD = "lantern-demo-2026"  # demo.DEMO_PASSWORD; the driver sets no Django up
# No pause between pages: each user asks for the next page the moment the last arrives,
# far more often than anyone reading a record could, so no reading of the target is softer.
DEFAULT_THINK_MS = 0.0
PAGES = ("caseload", "record", "worklist", "not_contacted")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--users", type=int, default=20, help="concurrent signed-in users (20)")
    parser.add_argument(
        "--team-leads", type=int, default=None, help="how many users are team leads (users / 5)"
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of the loaded run (60)")
    parser.add_argument(
        "--baseline-seconds", type=float, default=15, help="length of the one-user run (15)"
    )
    parser.add_argument(
        "--think-ms",
        type=float,
        default=DEFAULT_THINK_MS,
        help=f"each user's pause between page views ({DEFAULT_THINK_MS:g}, a closed loop)",
    )
    parser.add_argument(
        "--paused-seconds",
        type=float,
        default=30,
        help="length of the run with a pause after each page (30; 0 skips it)",
    )
    parser.add_argument(
        "--paused-think-ms",
        type=float,
        default=PAUSED_THINK_MS,
        help=f"the pause in that run ({PAUSED_THINK_MS:g})",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (4)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads a worker (1)")
    parser.add_argument("--port", type=int, default=0, help="port to serve on (a free one)")
    add_data_dir_option(parser, "bench-load")
    parser.add_argument(
        "--skip-seed",
        action="store_true",
        help="use the people, flag history and outreach already in the database (see above)",
    )
    return parser.parse_args(argv)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with `share` of the values at or below."""
    ordered = sorted(values)
    rank = max(1, -(-int(share * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(result: dict) -> dict:
    samples = result["samples"]
    wall = result["wall_s"]
    latencies = [ms for _, _, ms, _ in samples]
    errors = sum(1 for *_, ok in samples if not ok)
    by_page = {}
    for page in PAGES:
        ms = [m for p, _, m, _ in samples if p == page]
        if ms:
            by_page[page] = {
                "requests": len(ms),
                "p50_ms": round(statistics.median(ms), 1),
                "p95_ms": round(percentile(ms, 0.95), 1),
                "max_ms": round(max(ms), 1),
            }
    return {
        "requests": len(samples),
        "rps": round(len(samples) / wall, 1) if wall else 0.0,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "errors": errors,
        "by_page": by_page,
        "sign_in_p50_ms": round(statistics.median(result["sign_in_ms"]), 1),
        # CPU per request of each side, whatever else the machine is doing meanwhile.
        "cpu_ms_per_request": {
            name: round(seconds * 1000 / len(samples), 1) if samples else None
            for name, seconds in result["cpu_s"].items()
        },
        "load_average": round(result["load_average"], 1),
        "failures": result["failures"],
    }


def run_driver(plan: dict) -> dict:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("load_driver.py"))],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit("The load driver failed.")
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_run(label: str, figures: dict) -> None:
    print(
        f"{label}: {figures['requests']:,} requests, {figures['rps']} requests/s, "
        f"median {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms, "
        f"{figures['errors']} errors"
    )
    cpu = ", ".join(f"{name} {ms} ms" for name, ms in figures["cpu_ms_per_request"].items())
    print(f"  CPU a request: {cpu}; load average at the end {figures['load_average']}")
    for page, row in figures["by_page"].items():
        print(
            f"  {page:<14} {row['requests']:>6,} requests  median {row['p50_ms']:>7} ms  "
            f"p95 {row['p95_ms']:>7} ms  max {row['max_ms']:>7} ms"
        )
    for failure in figures["failures"]:
        print(f"  error: {failure}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    team_leads = args.users // 5 if args.team_leads is None else args.team_leads
    configure_django(args.data_dir)

    from django.conf import settings
    from django.core.management import call_command

    from cases.models import ServiceUser
    from risk.models import Flag

    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    figures: dict = {}
    if not args.skip_seed:
        figures.update(seed(args))
    people = ServiceUser.objects.count()
    if not people or not Flag.objects.exists():
        raise SystemExit("No people or no flags in the database: run without --skip-seed first.")
    users = choose_users(args.users, team_leads)
    rows = [u["rows"] for u in users if u["rows"] is not None]
    print(
        f"{people:,} people, {Flag.objects.filter(ended_on__isnull=True).count():,} open flags; "
        f"{len(users) - team_leads} keyworkers holding {min(rows)}-{max(rows)} people each "
        f"and {team_leads} team leads",
        flush=True,
    )

    with_devices(users)  # the floor's page is asked for by the first keyworker, signed in
    floor = caseload_sql_floor(users[0]["username"])
    print(
        f"Floor: the caseload's own SQL alone {floor['caseload_sql_ms']} ms "
        f"(its rows {floor['caseload_rows_sql_ms']} ms, their count "
        f"{floor['caseload_count_sql_ms']} ms, medians of direct executions)",
        flush=True,
    )

    static_root = Path(args.data_dir) / "static"
    env = server_environment(settings.DATABASE_URL, static_root)
    shutil.rmtree(static_root, ignore_errors=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    port = args.port or free_port()
    server = start_server(args, env, port)
    worker_class = "gthread" if args.threads > 1 else "sync"
    base = f"http://127.0.0.1:{port}"
    plan = {
        "base": base,
        "password": PASSWORD,
        "think_ms": args.think_ms,
        "server_pids": {"gunicorn": server.pid} | postgres_pid(),
    }
    try:
        wait_for_server(server, port)
        print(
            f"gunicorn: {args.workers} {worker_class} workers x {args.threads} threads on "
            f"127.0.0.1:{port}, LANTERN_ENV=production; think time {args.think_ms:g} ms",
            flush=True,
        )
        baseline = summarise(
            run_driver(plan | {"users": with_devices(users[:1]), "seconds": args.baseline_seconds})
        )
        think = f"think time {args.think_ms:g} ms"
        print_run(f"Baseline, 1 user for {args.baseline_seconds:g} s, {think}", baseline)
        loaded = summarise(
            run_driver(plan | {"users": with_devices(users), "seconds": args.seconds})
        )
        print_run(f"{len(users)} users for {args.seconds:g} s, {think}", loaded)
        paused = None
        if args.paused_seconds:
            paused = summarise(
                run_driver(
                    plan
                    | {
                        "users": with_devices(users),
                        "seconds": args.paused_seconds,
                        "think_ms": args.paused_think_ms,
                    }
                )
            )
            print_run(
                f"{len(users)} users for {args.paused_seconds:g} s, "
                f"think time {args.paused_think_ms:g} ms",
                paused,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)

    paused_p95 = paused["p95_ms"] if paused else None
    checks = {
        f"p95 <= {TARGET_P95_MS:.0f} ms": loaded["p95_ms"] is not None
        and loaded["p95_ms"] <= TARGET_P95_MS,
        f">= {TARGET_RPS:.0f} requests/s": loaded["rps"] >= TARGET_RPS,
        "0 errors": loaded["errors"] == 0 and (paused is None or paused["errors"] == 0),
    }
    if paused:
        checks[f"p95 <= {TARGET_PAUSED_P95_MS:.0f} ms with a pause"] = (
            paused_p95 is not None and paused_p95 <= TARGET_PAUSED_P95_MS
        )
    met = all(checks.values())
    gunicorn_cpu = loaded["cpu_ms_per_request"].get("gunicorn")
    print(
        f"Targets for {len(users)} users at {people:,} people: "
        + "; ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in checks.items())
        + f". Measured: {loaded['rps']} requests/s, p95 {loaded['p95_ms']} ms, "
        f"{loaded['errors']} errors; with a pause p95 {paused_p95} ms. "
        f"Baseline p95 with one user: {baseline['p95_ms']} ms. gunicorn CPU "
        f"{gunicorn_cpu} ms a request against the caseload's own SQL "
        f"{floor['caseload_sql_ms']} ms."
    )
    figures.update(
        {
            "rps": loaded["rps"],
            "p50_ms": loaded["p50_ms"],
            "p95_ms": loaded["p95_ms"],
            "max_ms": loaded["max_ms"],
            "errors": loaded["errors"],
            "requests": loaded["requests"],
            "users": len(users),
            "team_leads": team_leads,
            "people": people,
            "seconds": args.seconds,
            "think_ms": args.think_ms,
            "gunicorn_workers": args.workers,
            "gunicorn_threads": args.threads,
            "load_average": loaded["load_average"],
            "gunicorn_cpu_ms_per_request": loaded["cpu_ms_per_request"].get("gunicorn"),
            "postgres_cpu_ms_per_request": loaded["cpu_ms_per_request"].get("postgres"),
            "driver_cpu_ms_per_request": loaded["cpu_ms_per_request"].get("driver"),
            "paused_p95_ms": paused_p95,
            "paused_rps": paused["rps"] if paused else None,
            "paused_think_ms": args.paused_think_ms if paused else None,
            "paused_gunicorn_cpu_ms_per_request": (
                paused["cpu_ms_per_request"].get("gunicorn") if paused else None
            ),
            **floor,
            "target_rps": TARGET_RPS,
            "target_p95_ms": TARGET_P95_MS,
            "target_paused_p95_ms": TARGET_PAUSED_P95_MS,
            "targets_met": met,
            "baseline_rps": baseline["rps"],
            "baseline_p50_ms": baseline["p50_ms"],
            "baseline_p95_ms": baseline["p95_ms"],
        }
    )
    for page, row in loaded["by_page"].items():
        figures[f"{page}_p95_ms"] = row["p95_ms"]
        figures[f"baseline_{page}_p50_ms"] = baseline["by_page"].get(page, {}).get("p50_ms")
    print(json.dumps(figures))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
