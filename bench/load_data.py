"""The load benchmark's data (`bench/load.py` uses it): a seeded population with a flag
history, the staff who will sign in, and their authenticator devices.

Runs with Django set up on the benchmark's own database (`harness.configure_django`).
"""

import argparse
import datetime
import io
import time

from harness import signed_in_client

CASELOAD_WINDOW = (40, 60)
FLAG_HISTORY_DAYS = 28


def seed(args: argparse.Namespace) -> dict:
    """seed_demo, a flag history of three nightly runs, and outreach against the flags."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from figures import add_outreach, build_flag_history

    figures = {}
    print(f"Seeding {args.people:,} people...", flush=True)
    began = time.perf_counter()
    call_command(
        "seed_demo",
        without_history=True,
        reset=True,
        people=args.people,
        seed=args.seed,
        stdout=io.StringIO(),
    )
    figures["seed_s"] = round(time.perf_counter() - began, 1)
    print(f"Seeded in {figures['seed_s']:.1f} s", flush=True)
    today = timezone.localdate()
    print(f"Building the flag history over the last {FLAG_HISTORY_DAYS} days...", flush=True)
    history = build_flag_history(today - datetime.timedelta(days=FLAG_HISTORY_DAYS), today)
    figures["flag_history_s"] = history["seconds"]
    figures["outreach_rows_added"] = add_outreach(args.seed)
    print(f"  {figures['outreach_rows_added']:,} outreach attempts added (benchmark data)")
    # A live database has been through autovacuum: visibility maps and statistics that a
    # freshly written one lacks (the first run after a seed otherwise measures the cleanup).
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    figures["vacuum_s"] = round(time.perf_counter() - began, 1)
    print(f"Vacuumed and analysed in {figures['vacuum_s']:.1f} s", flush=True)
    return figures


def choose_users(count: int, team_leads: int) -> list[dict]:
    """Keyworkers holding 40-60 people in treatment or recently left, and team leads, in
    username order (the seed deals keyworkers out to teams in turn, so at a million people
    each is in a different team). Stops the benchmark if the data cannot supply them."""
    from django.db.models import Count, Q

    from cases import selectors
    from cases.models import Role, User

    low, high = CASELOAD_WINDOW
    keyworkers = []
    candidates = (
        User.objects.filter(role=Role.KEYWORKER, is_active=True)
        .annotate(held=Count("caseload", filter=Q(caseload__date_of_death__isnull=True)))
        .filter(held__gte=low)
        .order_by("username")
    )
    for user in candidates.iterator():
        if len(keyworkers) == count - team_leads:
            break
        rows = selectors.in_caseload_window(
            selectors.with_caseload_columns(selectors.caseload_people(user, "mine"))
        ).count()
        if low <= rows <= high:
            keyworkers.append({"username": user.username, "role": Role.KEYWORKER, "rows": rows})
    leads = [
        {"username": u, "role": Role.TEAM_LEAD, "rows": None}
        for u in User.objects.filter(role=Role.TEAM_LEAD, is_active=True)
        .order_by("username")
        .values_list("username", flat=True)[:team_leads]
    ]
    chosen = keyworkers + leads
    if len(keyworkers) < count - team_leads or len(leads) < team_leads:
        raise SystemExit(f"The data holds only {len(chosen)} suitable users of {count}.")
    return chosen


def with_devices(users: list[dict]) -> list[dict]:
    """`users`, each with its confirmed authenticator app as the driver needs it.

    A user without one is given one (benchmark data only), as enrolment would. Called
    before each run, so `last_t` (the last time step accepted) is current: a code is
    accepted once, and each user has a device of their own, so twenty users signing in
    within the same 30 seconds do not spend one another's codes.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import User
    from web import signin

    chosen = []
    for user in users:
        holder = User.objects.get(username=user["username"])
        device = signin.confirmed_totp_device(holder) or TOTPDevice.objects.create(
            user=holder, name=signin.DEVICE_NAME, confirmed=True
        )
        fields = ("key", "step", "t0", "digits", "drift", "tolerance", "last_t")
        chosen.append(user | {"device": {name: getattr(device, name) for name in fields}})
    return chosen


def caseload_sql_floor(username: str, repeats: int = 30) -> dict:
    """The caseload's own SQL, timed alone: the floor for the page's database work.

    The keyworker's caseload page is asked for once in this process (Django's test
    client, signed in and past the second factor as a sign-in leaves a session), its
    queries captured, and the two that are the caseload itself (the people on the
    page, and their count for the pager) executed again `repeats` times each, straight
    through a cursor. Returns the medians in ms and the queries' text.
    """
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import User

    client = signed_in_client(User.objects.get(username=username))
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/caseload/mine/", {"sort": "risk"})
    assert page.status_code == 200, page.status_code
    statements = [q["sql"] for q in captured]
    rows_sql = next(s for s in statements if s.startswith('SELECT "cases_serviceuser"."id"'))
    count_sql = next(
        s for s in statements if s.startswith("SELECT COUNT(*)") and '"cases_serviceuser"' in s
    )
    medians = {}
    with connection.cursor() as cursor:
        for name, sql in (("rows", rows_sql), ("count", count_sql)):
            timings = []
            for _ in range(repeats):
                began = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                timings.append((time.perf_counter() - began) * 1000)
            medians[name] = round(statistics.median(timings), 2)
    return {
        "caseload_sql_ms": round(medians["rows"] + medians["count"], 2),
        "caseload_rows_sql_ms": medians["rows"],
        "caseload_count_sql_ms": medians["count"],
    }
