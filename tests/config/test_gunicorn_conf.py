"""Gunicorn's settings (gunicorn.conf.py): as many sync workers as the cores can keep busy."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def resolved(**env) -> dict[str, str]:
    """The settings gunicorn resolves from the file, run from the checkout as in the image."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"}
    }
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "config.wsgi:application"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pairs = (line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_gunicorn_runs_two_sync_workers_a_core_by_default():
    settings = resolved()

    assert settings["workers"] == str(2 * len(os.sched_getaffinity(0)))
    assert settings["worker_class"] == "sync"
    assert settings["timeout"] == "60"


def test_web_concurrency_sets_the_number_of_workers():
    assert resolved(WEB_CONCURRENCY="3")["workers"] == "3"


def test_the_command_line_still_overrides_the_file():
    assert resolved(GUNICORN_CMD_ARGS="--workers 7")["workers"] == "7"


def test_web_pages_run_without_postgresql_parallel_workers(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LANTERN_DB_PARALLEL_WORKERS"}
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy, os; runpy.run_path('gunicorn.conf.py');"
            "import django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
            "django.setup(); from django.db import connection; c = connection.cursor();"
            "c.execute('SHOW max_parallel_workers_per_gather'); print(c.fetchone()[0])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip().splitlines()[-1] == "0"
