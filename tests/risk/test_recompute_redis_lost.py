"""The nightly recompute survives losing Redis in the middle of a run: it is published exactly
once, never twice and never half.

A real redis-server (with its append-only file, as a broker should run) and two real Celery
workers. The nightly task is sent as beat sends it. The test holds a table lock that stops
the run inside its publish transaction, then cuts Redis away: it kills every client connection
and lets the run finish, or stops the server, lets the run finish without Redis (so neither
its result nor its acknowledgement can be sent) and starts the server again. Afterwards the queue and
the unacknowledged messages are empty, there is one published run for the night and nothing
left running, and the flags are those the run computed. A message delivered again (what
Redis does with a task whose acknowledgement was lost) writes nothing.

Skipped only when `redis-server` is not installed (`.ci/run` installs it).
"""

import threading
import time

import psycopg
import pytest
import redis
from celery import Celery
from django.utils import timezone

from risk import services
from risk.models import Flag, RecomputeRun
from tests.factories import EventFactory
from tests.processes import RedisServer, needs_redis_server, wait_until
from tests.risk.conftest import database_conninfo, days_ago, neutral_person, released, worded
from tests.risk.test_recompute import open_flag, snapshot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_redis_server,
]

NIGHTLY = "risk.tasks.flags_recompute_nightly"
WAIT_SECONDS = 120


@pytest.fixture
def people():
    """Flagged on an earlier date; on today's date each of them changes."""
    stops = neutral_person()  # released 20 days ago: high then (10 days), nothing now
    released(stops, 20)
    steps_down = neutral_person()  # high then, raised now
    released(steps_down, 20)
    EventFactory(service_user=steps_down, kind="hospital_discharge", occurred_on=days_ago(12))
    new = neutral_person()  # released 3 days ago: nothing then, high now
    released(new, 3)
    services.flags_recompute(as_of=days_ago(10))
    return stops, steps_down, new


@pytest.fixture
def publish_held():
    """A lock that stops a run at its first write to the flag reasons, inside its publish
    transaction; `.release()` lets it go on. Yields (release, blocked_backend)."""
    info = database_conninfo()
    watcher = psycopg.connect(**info, autocommit=True)
    blocker = psycopg.connect(**info)
    blocker.execute("LOCK TABLE risk_flagreason IN SHARE ROW EXCLUSIVE MODE")

    def blocked():
        return watcher.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s "
            "AND wait_event_type = 'Lock' "
            "AND position('DELETE FROM risk_flagreason' in query) > 0 "
            "AND pid <> pg_backend_pid()",
            [info["dbname"]],
        ).fetchone()

    try:
        yield blocker.rollback, blocked
    finally:
        blocker.close()
        watcher.close()


def celery_client(url: str) -> Celery:
    """A client configured as Lantern's beat and web processes are, on this Redis."""
    client = Celery("lantern-test")
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    return client


def quiet(server: RedisServer) -> bool:
    """Nothing waiting in the queue and nothing delivered but unacknowledged."""
    client = server.client()
    try:
        return client.llen("celery") == 0 and client.hlen("unacked") == 0
    except redis.ConnectionError:
        return False
    finally:
        client.close()


def assert_published_once(people) -> RecomputeRun:
    stops, steps_down, new = people
    today = timezone.localdate()
    runs = RecomputeRun.objects.filter(as_of=today)
    assert [run.status for run in runs] == [RecomputeRun.Status.PUBLISHED]
    assert not RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).exists()
    run = runs.get()
    assert open_flag(stops) is None
    assert [
        (f.tier, f.end_reason) for f in Flag.objects.filter(service_user=steps_down).order_by("id")
    ] == [("high", "tier_changed"), ("raised", "")]
    assert worded(open_flag(new)) == "released from prison 3 days ago"
    assert run.counts_by_tier == {"very_high": 0, "high": 1, "raised": 1}
    return run


def run_with_redis_cut(people, redis_server, workers, publish_held, cut) -> None:
    release, blocked = publish_held
    client = celery_client(redis_server.url)
    # As beat sends it: no arguments, the date is the worker's today.
    result = client.send_task(NIGHTLY)
    wait_until(blocked, "the nightly run to reach its publish transaction", WAIT_SECONDS)
    assert RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).count() == 1

    cut(release)

    wait_until(
        lambda: RecomputeRun.objects.filter(
            as_of=timezone.localdate(), status=RecomputeRun.Status.PUBLISHED
        ).exists(),
        "the run to publish",
        WAIT_SECONDS,
    )
    wait_until(lambda: quiet(redis_server), "the queue to empty", WAIT_SECONDS)
    # Long enough for a message whose acknowledgement was lost to come round again.
    time.sleep(5)
    assert quiet(redis_server)
    assert result.get(timeout=WAIT_SECONDS) == assert_published_once(people).pk


def test_killing_every_redis_connection_mid_run_publishes_the_night_exactly_once(
    people, redis_server, workers, publish_held
):
    def kill_connections(release):
        admin = redis_server.client()
        killed = admin.execute_command("CLIENT", "KILL", "TYPE", "normal")
        killed += admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
        admin.close()
        assert killed >= 2  # at least each worker's connection
        release()

    run_with_redis_cut(people, redis_server, workers, publish_held, kill_connections)


def test_redis_down_when_the_run_ends_publishes_the_night_exactly_once(
    people, redis_server, workers, publish_held
):
    def down_until_after_the_run(release):
        redis_server.stop()
        release()
        # The run publishes with Redis away: its result and its acknowledgement cannot be sent.
        wait_until(
            lambda: RecomputeRun.objects.filter(status=RecomputeRun.Status.PUBLISHED).count() == 2,
            "the run to publish with Redis down",
            WAIT_SECONDS,
        )
        time.sleep(3)
        redis_server.start()

    run_with_redis_cut(people, redis_server, workers, publish_held, down_until_after_the_run)


def test_the_nightly_message_delivered_again_writes_nothing(people, redis_server, workers):
    client = celery_client(redis_server.url)
    first = client.send_task(NIGHTLY).get(timeout=WAIT_SECONDS)
    before = snapshot()
    # The same message again, as Redis redelivers one whose acknowledgement was lost.
    again = client.send_task(NIGHTLY).get(timeout=WAIT_SECONDS)

    assert again == first
    assert snapshot() == before
    assert_published_once(people)


def test_a_nightly_sent_while_redis_is_down_reaches_a_worker_when_redis_is_back(
    people, redis_server, workers
):
    client = celery_client(redis_server.url)
    redis_server.stop()
    comes_back = threading.Timer(5, redis_server.start)
    comes_back.start()
    try:
        # As beat at 03:30 with Redis away: sending keeps trying until Redis answers.
        result = client.send_task(NIGHTLY)
    finally:
        comes_back.join()

    assert result.get(timeout=WAIT_SECONDS) == assert_published_once(people).pk
