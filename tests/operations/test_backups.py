"""Backups restore: `backup` dumps the test database with a manifest, and `restore_check`
restores it into a scratch database and compares every table; a damaged or incomplete
restore fails the check, naming the table.

Real pg_dump and pg_restore run against the test database's server.
"""

import io
import json
import subprocess

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Event, ServiceUser
from operations.backups import (
    BackupError,
    backup_create,
    backups_in,
    lantern_apps,
    lantern_tables,
    manifest_path,
    postgres_tool,
    restore_check,
    server_major_version,
)
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    EventFactory,
    NaloxoneSupplyFactory,
    ServiceUserFactory,
    TopFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def records(db):
    for _ in range(3):
        person = ServiceUserFactory()
        episode = EpisodeFactory(service_user=person)
        EventFactory(service_user=person)
        ContactFactory(service_user=person)
        NaloxoneSupplyFactory(service_user=person)
        TopFactory(service_user=person, episode=episode)


def scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'lantern_restore_check_%%'"
        )
        return [name for (name,) in cursor.fetchall()]


def test_a_backup_restores_with_every_table_matching_its_manifest(records, tmp_path):
    backup = backup_create(directory=tmp_path, keep=3)

    assert backup.name.startswith("lantern-")
    assert backup.name.endswith("Z.dump")
    manifest = json.loads(manifest_path(backup).read_text())["tables"]
    assert manifest["cases_serviceuser"]["rows"] == ServiceUser.objects.count() == 3
    assert lantern_tables() <= set(manifest)

    check = restore_check(directory=tmp_path)
    assert check.passed, check.mismatches
    assert check.backup == backup
    assert check.tables == len(manifest)
    assert scratch_databases() == []


def test_it_names_a_table_whose_restored_rows_were_changed(records, tmp_path):
    backup_create(directory=tmp_path)

    def damage(info):
        with psycopg.connect(**info, autocommit=True) as conn:
            conn.execute(
                "UPDATE cases_serviceuser SET first_name = 'Changed' WHERE id = %s",
                [ServiceUser.objects.order_by("id").first().pk],
            )
            conn.execute("DELETE FROM cases_event WHERE id = %s", [Event.objects.first().pk])

    check = restore_check(directory=tmp_path, before_compare=damage)

    assert not check.passed
    problems = {m.table: m.problem for m in check.mismatches}
    assert problems["cases_serviceuser"] == "the restored rows differ from the backup"
    assert problems["cases_event"] == "2 rows restored, 3 backed up"
    # Nothing else differs, but for history tables (pghistory's ...event) recording the damage.
    others = set(problems) - {"cases_serviceuser", "cases_event"}
    assert all(table.endswith("event") for table in others), others
    assert scratch_databases() == []


def test_the_command_fails_and_names_the_table_when_the_dump_lacks_its_rows(records, tmp_path):
    backup = backup_create(directory=tmp_path)
    # An incomplete dump of the same moment: everything but the events' rows.
    incomplete = tmp_path / "lantern-29991231T235959Z.dump"
    info = connection.connection.info
    pg_dump = postgres_tool("pg_dump", server_major_version())
    subprocess.run(
        [
            str(pg_dump),
            "--format=custom",
            "--exclude-table-data=cases_event",
            f"--file={incomplete}",
            f"--host={info.host}",
            f"--port={info.port}",
            f"--username={info.user}",
            info.dbname,
        ],
        check=True,
    )
    manifest_path(incomplete).write_text(manifest_path(backup).read_text())
    assert backups_in(tmp_path)[-1] == incomplete

    stderr = io.StringIO()
    with pytest.raises(CommandError, match="did not restore faithfully: 1 table"):
        call_command("restore_check", directory=tmp_path, stdout=io.StringIO(), stderr=stderr)
    assert "cases_event: 0 rows restored, 3 backed up" in stderr.getvalue()
    assert scratch_databases() == []


def test_a_backup_of_a_database_missing_a_lantern_table_fails_the_check(records, tmp_path):
    backup = backup_create(directory=tmp_path)
    manifest = json.loads(manifest_path(backup).read_text())
    del manifest["tables"]["outcomes_topassessment"]
    manifest_path(backup).write_text(json.dumps(manifest))

    check = restore_check(backup=backup)

    assert [str(m) for m in check.mismatches] == [
        "outcomes_topassessment: Lantern's table is not in the backup"
    ]


def test_the_commands_back_up_and_check_and_keep_only_the_newest(records, tmp_path):
    for stamp in ("20250101T000000Z", "20250102T000000Z"):
        old = tmp_path / f"lantern-{stamp}.dump"
        old.write_bytes(b"")
        manifest_path(old).write_text("{}")

    out = io.StringIO()
    call_command("backup", directory=tmp_path, keep=2, stdout=out)
    call_command("restore_check", directory=tmp_path, stdout=out)

    kept = backups_in(tmp_path)
    assert kept[0].name == "lantern-20250102T000000Z.dump"
    assert len(kept) == 2
    assert not (tmp_path / "lantern-20250101T000000Z.dump.json").exists()
    assert "match the backup" in out.getvalue()


def test_the_scratch_database_is_dropped_even_when_the_check_breaks(records, tmp_path):
    backup_create(directory=tmp_path)

    def fail(info):
        raise RuntimeError("the disk filled up")

    with pytest.raises(RuntimeError):
        restore_check(directory=tmp_path, before_compare=fail)
    assert scratch_databases() == []


def test_an_empty_directory_is_an_error_not_a_pass(tmp_path):
    with pytest.raises(BackupError, match="No backup"):
        restore_check(directory=tmp_path)


def test_the_backup_covers_every_app_of_lantern_and_no_library():
    labels = {config.label for config in lantern_apps()}

    assert {"cases", "outcomes", "risk", "deathreviews", "lantern"} <= labels
    assert not labels & {"auth", "sessions", "axes", "otp_totp", "pghistory"}
