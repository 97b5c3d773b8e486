"""Benchmark: keyworkers' pages under load, served by gunicorn from a national database.

    .venv/bin/python bench/load.py [--people 1000000] [--users 20] [--seconds 60]
                                   [--think-ms 0] [--workers 4] [--threads 1]
                                   [--skip-seed]

It uses its own embedded PostgreSQL (`.lantern/bench-load`, or --data-dir)
unless DATABASE_URL is set. Unless --skip-seed reuses the last run's data, it
migrates and seeds `--people` synthetic people with `seed_demo` (histories,
TOPs, about 55 people in treatment or recently left per keyworker), then builds
a flag history the way production does (the nightly recompute as of 28, 14 and
0 days ago) and, for benchmark data only, outreach attempts against most very
high and high flags (both reused from `bench/figures.py`).

The app runs as in production: gunicorn (`config.wsgi`) as a subprocess with
LANTERN_ENV=production (DEBUG off, WhiteNoise serving collected static files,
secure cookies), behind what would be a TLS-terminating proxy: the driver sends
`X-Forwarded-Proto: https`, as that proxy would.

The driver is a second process (`--drive`, plain `requests` in threads, with no
Django set up), on loopback. Each of `--users` members of staff signs in through the
real sign-in forms, password then the code of their own authenticator app (a
confirmed django-otp TOTP device, given to them before the run if they have none;
the driver computes its codes from the device's key), goes round their pages once
untimed (a warm-up), then loops until `--seconds` have passed, asking for each
page as soon as the last one has arrived (a closed loop, the heaviest reading of
"20 concurrent users"); `--think-ms 1000` pauses a second after each page, still
far quicker than anyone reads a record:

- a keyworker (most users): their caseload (alternately by name and by risk),
  a person's record picked from that page, the team's outreach worklist;
- a team lead (one user in five, `--team-leads`): the team caseload, a person's
  record, the worklist and the "not contacted in 2 days" list.

Users are real caseload holders of the seed: keyworkers each holding 40 to 60
people in treatment or recently left (in different teams at a million people),
and team leads. A response counts as an error if it is not a 200, if the
connection fails or times out, or if the page lacks what it must hold (the
caseload's title and its people's links, the person's name on their record,
the worklist's title), so a fast error page is never counted as a success.

The machine may be shared with other work, so besides latencies the script
prints the CPU time each side used per request during the timed window
(gunicorn's processes, the embedded PostgreSQL's, the driver's own, from
/proc) and the load average: what the pages cost, whatever else was running.

The baseline is the same loop with one user (`--baseline-seconds`), which gives
each page's latency without contention. The target: a 95th percentile under
500 ms with no errors for 20 users at 1,000,000 people on the 2-core machine.
The script prints both runs, then one JSON line, and exits 1 if the target is
missed.
"""

import argparse
import concurrent.futures
import datetime
import io
import json
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from harness import BASE_DIR, add_data_dir_option, configure_django

TARGET_P95_MS = 500.0
PASSWORD = "lantern-demo-2026"  # demo.DEMO_PASSWORD; the driver sets no Django up
CASELOAD_WINDOW = (40, 60)
FLAG_HISTORY_DAYS = 28
REQUEST_TIMEOUT_S = 30
# No pause between pages: each user asks for the next page the moment the last arrives,
# far more often than anyone reading a record could, so no reading of the target is softer.
DEFAULT_THINK_MS = 0.0
PAGES = ("caseload", "record", "worklist", "not_contacted")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--users", type=int, default=20, help="concurrent signed-in users (20)")
    parser.add_argument(
        "--team-leads", type=int, default=None, help="how many users are team leads (users / 5)"
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of the loaded run (60)")
    parser.add_argument(
        "--baseline-seconds", type=float, default=15, help="length of the one-user run (15)"
    )
    parser.add_argument(
        "--think-ms",
        type=float,
        default=DEFAULT_THINK_MS,
        help=f"each user's pause between page views ({DEFAULT_THINK_MS:g}, a closed loop)",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (4)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads a worker (1)")
    parser.add_argument("--port", type=int, default=0, help="port to serve on (a free one)")
    add_data_dir_option(parser, "bench-load")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the data from the last run")
    # Internal: drive the server (reads its plan as JSON on stdin), print figures.
    parser.add_argument("--drive", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# The driver: no Django set up here, only HTTP------------------------------------------


class PageError(Exception):
    """A response that is not the page asked for."""


_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_PERSON_LINK = re.compile(r'<a href="(/people/[0-9a-f-]{36}/)">([^<]+)</a>')


def new_session(base: str):
    """A `requests` session that talks to gunicorn as a TLS-terminating proxy would."""
    import requests

    class BehindTlsProxy(requests.Session):
        def send(self, request, **kwargs):
            response = super().send(request, **kwargs)
            # The app marks its cookies Secure (it sees HTTPS through X-Forwarded-Proto);
            # the proxy's leg to the browser is HTTPS, so the browser would send them back.
            for cookie in self.cookies:
                cookie.secure = False
            return response

    session = BehindTlsProxy()
    session.headers.update({"X-Forwarded-Proto": "https", "Origin": f"https://{base[7:]}"})
    return session


def unused_code(device: dict) -> str:
    """The code the user's authenticator app shows for the earliest time step Lantern takes.

    `device` holds the device's key and clock (`key`, `step`, `t0`, `digits`, `drift`,
    `tolerance`) and `last_t`, the last time step it accepted. A code is good once: a
    second sign-in within the same step takes the next step's code, which Lantern accepts
    one step early; later than that, wait. The arithmetic is django-otp's own (`oath`,
    which needs no Django set up).
    """
    from django_otp.oath import TOTP

    while True:
        now = time.time()
        current = int((now - device["t0"]) // device["step"]) + device["drift"]
        wanted = max(current, device["last_t"] + 1)
        if wanted <= current + device["tolerance"]:
            totp = TOTP(
                bytes.fromhex(device["key"]), device["step"], device["t0"], device["digits"]
            )
            totp.time = now + (wanted - current) * device["step"]
            device["last_t"] = wanted
            return f"{totp.token():0{device['digits']}d}"
        time.sleep(1)


def _post_form(session, base: str, path: str, fields: dict):
    """GET the form at `path` for its CSRF token, then POST `fields` to it; no redirects."""
    page = session.get(f"{base}{path}", timeout=REQUEST_TIMEOUT_S)
    token = _CSRF_FIELD.search(page.text)
    if page.status_code != 200 or token is None:
        raise PageError(f"{path} answered {page.status_code} without a form")
    return session.post(
        f"{base}{path}",
        data={"csrfmiddlewaretoken": token.group(1), **fields},
        headers={"Referer": f"https://{base[7:]}{path}"},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT_S,
    )


def sign_in(session, base: str, user: dict, password: str) -> None:
    """Sign in through the real forms: the password, then the code from the user's
    authenticator app (`user["device"]`), each page with its own CSRF token.

    Every step of signing in lives here, so a change to the steps is made once.
    """
    username = user["username"]
    answer = _post_form(
        session, base, "/accounts/login/", {"username": username, "password": password}
    )
    if answer.status_code != 302 or "/accounts/login/" in answer.headers.get("Location", ""):
        raise PageError(f"signing in as {username} answered {answer.status_code}")
    answer = _post_form(
        session, base, "/accounts/second-factor/", {"code": unused_code(user["device"])}
    )
    if answer.status_code != 302 or "/accounts/" in answer.headers.get("Location", ""):
        raise PageError(f"the second factor for {username} answered {answer.status_code}")


class Visitor:
    """One signed-in member of staff going round their pages in a closed loop."""

    def __init__(self, base: str, user: dict, deadline_at: float, think_s: float) -> None:
        self.base = base
        self.user = user
        self.deadline_at = deadline_at
        self.think_s = think_s
        self.session = new_session(base)
        self.samples: list[tuple[str, float, float, bool]] = []  # page, at, ms, ok
        self.failures: list[str] = []
        self.people: list[tuple[str, str]] = []
        self.turn = 0

    def fetch(self, page: str, path: str, must_hold: list[str]) -> str:
        started = time.perf_counter()
        ok, text = True, ""
        try:
            response = self.session.get(
                self.base + path, allow_redirects=False, timeout=REQUEST_TIMEOUT_S
            )
            text = response.text
            if response.status_code != 200:
                raise PageError(f"{path} answered {response.status_code}")
            missing = [needle for needle in must_hold if needle not in text]
            if missing:
                raise PageError(f"{path} lacks {missing[0]!r}")
        except Exception as error:  # connection errors and timeouts count as errors too
            ok = False
            if len(self.failures) < 5:
                self.failures.append(f"{self.user['username']}: {error}")
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.samples.append((page, started, elapsed_ms, ok))
        if self.think_s:
            time.sleep(self.think_s)
        return text if ok else ""

    def round(self) -> None:
        lead = self.user["role"] == "team_lead"
        scope = "team" if lead else "mine"
        sort = "?sort=risk" if self.turn % 2 else ""
        text = self.fetch(
            "caseload",
            f"/caseload/{scope}/{sort}",
            ["Team caseload" if lead else "My caseload", 'href="/people/'],
        )
        if text:
            self.people = _PERSON_LINK.findall(text) or self.people
        if self.people:
            path, name = self.people[self.turn % len(self.people)]
            self.fetch("record", path, [name])
        self.fetch("worklist", "/outreach/", ["Outreach worklist"])
        if lead:
            self.fetch("not_contacted", "/outreach/not-contacted/", ["not contacted within"])
        self.turn += 1

    def run(self) -> None:
        while time.perf_counter() < self.deadline_at:
            self.round()


def tree_cpu_s(pid: int) -> float:
    """CPU seconds used by a process and its descendants, living or exited (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after the name.
        total += sum(int(v) for v in fields[11:15]) / tick
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, IndexError):
        return total
    return total + sum(tree_cpu_s(int(child)) for child in children)


def drive(plan: dict) -> dict:
    """Sign every user in, then run them all at once until the deadline; return samples."""
    base, users = plan["base"], plan["users"]
    visitors = [Visitor(base, user, 0.0, plan["think_ms"] / 1000) for user in users]
    signed_in: list[float] = []

    def arrive(visitor: Visitor) -> None:
        started = time.perf_counter()
        sign_in(visitor.session, base, visitor.user, plan["password"])
        signed_in.append((time.perf_counter() - started) * 1000)

    def warm_up(visitor: Visitor) -> None:
        visitor.round()  # untimed: each gunicorn worker loads its templates on first use
        visitor.samples.clear()
        visitor.failures.clear()

    # Everyone signs in at once (password hashing is slow by design) and goes round their
    # pages once, before the clock starts.
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(visitors)) as pool:
        list(pool.map(arrive, visitors))
        list(pool.map(warm_up, visitors))
    servers = plan.get("server_pids", {})
    cpu_before = {name: tree_cpu_s(pid) for name, pid in servers.items()}
    own_before = time.process_time()
    began = time.perf_counter()
    for visitor in visitors:
        visitor.deadline_at = began + plan["seconds"]
    threads = [threading.Thread(target=v.run, name=v.user["username"]) for v in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    cpu = {name: tree_cpu_s(pid) - cpu_before[name] for name, pid in servers.items()}
    cpu["driver"] = time.process_time() - own_before
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "load_average": os.getloadavg()[0],
        "sign_in_ms": signed_in,
        "samples": [
            [page, round(at - began, 4), round(ms, 2), ok]
            for visitor in visitors
            for page, at, ms, ok in visitor.samples
        ],
        "failures": [f for visitor in visitors for f in visitor.failures][:10],
    }


# The benchmark: data, server and figures ---------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with `share` of the values at or below."""
    ordered = sorted(values)
    rank = max(1, -(-int(share * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


def summarise(result: dict) -> dict:
    samples = result["samples"]
    wall = result["wall_s"]
    latencies = [ms for _, _, ms, _ in samples]
    errors = sum(1 for *_, ok in samples if not ok)
    by_page = {}
    for page in PAGES:
        ms = [m for p, _, m, _ in samples if p == page]
        if ms:
            by_page[page] = {
                "requests": len(ms),
                "p50_ms": round(statistics.median(ms), 1),
                "p95_ms": round(percentile(ms, 0.95), 1),
                "max_ms": round(max(ms), 1),
            }
    return {
        "requests": len(samples),
        "rps": round(len(samples) / wall, 1) if wall else 0.0,
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
        "max_ms": round(max(latencies), 1) if latencies else None,
        "errors": errors,
        "by_page": by_page,
        "sign_in_p50_ms": round(statistics.median(result["sign_in_ms"]), 1),
        # CPU per request of each side, whatever else the machine is doing meanwhile.
        "cpu_ms_per_request": {
            name: round(seconds * 1000 / len(samples), 1) if samples else None
            for name, seconds in result["cpu_s"].items()
        },
        "load_average": round(result["load_average"], 1),
        "failures": result["failures"],
    }


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


def postgres_pid() -> dict[str, int]:
    """The embedded PostgreSQL's postmaster, to count its CPU (none with DATABASE_URL)."""
    from django.conf import settings

    if os.environ.get("DATABASE_URL"):
        return {}
    pid_file = settings.DATA_DIR / "pgdata" / "postmaster.pid"
    return {"postgres": int(pid_file.read_text().split()[0])}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, static_root: Path) -> dict[str, str]:
    """Production settings, with throwaway secrets (benchmark data only)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "LANTERN_DATA_DIR")}
    env.update(
        {
            "LANTERN_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "LANTERN_PSEUDONYM_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(static_root),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_server(args: argparse.Namespace, env: dict[str, str], port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread" if args.threads > 1 else "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=BASE_DIR, env=env)


def wait_for_server(server: subprocess.Popen, port: int) -> None:
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            page = requests.get(
                f"http://127.0.0.1:{port}/accounts/login/",
                headers={"X-Forwarded-Proto": "https"},
                timeout=10,
            )
            if page.status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still loading the app
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def run_driver(plan: dict) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--drive"],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit("The load driver failed.")
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_run(label: str, figures: dict) -> None:
    print(
        f"{label}: {figures['requests']:,} requests, {figures['rps']} requests/s, "
        f"median {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms, "
        f"{figures['errors']} errors"
    )
    cpu = ", ".join(f"{name} {ms} ms" for name, ms in figures["cpu_ms_per_request"].items())
    print(f"  CPU a request: {cpu}; load average at the end {figures['load_average']}")
    for page, row in figures["by_page"].items():
        print(
            f"  {page:<14} {row['requests']:>6,} requests  median {row['p50_ms']:>7} ms  "
            f"p95 {row['p95_ms']:>7} ms  max {row['max_ms']:>7} ms"
        )
    for failure in figures["failures"]:
        print(f"  error: {failure}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.drive:
        print(json.dumps(drive(json.load(sys.stdin))))
        return 0
    team_leads = args.users // 5 if args.team_leads is None else args.team_leads
    configure_django(args.data_dir)

    from django.conf import settings
    from django.core.management import call_command

    from cases.models import ServiceUser
    from risk.models import Flag

    where = "DATABASE_URL" if os.environ.get("DATABASE_URL") else args.data_dir
    print(f"Database: {where}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    figures: dict = {}
    if not args.skip_seed:
        figures.update(seed(args))
    people = ServiceUser.objects.count()
    if not people or not Flag.objects.exists():
        raise SystemExit("No people or no flags in the database: run without --skip-seed first.")
    users = choose_users(args.users, team_leads)
    rows = [u["rows"] for u in users if u["rows"] is not None]
    print(
        f"{people:,} people, {Flag.objects.filter(ended_on__isnull=True).count():,} open flags; "
        f"{len(users) - team_leads} keyworkers holding {min(rows)}-{max(rows)} people each "
        f"and {team_leads} team leads",
        flush=True,
    )

    static_root = Path(args.data_dir) / "static"
    env = server_environment(settings.DATABASE_URL, static_root)
    shutil.rmtree(static_root, ignore_errors=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    port = args.port or _free_port()
    server = start_server(args, env, port)
    worker_class = "gthread" if args.threads > 1 else "sync"
    base = f"http://127.0.0.1:{port}"
    plan = {
        "base": base,
        "password": PASSWORD,
        "think_ms": args.think_ms,
        "server_pids": {"gunicorn": server.pid} | postgres_pid(),
    }
    try:
        wait_for_server(server, port)
        print(
            f"gunicorn: {args.workers} {worker_class} workers x {args.threads} threads on "
            f"127.0.0.1:{port}, LANTERN_ENV=production; think time {args.think_ms:g} ms",
            flush=True,
        )
        baseline = summarise(
            run_driver(plan | {"users": with_devices(users[:1]), "seconds": args.baseline_seconds})
        )
        think = f"think time {args.think_ms:g} ms"
        print_run(f"Baseline, 1 user for {args.baseline_seconds:g} s, {think}", baseline)
        loaded = summarise(
            run_driver(plan | {"users": with_devices(users), "seconds": args.seconds})
        )
        print_run(f"{len(users)} users for {args.seconds:g} s, {think}", loaded)
    finally:
        server.terminate()
        server.wait(timeout=30)

    met = loaded["p95_ms"] is not None and loaded["p95_ms"] < TARGET_P95_MS
    met = met and loaded["errors"] == 0
    print(
        f"Target: p95 < {TARGET_P95_MS:.0f} ms with 0 errors for {len(users)} users at "
        f"{people:,} people, think time {args.think_ms:g} ms: "
        f"{'met' if met else 'MISSED'} (p95 {loaded['p95_ms']} ms, "
        f"{loaded['errors']} errors). Baseline p95 with one user: {baseline['p95_ms']} ms."
    )
    figures.update(
        {
            "rps": loaded["rps"],
            "p50_ms": loaded["p50_ms"],
            "p95_ms": loaded["p95_ms"],
            "max_ms": loaded["max_ms"],
            "errors": loaded["errors"],
            "requests": loaded["requests"],
            "users": len(users),
            "team_leads": team_leads,
            "people": people,
            "seconds": args.seconds,
            "think_ms": args.think_ms,
            "gunicorn_workers": args.workers,
            "gunicorn_threads": args.threads,
            "load_average": loaded["load_average"],
            "gunicorn_cpu_ms_per_request": loaded["cpu_ms_per_request"].get("gunicorn"),
            "postgres_cpu_ms_per_request": loaded["cpu_ms_per_request"].get("postgres"),
            "driver_cpu_ms_per_request": loaded["cpu_ms_per_request"].get("driver"),
            "baseline_rps": baseline["rps"],
            "baseline_p50_ms": baseline["p50_ms"],
            "baseline_p95_ms": baseline["p95_ms"],
        }
    )
    for page, row in loaded["by_page"].items():
        figures[f"{page}_p95_ms"] = row["p95_ms"]
        figures[f"baseline_{page}_p50_ms"] = baseline["by_page"].get(page, {}).get("p50_ms")
    print(json.dumps(figures))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
