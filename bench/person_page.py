"""Benchmark: how long the person page takes a keyworker, with N people in the database and
a full care record on each person opened.

    .venv/bin/python bench/person_page.py [--people 1000000] [--skip-seed] [--requests 60]

It uses its own embedded PostgreSQL (`.lantern/bench`, or --data-dir) unless DATABASE_URL is
set, and seeds it as `bench/caseload.py` does (`seed_demo --reset --people N`), or reuses the
data with --skip-seed. It signs in as the demo `keyworker` and picks the first --persons people
of their caseload. Each is given, inside one transaction that is rolled back at the end (the
benchmark's data is left as it was), the care record a person long in treatment has: 40 case
notes, 4 onward referrals, a care plan with 8 goals and 3 reviews, 3 risk assessments, 4
blood-borne virus tests, 3 hepatitis B doses and 10 needle-exchange visits. It then times GET
/people/<id>/ through Django's test client, going round the people: a few warm-up requests,
then --requests timed ones. Server time is `time.perf_counter()` around `client.get`; queries
are counted on one extra request.

The baseline it compares against is the target: a median under 80 ms at 1,000,000 people.
The last line of output is one JSON object with the figures (units in the keys).
"""

import argparse
import datetime
import io
import json
import os
import statistics
import sys
import time

from harness import add_data_dir_option, configure_django, peak_rss_mb, signed_in_client

TARGET_MEDIAN_MS = 80.0


class RolledBack(Exception):
    """Raised to undo the records the benchmark added."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=10, help="people opened in turn (10)")
    parser.add_argument("--requests", type=int, default=60, help="timed requests (60)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests first (10)")
    parser.add_argument("--seed", type=int, default=2026)
    add_data_dir_option(parser, "bench")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the data from the last run")
    return parser.parse_args(argv)


def give_a_full_care_record(person, keyworker, today: datetime.date) -> None:
    """The records a person long in treatment has, written through the services."""
    from care import services

    def ago(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    for n in range(40):
        services.case_note_write(
            service_user=person,
            written_by=keyworker,
            note_date=ago(5 * n),
            kind="keywork",
            text=f"Keywork session {n}: talked about using alone and the supported flat.",
        )
    for n in range(4):
        services.onward_referral_make(
            service_user=person,
            made_by=keyworker,
            organisation_kind="housing",
            organisation_name=f"Housing service {n}",
            reason="Needs a stable address.",
            made_on=ago(60 + 30 * n),
            follow_up_on=ago(30 * n),
        )
    plan = services.care_plan_start(
        service_user=person,
        created_by=keyworker,
        agreed_on=ago(200),
        agreed_how="in_person",
        review_every_weeks=8,
    )
    for n, domain in enumerate(
        ["substance_use", "physical_health", "mental_health", "housing"] * 2
    ):
        services.plan_goal_add(
            plan=plan,
            created_by=keyworker,
            domain=domain,
            what=f"Goal {n} in their words.",
            by_when=ago(-30 * (n + 1)),
            who_helps="Keyworker",
        )
    for n in range(3):
        services.plan_review_record(
            plan=plan,
            recorded_by=keyworker,
            reviewed_on=ago(150 - 50 * n),
            who="Them and their keyworker",
            summary=f"Review {n}: goals carry on.",
            closing={},
        )
    for n in range(3):
        services.risk_assessment_record(
            service_user=person,
            assessed_by=keyworker,
            assessed_on=ago(120 - 40 * n),
            uses_alone="yes",
            uses_alone_detail="Most evenings.",
            reduced_tolerance="no",
            polydrug="no",
            recent_overdose="no",
            mental_health="not_known",
            housing_problem="no",
            own_view="Careful since prison.",
            judgement="high",
            review_on=ago(120 - 40 * n - 60),
            plan_steps=["not_alone", "carry_naloxone"],
            naloxone_held="yes",
            naloxone_around="not_known",
            plan_review_on=ago(120 - 40 * n - 30),
        )
    for n, virus in enumerate(["hcv_antibody", "hcv_rna", "hbv", "hiv"]):
        services.bbv_test_record(
            service_user=person,
            recorded_by=keyworker,
            virus=virus,
            offered_on=ago(100 + n),
            accepted=True,
            tested_on=ago(100 + n),
            result="negative",
            result_on=ago(90 + n),
        )
    for n in range(3):
        services.hep_b_vaccination_record(
            service_user=person,
            recorded_by=keyworker,
            kind="dose",
            given_on=ago(90 - 30 * n),
            dose_number=n + 1,
            schedule="standard",
        )
    for n in range(10):
        services.nsp_contact_record(
            team=person.team,
            recorded_by=keyworker,
            contact_on=ago(7 * n),
            service_user=person,
            needles_syringes=10,
            advice_given=True,
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_django(args.data_dir)

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases import selectors
    from cases.models import Role, ServiceUser, User

    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
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
        print(f"Seeded in {time.perf_counter() - started:.1f} s", flush=True)

    people = ServiceUser.objects.count()
    keyworker = User.objects.get(username="keyworker", role=Role.KEYWORKER)
    persons = list(
        selectors.caseload_people(keyworker, "mine")
        .filter(date_of_death__isnull=True)
        # The full record starts a hepatitis B course: people the demo gave none.
        .filter(hep_b_vaccinations__isnull=True)
        .order_by("pk")[: args.persons]
    )
    if not persons:
        raise SystemExit("The demo keyworker has nobody on their caseload: did seeding fail?")
    today = timezone.localdate()
    figures: dict = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            for person in persons:
                give_a_full_care_record(person, keyworker, today)
            added_s = time.perf_counter() - started
            print(f"Gave {len(persons)} people a full care record in {added_s:.1f} s", flush=True)
            figures = time_the_page(args, CaptureQueriesContext, connection, keyworker)
            raise RolledBack
    except RolledBack:
        pass
    figures = {"people": people, "persons": len(persons), **figures}
    median = figures["person_page_median_ms"]
    verdict = "meets" if median < TARGET_MEDIAN_MS else "MISSES"
    print(f"{people:,} people in the database; {len(persons)} people opened in turn")
    print(
        f"GET /people/<id>/, {args.requests} timed requests after {args.warmup} warm-up: "
        f"median {median:.1f} ms, p95 {figures['person_page_p95_ms']:.1f} ms, "
        f"{figures['queries_per_request']} queries, page {figures['page_kb']:.0f} KB"
    )
    print(f"Target (baseline): median < {TARGET_MEDIAN_MS:.0f} ms: {verdict} it.")
    figures["target_median_ms"] = TARGET_MEDIAN_MS
    figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(figures))
    return 0


def time_the_page(args, capture, connection, keyworker) -> dict:
    from cases.selectors import caseload_people

    client = signed_in_client(keyworker)
    urls = [
        f"/people/{person.external_id}/"
        for person in caseload_people(keyworker, "mine")
        .filter(date_of_death__isnull=True)
        .order_by("pk")[: args.persons]
    ]
    for n in range(args.warmup):
        response = client.get(urls[n % len(urls)])
        assert response.status_code == 200, response.status_code
    timings_ms = []
    for n in range(args.requests):
        started = time.perf_counter()
        response = client.get(urls[n % len(urls)])
        timings_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with capture(connection) as captured:
        client.get(urls[0])
    return {
        "requests": args.requests,
        "person_page_median_ms": round(statistics.median(timings_ms), 1),
        "person_page_p95_ms": round(percentile(timings_ms, 0.95), 1),
        "person_page_min_ms": round(min(timings_ms), 1),
        "person_page_max_ms": round(max(timings_ms), 1),
        "queries_per_request": len(captured.captured_queries),
        "page_kb": round(len(response.content) / 1024, 1),
    }


if __name__ == "__main__":
    sys.exit(main())
