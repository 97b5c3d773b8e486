"""Benchmark: the commissioner CSV extract of 100,000 and of 1,000,000 people.

    .venv/bin/python bench/export.py [--sizes 100000,1000000] [--skip-seed]

For each size it uses its own embedded PostgreSQL (`.lantern/exportbench-<size>`,
or --data-dir as the prefix) unless DATABASE_URL is set, migrates it and seeds
`seed_demo --people <size>` (skipped with --skip-seed when that many people are
already there). Then, each in a fresh process so that its peak memory is its
own:

1. the extract: GET /api/v1/extracts/people/?format=csv through the real view
   (Django's test client, a commissioner's bearer token, the middleware and the
   request log), the streamed response consumed end to end and counted;
2. the baseline: Django's documented way to stream a large CSV, `csv.writer`
   into a `StreamingHttpResponse` over a `.values_list().iterator()` queryset,
   with the same columns and the same pseudonyms computed in Python.

It prints rows per second and peak memory (the process's VmHWM) for each, and
checks the targets: peak memory must not grow with the row count (the 1,000,000
extract within 50 MB of the 100,000 one) and the 1,000,000-person extract must
stream at over 50,000 rows a second. The last line is one JSON object with the
figures (units in the keys).
"""

import argparse
import datetime
import io
import json
import os
import sys
import time

from harness import BASE_DIR, configure_django, peak_rss_mb, run_child

TARGET_ROWS_PER_S = 50_000
TARGET_MEMORY_GROWTH_MB = 50
EXTRACT_URL = "/api/v1/extracts/people/?format=csv"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="people per run")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-seed", action="store_true", help="reuse the data already there")
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("LANTERN_BENCH_DATA_DIR")
        or str(BASE_DIR / ".lantern" / "exportbench"),
        help="prefix of the embedded database directories (.lantern/exportbench-<size>)",
    )
    # Internal: run one step in this process and print its figures as JSON.
    parser.add_argument("--child", choices=["seed", "extract", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--people", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def child_seed(people: int, seed: int, skip_seed: bool) -> dict:
    from django.core.management import call_command

    from cases.models import ServiceUser

    call_command("migrate", interactive=False, verbosity=0)
    present = ServiceUser.objects.count()
    if skip_seed and present == people:
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


def child_extract() -> dict:
    from django.test import Client

    from commissioning.models import ApiRequestLog

    client = Client(headers={"Authorization": f"Bearer {bench_token()}"})
    started = time.perf_counter()
    response = client.get(EXTRACT_URL)
    if response.status_code != 200:
        raise SystemExit(f"GET {EXTRACT_URL} answered {response.status_code}")
    size = lines = 0
    first = True
    for chunk in response.streaming_content:
        if first:
            first_byte_s = time.perf_counter() - started
            first = False
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    seconds = time.perf_counter() - started
    log = ApiRequestLog.objects.filter(extract="people", format="csv").latest("at")
    return {
        "rows": lines - 1,
        "logged_rows": log.rows,
        "logged_complete": log.complete,
        "seconds": round(seconds, 2),
        "first_byte_ms": round(first_byte_s * 1000, 1),
        "mb": round(size / 1024 / 1024, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def child_baseline() -> dict:
    """Django's documented pattern: csv.writer rows into a StreamingHttpResponse."""
    import csv

    from django.db.models import Exists, OuterRef
    from django.http import StreamingHttpResponse

    from cases.ages import age_band
    from cases.models import ServiceUser, TreatmentEpisode
    from commissioning.extracts.base import pseudonym, pseudonym_key
    from commissioning.models import ApiClient
    from core.dates import age_on

    key = pseudonym_key(ApiClient.objects.get(name="Benchmark commissioning"))
    from django.utils import timezone

    today = timezone.localdate()
    people = (
        ServiceUser.objects.order_by("external_id")
        .annotate(
            in_treatment=Exists(
                TreatmentEpisode.objects.filter(
                    service_user=OuterRef("pk"), discharge_date__isnull=True
                )
            )
        )
        .values_list(
            "external_id",
            "consent_to_ndtms",
            "sex",
            "date_of_birth",
            "ethnicity",
            "nationality",
            "local_authority__code",
            "team_id",
            "in_treatment",
        )
    )

    class Echo:
        def write(self, value):
            return value

    def rows():
        writer = csv.writer(Echo())
        yield writer.writerow(
            [
                "person",
                "consent_to_share",
                "sex",
                "age_band",
                "ethnicity",
                "nationality",
                "local_authority",
                "team",
                "in_treatment",
            ]
        )
        for uid, consent, sex, born, ethnicity, nationality, la, team, open_ in people.iterator(
            chunk_size=2000
        ):
            yield writer.writerow(
                [
                    pseudonym("person", uid, key),
                    consent,
                    sex,
                    age_band(age_on(born, today)) if consent else None,
                    ethnicity if consent else None,
                    nationality if consent else None,
                    la,
                    team,
                    open_,
                ]
            )

    started = time.perf_counter()
    response = StreamingHttpResponse(rows(), content_type="text/csv")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    return {
        "rows": lines - 1,
        "seconds": round(seconds, 2),
        "mb": round(size / 1024 / 1024, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def run_step(args: argparse.Namespace, step: str, people: int) -> dict:
    arguments = ["--data-dir", args.data_dir, "--child", step, "--people", str(people)]
    arguments += ["--seed", str(args.seed)] + (["--skip-seed"] if args.skip_seed else [])
    figures, _ = run_child(__file__, arguments, f"The {step} step for {people:,} people failed.")
    return figures


def data_dir_for(prefix: str, people: int) -> str:
    return f"{prefix}-{people}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        configure_django(data_dir_for(args.data_dir, args.people))
        if args.child == "seed":
            figures = child_seed(args.people, args.seed, args.skip_seed)
        elif args.child == "extract":
            figures = child_extract()
        else:
            figures = child_baseline()
        print(json.dumps(figures))
        return 0

    sizes = [int(size) for size in args.sizes.split(",")]
    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else f"{args.data_dir}-<size>"
    print(f"Database: {where}", flush=True)
    results: dict[int, dict] = {}
    for people in sizes:
        seeded = run_step(args, "seed", people)
        note = f"seeded in {seeded['seed_s']} s" if seeded["seed_s"] else "reused"
        print(f"{seeded['people']:,} people ({note})", flush=True)
        extract = run_step(args, "extract", people)
        baseline = run_step(args, "baseline", people)
        rate = extract["rows"] / extract["seconds"]
        base_rate = baseline["rows"] / baseline["seconds"]
        print(
            f"  extract  {extract['rows']:>9,} rows in {extract['seconds']:6.2f} s = "
            f"{rate:>9,.0f} rows/s, {extract['mb']} MB of CSV, first byte after "
            f"{extract['first_byte_ms']} ms, peak {extract['peak_rss_mb']:.0f} MB; logged "
            f"{extract['logged_rows']:,} rows (complete: {extract['logged_complete']})",
            flush=True,
        )
        print(
            f"  baseline {baseline['rows']:>9,} rows in {baseline['seconds']:6.2f} s = "
            f"{base_rate:>9,.0f} rows/s, peak {baseline['peak_rss_mb']:.0f} MB "
            "(csv.writer + StreamingHttpResponse over .iterator())",
            flush=True,
        )
        results[people] = {
            "seed": seeded,
            "extract": extract,
            "baseline": baseline,
            "rate": rate,
            "base_rate": base_rate,
        }

    small, large = min(sizes), max(sizes)
    growth = results[large]["extract"]["peak_rss_mb"] - results[small]["extract"]["peak_rss_mb"]
    large_rate = results[large]["rate"]
    memory_ok = growth <= TARGET_MEMORY_GROWTH_MB
    rate_ok = large_rate > TARGET_ROWS_PER_S
    print(
        f"Targets (baseline): peak memory growth from {small:,} to {large:,} people "
        f"<= {TARGET_MEMORY_GROWTH_MB} MB ({'met' if memory_ok else 'MISSED'}: {growth:+.1f} MB); "
        f"{large:,} people > {TARGET_ROWS_PER_S:,} rows/s ({'met' if rate_ok else 'MISSED'}: "
        f"{large_rate:,.0f}); {results[large]['rate'] / results[large]['base_rate']:.1f}x "
        "the csv.writer pattern"
    )
    figures: dict = {}
    for people, result in results.items():
        figures[f"rows_{people}"] = result["extract"]["rows"]
        figures[f"rows_per_s_{people}"] = round(result["rate"])
        figures[f"peak_rss_mb_{people}"] = result["extract"]["peak_rss_mb"]
        figures[f"seconds_{people}"] = result["extract"]["seconds"]
        figures[f"csv_mb_{people}"] = result["extract"]["mb"]
        figures[f"baseline_rows_per_s_{people}"] = round(result["base_rate"])
        figures[f"baseline_peak_rss_mb_{people}"] = result["baseline"]["peak_rss_mb"]
        figures[f"seed_s_{people}"] = result["seed"]["seed_s"]
    figures["peak_rss_growth_mb"] = round(growth, 1)
    figures["target_rows_per_s"] = TARGET_ROWS_PER_S
    figures["target_memory_growth_mb"] = TARGET_MEMORY_GROWTH_MB
    print(json.dumps(figures))
    return 0 if memory_ok and rate_ok else 1


if __name__ == "__main__":
    sys.exit(main())
