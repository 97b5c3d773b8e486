"""Fixtures for the risk tests: neutral people, and processes pointed at the test database."""

import datetime
import os
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from cases.models import ServiceUser
from risk import wording
from tests.factories import EpisodeFactory, EventFactory, ServiceUserFactory, substance
from tests.processes import RedisServer, start, stop, wait_until

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def worded(flag, on: datetime.date | None = None) -> str:
    """A flag's stored summary as read on `on` (today by default)."""
    return wording.flag_summary(flag, on=on or timezone.localdate())


def neutral_person(**fields) -> ServiceUser:
    """A woman of 25 in treatment for cannabis: no rule fires for her until a test adds a fact."""
    person = ServiceUserFactory(
        sex="F", date_of_birth=days_ago(25 * 365 + 30), lives_alone=False, **fields
    )
    EpisodeFactory(service_user=person, substance_1=substance("cannabis"))
    return person


def backtested(draft, user=None):
    """A done backtest of `draft` beside the active version, over today's records: what
    activating a draft requires (`risk.services.rule_set_activate`)."""
    from risk import services
    from risk.models import RuleSet

    active = RuleSet.objects.filter(status=RuleSet.Status.ACTIVE).first()
    versions = [draft] if active is None else [draft, active]
    run = services.backtest_request(rule_sets=versions, dates=[timezone.localdate()], user=user)
    return services.backtest_perform(backtest_id=run.pk)


def released(person: ServiceUser, days: int):
    return EventFactory(service_user=person, kind="prison_release", occurred_on=days_ago(days))


def database_conninfo() -> dict:
    """Where the test database lives, from the open connection (socket directory, port, name)."""
    connection.ensure_connection()
    info = connection.connection.info
    return {"host": info.host, "port": info.port, "user": info.user, "dbname": info.dbname}


def database_url() -> str:
    info = database_conninfo()
    return (
        f"postgresql://{quote(info['user'])}@/{quote(info['dbname'])}"
        f"?host={quote(info['host'])}&port={info['port']}"
    )


@pytest.fixture
def other_connection(db):
    """A second, independent connection to the test database (autocommit)."""
    conn = psycopg.connect(**database_conninfo(), autocommit=True)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def process_env(transactional_db) -> dict[str, str]:
    """The environment for a manage.py or celery process that works on the test database."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
        DATABASE_CONN_MAX_AGE="0",
    )
    return env


@pytest.fixture
def redis_server(tmp_path):
    """A real redis-server for this test alone (see `tests.processes.RedisServer`)."""
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server):
    return redis_server.url


@pytest.fixture
def workers(redis_url, process_env, tmp_path):
    """Two Celery workers, one task at a time each, on the test database."""
    env = {**process_env, "REDIS_URL": redis_url}
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    processes = []
    try:
        for number, log in enumerate(logs, start=1):
            processes.append(
                start(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "config",
                        "worker",
                        "-n",
                        f"risk-worker-{number}@%h",
                        "--pool",
                        "solo",
                        "--concurrency",
                        "1",
                        "--without-gossip",
                        "--without-mingle",
                        "-l",
                        "info",
                    ],
                    log,
                    env,
                )
            )

        def all_ready() -> bool:
            for process, log in zip(processes, logs, strict=True):
                assert process.poll() is None, log.read_text()
            return all(" ready." in log.read_text() for log in logs)

        wait_until(all_ready, "both Celery workers to be ready")
        yield env, logs
    finally:
        for process in processes:
            stop(process)
