"""`make demo` and `manage.py demo`: what they install, what they say, and what they leave
running."""

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from core.embedded_postgres import embedded_database_url, embedded_server_stop
from demo import DEMO_LOGINS, DEMO_PASSWORD

DEV_ONLY = ("pytest", "playwright", "ruff", "mypy", "schemathesis")


def make_dry_run(target: str, venv: Path) -> list[str]:
    """The commands `make <target>` would run with its virtualenv at `venv`.

    The suite itself runs under `make test`; the nested make must not inherit that make's
    level and flags, or it prints "Entering directory" lines among the commands."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", target, f"VENV={venv}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def test_make_demo_installs_what_the_app_runs_on_and_not_the_test_toolchain(tmp_path):
    commands = make_dry_run("demo", tmp_path / "venv")

    installs = [c for c in commands if "pip install" in c and "--upgrade pip" not in c]
    assert installs == [f"{tmp_path / 'venv'}/bin/pip install --progress-bar off -e ."]
    assert not any("[dev]" in c for c in commands)


def test_make_demo_says_what_it_is_doing_before_it_installs(tmp_path):
    commands = make_dry_run("demo", tmp_path / "venv")

    assert commands[0].startswith("echo ")
    assert "Installing" in commands[0]


def test_make_test_after_make_demo_still_installs_the_test_toolchain(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".runtime-installed").touch()

    assert make_dry_run("demo", venv)[-1].endswith("manage.py demo --addrport 127.0.0.1:8000")
    assert any('-e ".[dev]"' in c for c in make_dry_run("test", venv))


def test_make_demo_after_make_test_installs_nothing(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".runtime-installed").touch()
    (venv / ".installed").touch()

    assert not any("pip install" in c for c in make_dry_run("demo", venv))


def test_the_dev_extras_hold_the_test_toolchain():
    pyproject = (Path(settings.BASE_DIR) / "pyproject.toml").read_text()
    runtime, dev = pyproject.split("[project.optional-dependencies]")
    for package in DEV_ONLY:
        assert f'"{package}' not in runtime
        assert f'"{package}' in dev


@pytest.fixture
def demo_output(db):
    out = io.StringIO()
    call_command("demo", people=300, serve=False, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_demo_prints_the_logins_once(demo_output):
    assert demo_output.count(DEMO_PASSWORD) == 1
    for username, _ in DEMO_LOGINS:
        assert len(re.findall(rf"^\s+{username}\s", demo_output, re.M)) == 1


def test_the_demo_counts_the_reviews_as_the_review_list_does(demo_output, client_as, gina):
    printed = re.search(
        r"/reviews/ opens on the (\d+) not closed; State: Any shows all (\d+)", demo_output
    )
    assert printed is not None

    opening = client_as(gina).get("/reviews/").text
    every = client_as(gina).get("/reviews/?status=").text

    assert f"{printed.group(1)} reviews" in opening
    assert f"{printed.group(2)} reviews" in every
    assert printed.group(1) != printed.group(2)


def test_the_demo_says_its_embedded_postgresql_stops_with_it(demo_output):
    assert "Ctrl-C stops the server and the embedded PostgreSQL with it." in demo_output


def test_the_embedded_postgresql_can_be_stopped_whoever_attached_to_it(tmp_path):
    data_dir = tmp_path / "pgdata"
    embedded_database_url(data_dir)
    # A process killed without its exit handlers leaves its handle behind.
    (data_dir / ".handle_pids.json").write_text("[999999]")
    assert (data_dir / "postmaster.pid").exists()

    embedded_server_stop(data_dir)

    assert not (data_dir / "postmaster.pid").exists()
