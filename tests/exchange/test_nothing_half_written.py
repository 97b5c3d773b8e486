"""An import that fails part-way leaves nothing behind: not when the database refuses its very
last row after every other file was written, and not when its process is killed mid-write.
An import job that cannot be queued because Redis is away says so instead of waiting for ever.

The refusal is real: a trigger in the test database raises on the last TOP assessment, as a
constraint would. The kill is real: `manage.py import_records` runs as its own process and is
sent SIGKILL while it is writing.
"""

import os
import signal
import subprocess

import psycopg
import pytest
from django.db import IntegrityError, connection
from django.urls import reverse

from exchange.importing.jobs import NOT_QUEUED, _job_directory
from exchange.importing.loader import records_import
from exchange.models import ImportJob
from tests.exchange.conftest import GOOD_FILES
from tests.exchange.test_import import counts
from tests.exchange.test_pages import upload
from tests.processes import wait_until
from tests.risk.conftest import MANAGE, ROOT, database_conninfo, database_url

REFUSE_LAST_TOP = """
CREATE FUNCTION refuse_last_top() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.top_date = DATE '2025-07-20' THEN
        RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER refuse_last_top BEFORE INSERT ON outcomes_topassessment
    FOR EACH ROW EXECUTE FUNCTION refuse_last_top();
"""


@pytest.mark.django_db
def test_a_refused_last_row_leaves_none_of_the_other_files_written(good_files):
    before = counts()
    with connection.cursor() as cursor:
        cursor.execute(REFUSE_LAST_TOP)

    with pytest.raises(IntegrityError):
        records_import(files=good_files)

    assert counts() == before
    # The same files go in once the refusal is gone: nothing was left to collide with.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_last_top ON outcomes_topassessment")
    assert records_import(files=good_files).imported
    assert counts()["ServiceUser"] == before["ServiceUser"] + 2
    assert counts()["TopAssessment"] == before["TopAssessment"] + 2


@pytest.mark.django_db(transaction=True)
def test_an_import_killed_while_writing_leaves_nothing_and_the_next_one_completes(
    write_files, north, alice, tmp_path
):
    files = write_files(GOOD_FILES)
    directory = next(iter(files.values())).parent
    before = counts()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(DATABASE_URL=database_url(), DJANGO_SETTINGS_MODULE="config.settings")

    info = database_conninfo()
    watcher = psycopg.connect(**info, autocommit=True)
    blocker = psycopg.connect(**info)
    log = (tmp_path / "import.log").open("w+")
    process = None
    try:
        # Readers pass; the import's write to the TOP assessments, its last table, waits.
        blocker.execute("LOCK TABLE outcomes_topassessment IN SHARE ROW EXCLUSIVE MODE")
        process = subprocess.Popen(
            [*MANAGE, "import_records", str(directory)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def writing_and_blocked():
            assert process.poll() is None, "import_records exited before it was killed"
            return watcher.execute(
                "SELECT a.pid FROM pg_stat_activity a WHERE a.datname = %s "
                "AND a.wait_event_type = 'Lock' AND a.pid <> pg_backend_pid() "
                "AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid "
                "AND l.relation = 'cases_serviceuser'::regclass AND l.mode = 'RowExclusiveLock')",
                [info["dbname"]],
            ).fetchone()

        (pid,) = wait_until(writing_and_blocked, "the import to write people and then block")
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        blocker.rollback()
        wait_until(
            lambda: (
                not watcher.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]
                ).fetchone()
            ),
            "the killed import's backend to end",
        )
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        blocker.close()
        watcher.close()
        log.close()

    assert counts() == before
    assert records_import(files=files).imported
    assert counts()["Contact"] == before["Contact"] + 1


@pytest.mark.django_db
def test_an_import_that_cannot_be_queued_says_so_instead_of_waiting_for_ever(
    client_as, adam, north, alice, redis_away, django_capture_on_commit_callbacks
):
    client = client_as(adam)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_start"), {"service_users": upload("service_users")})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.FAILED
    assert job.error == NOT_QUEUED
    assert job.finished_at is not None
    assert not _job_directory(job).exists()
    assert counts()["ServiceUser"] == 0
