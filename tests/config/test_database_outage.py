"""When the database goes away, Lantern answers a friendly 503 (HTML in the house layout, or
the API's JSON error) with no traceback, and serves normally again once the database is back,
without a restart.

For real: the app runs under gunicorn in a subprocess, on its own throwaway embedded
PostgreSQL (a copy of the test database with alice and her session), which the test stops
and starts again.
"""

import os
import subprocess
import sys
import urllib.error
import urllib.request

import pgserver
import psycopg
import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from pgserver._commands import pg_ctl

from config.middleware import database_unavailable_response
from operations.backups import postgres_tool, server_major_version
from tests.processes import free_port, start, stop, wait_until
from tests.risk.conftest import database_conninfo

READY_SECONDS = 60


def get(url: str, cookie: str, timeout: float = 30) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.fixture
def cookie(client_as, alice) -> str:
    """alice's session cookie; the session is saved before the database is copied."""
    value = client_as(alice).cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={value}"


@pytest.fixture
def throwaway_database(tmp_path, cookie):
    """An embedded PostgreSQL of its own holding a copy of the test database."""
    server = pgserver.get_server(tmp_path / "pg", cleanup_mode="stop")
    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE outage")
    source = database_conninfo()
    dump = tmp_path / "copy.dump"
    pg_dump = postgres_tool("pg_dump", server_major_version())
    pg_restore = postgres_tool("pg_restore", server_major_version())
    subprocess.run(
        [
            str(pg_dump),
            "--format=custom",
            f"--file={dump}",
            f"--host={source['host']}",
            f"--port={source['port']}",
            f"--username={source['user']}",
            source["dbname"],
        ],
        check=True,
    )
    subprocess.run(
        [str(pg_restore), "--no-owner", f"--dbname={server.get_uri('outage')}", str(dump)],
        check=True,
    )
    try:
        yield server
    finally:
        # A server the test restarted is not the one pgserver remembers: stop it here.
        if (server.pgdata / "postmaster.pid").exists():
            stop_database(server)
        server.cleanup()


def stop_database(server) -> None:
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def start_database(server) -> None:
    socket_dir = server.get_postmaster_info().socket_dir
    pg_ctl(
        ["-w", "-o", '-h ""', "-o", f"-k {socket_dir}", "-l", str(server.log), "start"],
        pgdata=server.pgdata,
        user=server.system_user,
        timeout=30,
    )


@pytest.fixture
def app(throwaway_database, tmp_path):
    """Gunicorn serving Lantern on the throwaway database."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DATABASE_URL=throwaway_database.get_uri("outage"),
        DJANGO_SETTINGS_MODULE="config.settings",
        # Kept connections: the harder case, a connection that dies under the app.
        DATABASE_CONN_MAX_AGE="600",
        DATABASE_CONNECT_TIMEOUT="3",
        # The development profile would show Django's debug page for any other error;
        # the friendly page must not depend on DEBUG being off.
        DEBUG="true",
    )
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"]
    process = start(command, log, env)
    base = f"http://127.0.0.1:{port}"

    def serving() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=5)
        except OSError:
            return False
        return True

    try:
        wait_until(serving, "gunicorn to serve", READY_SECONDS)
        yield base, process
    finally:
        stop(process)


@pytest.mark.django_db
def test_the_unavailable_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = database_unavailable_response(RequestFactory().get("/caseload/mine/"))
    assert response.status_code == 503
    assert "Lantern is temporarily unavailable" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_stopped_database_gives_a_friendly_503_and_the_app_recovers_by_itself(
    app, throwaway_database, cookie
):
    base, process = app
    page = base + reverse("caseload", args=["mine"])
    api = base + reverse("api_teams")
    status, body, _ = get(page, cookie)
    assert status == 200, body
    assert "My caseload" in body
    assert get(api, cookie)[0] == 200

    stop_database(throwaway_database)
    status, body, headers = get(page, cookie)
    assert status == 503, body[-4000:]
    assert "Lantern is temporarily unavailable" in body
    assert "Nothing has been half-saved" in body
    assert 'href="/static/vendor/bootstrap/bootstrap.min.css"' in body  # the house layout
    for leak in ("Traceback", "OperationalError", "psycopg", "connection failed", "socket"):
        assert leak not in body
    assert headers["Retry-After"] == "30"

    status, body, headers = get(api, cookie)
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert body.startswith('{"detail": "Lantern cannot reach its database just now.')
    assert "Traceback" not in body

    start_database(throwaway_database)
    status, body, _ = get(page, cookie)
    assert status == 200, body
    assert "My caseload" in body
    assert get(api, cookie)[0] == 200
    assert process.poll() is None  # the same gunicorn, never restarted
