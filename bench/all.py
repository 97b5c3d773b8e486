"""Every speed benchmark at national scale against one seeded database: `make bench`.

    .venv/bin/python bench/all.py [--people 1000000] [--only risk_recompute,load,...]

The database is an embedded PostgreSQL of its own (`.lantern/bench-all`, or --data-dir)
unless DATABASE_URL is set. It is migrated and seeded once (`seed_demo --people N --seed 7
--without-history`: case histories and death reviews; the flags come from the benchmarks)
unless it already holds that many people, then vacuumed and analysed as a live database
would be.

Each benchmark then runs in its own process against that database, in this order:

1. `risk_recompute`: the first run, a repeated date, the nightly run, one person's recompute
   (it empties the flag tables first);
2. `risk_engine`: the engine alone over the same frames;
3. the flag history the pages need (nightly runs over the last 28 days, outreach against
   the flags), as `bench/load_data.py` builds it;
4. `load`: pages under 20 users, with and without a pause;
5. `export`: the commissioner CSV extract;
6. `figures`: the commissioner figures;
7. `ndtms`: a month's NDTMS submission of the largest service prepared and validated, and
   its data quality page;
8. `import`: the bulk import of as many people's records, into a fresh database of its own
   beside the shared one (an import must start empty).

`review_dashboard` and `backtest` need populations of their own (death reviews by the
thousand; the validation population's simulated deaths) and run on their own; `caseload`
times one page for one user, which `load` times under twenty.

It prints each figure beside its floor (measured in the same run by the benchmark that
reports it) and its target, as ratios, and ends with one JSON line holding every figure.
"""

import argparse
import datetime
import io
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import BASE_DIR, add_data_dir_option, configure_django

SEED = 7
BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Figure:
    """One figure a benchmark reports, with the key of its floor and the target it must meet."""

    label: str
    bench: str
    key: str
    floor_key: str | None
    target: float
    at_most: bool = True  # False: the figure must reach at least the target

    def met(self, value: float) -> bool:
        return value <= self.target if self.at_most else value >= self.target


FIGURES = (
    Figure("nightly recompute, s", "risk_recompute", "nightly_s", "nightly_floor_s", 10.0),
    Figure("nightly peak memory, MB", "risk_recompute", "nightly_peak_rss_mb", None, 1024),
    Figure("  load, s", "risk_recompute", "load_s", "load_floor_s", 4.0),
    Figure("  engine, s", "risk_recompute", "engine_s", "engine_floor_s", 1.5),
    Figure("  write, s", "risk_recompute", "write_s", "write_floor_s", 3.0),
    Figure("first recompute, s", "risk_recompute", "first_s", "first_floor_s", 15.0),
    Figure("one person, median ms", "risk_recompute", "person_median_ms", "person_floor_ms", 30),
    Figure("one person, p95 ms", "risk_recompute", "person_p95_ms", "person_floor_ms", 60),
    Figure("engine alone, s", "risk_engine", "engine_s", "engine_floor_s", 1.5),
    Figure("pages, requests/s", "load", "rps", None, 120, at_most=False),
    Figure("pages, p95 ms", "load", "p95_ms", None, 250),
    Figure("pages with a 1 s pause, p95 ms", "load", "paused_p95_ms", "caseload_sql_ms", 60),
    Figure("extract, rows/s", "export", "rows_per_s", "floor_rows_per_s", 500_000, at_most=False),
    # The serving process holds the whole app (pandas included) before the first row: the
    # extract's own memory is what a request adds to it.
    Figure("extract memory added, MB", "export", "extract_added_mb", None, 100),
    Figure("NDTMS submission, s", "ndtms", "seconds", "floor_s", 60.0),
    Figure("NDTMS submission peak memory, MB", "ndtms", "peak_rss_mb", None, 1024),
    Figure("import, rows/s", "import", "rows_per_s", "floor_rows_per_s", 100_000, at_most=False),
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument(
        "--only", default="", help="comma-separated benchmarks to run (default: all of them)"
    )
    parser.add_argument("--load-seconds", type=float, default=60, help="loaded run length (60)")
    parser.add_argument(
        "--import-people", type=int, default=None, help="people imported (--people)"
    )
    add_data_dir_option(parser, "bench-all")
    return parser.parse_args(argv)


def commands(args: argparse.Namespace) -> dict[str, list[str]]:
    """Each benchmark's command line against the shared database."""
    shared = ["--data-dir", args.data_dir]
    people = str(args.people)
    return {
        "risk_recompute": ["risk_recompute.py", "--people", people, *shared],
        "risk_engine": ["risk_engine.py", "--people", people, *shared],
        "load": [
            "load.py",
            "--people",
            people,
            "--skip-seed",
            "--seconds",
            str(args.load_seconds),
            *shared,
        ],
        "export": ["export.py", "--sizes", people, "--skip-seed", *shared],
        "figures": ["figures.py", "--people", people, "--skip-seed", *shared],
        "ndtms": ["ndtms.py", "--people", people, *shared],
        "import": [
            "import.py",
            "--sizes",
            str(args.import_people or args.people),
            "--data-dir",
            f"{args.data_dir}-import",
        ],
    }


def seed_once(people: int) -> dict:
    """Migrate, and seed the shared population unless it is already there."""
    from django.core.management import call_command
    from django.db import connection

    from cases.models import ServiceUser

    call_command("migrate", interactive=False, verbosity=0)
    present = ServiceUser.objects.count()
    if present == people:
        print(f"{present:,} people already seeded: reusing them", flush=True)
        return {"seed_s": None}
    print(f"Seeding {people:,} people (seed {SEED})...", flush=True)
    started = time.perf_counter()
    call_command(
        "seed_demo",
        reset=True,
        without_history=True,
        people=people,
        seed=SEED,
        show_logins=False,
        stdout=io.StringIO(),
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    seconds = round(time.perf_counter() - started, 1)
    print(f"Seeded, vacuumed and analysed in {seconds:.0f} s", flush=True)
    return {"seed_s": seconds}


def flag_history() -> dict:
    """The flag history and outreach the pages show, as the load benchmark builds them."""
    from django.db import connection
    from django.utils import timezone
    from figures import add_outreach, build_flag_history
    from load_data import FLAG_HISTORY_DAYS

    today = timezone.localdate()
    print(f"Building the flag history over the last {FLAG_HISTORY_DAYS} days...", flush=True)
    history = build_flag_history(today - datetime.timedelta(days=FLAG_HISTORY_DAYS), today)
    added = add_outreach(SEED)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"  {history['runs']} runs in {history['seconds']:.0f} s; {added:,} outreach attempts")
    return {"flag_history_s": history["seconds"]}


def run_bench(name: str, command: list[str]) -> dict:
    """Run one benchmark, showing its output as it goes; its figures from its last line."""
    print(f"\n=== {name}: {' '.join(command)}", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(BENCH / command[0]), *command[1:]],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    last = ""
    assert process.stdout is not None
    for line in process.stdout:
        print(f"  {line}", end="", flush=True)
        if line.strip():
            last = line.strip()
    process.wait()
    seconds = round(time.perf_counter() - started, 1)
    try:
        figures = json.loads(last)
    except json.JSONDecodeError:
        figures = {}
    if not isinstance(figures, dict):
        figures = {}
    # A benchmark that misses its own targets exits 1 and still reports; anything else failed.
    figures["exit_code"] = process.returncode
    figures["bench_s"] = seconds
    return figures


def report(results: dict[str, dict]) -> list[str]:
    """Each figure beside its floor and target, as ratios."""
    lines = [
        f"{'figure':<34}{'measured':>12}{'floor':>12}{'x floor':>9}{'target':>12}"
        f"{'x target':>10}  met"
    ]
    for figure in FIGURES:
        figures = results.get(figure.bench)
        if figures is None or figure.key not in figures:
            continue
        value = figures[figure.key]
        floor = figures.get(figure.floor_key) if figure.floor_key else None
        bound = "<=" if figure.at_most else ">="
        lines.append(
            f"{figure.label:<34}{value:>12,.1f}"
            + (f"{floor:>12,.1f}{value / floor:>9.2f}" if floor else f"{'':>12}{'':>9}")
            + f"{bound + ' ' + format(figure.target, ',g'):>12}{value / figure.target:>10.2f}"
            + f"  {'yes' if figure.met(value) else 'NO'}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = [name for name in args.only.split(",") if name]
    available = commands(args)
    unknown = set(chosen) - set(available)
    if unknown:
        raise SystemExit(f"Unknown benchmarks: {', '.join(sorted(unknown))}")
    configure_django(args.data_dir)
    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    summary: dict = {"people": args.people, **seed_once(args.people)}
    results: dict[str, dict] = {}
    history_built = False
    for name, command in available.items():
        if chosen and name not in chosen:
            continue
        if name in {"load", "export", "figures"} and not history_built:
            summary.update(flag_history())
            history_built = True
        results[name] = run_bench(name, command)
        if name == "risk_recompute":
            # It leaves only its own runs behind; the pages want the nightly history.
            history_built = False
    print("\n" + "\n".join(report(results)))
    for name, figures in results.items():
        for key, value in figures.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                summary[f"{name}.{key}"] = value
    missed = [f.label.strip() for f in FIGURES if f.bench in results and _missed(f, results)]
    summary["targets_missed"] = len(missed)
    print(json.dumps(summary))
    return 0 if not missed and all(r["exit_code"] in (0, 1) for r in results.values()) else 1


def _missed(figure: Figure, results: dict[str, dict]) -> bool:
    value = results[figure.bench].get(figure.key)
    return value is None or not figure.met(value)


if __name__ == "__main__":
    sys.exit(main())
