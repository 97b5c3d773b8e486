"""Check: every person's flags are the same as another build's, run on the same population.

    .venv/bin/python bench/flags_same.py --people 100000 --save flags-before.tsv
    (change the recompute, then, on the same database)
    .venv/bin/python bench/flags_same.py --people 100000 --against flags-before.tsv

It uses its own embedded PostgreSQL (`.lantern/flags-same`, or --data-dir) unless DATABASE_URL
is set, seeded with `seed_demo --people N --seed 7 --without-history` unless it already holds that many people.
It empties the flag tables and publishes three nights in a row (the first run writes
everything; the next two write what changed), then writes every flag, open or ended, with
its reasons, one line each, in person order: tier, score, summary (as a reader sees it on
the last night), rules, dates, status and each reason's rule, weight, trigger, window, count,
detail and wording. Row ids, run ids and
timestamps are left out; they differ between any two runs.

With --against it compares line by line, prints the first differences and exits 1 if any.
The last line is a JSON object: people, flags, reasons, the digest and whether they matched.
"""

import argparse
import ast
import datetime
import hashlib
import io
import json
import os
import sys
import time
from pathlib import Path

from harness import add_data_dir_option, configure_django

SEED = 7
NIGHTS = 3

FLAG_ROWS = """
    SELECT f.service_user_id, f.tier, f.tier_rank, f.score, f.summary, f.rule_codes, r.version,
           f.raised_on, f.changed_on, f.status, f.ended_on, f.end_reason,
           coalesce(string_agg(
               concat_ws('|', fr.position, fr.rule_code, fr.rule_version, fr.weight,
                         fr.trigger_kind, fr.trigger_id, fr.fired_from, fr.expires_on,
                         fr.count, fr.detail, fr.text),
               ' ;; ' ORDER BY fr.position), '') AS reasons,
           count(fr.id) AS reason_count
    FROM risk_flag f
    JOIN risk_ruleset r ON r.id = f.rule_set_id
    LEFT JOIN risk_flagreason fr ON fr.flag_id = f.id
    GROUP BY f.id, r.version
    ORDER BY f.service_user_id, f.raised_on, f.ended_on NULLS LAST
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument(
        "--as-of",
        type=datetime.date.fromisoformat,
        default=None,
        help="the last of the three nights (today)",
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--save", type=Path, help="write the flags to this file")
    where.add_argument("--against", type=Path, help="compare the flags with this file")
    add_data_dir_option(parser, "flags-same")
    return parser.parse_args(argv)


def seed(people: int) -> None:
    from django.core.management import call_command

    from cases.models import ServiceUser

    call_command("migrate", interactive=False, verbosity=0)
    if ServiceUser.objects.count() == people:
        return
    print(f"Seeding {people:,} people (seed {SEED})...", flush=True)
    call_command(
        "seed_demo",
        reset=True,
        without_history=True,
        people=people,
        seed=SEED,
        show_logins=False,
        stdout=io.StringIO(),
    )


def publish_nights(last: datetime.date) -> list[float]:
    from django.db import connection

    from risk import services

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE risk_flagreason, risk_flagoverride, risk_outreachattempt, "
            "risk_personrecompute, risk_flag, risk_recomputerun CASCADE"
        )
    seconds = []
    for back in range(NIGHTS - 1, -1, -1):
        as_of = last - datetime.timedelta(days=back)
        started = time.perf_counter()
        run = services.flags_recompute(as_of=as_of)
        if run is None:
            raise SystemExit("Another recompute holds the lock.")
        seconds.append(round(time.perf_counter() - started, 2))
        print(f"  as of {as_of:%d/%m/%Y}: {run.flagged:,} flagged in {seconds[-1]} s", flush=True)
    return seconds


def flag_lines(last: datetime.date) -> tuple[list[str], int]:
    """Every flag, one line each, its summary as read on the last night."""
    from django.db import connection

    from risk import wording

    lines = []
    reasons = 0
    with connection.cursor() as cursor:
        cursor.execute(FLAG_ROWS)
        for row in cursor.fetchall():
            reasons += row[-1]
            values = list(row[:-1])
            values[4] = wording.summary_text(values[4], on=last, raised_on=row[7], ended_on=row[10])
            lines.append("\t".join("" if value is None else str(value) for value in values))
    return lines, reasons


def _codes_sorted(line: str) -> str:
    fields = line.split("\t")
    fields[5] = str(sorted(ast.literal_eval(fields[5])))
    return "\t".join(fields)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_django(args.data_dir)
    from django.utils import timezone

    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    seed(args.people)
    last = args.as_of or timezone.localdate()
    seconds = publish_nights(last)
    lines, reasons = flag_lines(last)
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    figures = {
        "people": args.people,
        "flags": len(lines),
        "reasons": reasons,
        "nights_s": seconds,
        "digest": digest,
    }
    if args.save:
        args.save.write_text("\n".join(lines) + "\n")
        print(f"{len(lines):,} flags with {reasons:,} reasons written to {args.save}")
        print(json.dumps(figures))
        return 0
    # Rule codes are a set: compared sorted (builds before 7 December 2026 stored a flag
    # raised that night in rank order).
    before = [_codes_sorted(line) for line in args.against.read_text().splitlines()]
    lines = [_codes_sorted(line) for line in lines]
    differing = [
        (number, old, new)
        for number, (old, new) in enumerate(zip(before, lines, strict=False), 1)
        if old != new
    ]
    same = not differing and len(before) == len(lines)
    for number, old, new in differing[:10]:
        print(f"line {number}:\n  before {old}\n  now    {new}")
    if len(before) != len(lines):
        print(f"{len(before):,} flags before, {len(lines):,} now")
    print(f"Flags {'identical' if same else 'DIFFERENT'} to {args.against}")
    figures["same"] = same
    print(json.dumps(figures))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
