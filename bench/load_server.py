"""The load benchmark's server (`bench/load.py` uses it): gunicorn serving `config.wsgi` in
production settings as a subprocess, and the process ids whose CPU the driver counts.
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

from harness import BASE_DIR


def postgres_pid() -> dict[str, int]:
    """The embedded PostgreSQL's postmaster, to count its CPU (none with DATABASE_URL)."""
    from django.conf import settings

    if os.environ.get("DATABASE_URL"):
        return {}
    pid_file = settings.DATA_DIR / "pgdata" / "postmaster.pid"
    return {"postgres": int(pid_file.read_text().split()[0])}


def free_port() -> int:
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
