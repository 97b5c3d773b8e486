"""Benchmark: the nightly risk recompute at national scale, each stage beside its floor.

    .venv/bin/python bench/risk_recompute.py [--people 1000000] [--data-dir DIR]

It uses its own embedded PostgreSQL (`.lantern/bench1m`, or --data-dir) unless
DATABASE_URL is set. It migrates and seeds `--people` synthetic people with
their histories (`seed_demo`), unless the database already holds that many.

Then, each in a fresh process (so peak memory is the recompute's own):

1. the first recompute, publishing every flag into empty flag tables;
2. the same date again (nothing changes: what a repeated run costs);
3. the next day, the realistic nightly run ("days ago" moves on, windows open
   and close, flags start and end).

Each prints wall time (process start to the end of the run), the run's own load, engine,
stage and publish times and peak memory. In the nightly run's process, after
the run, each stage's floor is measured on the same rows:

- load: the same statements run by the server into `/dev/null` (`COPY ... TO`),
  with no client at all;
- engine: a bare numpy pass over the same rows (each frame's person ids
  grouped and counted, the least any rule evaluation does);
- write (stage + publish): the rows the run wrote (changed flags and reasons)
  copied into a new table with no index, trigger or constraint.

Last, one person's recompute after saving an event is timed `--person-recomputes`
times (each rolled back), beside its floor: the same indexed reads alone.

Today's figures before this work (from the issue, at 1,000,000 people) print as
the baseline. The last line of output is one JSON object (units in the keys).
"""

import time

# The child's wall time runs from here (the interpreter's own start is a few
# milliseconds earlier) to the end of its run, before any floor is measured.
PROCESS_STARTED = time.perf_counter()

import argparse  # noqa: E402
import datetime  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402

from harness import add_data_dir_option, configure_django, peak_rss_mb, run_child  # noqa: E402
from recompute_loop import per_person_loop  # noqa: E402

# Targets at 1,000,000 people (issue 18), and the figures before it on this machine.
TARGET_NIGHTLY_S = 10.0
TARGET_PEAK_MB = 1024
TARGET_FIRST_S = 15.0
TARGET_PERSON_MEDIAN_MS = 30.0
TARGET_PERSON_P95_MS = 60.0
BEFORE_AT_1M = {
    "nightly_s": "20-23 (load 7.4, engine 4.6, stage 2.4, publish 7.1)",
    "nightly_peak_rss_mb": "1560",
    "first_s": "38-45",
    "person_median_ms": "86-91",
    "person_p95_ms": "117-128",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--sample", type=int, default=0, help="people in the old per-person ORM loop (0: skip it)"
    )
    parser.add_argument("--person-recomputes", type=int, default=50)
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None)
    add_data_dir_option(parser, "bench1m")
    # Internal: run one recompute in this process and print its figures.
    parser.add_argument(
        "--child-recompute", type=datetime.date.fromisoformat, help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def child_recompute(as_of: datetime.date) -> int:
    from risk import services

    written: dict = {}

    class Written(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("Run ") and " staged " in record.getMessage():
                written.update(record.args[1])  # type: ignore[index]

    logging.getLogger("risk.services").addHandler(Written(level=logging.INFO))
    logging.getLogger("risk.services").setLevel(logging.INFO)
    run = services.flags_recompute(as_of=as_of)
    run_wall = time.perf_counter() - PROCESS_STARTED
    if run is None:
        print(json.dumps({"error": "another recompute holds the lock"}))
        return 1
    peak = round(peak_rss_mb(), 1)
    figures = {
        "run_wall_s": round(run_wall, 2),
        "written": written,
        "population": run.population,
        "flagged": run.flagged,
        "rows_read": run.rows_read,
        "counts_by_tier": run.counts_by_tier,
        "timings": run.timings,
        "peak_rss_mb": peak,
    }
    if os.environ.get("BENCH_FLOORS"):
        figures["floors"] = floors(run, written)
    print(json.dumps(figures))
    return 0


def floors(run, written: dict) -> dict:
    """Each stage's floor, on the same rows as the run just published."""
    import numpy as np
    from django.db import connection

    from core import frames
    from risk import loader, publish

    spec = run.rule_set.spec()
    captured: dict = {}
    real = frames.read_frames

    def capture(queries, **options):
        captured.update(queries)
        return real(queries, **options)

    frames.read_frames = capture
    try:
        loaded = loader.load_frames(spec, run.as_of)
    finally:
        frames.read_frames = real
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for query in captured.values():
            sql = frames._inline_sql(query)
            cursor.execute(f"COPY ({sql}) TO '/dev/null'")
    load_floor = time.perf_counter() - started

    started = time.perf_counter()
    for frame in loaded.values():
        ids = frame["person_id"].to_numpy()
        order = np.argsort(ids, kind="stable")
        np.unique(ids[order], return_counts=True)
    engine_floor = time.perf_counter() - started

    # The write floor: as many rows as the night staged (changed flags, their
    # reasons), copied into a new table with nothing on it.
    people = written.get("staged_people", 0)
    reasons = written.get("staged_reasons", 0)
    evaluation_people = people
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("risk_staged_person", "risk_staged_reason"):
            cursor.execute(f"CREATE TEMP TABLE floor_{table} (LIKE {table})")
        sample_people = _sample_rows(publish.STAGED_PERSON_COLUMNS, evaluation_people)
        sample_reasons = _sample_rows(publish.STAGED_REASON_COLUMNS, reasons)
        with cursor.cursor.copy(
            f"COPY floor_risk_staged_person ({', '.join(publish.STAGED_PERSON_COLUMNS)})"
            " FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            copy.write(sample_people)
        with cursor.cursor.copy(
            f"COPY floor_risk_staged_reason ({', '.join(publish.STAGED_REASON_COLUMNS)})"
            " FROM STDIN WITH (FORMAT csv)"
        ) as copy:
            copy.write(sample_reasons)
    write_floor = time.perf_counter() - started
    return {
        "load_floor_s": round(load_floor, 3),
        "engine_floor_s": round(engine_floor, 3),
        "write_floor_s": round(write_floor, 3),
        "written_people": people,
        "written_reasons": reasons,
    }


def _sample_rows(columns: tuple[str, ...], count: int) -> str:
    """`count` CSV rows shaped like a staged flag or reason (typical widths)."""
    values = {
        "run_id": "1",
        "chunk": "0",
        "person_id": "123456",
        "tier": "high",
        "tier_rank": "2",
        "score": "2.5",
        "summary": "released from prison 12 days ago; overdose 40 days ago; lives alone",
        "rule_codes": "{prison_release_2w,overdose_90d,lives_alone}",
        "signature": "-4242424242424242",
        "position": "0",
        "rule_code": "prison_release_2w",
        "rule_version": "2",
        "weight": "2.0",
        "trigger_kind": "event",
        "trigger_id": "987654",
        "fired_from": "2026-11-24",
        "expires_on": "2026-12-08",
        "count": "1",
        "detail": "",
        "text": "released from prison 12 days ago",
    }
    line = ",".join(f'"{values[column]}"' for column in columns) + "\n"
    return line * count


def timed_recompute(args: argparse.Namespace, as_of: datetime.date, label: str) -> dict:
    figures, _ = run_child(
        __file__,
        ["--data-dir", args.data_dir, "--child-recompute", str(as_of)],
        f"The {label} recompute failed.",
    )
    # Process start to the end of the run (not the floors measured after it).
    figures["wall_s"] = figures["run_wall_s"]
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in figures["timings"].items())
    print(
        f"{label:<28} {figures['wall_s']:6.1f} s wall ({timings}); {figures['rows_read']:,} rows read; "
        f"peak {figures['peak_rss_mb']:,.0f} MB",
        flush=True,
    )
    return figures


def _overhead_s(run: dict) -> float:
    """A run's fixed costs: process start, imports, the run's own bookkeeping."""
    timings = run["timings"]
    stages = timings["load_s"] + timings["engine_s"] + timings["stage_s"] + timings["publish_s"]
    return round(run["wall_s"] - stages, 2)


def run_floor_s(run: dict) -> float:
    """A run's floor: its fixed costs (kept, so the ratio is of the work itself) and each
    stage's floor on the same rows."""
    floor = run["floors"]
    return round(
        _overhead_s(run) + floor["load_floor_s"] + floor["engine_floor_s"] + floor["write_floor_s"],
        2,
    )


def clear_flags() -> None:
    """Empty the risk tables so the first run publishes everything (benchmark data only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE risk_flagreason, risk_flagoverride, risk_outreachattempt, "
            "risk_personrecompute, risk_flag, risk_recomputerun CASCADE"
        )


def person_reads(people: list[int], as_of: datetime.date) -> list[float]:
    """Milliseconds for one person's indexed reads alone: the same statements, fetched."""
    from django.db import connection

    from risk import loader
    from risk.services import active_rule_set

    spec = active_rule_set().spec()
    timings = []
    for person_id in people:
        queries = loader._queries(spec, as_of, loader.Selection(person_id=person_id))
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for query in queries.values():
                cursor.execute(query.sql, dict(query.params))
                cursor.fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def person_stages(people: list[int], as_of: datetime.date) -> dict[str, float]:
    """Median milliseconds of each stage of one person's recompute: read their frames,
    evaluate them, write their flag (each write rolled back)."""
    from django.db import connection, transaction

    from risk import engine, loader, publish
    from risk.services import active_rule_set

    rule_set = active_rule_set()
    spec = rule_set.spec()
    stages: dict[str, list[float]] = {"load": [], "engine": [], "write": []}
    for person_id in people:
        started = time.perf_counter()
        person_frames = loader.load_person_frames(spec, as_of, person_id)
        loaded = time.perf_counter()
        evaluation = engine.evaluate(person_frames, spec, as_of, every_fired=False)
        evaluated = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            publish.person_publish(
                cursor.cursor,
                evaluation,
                person_id=person_id,
                as_of=as_of,
                rule_set_id=rule_set.pk,
            )
            written = time.perf_counter()
            transaction.set_rollback(True)
        stages["load"].append((loaded - started) * 1000)
        stages["engine"].append((evaluated - loaded) * 1000)
        stages["write"].append((written - evaluated) * 1000)
    return {name: round(statistics.median(values), 1) for name, values in stages.items()}


def person_recomputes(people: list[int], as_of: datetime.date) -> list[float]:
    """Milliseconds to recompute one person after saving an event (each rolled back)."""
    from django.db import transaction

    from cases.models import EventKind, ServiceUser
    from cases.services import event_create
    from risk.services import flags_recompute_person

    timings = []
    for person_id in people:
        with transaction.atomic():
            person = ServiceUser.objects.get(pk=person_id)
            event_create(
                service_user=person,
                recorded_by=person.keyworker,
                kind=EventKind.PRISON_RELEASE,
                occurred_on=as_of,
            )
            started = time.perf_counter()
            flags_recompute_person(person_id=person_id, as_of=as_of)
            timings.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return timings


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_django(args.data_dir)
    if args.child_recompute:
        return child_recompute(args.child_recompute)

    from django.core.management import call_command
    from django.utils import timezone

    from cases.models import ServiceUser

    as_of = args.as_of or timezone.localdate()
    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    seed_s = None
    if ServiceUser.objects.count() != args.people:
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
        seed_s = round(time.perf_counter() - started, 1)
        print(f"Seeded in {seed_s:.1f} s", flush=True)
    people = ServiceUser.objects.count()
    print(f"{people:,} people in the database; recomputing as of {as_of:%d/%m/%Y}", flush=True)

    clear_flags()
    os.environ["BENCH_FLOORS"] = "1"
    first = timed_recompute(args, as_of, "First run (empty flags)")
    del os.environ["BENCH_FLOORS"]
    repeat = timed_recompute(args, as_of, "Same date again")
    os.environ["BENCH_FLOORS"] = "1"
    nightly = timed_recompute(args, as_of + datetime.timedelta(days=1), "Next night")
    del os.environ["BENCH_FLOORS"]
    first_floor_s = run_floor_s(first)
    print(
        f"First run floor {first_floor_s:.2f} s (its fixed costs, the server sending the same "
        f"rows, a bare numpy pass and a COPY of its {first['floors']['written_people']:,} "
        f"flags and {first['floors']['written_reasons']:,} reasons); "
        f"first run / floor {first['wall_s'] / first_floor_s:.1f}x"
    )
    floor = nightly["floors"]
    timings = nightly["timings"]
    load_s = timings["load_s"]
    engine_s = timings["engine_s"]
    write_s = round(timings["stage_s"] + timings["publish_s"], 3)
    overhead_s = _overhead_s(nightly)
    nightly_floor_s = run_floor_s(nightly)
    print(f"{'stage':<8} {'now':>8} {'floor':>8} {'ratio':>6}")
    for name, now, least in (
        ("load", load_s, floor["load_floor_s"]),
        ("engine", engine_s, floor["engine_floor_s"]),
        ("write", write_s, floor["write_floor_s"]),
        ("nightly", nightly["wall_s"], nightly_floor_s),
    ):
        print(f"{name:<8} {now:7.2f}s {least:7.2f}s {now / max(least, 1e-3):5.1f}x")
    print(
        f"  (the night staged {floor['written_people']:,} flags and "
        f"{floor['written_reasons']:,} reasons; fixed costs {overhead_s:.1f} s: process "
        "start, imports, the run's bookkeeping)"
    )

    from risk.models import Flag

    flagged_ids = list(
        Flag.objects.filter(ended_on__isnull=True)
        .order_by("?")
        .values_list("service_user_id", flat=True)[: max(args.sample, args.person_recomputes)]
    )
    extra: dict = {}
    if args.sample:
        print(f"Per-person ORM loop on {args.sample} people...", flush=True)
        per_person_s = per_person_loop(flagged_ids[: args.sample], as_of)
        loop_total_s = per_person_s * nightly["population"]
        print(
            f"  {per_person_s * 1000:.2f} ms a person; extrapolated to "
            f"{nightly['population']:,} people: {loop_total_s / 60:.1f} minutes, "
            f"{loop_total_s / nightly['wall_s']:.0f}x the nightly run"
        )
        extra = {
            "loop_ms_per_person": round(per_person_s * 1000, 2),
            "speedup_x": round(loop_total_s / nightly["wall_s"], 0),
        }

    sample = flagged_ids[: args.person_recomputes]
    reads = person_reads(sample, as_of)
    person = person_recomputes(sample, as_of)
    person_median = statistics.median(person)
    person_p95 = sorted(person)[max(0, round(0.95 * (len(person) - 1)))]
    person_floor = statistics.median(reads)
    split = person_stages(sample, as_of)
    print(
        f"One person's recompute after an event ({len(person)} times): "
        f"median {person_median:.1f} ms, p95 {person_p95:.1f} ms; "
        f"its indexed reads alone {person_floor:.1f} ms; median load {split['load']:.1f} ms, "
        f"engine {split['engine']:.1f} ms, write {split['write']:.1f} ms"
    )

    from risk.engine import TIERS

    tiers = {tier: nightly["counts_by_tier"].get(tier, 0) for tier in TIERS}
    population = nightly["population"] or 1
    print(
        "Tiers (next night): "
        + ", ".join(f"{t} {n:,} ({n / population:.1%})" for t, n in tiers.items())
    )
    print("Before (issue 18, at 1,000,000 people on this machine):")
    for name, figure in BEFORE_AT_1M.items():
        print(f"  {name:<20} {figure}")
    print(
        f"Targets at 1,000,000 people: nightly <= {TARGET_NIGHTLY_S:.0f} s and "
        f"<= {TARGET_PEAK_MB} MB, first run <= {TARGET_FIRST_S:.0f} s, one person "
        f"median <= {TARGET_PERSON_MEDIAN_MS:.0f} ms, p95 <= {TARGET_PERSON_P95_MS:.0f} ms"
    )
    figures = {
        "people": people,
        "population": nightly["population"],
        "seed_s": seed_s,
        "nightly_s": nightly["wall_s"],
        "nightly_floor_s": nightly_floor_s,
        "first_floor_s": first_floor_s,
        "nightly_peak_rss_mb": nightly["peak_rss_mb"],
        "nightly_fixed_s": overhead_s,
        "load_s": load_s,
        "load_floor_s": floor["load_floor_s"],
        "engine_s": engine_s,
        "engine_floor_s": floor["engine_floor_s"],
        "stage_s": timings["stage_s"],
        "publish_s": timings["publish_s"],
        "write_s": write_s,
        "write_floor_s": floor["write_floor_s"],
        "written_flags": floor["written_people"],
        "written_reasons": floor["written_reasons"],
        "first_s": first["wall_s"],
        "first_peak_rss_mb": first["peak_rss_mb"],
        "first_timings_s": first["timings"],
        "repeat_s": repeat["wall_s"],
        "rows_read": nightly["rows_read"],
        "flagged": nightly["flagged"],
        "person_median_ms": round(person_median, 1),
        "person_p95_ms": round(person_p95, 1),
        "person_floor_ms": round(person_floor, 1),
        "person_load_ms": split["load"],
        "person_engine_ms": split["engine"],
        "person_write_ms": split["write"],
        **extra,
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
