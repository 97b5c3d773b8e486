"""What every benchmark shares: Django set up on its own database, and peak memory.

Each benchmark under `bench/` runs as a script (`python bench/<name>.py`), so
this module is imported by its plain name. A benchmark keeps its data in an
embedded PostgreSQL of its own under `.lantern/` (or `LANTERN_BENCH_DATA_DIR`),
never in the demo's, unless DATABASE_URL points elsewhere.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def add_data_dir_option(parser: argparse.ArgumentParser, folder: str) -> None:
    """`--data-dir`: the benchmark's embedded database, `.lantern/<folder>` by default."""
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("LANTERN_BENCH_DATA_DIR") or str(BASE_DIR / ".lantern" / folder),
        help=f"embedded database directory when DATABASE_URL is not set (.lantern/{folder})",
    )


def configure_django(data_dir: str) -> None:
    """Set Django up against the benchmark's database, production-like (no query log)."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    if not os.environ.get("DATABASE_URL"):
        os.environ["LANTERN_DATA_DIR"] = data_dir
    import django

    django.setup()


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec, whereas
    getrusage's ru_maxrss would carry over the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(script: str, arguments: list[str], failure: str) -> tuple[dict, float]:
    """Run `script` again in a fresh process, so its peak memory is its own.

    The child prints its figures as a JSON object on its last line; returns them
    and the child's wall time in seconds. Stops the benchmark with `failure`
    (after the child's output) if the child fails.
    """
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, script, *arguments], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout, done.stderr)
        raise SystemExit(failure)
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def signed_in_client(user):
    """A Django test client signed in as `user` past the second factor, as a browser is
    after sign-in: every page sends a session without it to the code page (302), so a
    benchmark that only called `force_login` would time that redirect."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from web import signin

    device = signin.confirmed_totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    signin.second_factor_clocks_start(session)
    session.save()
    return client
