"""Helpers for tests that run real processes beside the test (servers, workers, commands)."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

WAIT_SECONDS = 90
ROOT = Path(__file__).resolve().parents[1]  # the project directory


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
    """`command` in the project directory, in its own process group, writing to `log`."""
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    """Ask politely, then insist: the process and anything it started."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until(condition, what: str, timeout: float = WAIT_SECONDS):
    """`condition()`'s first true value, asked for every 0.1 s; fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"Timed out waiting for {what}")
