"""Benchmark: the pure risk engine alone, over frames loaded once, beside a bare numpy floor.

    .venv/bin/python bench/risk_engine.py [--people 1000000] [--persons 200] [--data-dir DIR]

It uses its own embedded PostgreSQL (`.lantern/bench1m`, or --data-dir) unless
DATABASE_URL is set, and migrates and seeds `--people` synthetic people
(`seed_demo`, as `bench/risk_recompute.py` does) unless it already holds that many.

It loads the active rule set's frames for everyone once (`risk.loader.load_frames`),
then, in the same run:

1. the engine over everyone (`risk.engine.evaluate`), best of `--repeat`;
2. the floor: a bare numpy pass over the same rows, the least the engine must do
   (read each frame's person and date columns out of the frame, and reduce them to
   each person's latest date with one grouped maximum), best of `--repeat`;
3. the pandas engine it replaced (`tests/risk/engine_reference`), when the tests are
   there, once, and whether both give identical frames;
4. one person at a time: each of `--persons` people's frames loaded as a person's
   recompute loads them, then the engine timed on each (median and 95th percentile),
   and checked against that person's rows of the evaluation of everyone.

Targets on the 2-core machine: the engine over everyone within about 1.5 s at
1,000,000 people, and a few milliseconds for one person. Peak memory is taken
before the reference engine runs, so it is the loader's and the engine's. The last
line of output is one JSON object with the figures (units in the keys).
"""

import argparse
import datetime
import io
import json
import os
import random
import statistics
import sys
import time

from harness import BASE_DIR, add_data_dir_option, configure_django, peak_rss_mb

TARGET_ENGINE_S_PER_MILLION = 1.5
TARGET_PERSON_MS = 5.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--persons", type=int, default=200, help="people evaluated one by one")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the engine and floor")
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None)
    parser.add_argument(
        "--no-reference", action="store_true", help="skip the pandas engine it replaced"
    )
    add_data_dir_option(parser, "bench1m")
    return parser.parse_args(argv)


def seeded(people: int, seed: int) -> tuple[int, float | None]:
    """Migrate, and seed `people` people unless the database holds that many."""
    from django.core.management import call_command

    from cases.models import ServiceUser

    call_command("migrate", interactive=False, verbosity=0)
    if ServiceUser.objects.count() == people:
        return people, None
    print(f"Seeding {people:,} people...", flush=True)
    started = time.perf_counter()
    call_command(
        "seed_demo",
        without_history=True,
        reset=True,
        people=people,
        seed=seed,
        stdout=io.StringIO(),
    )
    return ServiceUser.objects.count(), round(time.perf_counter() - started, 1)


# The date column the floor reduces in each frame.
FLOOR_DATES = {
    "people": "date_of_birth",
    "episodes": "referral_date",
    "interventions": "start_date",
    "events": "occurred_on",
    "contacts": "contact_date",
    "naloxone": "supplied_on",
    "tops": "top_date",
}


def floor(frames) -> None:
    """The least the engine can do: read every frame's person and date columns out of the
    frame once and reduce them to each person's latest date, one grouped maximum a frame."""
    import numpy as np

    for name, column in FLOOR_DATES.items():
        frame = frames[name]
        person = frame["person_id"].to_numpy(dtype=np.int64)
        day = frame[column].to_numpy().astype("datetime64[D]").astype(np.int64)
        latest = np.full(int(person.max()) + 1 if len(person) else 0, np.iinfo(np.int64).min)
        np.maximum.at(latest, person, day)


# This process's CPU seconds per run, beside the wall times: on a machine shared with
# other work, CPU time is what the engine itself costs.
CPU: dict[str, list[float]] = {}


def best_of(repeat: int, run, label: str = "") -> tuple[float, object]:
    """The shortest of `repeat` runs of `run()` in wall seconds, and its last result; the
    shortest CPU time is added to `CPU[label]`."""
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = run()
        best = min(best, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    CPU.setdefault(label, []).append(cpu)
    return best, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * (len(ordered) - 1)))]


def reference_engine():
    """The pandas engine kept in the tests, or None where the tests are not installed."""
    try:
        from tests.risk import engine_reference
    except ImportError:
        return None
    return engine_reference


def identical(actual, expected, person_id: int | None = None) -> bool:
    """Whether two evaluations flag the same people with the same reasons (of one person,
    if given), summaries read on the day. Every fired rule is not compared: publishing
    does not keep them (`every_fired=False`); tests/risk/test_engine_equivalence.py does."""
    import pandas as pd

    from risk.engine import word_marked

    for part in ("people", "reasons"):
        mine, theirs = getattr(actual, part), getattr(expected, part)
        if person_id is not None:
            theirs = theirs[theirs["person_id"] == person_id].reset_index(drop=True)
        if part == "people":
            mine, theirs = (
                frame.assign(
                    summary=pd.Series(
                        [word_marked(text, actual.as_of) for text in frame["summary"]],
                        index=frame.index,
                        dtype=frame["summary"].dtype,
                    )
                )
                for frame in (mine, theirs)
            )
        try:
            # An empty frame's text columns have no strings to infer a string type from.
            pd.testing.assert_frame_equal(mine, theirs, check_dtype=not mine.empty)
        except AssertionError:
            return False
    return person_id is not None or actual.counts_by_rule == expected.counts_by_rule


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_django(args.data_dir)
    sys.path.insert(0, str(BASE_DIR))

    import gc

    from django.utils import timezone

    from risk import engine, loader
    from risk.services import active_rule_set

    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    people, seed_s = seeded(args.people, args.seed)
    as_of = args.as_of or timezone.localdate()
    spec = active_rule_set().spec()

    started = time.perf_counter()
    frames = loader.load_frames(spec, as_of)
    load_s = time.perf_counter() - started
    events = len(frames["events"])
    rows = sum(len(frame) for frame in frames.values())
    print(
        f"{people:,} people; rule set version {spec.version}, as of {as_of:%d/%m/%Y}; "
        f"loaded {rows:,} rows ({events:,} events) in {load_s:.1f} s",
        flush=True,
    )

    gc.collect()
    engine_s, evaluation = best_of(
        args.repeat, lambda: engine.evaluate(frames, spec, as_of, every_fired=False), "engine"
    )
    floor_s, _ = best_of(args.repeat, lambda: floor(frames), "floor")
    peak_mb = peak_rss_mb()
    print(
        f"Engine, everyone:   {engine_s:7.3f} s (best of {args.repeat}); "
        f"population {evaluation.population:,}, flagged {len(evaluation.people):,}, "
        f"{len(evaluation.reasons):,} reasons; CPU {CPU['engine'][0]:.3f} s",
        flush=True,
    )
    print(
        f"Floor, bare numpy:  {floor_s:7.3f} s (every frame read once, grouped by person); "
        f"CPU {CPU['floor'][0]:.3f} s; engine / floor {engine_s / floor_s:.1f}x",
        flush=True,
    )

    reference = None if args.no_reference else reference_engine()
    reference_s = same_as_reference = None
    if reference is not None:
        started = time.perf_counter()
        expected = reference.evaluate(frames, spec, as_of)
        reference_s = time.perf_counter() - started
        same_as_reference = identical(evaluation, expected)
        del expected
        print(
            f"Pandas engine:      {reference_s:7.3f} s; {reference_s / engine_s:.1f}x the "
            f"engine's time; identical output: {'yes' if same_as_reference else 'NO'}",
            flush=True,
        )

    # One person at a time, on the frames a person's recompute loads.
    flagged = evaluation.people["person_id"].tolist()
    chosen = random.Random(args.seed).sample(flagged, min(len(flagged), args.persons // 2))
    others = sorted(set(engine.population_ids(frames, as_of).tolist()) - set(chosen))
    chosen += random.Random(args.seed + 1).sample(others, min(len(others), args.persons // 2))
    frames.clear()
    person_frames = {
        person_id: loader.load_frames(spec, as_of, loader.Selection(person_id=person_id))
        for person_id in chosen
    }
    timings, reference_timings, mismatched = [], [], []
    for person_id, mine in person_frames.items():
        seconds, alone = best_of(
            2, lambda mine=mine: engine.evaluate(mine, spec, as_of, every_fired=False), "person"
        )
        timings.append(seconds * 1000)
        if not identical(alone, evaluation, person_id):
            mismatched.append(person_id)
        if reference is not None:
            seconds, _ = best_of(1, lambda mine=mine: reference.evaluate(mine, spec, as_of))
            reference_timings.append(seconds * 1000)
    person_median = statistics.median(timings)
    person_p95 = percentile(timings, 0.95)
    print(
        f"Engine, one person ({len(timings)} people, half of them flagged): "
        f"median {person_median:.2f} ms, p95 {person_p95:.2f} ms "
        f"(CPU median {statistics.median(CPU['person']) * 1000:.2f} ms); "
        f"same as their rows of everyone: {'yes' if not mismatched else f'NO for {mismatched[:5]}'}"
    )
    if reference_timings:
        print(
            f"Pandas engine, one person: median {statistics.median(reference_timings):.2f} ms, "
            f"p95 {percentile(reference_timings, 0.95):.2f} ms"
        )

    target_s = TARGET_ENGINE_S_PER_MILLION * max(people, 1) / 1_000_000
    person_cpu_ms = statistics.median(CPU["person"]) * 1000

    def judged(figure: float, target: float) -> str:
        return "met" if figure <= target else "MISSED"

    print(
        f"Targets: everyone <= {target_s:.2f} s at this size (wall {judged(engine_s, target_s)}, "
        f"CPU {judged(CPU['engine'][0], target_s)}); one person <= {TARGET_PERSON_MS:.0f} ms "
        f"(wall {judged(person_median, TARGET_PERSON_MS)}, "
        f"CPU {judged(person_cpu_ms, TARGET_PERSON_MS)}); peak {peak_mb:,.0f} MB"
    )
    figures = {
        "people": people,
        "seed_s": seed_s,
        "population": evaluation.population,
        "flagged": len(evaluation.people),
        "events": events,
        "rows_read": rows,
        "load_s": round(load_s, 3),
        "engine_s": round(engine_s, 3),
        "engine_floor_s": round(floor_s, 3),
        "engine_cpu_s": round(CPU["engine"][0], 3),
        "engine_floor_cpu_s": round(CPU["floor"][0], 3),
        "engine_vs_floor_x": round(engine_s / floor_s, 1),
        "engine_person_median_ms": round(person_median, 2),
        "engine_person_p95_ms": round(person_p95, 2),
        "engine_person_median_cpu_ms": round(person_cpu_ms, 2),
        "person_same_as_everyone": not mismatched,
        "reference_engine_s": None if reference_s is None else round(reference_s, 3),
        "reference_person_median_ms": (
            round(statistics.median(reference_timings), 2) if reference_timings else None
        ),
        "reference_person_p95_ms": (
            round(percentile(reference_timings, 0.95), 2) if reference_timings else None
        ),
        "identical_to_reference": same_as_reference,
        "peak_rss_mb": round(peak_mb, 1),
    }
    print(json.dumps(figures))
    return 0 if not mismatched and same_as_reference is not False else 1


if __name__ == "__main__":
    sys.exit(main())
