"""The API's models moved from `cases` to `commissioning` with their tables and rows.

A database at the migration before the move (cases 0016) is migrated forward:
the rows are as they were, and the request log is append-only under the
trigger's new name, its old trigger and function gone.
"""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from commissioning.models import ApiRequestLog

BEFORE_THE_MOVE = [("commissioning", None), ("cases", "0016_transfer_request_duplicate")]
OLD_PGID = "pgtrigger_append_only_but_finish_stream_667e5"


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def migrate_to_the_end() -> None:
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def triggers_on_the_log() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'cases_apirequestlog'::regclass "
            "AND NOT tgisinternal"
        )
        return {name for (name,) in cursor.fetchall()}


def functions_named(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = %s", [name])
        return cursor.fetchone()[0]


def refused(statement: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    except DatabaseError as error:
        return "is append-only" in str(error)
    return False


def new_pgid() -> str:
    (trigger,) = ApiRequestLog._meta.triggers
    return trigger.get_pgid(ApiRequestLog)


def test_the_trigger_has_a_new_name_because_the_models_label_changed():
    assert new_pgid() != OLD_PGID


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_rows_and_its_append_only_log():
    try:
        migrate(BEFORE_THE_MOVE)
        assert triggers_on_the_log() == {OLD_PGID}
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO cases_apiclient (external_id, name, own_pseudonyms, "
                "is_active, created_at) VALUES (gen_random_uuid(), 'Before', true, "
                "true, now()) RETURNING id"
            )
            (client_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO cases_apirequestlog (client_id, username, at, method, path, "
                "extract, query, format, status, complete, request_id) VALUES "
                "(%s, 'cora', now(), 'GET', '/api/v1/', '', '{}', '', 200, true, '') "
                "RETURNING id",
                [client_id],
            )
            (log_id,) = cursor.fetchone()

        migrate_to_the_end()

        assert triggers_on_the_log() == {new_pgid()}
        assert functions_named(OLD_PGID) == 0
        assert functions_named(new_pgid()) == 1
        log = ApiRequestLog.objects.get(pk=log_id)
        assert (log.client.name, log.username, log.path) == ("Before", "cora", "/api/v1/")
        assert refused(f"UPDATE cases_apirequestlog SET status = 500 WHERE id = {log_id}")
        assert refused(f"DELETE FROM cases_apirequestlog WHERE id = {log_id}")
    finally:
        migrate_to_the_end()
