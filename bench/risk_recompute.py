"""Benchmark: the nightly risk recompute at national scale, against the obvious way.

    .venv/bin/python bench/risk_recompute.py [--people 1000000] [--sample 500]

It uses its own embedded PostgreSQL (`.lantern/bench1m`, or --data-dir) unless
DATABASE_URL is set. It migrates and seeds `--people` synthetic people with
their histories (`seed_demo`), unless the database already holds that many.

Then, each in a fresh process (so peak memory is the recompute's own):

1. the first recompute, publishing every flag into empty flag tables;
2. the same date again (nothing changes: what a repeated run costs);
3. the next day, the realistic nightly run ("days ago" moves on, windows open
   and close, flags start and end).

Each prints wall time (process start to exit), the run's own load, engine,
stage and publish times, rows read and peak memory.

The baseline is the same rules evaluated the obvious way: a per-person loop
that reads each person's records through the ORM, evaluates them (with the
same engine, one person at a time) and writes the flag with
`update_or_create`, timed on `--sample` people (rolled back) and extrapolated
to the population. Because evaluating one person with pandas carries a fixed
overhead, the loop's reads and writes are also timed alone, with no
evaluation: a floor that no per-person loop can beat. Last, a single person's recompute after saving
an event is timed `--person-recomputes` times (each rolled back).

Targets on the 2-core machine: the nightly run under 30 s at 1,000,000 people,
peak memory under 4 GB, at least 100 times faster than the per-person loop,
and a person's recompute under 200 ms. The last line of output is one JSON
object with the figures (units in the keys).
"""

import argparse
import datetime
import io
import json
import os
import statistics
import sys
import time

from harness import add_data_dir_option, configure_django, peak_rss_mb, run_child

TARGET_NIGHTLY_S = 30.0
TARGET_PEAK_MB = 4096
TARGET_SPEEDUP = 100
TARGET_PERSON_MS = 200.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample", type=int, default=500, help="people in the per-person loop")
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

    run = services.flags_recompute(as_of=as_of)
    if run is None:
        print(json.dumps({"error": "another recompute holds the lock"}))
        return 1
    print(
        json.dumps(
            {
                "population": run.population,
                "flagged": run.flagged,
                "rows_read": run.rows_read,
                "counts_by_tier": run.counts_by_tier,
                "timings": run.timings,
                "peak_rss_mb": round(peak_rss_mb(), 1),
            }
        )
    )
    return 0


def timed_recompute(args: argparse.Namespace, as_of: datetime.date, label: str) -> dict:
    figures, wall = run_child(
        __file__,
        ["--data-dir", args.data_dir, "--child-recompute", str(as_of)],
        f"The {label} recompute failed.",
    )
    figures["wall_s"] = round(wall, 2)
    timings = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in figures["timings"].items())
    print(
        f"{label:<28} {wall:6.1f} s wall ({timings}); {figures['rows_read']:,} rows read; "
        f"peak {figures['peak_rss_mb']:,.0f} MB",
        flush=True,
    )
    return figures


def clear_flags() -> None:
    """Empty the risk tables so the first run publishes everything (benchmark data only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE risk_flagreason, risk_flagoverride, risk_outreachattempt, "
            "risk_personrecompute, risk_flag, risk_recomputerun CASCADE"
        )


def per_person_loop(sample: list[int], as_of: datetime.date) -> float:
    """Seconds per person for the obvious loop: ORM reads, evaluate, update_or_create."""
    import pandas as pd
    from django.db import transaction

    from risk import engine
    from risk.models import Flag
    from risk.services import active_rule_set

    rule_set = active_rule_set()
    spec = rule_set.spec()
    tier_ranks = engine.TIER_RANKS

    def frame(rows: list[dict], name: str) -> pd.DataFrame:
        columns = engine.FRAME_COLUMNS[name]
        data = pd.DataFrame(rows, columns=list(columns))
        for column in columns:
            if column.endswith(("_date", "_on")) or column == "date_of_birth":
                data[column] = pd.to_datetime(data[column])
        return data

    started = time.perf_counter()
    with transaction.atomic():
        for person_id in sample:
            person, records = _person_records(person_id)
            frames = {
                "people": frame(
                    [
                        {
                            "person_id": person.pk,
                            "sex": person.sex,
                            "date_of_birth": person.date_of_birth,
                            "lives_alone": bool(person.lives_alone),
                        }
                    ],
                    "people",
                ),
                "episodes": frame(
                    [_episode_row(e, as_of) for e in records["episodes"]], "episodes"
                ),
                "interventions": frame(
                    [
                        {
                            "intervention_id": i.pk,
                            "person_id": person.pk,
                            "kind": i.kind,
                            "is_ost": i.is_ost,
                            "start_date": i.start_date,
                            "end_date": i.end_date,
                        }
                        for i in records["interventions"]
                    ],
                    "interventions",
                ),
                "events": frame(
                    [
                        {
                            "event_id": v.pk,
                            "person_id": person.pk,
                            "kind": v.kind,
                            "occurred_on": v.occurred_on,
                        }
                        for v in records["events"]
                    ],
                    "events",
                ),
                "contacts": frame(
                    [
                        {
                            "contact_id": c.pk,
                            "person_id": person.pk,
                            "contact_date": c.contact_date,
                            "status": c.status,
                        }
                        for c in records["contacts"]
                    ],
                    "contacts",
                ),
                "naloxone": frame(
                    [
                        {
                            "supply_id": n.pk,
                            "person_id": person.pk,
                            "supplied_on": n.supplied_on,
                            "expiry_date": n.expiry_date,
                        }
                        for n in records["naloxone"]
                    ],
                    "naloxone",
                ),
                "tops": frame(
                    [
                        {
                            "top_id": t.pk,
                            "person_id": person.pk,
                            "top_date": t.top_date,
                            "opiuse": t.opiuse,
                            "alcuse": t.alcuse,
                            "ivdrguse": t.ivdrguse,
                            "acuthpbm": t.acuthpbm,
                        }
                        for t in records["tops"]
                    ],
                    "tops",
                ),
            }
            result = engine.evaluate(frames, spec, as_of)
            for row in result.people.itertuples(index=False):
                Flag.objects.update_or_create(
                    service_user_id=person.pk,
                    ended_on__isnull=True,
                    defaults={
                        "tier": row.tier,
                        "tier_rank": tier_ranks[row.tier],
                        "score": row.score,
                        "summary": row.summary[:400],
                        "rule_codes": row.rule_codes.split(","),
                        "rule_set": rule_set,
                        "raised_on": as_of,
                        "changed_on": as_of,
                    },
                )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed / len(sample)


def _person_records(person_id: int) -> tuple:
    """One person and their records, read the obvious way: a query per kind."""
    from cases.models import Contact, Event, Intervention, NaloxoneSupply, ServiceUser
    from outcomes.models import TopAssessment

    person = ServiceUser.objects.get(pk=person_id)
    return person, {
        "episodes": list(
            person.episodes.select_related(
                "substance_1", "substance_2", "substance_3", "discharge_reason"
            )
        ),
        "interventions": list(Intervention.objects.filter(episode__service_user=person)),
        "events": list(Event.objects.filter(service_user=person)),
        "contacts": list(Contact.objects.filter(service_user=person)),
        "naloxone": list(NaloxoneSupply.objects.filter(service_user=person)),
        "tops": list(TopAssessment.objects.filter(service_user=person)),
    }


def reads_and_writes_loop(sample: list[int], as_of: datetime.date) -> float:
    """Seconds per person for the loop's database work alone: the same reads and one
    `update_or_create`, with no evaluation at all. Any per-person loop, however its
    rules are written, costs at least this."""
    from django.db import transaction

    from risk.models import Flag
    from risk.services import active_rule_set

    rule_set = active_rule_set()
    started = time.perf_counter()
    with transaction.atomic():
        for person_id in sample:
            person, _ = _person_records(person_id)
            Flag.objects.update_or_create(
                service_user_id=person.pk,
                ended_on__isnull=True,
                defaults={
                    "tier": "raised",
                    "tier_rank": 1,
                    "score": 2,
                    "summary": "",
                    "rule_codes": [],
                    "rule_set": rule_set,
                    "raised_on": as_of,
                    "changed_on": as_of,
                },
            )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed / len(sample)


def _episode_row(episode, as_of: datetime.date) -> dict:
    categories = {
        s.category for s in (episode.substance_1, episode.substance_2, episode.substance_3) if s
    }
    discharged = (
        episode.discharge_date
        if episode.discharge_date and episode.discharge_date <= as_of
        else None
    )
    return {
        "episode_id": episode.pk,
        "person_id": episode.service_user_id,
        "referral_date": episode.referral_date,
        "discharge_date": discharged,
        "unplanned_exit": episode.unplanned_exit,
        "opioid_main": episode.substance_1.category == "opioid",
        "opioid": "opioid" in categories,
        "benzodiazepine": "benzodiazepine" in categories,
        "gabapentinoid": "gabapentinoid" in categories,
        "alcohol": "alcohol" in categories,
        "injecting": episode.injecting_status == "current",
        "no_fixed_abode": episode.accommodation_need == "urgent",
        "dual_diagnosis": bool(episode.dual_diagnosis),
    }


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
    first = timed_recompute(args, as_of, "First run (empty flags)")
    repeat = timed_recompute(args, as_of, "Same date again")
    nightly = timed_recompute(args, as_of + datetime.timedelta(days=1), "Next night")

    from risk.models import Flag

    flagged_ids = list(
        Flag.objects.filter(ended_on__isnull=True)
        .order_by("?")
        .values_list("service_user_id", flat=True)[: args.sample]
    )
    print(f"Per-person ORM loop on {len(flagged_ids)} people...", flush=True)
    per_person_s = per_person_loop(flagged_ids, as_of)
    loop_total_s = per_person_s * nightly["population"]
    speedup = loop_total_s / nightly["wall_s"]
    print(
        f"  {per_person_s * 1000:.2f} ms a person; extrapolated to "
        f"{nightly['population']:,} people: {loop_total_s / 60:.1f} minutes"
    )

    floor_s = reads_and_writes_loop(flagged_ids, as_of)
    floor_total_s = floor_s * nightly["population"]
    floor_speedup = floor_total_s / nightly["wall_s"]
    print(
        f"  its reads and writes alone: {floor_s * 1000:.2f} ms a person; extrapolated: "
        f"{floor_total_s / 60:.1f} minutes, {floor_speedup:.0f}x the nightly run "
        "(a floor for any per-person loop)"
    )

    timings = person_recomputes(flagged_ids[: args.person_recomputes], as_of)
    person_median = statistics.median(timings)
    person_p95 = sorted(timings)[max(0, round(0.95 * (len(timings) - 1)))]
    print(
        f"One person's recompute after an event ({len(timings)} times): "
        f"median {person_median:.0f} ms, p95 {person_p95:.0f} ms"
    )

    from risk.engine import TIERS

    tiers = {tier: nightly["counts_by_tier"].get(tier, 0) for tier in TIERS}
    population = nightly["population"] or 1
    print(
        "Tiers (next night): "
        + ", ".join(f"{t} {n:,} ({n / population:.1%})" for t, n in tiers.items())
    )
    print(
        f"Targets (baseline): nightly < {TARGET_NIGHTLY_S:.0f} s "
        f"({'met' if nightly['wall_s'] < TARGET_NIGHTLY_S else 'MISSED'}), "
        f"peak < {TARGET_PEAK_MB} MB "
        f"({'met' if nightly['peak_rss_mb'] < TARGET_PEAK_MB else 'MISSED'}), "
        f">= {TARGET_SPEEDUP}x the per-person loop "
        f"({'met' if speedup >= TARGET_SPEEDUP else 'MISSED'}: {speedup:.0f}x; "
        f"{'met' if floor_speedup >= TARGET_SPEEDUP else 'MISSED'} against its reads and "
        f"writes alone: {floor_speedup:.0f}x), "
        f"person < {TARGET_PERSON_MS:.0f} ms "
        f"({'met' if person_median < TARGET_PERSON_MS else 'MISSED'})"
    )
    figures = {
        "people": people,
        "population": nightly["population"],
        "seed_s": seed_s,
        "first_run_s": first["wall_s"],
        "repeat_run_s": repeat["wall_s"],
        "nightly_s": nightly["wall_s"],
        "nightly_load_s": nightly["timings"].get("load_s"),
        "nightly_engine_s": nightly["timings"].get("engine_s"),
        "nightly_stage_s": nightly["timings"].get("stage_s"),
        "nightly_publish_s": nightly["timings"].get("publish_s"),
        "rows_read": nightly["rows_read"],
        "peak_rss_mb": max(first["peak_rss_mb"], nightly["peak_rss_mb"]),
        "flagged": nightly["flagged"],
        "very_high_pct": round(100 * tiers.get("very_high", 0) / population, 2),
        "high_pct": round(100 * tiers.get("high", 0) / population, 2),
        "loop_ms_per_person": round(per_person_s * 1000, 2),
        "loop_extrapolated_s": round(loop_total_s, 0),
        "speedup_x": round(speedup, 0),
        "loop_io_ms_per_person": round(floor_s * 1000, 2),
        "loop_io_extrapolated_s": round(floor_total_s, 0),
        "speedup_vs_loop_io_x": round(floor_speedup, 0),
        "person_recompute_median_ms": round(person_median, 1),
        "person_recompute_p95_ms": round(person_p95, 1),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
