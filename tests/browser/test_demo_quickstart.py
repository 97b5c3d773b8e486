"""The quick start, as a new user runs it: `manage.py demo` on an empty machine, then sign in."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from demo import DEMO_PASSWORD
from tests.browser.conftest import sign_in
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(LANTERN_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "demo", "--addrport", f"127.0.0.1:{port}", "--people", "300"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 180
    url = None
    while time.monotonic() < deadline and url is None:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Lantern demo: "):
            url = line.split(": ", 1)[1].strip()
    if url is None:
        process.kill()
        pytest.fail("the demo did not print its URL:\n" + "".join(lines))
    while time.monotonic() < deadline:  # wait until the server accepts connections
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    yield url, "".join(lines), env
    # Ctrl-C, as a user would: the embedded PostgreSQL stops with the last process using it.
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def test_the_demo_starts_from_nothing_and_a_keyworker_sees_their_caseload(demo_server, page):
    url, output, env = demo_server
    for username in ("keyworker", "teamlead", "governance", "commissioner", "admin"):
        assert username in output
    assert DEMO_PASSWORD in output
    assert "manage.py demo_code keyworker" in output

    page.goto(url)
    # With an authenticator app: the key shown on the page after the password.
    sign_in(page, "keyworker", DEMO_PASSWORD)

    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    expect(page.locator("tbody tr").first).to_be_visible()
    assert page.locator("tbody tr").count() == 25

    # Without one: the code the demo's printed instructions tell a person to ask for.
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("teamlead")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    code = subprocess.run(
        [sys.executable, "manage.py", "demo_code", "teamlead"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    page.get_by_label("Code from your authenticator app").fill(code)
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
