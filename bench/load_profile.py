"""Where a page's CPU goes: the load benchmark's pages, served in-process, timed and profiled.

    .venv/bin/python bench/load_profile.py --data-dir .lantern/l100k [--rounds 200]
                                           [--page caseload] [--profile] [--top 40]

It reads the database `bench/load.py` seeded (its `--data-dir`, or DATABASE_URL) and
seeds nothing. The app is set up as gunicorn runs it in that benchmark (LANTERN_ENV=production,
`bench/load_server.server_environment`); one keyworker signs in through the real forms
(password, then their authenticator's code) with Django's test client, goes round their
pages once untimed, then asks for each page `--rounds` times. For each page it prints
the CPU this process spent a request (the app's share of gunicorn's CPU, with the test
client's own small cost), the queries, and their time as the database driver saw it.
With `--profile`, each page's requests run under cProfile and the functions that cost
most (by their own time and with what they call) are printed, with the Python function
calls a request (`python_calls`): a count that, unlike CPU time, a busy machine does not
change, to compare two versions of the code.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

from harness import BASE_DIR, add_data_dir_option
from load_server import server_environment

PAGES = ("caseload", "caseload_risk", "record", "worklist")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="requests for each page (200)")
    parser.add_argument("--page", choices=PAGES, action="append", help="only these pages")
    parser.add_argument("--profile", action="store_true", help="run cProfile, print the top")
    parser.add_argument("--top", type=int, default=40, help="functions to print (40)")
    parser.add_argument("--lead", action="store_true", help="sign in as a team lead instead")
    parser.add_argument(
        "--queries", action="store_true", help="print each page's SQL, one request's worth"
    )
    add_data_dir_option(parser, "bench-load")
    return parser.parse_args(argv)


def configure_production(data_dir: str) -> None:
    sys.path.insert(0, str(BASE_DIR))
    url = os.environ.get("DATABASE_URL")
    if not url:
        from core.embedded_postgres import embedded_database_url

        url = embedded_database_url(Path(data_dir).resolve() / "pgdata")
    static_root = Path(data_dir) / "static"
    os.environ.update(server_environment(url, static_root))
    if not (static_root / "staticfiles.json").exists():
        # A database seeded by another benchmark has no collected static files; the
        # production settings' manifest storage needs them to draw any page.
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=os.environ.copy(),
            check=True,
        )
    import django

    django.setup()


class QueryTally:
    """Counts the queries run through Django and the time the driver took over them."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - began
            self.count += 1


def signed_in_client(user: dict):
    from django.test import Client
    from load import PASSWORD
    from load_driver import unused_code

    client = Client(headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})
    answer = client.post("/accounts/login/", {"username": user["username"], "password": PASSWORD})
    assert answer.status_code == 302, answer.status_code
    answer = client.post("/accounts/second-factor/", {"code": unused_code(user["device"])})
    assert answer.status_code == 302, answer.status_code
    assert "/accounts/" not in answer["Location"], answer["Location"]
    return client


def page_paths(client, lead: bool) -> dict[str, str]:
    import re

    scope = "team" if lead else "mine"
    text = client.get(f"/caseload/{scope}/").content.decode()
    person = re.search(r'<a href="(/people/[0-9a-f-]{36}/)">', text)
    assert person, "no person on the caseload"
    return {
        "caseload": f"/caseload/{scope}/",
        "caseload_risk": f"/caseload/{scope}/?sort=risk",
        "record": person.group(1),
        "worklist": "/outreach/",
    }


def measure(client, path: str, rounds: int, profile: cProfile.Profile | None) -> dict:
    from django.db import connection

    tally = QueryTally()
    cpu_began, wall_began = time.process_time(), time.perf_counter()
    with connection.execute_wrapper(tally):
        if profile:
            profile.enable()
        for _ in range(rounds):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        if profile:
            profile.disable()
    cpu, wall = time.process_time() - cpu_began, time.perf_counter() - wall_began
    return {
        "cpu_ms": round(cpu * 1000 / rounds, 2),
        "wall_ms": round(wall * 1000 / rounds, 2),
        "queries": round(tally.count / rounds, 2),
        "sql_ms": round(tally.seconds * 1000 / rounds, 2),
        "bytes": len(response.content),
    }


def print_queries(client, path: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    print(f"  {len(captured)} queries for {path}:")
    for query in captured:
        print(f"    [{query['time']}s] {query['sql'][:400]}")


def print_profile(profile: cProfile.Profile, rounds: int, top: int) -> None:
    """The costliest functions, in ms a request: by their own time, then with their callees."""
    stats = pstats.Stats(profile, stream=io.StringIO()).stats  # type: ignore[attr-defined]
    rows = [
        (own * 1000 / rounds, total * 1000 / rounds, calls / rounds, pstats.func_std_string(key))
        for key, (_, calls, own, total, _) in stats.items()
    ]
    for title, index in (("own time", 0), ("with callees", 1)):
        print(f"  top {top} by {title} (ms a request, calls a request):")
        for own, total, calls, name in sorted(rows, key=lambda r: -r[index])[:top]:
            print(f"    {own:7.3f} {total:7.3f} {calls:7.1f}  {name[-110:]}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_production(args.data_dir)
    from load_data import choose_users, with_devices

    from cases.models import Role

    users = with_devices(choose_users(1, 1 if args.lead else 0))
    user = users[0]
    assert user["role"] == (Role.TEAM_LEAD if args.lead else Role.KEYWORKER)
    client = signed_in_client(user)
    paths = page_paths(client, args.lead)
    figures = {}
    for page in args.page or PAGES:
        measure(client, paths[page], 3, None)  # warm: templates, connection, caches
        if args.queries:
            print_queries(client, paths[page])
        profile = cProfile.Profile() if args.profile else None
        figures[page] = measure(client, paths[page], args.rounds, profile)
        if profile:
            # Python function calls a request: steady whatever else the machine is doing,
            # so two versions of the code compare even on a busy machine.
            stats = pstats.Stats(profile, stream=io.StringIO())
            figures[page]["python_calls"] = round(stats.total_calls / args.rounds)  # type: ignore[attr-defined]
        print(f"{page:<14} {json.dumps(figures[page])}", flush=True)
        if profile:
            print_profile(profile, args.rounds, args.top)
    print(
        json.dumps({f"{page}_{key}": v for page, row in figures.items() for key, v in row.items()})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
