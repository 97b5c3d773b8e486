"""Benchmark: the governance dashboard and the review list with many reviews.

    .venv/bin/python bench/review_dashboard.py [--reviews 10000] [--people 20000] [--requests 15]

It uses its own embedded PostgreSQL (`.lantern/bench-reviews`, or --data-dir)
unless DATABASE_URL is set, so the demo data is never touched. It migrates,
seeds a population with `seed_demo --reset` (which files the demo's reviews
through the services, snapshots included), then copies those reviews and their
snapshots and toxicology until there are --reviews of them, spread over the
last year. It signs in as the demo `governance` user and times
GET /reviews/dashboard/ and GET /reviews/ through Django's test client: a few
warm-up requests, then --requests timed ones each. Queries are counted on one
extra request. It times the commissioners' death-review figures the same way
(GET /api/v1/figures/death-reviews/ over the last 365 days beside the 365
before, unsplit and split by local authority), which read the same rows and
snapshots as the dashboard and add suppression.

The baseline is the obvious way to get the engine's track record: for each
reviewed death, query the live flags and outreach attempts of the person (two
queries a review), timed over every review once. The target is a dashboard
median under 1 s with 10,000 reviews. The last line is one JSON object.
"""

import argparse
import datetime
import io
import json
import os
import statistics
import time

from harness import add_data_dir_option, configure_django, signed_in_client

TARGET_MEDIAN_MS = 1000.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    add_data_dir_option(parser, "bench-reviews")
    return parser.parse_args(argv)


def multiply_reviews(target: int) -> int:
    """Copy the seeded reviews, with their snapshots and toxicology, up to `target` rows."""
    from django.db import connection, transaction
    from django.utils import timezone

    from deathreviews.models import Review, ReviewSnapshot, ToxicologyFinding

    templates = list(Review.objects.all())
    snapshots = {s.review_id: s for s in ReviewSnapshot.objects.all()}
    findings: dict[int, list] = {}
    for finding in ToxicologyFinding.objects.all():
        findings.setdefault(finding.review_id, []).append(finding)
    today = timezone.localdate()
    made = Review.objects.count()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('deathreviews_reference_seq', 100000)")
        batch: list[tuple] = []
        n = 0
        while made + len(batch) < target:
            source = templates[n % len(templates)]
            n += 1
            copy = Review(
                **{
                    f.attname: getattr(source, f.attname)
                    for f in Review._meta.concrete_fields
                    if f.name not in ("id", "external_id", "reference")
                },
                reference=f"BR-{n:07d}",
            )
            shift = datetime.timedelta(days=n % 365)
            copy.occurred_on = min(today, source.occurred_on + shift) - datetime.timedelta(
                days=(n * 7) % 300
            )
            copy.notified_on = max(copy.occurred_on, min(today, copy.notified_on))
            batch.append((copy, source))
            if len(batch) == 2000:
                made += _write(batch, snapshots, findings)
                batch = []
        if batch:
            made += _write(batch, snapshots, findings)
    return made


def _write(batch, snapshots, findings) -> int:
    from deathreviews.models import Review, ReviewSnapshot, ToxicologyFinding

    created = Review.objects.bulk_create([copy for copy, _ in batch])
    ReviewSnapshot.objects.bulk_create(
        ReviewSnapshot(
            review=copy,
            service_user_id=snapshots[source.pk].service_user_id,
            as_of=snapshots[source.pk].as_of,
            taken_at=snapshots[source.pk].taken_at,
            taken_by_id=snapshots[source.pk].taken_by_id,
            data=snapshots[source.pk].data,
        )
        for copy, source in batch
        if source.pk in snapshots
    )
    ToxicologyFinding.objects.bulk_create(
        ToxicologyFinding(
            review=copy,
            substance=f.substance,
            implicated=f.implicated,
            created_by_id=f.created_by_id,
            updated_by_id=f.updated_by_id,
            updated_at=f.updated_at,
        )
        for copy, source in batch
        for f in findings.get(source.pk, [])
    )
    return len(created)


def time_get(client, url: str, warmup: int, requests: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return times, len(queries)


def baseline_track_record_ms() -> tuple[float, int]:
    """The obvious loop: each known death's live flags and attempts, two queries a review."""
    from deathreviews.models import DEATH_KINDS, Review
    from risk.models import Flag, OutreachAttempt

    started = time.perf_counter()
    deaths = list(
        Review.objects.filter(kind__in=DEATH_KINDS, service_user__isnull=False).values_list(
            "service_user_id", "occurred_on"
        )
    )
    flagged = 0
    for person_id, died in deaths:
        window = died - datetime.timedelta(days=90)
        flags = list(
            Flag.objects.filter(service_user_id=person_id, raised_on__lte=died).exclude(
                ended_on__lt=window
            )
        )
        list(
            OutreachAttempt.objects.filter(
                service_user_id=person_id, attempted_on__range=(window, died)
            )
        )
        flagged += bool(flags)
    return (time.perf_counter() - started) * 1000, len(deaths)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # The timed requests are many more than a commissioner's rate allows.
    os.environ["LANTERN_API_RATE"] = "100000/minute"
    os.environ["LANTERN_API_FIGURE_RATE"] = "100000/minute"
    configure_django(args.data_dir)
    from django.core.management import call_command

    from cases.models import User
    from deathreviews.models import Review

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    call_command(
        "seed_demo",
        without_history=True,
        people=args.people,
        reset=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    seeded_s = time.perf_counter() - started
    started = time.perf_counter()
    reviews = multiply_reviews(args.reviews)
    copied_s = time.perf_counter() - started
    print(
        f"Seeded {args.people:,} people in {seeded_s:.1f} s; {reviews:,} reviews in {copied_s:.1f} s"
    )

    client = signed_in_client(User.objects.get(username="governance"))
    period = "?from=2000-01-01"
    dashboard_ms, dashboard_queries = time_get(
        client, f"/reviews/dashboard/{period}", args.warmup, args.requests
    )
    list_ms, list_queries = time_get(client, "/reviews/?status=", args.warmup, args.requests)
    from django.utils import timezone

    today = timezone.localdate()
    year = f"?from={today - datetime.timedelta(days=364)}&to={today}"
    figures_ms, figures_queries = time_get(
        client, f"/api/v1/figures/death-reviews/{year}", args.warmup, args.requests
    )
    split_ms, _ = time_get(
        client,
        f"/api/v1/figures/death-reviews/{year}&segment=local_authority",
        args.warmup,
        args.requests,
    )
    baseline_ms, baseline_reviews = baseline_track_record_ms()

    median = statistics.median(dashboard_ms)
    p95 = sorted(dashboard_ms)[max(0, int(len(dashboard_ms) * 0.95) - 1)]
    print(f"Reviews in the database: {Review.objects.count():,}")
    print(
        f"Dashboard (every review in the period): median {median:.0f} ms, p95 {p95:.0f} ms, "
        f"{dashboard_queries} queries; target under {TARGET_MEDIAN_MS:.0f} ms: "
        f"{'met' if median < TARGET_MEDIAN_MS else 'NOT met'}"
    )
    print(
        f"Review list (first page of 25): median {statistics.median(list_ms):.0f} ms, "
        f"{list_queries} queries"
    )
    print(
        f"Death-review figures (API, last 365 days beside the 365 before): median "
        f"{statistics.median(figures_ms):.0f} ms, {figures_queries} queries; split by local "
        f"authority: median {statistics.median(split_ms):.0f} ms"
    )
    print(
        f"Baseline: the track record from live flags, two queries a review, took "
        f"{baseline_ms:.0f} ms for {baseline_reviews:,} known deaths (before any counting or "
        f"rendering); the dashboard computed every figure in {median:.0f} ms."
    )
    print(
        json.dumps(
            {
                "reviews": reviews,
                "people": args.people,
                "dashboard_median_ms": round(median, 1),
                "dashboard_p95_ms": round(p95, 1),
                "dashboard_queries": dashboard_queries,
                "review_list_median_ms": round(statistics.median(list_ms), 1),
                "review_list_queries": list_queries,
                "review_figures_median_ms": round(statistics.median(figures_ms), 1),
                "review_figures_queries": figures_queries,
                "review_figures_by_local_authority_median_ms": round(
                    statistics.median(split_ms), 1
                ),
                "baseline_track_record_loop_ms": round(baseline_ms, 1),
                "target_dashboard_median_ms": TARGET_MEDIAN_MS,
            }
        )
    )


if __name__ == "__main__":
    main()
