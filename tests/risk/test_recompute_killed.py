"""A recompute killed with SIGKILL in the middle of publishing leaves the previous flags intact.

A real `manage.py recompute_flags` process runs against the test database. The
test holds a table lock that lets it load, evaluate, stage and start publishing
(ending and inserting flags) but stops it at its first write to the flag
reasons. Once the process is seen waiting on that lock, it is killed.
"""

import os
import signal
import subprocess

import psycopg
import pytest
from django.utils import timezone

from risk import services
from risk.models import Flag, RecomputeRun
from tests.factories import EventFactory
from tests.processes import wait_until
from tests.risk.conftest import (
    MANAGE,
    ROOT,
    database_conninfo,
    days_ago,
    neutral_person,
    released,
    worded,
)
from tests.risk.test_recompute import open_flag, snapshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_run_killed_while_publishing_leaves_the_previous_flags_and_the_next_run_completes(
    process_env, tmp_path
):
    # Flagged on the earlier date; on today's date each of them changes.
    stops = neutral_person()  # released 20 days ago: high then (10 days), nothing now
    released(stops, 20)
    steps_down = neutral_person()  # high then (2.0 + 1.0), raised now (1.0 + 1.0)
    released(steps_down, 20)
    EventFactory(service_user=steps_down, kind="hospital_discharge", occurred_on=days_ago(12))
    new = neutral_person()  # released 3 days ago: nothing then, high now
    released(new, 3)
    previous_run = services.flags_recompute(as_of=days_ago(10))
    before = snapshot()
    assert len(before) == 2

    info = database_conninfo()
    watcher = psycopg.connect(**info, autocommit=True)
    blocker = psycopg.connect(**info)
    log = (tmp_path / "recompute.log").open("w+")
    process = None
    try:
        # SHARE ROW EXCLUSIVE lets readers (the loader, the current flags) through
        # but not the publish transaction's DELETE on the reasons.
        blocker.execute("LOCK TABLE risk_flagreason IN SHARE ROW EXCLUSIVE MODE")
        process = subprocess.Popen(
            [*MANAGE, "recompute_flags", "--as-of", timezone.localdate().isoformat()],
            cwd=ROOT,
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def blocked_backend():
            assert process.poll() is None, f"recompute_flags exited: {read(log)}"
            row = watcher.execute(
                "SELECT pid, query FROM pg_stat_activity WHERE datname = %s "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
                [info["dbname"]],
            ).fetchone()
            return row

        pid, query = wait_until(blocked_backend, "the recompute to block while publishing")
        assert query.lstrip().startswith("DELETE FROM risk_flagreason")
        # It is inside the publish transaction and has already written flags.
        held = watcher.execute(
            "SELECT mode FROM pg_locks WHERE pid = %s AND relation = 'risk_flag'::regclass",
            [pid],
        ).fetchall()
        assert ("RowExclusiveLock",) in held
        running = RecomputeRun.objects.exclude(pk=previous_run.pk).get()
        assert running.status == RecomputeRun.Status.RUNNING

        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        assert snapshot() == before

        # Released, the orphaned backend finds its client gone and rolls back.
        blocker.rollback()
        wait_until(
            lambda: (
                not watcher.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]
                ).fetchone()
            ),
            "the killed run's backend to end",
        )
        assert snapshot() == before
        running.refresh_from_db()
        assert running.status == RecomputeRun.Status.RUNNING
        assert running.finished_at is None
    finally:
        if process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        blocker.close()
        watcher.close()
        log.close()

    run = services.flags_recompute(as_of=timezone.localdate())
    assert run.status == RecomputeRun.Status.PUBLISHED
    running.refresh_from_db()
    assert running.status == RecomputeRun.Status.ABANDONED
    assert running.finished_at is not None

    assert open_flag(stops) is None
    assert Flag.objects.get(service_user=stops).end_reason == "stopped_firing"
    assert [
        (f.tier, f.end_reason) for f in Flag.objects.filter(service_user=steps_down).order_by("id")
    ] == [
        ("high", "tier_changed"),
        ("raised", ""),
    ]
    assert worded(open_flag(new)) == "released from prison 3 days ago"
    assert run.counts_by_tier == {"very_high": 0, "high": 1, "raised": 1}


def read(log) -> str:
    log.flush()
    log.seek(0)
    return log.read()
