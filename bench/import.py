"""Benchmark: importing people with their histories from CSV, beside the floor of copying them.

    .venv/bin/python bench/import.py [--sizes 100000,1000000] [--seed 2026] [--data-dir DIR]

For each size it writes the seven import files (service users, episodes,
interventions, events, contacts, naloxone supplies, TOP assessments; about 12
rows a person) under `<data-dir>/files-<size>/`, reusing them when they are
already there, then imports them with `manage.py import_records`'s code into a
fresh database in its own embedded PostgreSQL (`.lantern/importbench`, or
--data-dir; never a shared one). The database is migrated once into a template
and copied afresh for each run. Each import runs in a child process, so its
peak memory (VmHWM) is its own; the figure is for the importing process, not
the database server.

In the same child, before the import, it measures the floor: a plain COPY of
the same files into temporary tables of text columns, with no index and no
check. The import is judged by its ratio to that floor, which takes the noise
of a shared machine out of the comparison. As in production (with Redis), the
`records_imported` receivers only queue their tasks: the recompute they ask for
is not part of the import.

The baseline printed beside the figures is the importer as it was before the
staging and writing were made faster (`BASELINE`, measured the same way);
`--baseline-code DIR` imports each size with another checkout's code too (e.g.
`git worktree add /tmp/before <commit>`), in the same run and database, and
prints it beside. The target is the issue's: 100,000 rows a second, with peak
memory that does not grow with the size of the files. The last line of output
is one JSON object with the figures (units in the keys), for scripts to read.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from harness import peak_rss_mb

BASE_DIR = Path(__file__).resolve().parent.parent
TARGET_ROWS_PER_S = 100_000
# The importer before this branch's changes, measured by this script in the same run as
# the figures below it (`--baseline-code` on a checkout of main) at 30,000 people on the
# shared 2-core machine (load average 7-10).
BASELINE = {
    "rows": 361_390,
    "rows_per_s": 13_766,
    "floor_rows_per_s": 645_799,
    "peak_rss_mb": 298,
    "note": "at 1,000,000 people it was 31-38 k rows/s",
}
GENERATE_CHUNK = 100_000
TEAMS = ("Bench North", "Bench South", "Bench East", "Bench West")
LOCAL_AUTHORITIES = ("E06000035", "E10000016", "E08000025", "E08000003", "E06000023")
OPIOID_SUBSTANCES = ("heroin", "methadone_illicit", "other_opioid")
OTHER_SUBSTANCES = ("crack", "cocaine", "alcohol", "cannabis", "amphetamine")
EVENT_KINDS = (
    "prison_release",
    "hospital_discharge",
    "bereavement",
    "housing_lost",
    "housing_found",
    "relationship_breakdown",
)
KINDS = (
    "service_users",
    "episodes",
    "interventions",
    "events",
    "contacts",
    "naloxone_supplies",
    "top_assessments",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="people per run")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("LANTERN_IMPORTBENCH_DATA_DIR")
        or str(BASE_DIR / ".lantern" / "importbench"),
    )
    parser.add_argument(
        "--baseline-code",
        type=Path,
        help="also import each size with the code of this checkout (e.g. a `git worktree` of "
        "the commit before), in the same run, and print it beside",
    )
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)  # child: import this folder
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)  # child: the app's checkout
    return parser.parse_args(argv)


# --- writing the files ---------------------------------------------------------------------


def _days(today: np.datetime64, ago: np.ndarray) -> np.ndarray:
    return (today - ago.astype("m8[D]")).astype(str)


def _pick(rng: np.random.Generator, options: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), n)]


def _blank(n: int) -> np.ndarray:
    return np.full(n, "", dtype=object)


def _nhs_numbers(ids: np.ndarray) -> np.ndarray:
    """Valid NHS numbers in the 999 test range, one per person; '' where none is possible."""
    base = 999_000_000 + ids
    digits = (base[:, None] // 10 ** np.arange(8, -1, -1)) % 10
    check = 11 - (digits @ np.arange(10, 1, -1)) % 11
    check[check == 11] = 0
    numbers = (base * 10 + check).astype(str).astype(object)
    numbers[check == 10] = ""
    return numbers


def _chunk_frames(rng, today, low: int, high: int) -> dict[str, pd.DataFrame]:
    n = high - low
    ids = np.arange(low, high)
    person = np.char.add("P", ids.astype(str)).astype(object)
    opioid = rng.random(n) < 0.55
    people = pd.DataFrame(
        {
            "ref": person,
            "team": _pick(rng, TEAMS, n),
            "first_name": _pick(rng, ("Jamie", "Kerry", "Lee", "Morgan", "Robin", "Sasha"), n),
            "last_name": np.char.add("Example", ids.astype(str)).astype(object),
            "date_of_birth": _days(today, rng.integers(20 * 365, 65 * 365, n)),
            "sex": _pick(rng, ("M", "F"), n),
            "ethnicity": _pick(rng, ("A", "C", "N", "Z"), n),
            "local_authority": _pick(rng, LOCAL_AUTHORITIES, n),
            "consent_to_ndtms": np.where(rng.random(n) < 0.9, "Y", "N"),
            "nhs_number": _nhs_numbers(ids),
        }
    )
    # Episodes: everyone has a latest one; 30% also had an earlier, closed one.
    last_ref = rng.integers(60, 1500, n)
    last_closed = rng.random(n) < 0.25
    last_discharge = np.where(last_closed, rng.integers(1, 30, n), 0)
    earlier = rng.random(n) < 0.3
    early_discharge = last_ref + rng.integers(30, 200, n)
    early_ref = early_discharge + rng.integers(60, 300, n)
    ep_person = np.concatenate([person, person[earlier]])
    ep_ref = np.concatenate([last_ref, early_ref[earlier]])
    ep_discharge = np.concatenate([last_discharge, early_discharge[earlier]])
    ep_closed = ep_discharge > 0
    ep_opioid = np.concatenate([opioid, opioid[earlier]])
    m = len(ep_person)
    ep_ids = np.concatenate([ids, ids[earlier]])
    ep_refs = np.char.add(
        np.char.add("E", ep_ids.astype(str)), np.where(np.arange(m) < n, "a", "b")
    ).astype(object)
    start_ago = ep_ref - rng.integers(7, 21, m)
    substance = np.where(
        ep_opioid, _pick(rng, OPIOID_SUBSTANCES, m), _pick(rng, OTHER_SUBSTANCES, m)
    )
    reasons = _pick(rng, ("completed_drug_free", "dropped_out", "transferred_not_custody"), m)
    episodes = pd.DataFrame(
        {
            "ref": ep_refs,
            "person_ref": ep_person,
            "referral_date": _days(today, ep_ref),
            "referral_source": _pick(rng, ("self", "gp", "probation", "hospital"), m),
            "triage_date": _days(today, ep_ref - rng.integers(0, 7, m)),
            "start_date": _days(today, start_ago),
            "substance_1": substance,
            "injecting_status": _pick(rng, ("current", "previous", "never"), m),
            "accommodation_need": _pick(rng, ("none", "problem", "urgent"), m),
            "discharge_date": np.where(ep_closed, _days(today, ep_discharge), ""),
            "discharge_reason": np.where(ep_closed, reasons, ""),
        }
    )
    # One intervention per episode (OST for opioid users), plus psychosocial for half.
    extra = rng.random(m) < 0.5
    iv_episode = np.concatenate([ep_refs, ep_refs[extra]])
    k = len(iv_episode)
    iv_ost = np.concatenate([ep_opioid, np.zeros(extra.sum(), dtype=bool)])
    iv_start = np.concatenate([start_ago, start_ago[extra]])
    iv_end = np.concatenate([ep_discharge, ep_discharge[extra]])
    interventions = pd.DataFrame(
        {
            "ref": np.char.add(
                np.char.add("I", iv_episode.astype(str)), np.where(np.arange(k) < m, "1", "2")
            ).astype(object),
            "episode_ref": iv_episode,
            "kind": np.where(iv_ost, "pharmacological", "psychosocial"),
            "start_date": _days(today, iv_start),
            "end_date": np.where(iv_end > 0, _days(today, iv_end), ""),
            "exit_status": np.where(iv_end > 0, _pick(rng, ("planned", "unplanned"), k), ""),
            "intention": np.where(iv_ost, "maintenance", ""),
            "medicine": np.where(iv_ost, _pick(rng, ("methadone", "buprenorphine"), k), ""),
            "daily_dose_mg": np.where(iv_ost, rng.integers(20, 120, k).astype(str), ""),
        }
    )
    # Events: two a person on average; one in ten an overdose.
    per_person = np.minimum(rng.poisson(2.0, n), 5)
    ev_person = np.repeat(person, per_person)
    e = len(ev_person)
    overdose = rng.random(e) < 0.1
    ev_kind = np.where(overdose, "non_fatal_overdose", _pick(rng, EVENT_KINDS, e))
    events = pd.DataFrame(
        {
            "ref": np.char.add("V", np.arange(e).astype(str)).astype(object) + f"-{low}",
            "person_ref": ev_person,
            "kind": ev_kind,
            "occurred_on": _days(today, rng.integers(1, 1000, e)),
            "substances_suspected": np.where(overdose, "opioids;benzodiazepines", ""),
            "responders": np.where(overdose, "ambulance", ""),
            "taken_to_hospital": np.where(overdose, _pick(rng, ("Y", "N"), e), ""),
            "information_source": np.where(overdose, "ambulance", ""),
        }
    )
    co_person = np.repeat(person, 3)
    c = len(co_person)
    contacts = pd.DataFrame(
        {
            "ref": np.char.add("C", np.arange(c).astype(str)).astype(object) + f"-{low}",
            "person_ref": co_person,
            "contact_date": _days(today, rng.integers(1, 365, c)),
            "kind": _pick(rng, ("appointment", "phone", "home_visit"), c),
            "status": _pick(rng, ("attended", "attended", "dna", "cancelled"), c),
        }
    )
    kit = rng.random(n) < 0.5
    supplied = rng.integers(1, 700, kit.sum())
    naloxone = pd.DataFrame(
        {
            "ref": np.char.add("N", person[kit].astype(str)).astype(object),
            "person_ref": person[kit],
            "supplied_on": _days(today, supplied),
            "formulation": _pick(rng, ("nasal", "im"), int(kit.sum())),
            "supply_type": "first",
            "batch_number": "BENCH-1",
            "expiry_date": _days(today, supplied - 730),
            "setting": "service",
        }
    )
    # TOPs: a start TOP for every episode, a review 180 days on where it fits.
    review_ago = start_ago - 180
    reviewed = review_ago > np.maximum(ep_discharge, 0)
    top_episode = np.concatenate([ep_refs, ep_refs[reviewed]])
    t = len(top_episode)
    top_ago = np.concatenate([start_ago, review_ago[reviewed]])
    tops = pd.DataFrame(
        {
            "ref": np.char.add(
                np.char.add("T", top_episode.astype(str)), np.where(np.arange(t) < m, "S", "R")
            ).astype(object),
            "episode_ref": top_episode,
            "stage": np.where(np.arange(t) < m, "S", "R"),
            "top_date": _days(today, top_ago),
            "ALCUSE": rng.integers(0, 29, t),
            "OPIUSE": rng.integers(0, 29, t),
            "CRAUSE": rng.integers(0, 29, t),
            "IVDRGUSE": rng.integers(0, 29, t),
            "SHARING": _pick(rng, ("Y", "N"), t),
            "PSYHSTAT": rng.integers(0, 21, t),
            "PHSTAT": rng.integers(0, 21, t),
            "QUALLIFE": rng.integers(0, 21, t),
        }
    )
    return {
        "service_users": people,
        "episodes": episodes,
        "interventions": interventions,
        "events": events,
        "contacts": contacts,
        "naloxone_supplies": naloxone,
        "top_assessments": tops,
    }


def write_files(folder: Path, people: int, seed: int) -> dict[str, int]:
    """Write the files for `people` people into `folder` (reused if complete); rows per file."""
    done = folder / "rows.json"
    if done.exists():
        return json.loads(done.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    today = np.datetime64(datetime.date.today(), "D")  # noqa: DTZ011 - a local calendar day
    rows = dict.fromkeys(KINDS, 0)
    handles = {kind: open(folder / f"{kind}.csv", "w", newline="") for kind in KINDS}  # noqa: SIM115
    try:
        for low in range(0, people, GENERATE_CHUNK):
            rng = np.random.default_rng([seed, low])
            frames = _chunk_frames(rng, today, low, min(people, low + GENERATE_CHUNK))
            for kind, frame in frames.items():
                frame.to_csv(handles[kind], index=False, header=low == 0)
                rows[kind] += len(frame)
    finally:
        for handle in handles.values():
            handle.close()
    done.write_text(json.dumps(rows))
    return rows


# --- importing (in a child process) --------------------------------------------------------

TEMPLATE_DATABASE = "lantern_importbench_template"


def _fresh_database(data_dir: Path) -> None:
    """Give the import an empty, migrated database: a copy of a template migrated once."""
    import psycopg

    from core.embedded_postgres import DEFAULT_DATABASE, embedded_database_url

    url = embedded_database_url(data_dir / "pgdata", database="postgres")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DEFAULT_DATABASE}" WITH (FORCE)')
        if conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE_DATABASE]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{DEFAULT_DATABASE}" TEMPLATE "{TEMPLATE_DATABASE}"')


def _keep_as_template(data_dir: Path) -> None:
    """Save the freshly migrated, still empty database as the template for the next runs."""
    import psycopg
    from django.db import connection

    from core.embedded_postgres import DEFAULT_DATABASE, embedded_database_url

    connection.close()
    url = embedded_database_url(data_dir / "pgdata", database="postgres")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE_DATABASE}"')
        conn.execute(f'CREATE DATABASE "{TEMPLATE_DATABASE}" TEMPLATE "{DEFAULT_DATABASE}"')


def copy_floor(files: dict[str, Path]) -> tuple[int, float]:
    """COPY each file as it is into a temporary table of text columns (no index, no check),
    in 256 KB blocks, and roll back: the rows and seconds the server needs only to take
    the same bytes in."""
    from django.db import connection, transaction
    from psycopg import sql

    rows = 0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for kind, path in files.items():
            with open(path, encoding="utf-8-sig") as handle:
                header = handle.readline().rstrip("\r\n").split(",")
            table = sql.Identifier(f"floor_{kind}")
            columns = sql.SQL(", ").join(
                sql.SQL("{} text").format(sql.Identifier(name)) for name in header
            )
            cursor.execute(
                sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(table, columns)
            )
            copy = sql.SQL("COPY {} FROM STDIN WITH (FORMAT csv, HEADER true)").format(table)
            with open(path, "rb") as handle, cursor.cursor.copy(copy) as stream:
                while block := handle.read(256 * 1024):
                    stream.write(block)
            rows += cursor.cursor.rowcount
        transaction.set_rollback(True)
    return rows, time.perf_counter() - started


class _CpuClock:
    """CPU seconds spent by this process, by its database backend, and by the server's
    short-lived helpers (parallel index builds' workers, counted once they exit) since the
    last lap. On a machine shared with other work, CPU time moves far less than wall time;
    and as the importer checks one file in Python while the database works on the one
    before, the larger of the process's and the server's share is the floor of its wall
    time on two cores."""

    def __init__(self, data_dir: Path) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")
        postmaster = (data_dir / "pgdata" / "postmaster.pid").read_text().split()[0]
        self.postmaster = Path(f"/proc/{postmaster}/stat")
        self.last = self._now()

    @staticmethod
    def _ticks(stat: Path, first: int) -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")

    def _now(self) -> dict[str, float]:
        own = os.times()
        return {
            "process": own.user + own.system,
            "backend": self._ticks(self.backend, 11),
            # utime and stime of the postmaster's children that have exited
            "workers": self._ticks(self.postmaster, 13),
        }

    def lap(self) -> dict[str, float]:
        now = self._now()
        spent = {part: now[part] - self.last[part] for part in now}
        self.last = now
        return spent


def run_import(folder: Path, data_dir: Path) -> dict:
    _fresh_database(data_dir)
    os.environ["LANTERN_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command

    from cases.models import Service, Team
    from config.celery import app
    from exchange.importing.loader import records_import

    call_command("migrate", verbosity=0)
    if not _has_template(data_dir):
        _keep_as_template(data_dir)
    # As with Redis: the receivers of `records_imported` queue their tasks, nothing more.
    app.conf.task_always_eager = False
    service = Service.objects.create(name="Bench Service", code="BENCH1")
    for name in TEAMS:
        Team.objects.create(service=service, name=name)
    files = {kind: folder / f"{kind}.csv" for kind in KINDS}
    baseline_mb = peak_rss_mb()
    cpu = _CpuClock(data_dir)
    floor_rows, floor_seconds = copy_floor(files)
    floor_cpu = cpu.lap()
    started = time.perf_counter()
    result = records_import(files=files)
    seconds = time.perf_counter() - started
    import_cpu = cpu.lap()
    peak_mb = peak_rss_mb()
    return {
        "rows": result.rows,
        "seconds": seconds,
        "cpu_seconds": import_cpu["process"] + import_cpu["backend"],
        "cpu_parts": import_cpu,
        "floor_rows": floor_rows,
        "floor_seconds": floor_seconds,
        "floor_cpu_seconds": floor_cpu["process"] + floor_cpu["backend"],
        "imported": result.imported,
        "problems": result.problems.count,
        "first_problems": [p.as_dict() for p in result.problems.kept[:5]],
        "counts": result.counts_dict(),
        "baseline_rss_mb": baseline_mb,
        "peak_rss_mb": peak_mb,
    }


def _has_template(data_dir: Path) -> bool:
    import psycopg

    from core.embedded_postgres import embedded_database_url

    url = embedded_database_url(data_dir / "pgdata", database="postgres")
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE_DATABASE]
        ).fetchone()
    return found is not None


def _child(folder: Path, data_dir: Path, code: Path | None) -> dict | None:
    """Import `folder` in a fresh process (with the app from `code`, if given)."""
    command = [sys.executable, __file__, "--run", str(folder), "--data-dir", str(data_dir)]
    if code is not None:
        command += ["--code", str(code)]
    child = subprocess.run(command, capture_output=True, text=True, check=False)
    if child.returncode != 0:
        print(child.stdout, child.stderr, file=sys.stderr)
        return None
    return json.loads(child.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = Path(args.data_dir).resolve()
    if args.run:
        # The app (and its migrations) from --code, else from this checkout.
        sys.path.insert(0, str((args.code or BASE_DIR).resolve()))
        print(json.dumps(run_import(args.run, data_dir)))
        return 0
    figures: dict[str, float] = {}
    runs = {}
    for size in (int(value) for value in args.sizes.split(",")):
        label = f"{size // 1000}k" if size < 1_000_000 else f"{size // 1_000_000}m"
        folder = data_dir / f"files-{size}"
        started = time.perf_counter()
        rows = write_files(folder, size, args.seed)
        print(
            f"{size:,} people: {sum(rows.values()):,} rows in {folder} "
            f"({time.perf_counter() - started:.0f} s to write or find)",
            flush=True,
        )
        if args.baseline_code:
            old = _child(folder, data_dir, args.baseline_code)
            if old is None:
                return 1
            old_rate = old["rows"] / old["seconds"]
            old_floor = old["floor_rows"] / old["floor_seconds"]
            print(
                f"  before ({args.baseline_code}): {old['rows']:,} rows in "
                f"{old['seconds']:.1f} s: {old_rate:,.0f} rows/s; floor {old_floor:,.0f} rows/s; "
                f"import/floor {old_rate / old_floor:.3f}; CPU {old['cpu_seconds']:.1f} s "
                f"(and the server's short-lived workers {old['cpu_parts']['workers']:.1f} s more; "
                f"floor {old['floor_cpu_seconds']:.1f} s); peak RSS {old['peak_rss_mb']:.0f} MB",
                flush=True,
            )
            figures[f"old_rows_per_s_{label}"] = round(old_rate)
            figures[f"old_floor_rows_per_s_{label}"] = round(old_floor)
            figures[f"old_peak_rss_mb_{label}"] = round(old["peak_rss_mb"], 1)
            figures[f"old_cpu_s_{label}"] = round(old["cpu_seconds"], 2)
            figures[f"old_cpu_workers_s_{label}"] = round(old["cpu_parts"]["workers"], 2)
        run = _child(folder, data_dir, None)
        if run is None:
            return 1
        runs[label] = run
        if not run["imported"]:
            print(f"  not imported: {run['problems']} problems, e.g. {run['first_problems']}")
            return 1
        rate = run["rows"] / run["seconds"]
        floor = run["floor_rows"] / run["floor_seconds"]
        parts = run["cpu_parts"]
        print(
            f"  imported {run['rows']:,} rows in {run['seconds']:.1f} s: {rate:,.0f} rows/s; "
            f"floor (COPY into text tables, no checks) {floor:,.0f} rows/s in "
            f"{run['floor_seconds']:.1f} s; import/floor {rate / floor:.3f}\n"
            f"  CPU (this process and its database backend) {run['cpu_seconds']:.1f} s "
            f"({1e6 * run['cpu_seconds'] / run['rows']:.1f} us a row: process "
            f"{parts['process']:.1f} s, backend {parts['backend']:.1f} s, and the server's "
            f"short-lived workers (parallel index builds, autovacuum) {parts['workers']:.1f} s more); floor {run['floor_cpu_seconds']:.1f} s\n"
            f"  peak RSS {run['peak_rss_mb']:.0f} MB (after start-up "
            f"{run['baseline_rss_mb']:.0f} MB)",
            flush=True,
        )
        figures[f"people_{label}"] = size
        figures[f"rows_{label}"] = run["rows"]
        figures[f"seconds_{label}"] = round(run["seconds"], 2)
        figures[f"rows_per_s_{label}"] = round(rate)
        figures[f"floor_rows_per_s_{label}"] = round(floor)
        figures[f"cpu_s_{label}"] = round(run["cpu_seconds"], 2)
        figures[f"cpu_us_per_row_{label}"] = round(1e6 * run["cpu_seconds"] / run["rows"], 2)
        for part in ("process", "backend", "workers"):
            figures[f"cpu_{part}_s_{label}"] = round(parts[part], 2)
        figures[f"floor_cpu_s_{label}"] = round(run["floor_cpu_seconds"], 2)
        figures[f"peak_rss_mb_{label}"] = round(run["peak_rss_mb"], 1)
        figures[f"baseline_rss_mb_{label}"] = round(run["baseline_rss_mb"], 1)
    largest = list(runs.values())[-1]
    figures["rows"] = largest["rows"]
    figures["rows_per_s"] = round(largest["rows"] / largest["seconds"])
    figures["floor_rows_per_s"] = round(largest["floor_rows"] / largest["floor_seconds"])
    figures["ratio_to_floor"] = round(figures["rows_per_s"] / figures["floor_rows_per_s"], 3)
    figures["peak_rss_mb"] = round(largest["peak_rss_mb"], 1)
    figures["baseline_rss_mb"] = round(largest["baseline_rss_mb"], 1)
    peaks = [run["peak_rss_mb"] for run in runs.values()]
    growth = max(peaks) - min(peaks)
    figures["peak_rss_growth_mb"] = round(growth, 1)
    figures["old_rows_per_s"] = BASELINE["rows_per_s"]
    figures["old_floor_rows_per_s"] = BASELINE["floor_rows_per_s"]
    figures["target_rows_per_s"] = TARGET_ROWS_PER_S
    print(
        f"Baseline (the importer before): {BASELINE['rows_per_s']:,} rows/s beside a floor of "
        f"{BASELINE['floor_rows_per_s']:,} rows/s (import/floor "
        f"{BASELINE['rows_per_s'] / BASELINE['floor_rows_per_s']:.2f}), {BASELINE['rows']:,} "
        f"rows, peak RSS {BASELINE['peak_rss_mb']} MB; {BASELINE['note']}."
    )
    print(
        f"Now: {figures['rows_per_s']:,} rows/s beside a floor of "
        f"{figures['floor_rows_per_s']:,} rows/s (import/floor {figures['ratio_to_floor']:.2f}); "
        f"target {TARGET_ROWS_PER_S:,} rows/s and memory that does not grow with the files "
        f"(grew {growth:.0f} MB across the sizes run)."
    )
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
