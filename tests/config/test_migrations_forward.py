"""A database at the old head migrates through the restructure untouched: no table, column,
constraint, index, trigger or row changes; and on to today's head.

The restructure into rooms moved models between apps. A moved model keeps its table
(`Meta.db_table`) and its migrations are `SeparateDatabaseAndState` with state operations only,
so a production database upgraded with `manage.py migrate` must come out exactly as it went in.
This test proves it for every app at once, including apps added after the old head:

1. a scratch database on the same server is migrated from nothing to OLD_HEAD, using the old
   migration files only, so its schema is the old schema whatever the later migrations do;
2. it is filled with `OLD_HEAD_DATA`, the rows `seed_demo` wrote at OLD_HEAD with the code of
   the time (every clinical, TOP, risk and review table, kept as data because today's seed
   writes columns the old tables never had), and a few
   rows for the tables the demo leaves empty (API clients, tokens, the request log, sign-in
   records, transfer requests, import jobs, admin log);
3. it is snapshotted from pg_catalog, migrated forward with `manage.py migrate` (every app's
   leaf migration, as an operator upgrades), snapshotted again, and the two compared.

The test's own database is never migrated backwards: reversing a state-only migration touches
no table, so a database "reversed" to OLD_HEAD would still hold the new schema and the test
would prove nothing about a migration that does touch one.
"""

import gzip
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from pgtrigger import registered

# The leaf migration of every app on main before the restructure into rooms (commit 7856573,
# `manage.py showmigrations`): a production database at that commit has exactly these applied.
# Never edit this to follow later migrations; it is the fixed starting point of the proof.
OLD_HEAD = (
    ("admin", "0003_logentry_add_action_flag_choices"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("axes", "0010_accessattemptexpiration"),
    ("cases", "0016_transfer_request_duplicate"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("deathreviews", "0005_bulletin_approval"),
    ("otp_totp", "0003_add_timestamps"),
    ("outcomes", "0004_import_job_blank_results"),
    ("pghistory", "0007_auto_20250421_0444"),
    ("risk", "0010_override_approval"),
    ("sessions", "0001_initial"),
)

# The leaf migration of every app once the restructure had landed (commit 810d0db). Moving
# code never moves data: from OLD_HEAD to here nothing may change. Migrations after it change
# the schema on purpose (new fields, new apps); they must still apply to a filled database,
# which the test checks by migrating on to today's head afterwards.
RESTRUCTURE_HEAD = (
    *(node for node in OLD_HEAD if node[0] not in ("cases", "outcomes")),
    ("cases", "0017_api_models_to_commissioning"),
    ("commissioning", "0001_initial"),
    ("exchange", "0001_initial"),
    ("outcomes", "0005_importjob_moved_to_exchange"),
)

# What `seed_demo --people 40 --seed 15` wrote into a database at OLD_HEAD, run with the code
# of the restructure's last commit (810d0db): each table's columns, then its rows as COPY text.
# Content types, permissions and the migration log are left out: post_migrate and the
# migrations write those.
OLD_HEAD_DATA = Path(__file__).with_name("old_head_data.tsv.gz")

# Rows for the tables the demo population leaves empty, written in SQL against the OLD_HEAD
# schema: that schema never changes, so neither does this, wherever the models move. The moved
# products' tables (API clients, tokens, the request log, sign-in records, import jobs) are the
# ones most at risk from a move, so each gets a row; so do admin history and a permission grant
# that point at a moved model's content type.
FILL_THE_REST = """
INSERT INTO cases_apiclient (external_id, name, own_pseudonyms, is_active, created_at)
    VALUES (gen_random_uuid(), 'Forward migration check', true, true, now());
INSERT INTO cases_apiclient_local_authorities (apiclient_id, localauthority_id)
    SELECT c.id, la.id FROM cases_apiclient c, cases_localauthority la;
INSERT INTO cases_apitoken (name, prefix, key_hash, created_at, expires_at, client_id, user_id,
                            created_by_id)
    SELECT 'check', 'fwdcheck', md5('forward'), now(), now() + interval '30 days', min(c.id),
           (SELECT min(id) FROM cases_user), (SELECT min(id) FROM cases_user)
    FROM cases_apiclient c;
INSERT INTO cases_apirequestlog (username, at, method, path, extract, query, format, rows, status,
                                 duration_ms, complete, client_id, user_id, token_id, remote_addr,
                                 request_id)
    SELECT 'check', now(), 'GET', '/api/v1/extracts/people/', 'people', '{"page": 1}', 'json',
           10, 200, 12, true, t.client_id, t.user_id, t.id, '192.0.2.1', 'request-1'
    FROM cases_apitoken t;
INSERT INTO cases_accessevent (at, username, role, kind, view, object_ref, query, rows,
                               break_glass, path, remote_addr, request_id, service_user_id,
                               user_id)
    SELECT now(), 'check', 'keyworker', 'view', 'person', su.external_id::text, '{}', 1, true,
           '/people/', '192.0.2.1', 'request-2', su.id, su.keyworker_id
    FROM cases_serviceuser su WHERE su.keyworker_id IS NOT NULL ORDER BY su.id LIMIT 1;
INSERT INTO cases_breakglassgrant (external_id, reason, starts_at, expires_at, review_note,
                                   service_user_id, user_id)
    SELECT gen_random_uuid(), 'Called out of hours', now(), now() + interval '4 hours', '',
           su.id, su.keyworker_id
    FROM cases_serviceuser su WHERE su.keyworker_id IS NOT NULL ORDER BY su.id LIMIT 1;
INSERT INTO cases_reassignment (reassigned_at, over_cap, from_keyworker_id, reassigned_by_id,
                                service_user_id, team_id, to_keyworker_id, from_team_id,
                                handover_note, reason)
    SELECT now(), false, su.keyworker_id, su.keyworker_id, su.id, su.team_id, su.keyworker_id,
           su.team_id, 'Seen weekly', 'leave'
    FROM cases_serviceuser su WHERE su.keyworker_id IS NOT NULL ORDER BY su.id LIMIT 1;
INSERT INTO cases_transferrequest (external_id, requested_at, status, answer_note, from_team_id,
                                   requested_by_id, service_user_id, to_team_id)
    SELECT gen_random_uuid(), now(), 'pending', '', su.team_id, su.keyworker_id, su.id, su.team_id
    FROM cases_serviceuser su WHERE su.keyworker_id IS NOT NULL ORDER BY su.id LIMIT 1;
INSERT INTO cases_signedinsession (session_key, signed_in_at, user_id)
    SELECT 'forwardcheck', now(), min(id) FROM cases_user;
INSERT INTO django_session (session_key, session_data, expire_date)
    VALUES ('forwardcheck', 'e30', now() + interval '1 day');
INSERT INTO cases_secondfactorattempt (at, username, accepted, remote_addr, session_digest,
                                       user_id)
    SELECT now(), username, false, '192.0.2.2', md5('session'), id
    FROM cases_user ORDER BY id LIMIT 1;
INSERT INTO otp_totp_totpdevice (name, confirmed, key, step, t0, digits, tolerance, drift, last_t,
                                 user_id, throttling_failure_count, created_at)
    SELECT 'Authenticator app', true, md5('key'), 30, 0, 6, 1, 0, -1, min(id), 0, now()
    FROM cases_user;
INSERT INTO outcomes_importjob (external_id, created_at, finished_at, file_names, partial, dry_run,
                                status, progress, stage, counts, problems, problem_count, error,
                                created_by_id)
    SELECT gen_random_uuid(), now(), now(), '["events.csv"]', false, false, 'done', 100, 'done',
           '{"events": 3}', '[]', 0, '', min(id)
    FROM cases_user;
INSERT INTO risk_flagoverride (reason, expires_on, rule_codes, created_at, created_by_id, flag_id,
                               service_user_id, approval, decision_note)
    SELECT 'Seen today, safe', current_date + 14, ARRAY['overdose_90d'], now(),
           (SELECT min(id) FROM cases_user), f.id, f.service_user_id, 'pending', ''
    FROM risk_flag f ORDER BY f.id LIMIT 1;
INSERT INTO deathreviews_reviewagency (agency_id, review_id)
    SELECT (SELECT min(id) FROM deathreviews_partneragency), min(id) FROM deathreviews_review;
INSERT INTO deathreviews_actionreminder (sent_on, actions, created_at, owner_id)
    SELECT current_date, 2, now(), min(id) FROM cases_user;
INSERT INTO auth_group (name) VALUES ('Forward migration check');
INSERT INTO auth_group_permissions (group_id, permission_id)
    SELECT g.id, p.id FROM auth_group g, auth_permission p
    JOIN django_content_type ct ON ct.id = p.content_type_id
    WHERE ct.app_label = 'cases' AND ct.model = 'apitoken';
INSERT INTO cases_user_groups (user_id, group_id)
    SELECT min(u.id), (SELECT min(id) FROM auth_group) FROM cases_user u;
INSERT INTO cases_user_user_permissions (user_id, permission_id)
    SELECT (SELECT min(id) FROM cases_user), p.id FROM auth_permission p
    JOIN django_content_type ct ON ct.id = p.content_type_id
    WHERE ct.app_label = 'cases' AND ct.model = 'apiclient';
INSERT INTO django_admin_log (action_time, object_id, object_repr, action_flag, change_message,
                              content_type_id, user_id)
    SELECT now(), c.id::text, c.name, 1, '[]', ct.id, (SELECT min(id) FROM cases_user)
    FROM cases_apiclient c, django_content_type ct
    WHERE ct.app_label = 'cases' AND ct.model = 'apiclient';
"""

# Tables that stay empty, and why: nothing the demo or the SQL above does writes them, and a
# table with no rows still has its columns, constraints, indexes and triggers compared.
EMPTY_BY_DESIGN = {
    # The recompute's staging tables (unlogged) are emptied when a run publishes.
    "risk_staged_person",
    "risk_staged_reason",
    # History of rule set edits: the first rule set is installed before its triggers exist.
    "risk_ruleevent",
    "risk_rulesetevent",
    # django-axes' own tables (sign-in lockouts); no model of Lantern's lives there.
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
    "axes_accesslog",
}

# The log of applied migrations: moving forward adds a row per new migration by design. It is
# the bookkeeping of the upgrade, not data, so its rows are left out (its schema is compared).
# Content types are compared by `_content_type_differences` instead of by digest.
ROWS_NOT_COMPARED = {"django_migrations", "django_content_type"}

# post_migrate runs here as `manage.py migrate` runs it (the executor alone would not), so the
# test sees what an upgrade does. For a model in an app that has none yet it adds a content type
# and permissions: rows may be added to auth_permission, but a row changed or removed fails.
ROWS_MAY_BE_ADDED = {"auth_permission"}

SCHEMAS = (
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
)


@dataclass(frozen=True)
class Trigger:
    """A trigger by what it does: the trigger's and its function's own names are masked, since
    pgtrigger names both after `app_label.Model:name` and a moved model's triggers are renamed."""

    table: str
    definition: str
    body: str
    enabled: str


@dataclass
class Snapshot:
    tables: dict[str, str] = field(default_factory=dict)  # table -> kind and persistence
    columns: dict[str, dict[str, tuple]] = field(default_factory=dict)
    constraints: dict[str, dict[str, str]] = field(default_factory=dict)
    indexes: dict[str, dict[str, str]] = field(default_factory=dict)
    triggers: dict[str, Trigger] = field(default_factory=dict)  # trigger name -> behaviour
    functions: dict[str, str] = field(default_factory=dict)  # not trigger functions
    extensions: dict[str, str] = field(default_factory=dict)
    rows: dict[str, Counter] = field(default_factory=dict)  # table -> (key, row md5) counts
    content_types: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> app, model


def _fetch(cursor, sql: str, params=()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def snapshot() -> Snapshot:
    """Everything a migration could change, read from pg_catalog on the default connection."""
    shot = Snapshot()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for oid, name, kind, persistence in _fetch(
            cursor,
            f"""SELECT c.oid, c.relname, c.relkind, c.relpersistence FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {SCHEMAS} ORDER BY 2""",
        ):
            shot.tables[name] = f"kind {kind}, persistence {persistence}"
            if kind in "vm":
                (definition,) = _fetch(cursor, "SELECT pg_get_viewdef(%s)", [oid])[0]
                shot.tables[name] += f", definition {definition}"
            shot.columns[name] = {
                column: (
                    f"type {kind_}",
                    f"not null {notnull}",
                    f"default {default}",
                    f"identity {identity!r}",
                )
                for column, kind_, notnull, default, identity in _fetch(
                    cursor,
                    """SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                              pg_get_expr(d.adbin, d.adrelid), a.attidentity
                       FROM pg_attribute a
                       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                       WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped""",
                    [oid],
                )
            }
            shot.constraints[name] = dict(
                _fetch(
                    cursor,
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s",
                    [oid],
                )
            )
            shot.indexes[name] = dict(
                _fetch(
                    cursor,
                    """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                       FROM pg_index i WHERE i.indrelid = %s""",
                    [oid],
                )
            )
            if kind in "rp" and name not in ROWS_NOT_COMPARED:
                keys = [
                    key
                    for (key,) in _fetch(
                        cursor,
                        """SELECT a.attname FROM pg_index i JOIN pg_attribute a
                           ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                           WHERE i.indrelid = %s AND i.indisprimary ORDER BY a.attnum""",
                        [oid],
                    )
                ]
                # Columns in name order, so a row's digest is its values, not their positions.
                row = ", ".join(quote(column) for column in sorted(shot.columns[name]))
                key = ", ".join(quote(column) for column in keys) or row
                shot.rows[name] = Counter(
                    _fetch(
                        cursor,
                        f"SELECT ROW({key})::text, md5(ROW({row})::text) FROM {quote(name)}",
                    )
                )
        for name, table, definition, function, body, enabled in _fetch(
            cursor,
            f"""SELECT t.tgname, c.relname, pg_get_triggerdef(t.oid), p.proname, p.prosrc,
                       t.tgenabled
                FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid
                WHERE NOT t.tgisinternal AND {SCHEMAS}""",
        ):
            # One mask for both: pgtrigger gives a trigger and its function the same name.
            for real in (name, function):
                definition, body = definition.replace(real, "<name>"), body.replace(real, "<name>")
            shot.triggers[name] = Trigger(table, definition, body, enabled)
        shot.functions = dict(
            _fetch(
                cursor,
                f"""SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p
                    JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE {SCHEMAS} AND p.prokind = 'f'
                    AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgfoid = p.oid)
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                    WHERE d.objid = p.oid AND d.deptype = 'e')""",
            )
        )
        shot.extensions = dict(_fetch(cursor, "SELECT extname, extversion FROM pg_extension"))
        shot.content_types = {
            id_: (app_label, model)
            for id_, app_label, model in _fetch(
                cursor, "SELECT id, app_label, model FROM django_content_type"
            )
        }
    return shot


def _dict_differences(label: str, before: dict, after: dict) -> list[str]:
    lines = []
    for key in sorted(before.keys() | after.keys()):
        if key not in after:
            lines.append(f"{label} {key}: gone (was {before[key]})")
        elif key not in before:
            lines.append(f"{label} {key}: new ({after[key]})")
        elif before[key] != after[key]:
            lines.append(f"{label} {key}: {before[key]} -> {after[key]}")
    return lines


def _row_differences(table: str, before: Counter, after: Counter) -> list[str]:
    if before == after:
        return []
    old, new = dict(before), dict(after)
    # Keyed by primary key: the same key with another digest is a changed row.
    old_keys = {key for key, _ in old}
    new_keys = {key for key, _ in new}
    gone = old.keys() - new.keys()
    added = new.keys() - old.keys()
    changed = {key for key, _ in gone} & {key for key, _ in added}
    removed = {key for key, _ in gone} - new_keys
    inserted = {key for key, _ in added} - old_keys
    if table in ROWS_MAY_BE_ADDED and not changed and not removed:
        return []
    examples = ", ".join(sorted(changed | removed | inserted)[:3])
    return [
        f"rows of {table}: {len(changed)} changed, {len(removed)} removed, {len(inserted)} added "
        f"(of {sum(before.values())}; e.g. keys {examples})"
    ]


def _trigger_differences(before: dict, after: dict) -> tuple[list[str], list[str]]:
    """Differences in what triggers do, and triggers renamed with the same behaviour."""
    gone = {name: t for name, t in before.items() if after.get(name) != t}
    new = {name: t for name, t in after.items() if before.get(name) != t}
    differences, renamed = [], []
    for name, trigger in sorted(gone.items()):
        twin = next((other for other, t in sorted(new.items()) if t == trigger), None)
        if twin is not None:
            renamed.append(f"trigger on {trigger.table}: {name} -> {twin}")
            del new[twin]
        elif name in new:
            differences.append(
                f"trigger {name} on {trigger.table} changed: {trigger} -> {new.pop(name)}"
            )
        else:
            differences.append(f"trigger {name} on {trigger.table}: gone ({trigger.definition})")
    for name, trigger in sorted(new.items()):
        differences.append(f"trigger {name} on {trigger.table}: new ({trigger.definition})")
    return differences, renamed


def _content_type_differences(before: dict, after: dict) -> list[str]:
    """A moved model's content type must move with it, keeping its id.

    Admin history (`django_admin_log`) and permission grants point at a content type by id. If
    a moved model got a new content type from post_migrate instead, its admin history would
    look empty and its grants would stop applying. So a content type may change its app label
    to the app that now holds its model (a migration's UPDATE), and a new one may only be for a
    model that had none.
    """
    lines = []
    held_now = {(m._meta.app_label, m._meta.model_name) for m in django_apps.get_models()}
    for id_, (app_label, model) in sorted(before.items()):
        now = after.get(id_)
        if now is None:
            lines.append(f"content type {app_label}.{model} (id {id_}): removed")
        elif now != (app_label, model) and (now[1] != model or now not in held_now):
            lines.append(f"content type {id_}: {app_label}.{model} -> {'.'.join(now)}")
    left_behind = {model: app for app, model in before.values() if (app, model) not in held_now}
    for id_, (app_label, model) in sorted(after.items()):
        if id_ not in before and model in left_behind:
            lines.append(
                f"content type {app_label}.{model} is new while {left_behind[model]}.{model} "
                "stays behind: move the old one (UPDATE django_content_type SET app_label) in "
                "the migration that moves the model, so admin history and permissions follow it"
            )
    return lines


def differences(before: Snapshot, after: Snapshot) -> tuple[list[str], list[str]]:
    """What changed, as readable lines; and (separately) the allowed trigger renames."""
    lines = _dict_differences("table", before.tables, after.tables)
    for gone in sorted(before.tables.keys() - after.tables.keys()):
        twins = [
            t
            for t in after.tables.keys() - before.tables.keys()
            if after.columns[t] == before.columns[gone]
        ]
        lines += [
            f"table {gone} looks renamed to {twin}: the same columns" for twin in sorted(twins)
        ]
    for table in sorted(before.tables.keys() & after.tables.keys()):
        for label, old, new in (
            ("column", before.columns[table], after.columns[table]),
            ("constraint", before.constraints[table], after.constraints[table]),
            ("index", before.indexes[table], after.indexes[table]),
        ):
            lines += _dict_differences(f"{table} {label}", old, new)
        if table in before.rows:
            lines += _row_differences(table, before.rows[table], after.rows.get(table, Counter()))
    trigger_lines, renamed = _trigger_differences(before.triggers, after.triggers)
    lines += trigger_lines
    lines += _dict_differences("function", before.functions, after.functions)
    lines += _dict_differences("extension", before.extensions, after.extensions)
    lines += _content_type_differences(before.content_types, after.content_types)
    return lines, renamed


@pytest.fixture
def scratch_database(transactional_db):
    """A new, empty database on the test database's server, as the default connection.

    The seed command and the migrations write through the default connection, so the test
    points it at the scratch database (as Django's own test database creation does), and puts
    it back, so the rest of the suite finds its test database as it left it. The test database
    itself is not touched; pytest-django empties it after this test as after any committing
    test. Content types are cached per connection alias, so the cache is emptied both ways.
    """
    original = connection.settings_dict["NAME"]
    scratch = f"{original}_forward"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(scratch)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(scratch)}")
    connection.close()
    connection.settings_dict["NAME"] = scratch
    ContentType.objects.clear_cache()
    try:
        yield scratch
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        ContentType.objects.clear_cache()
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP DATABASE IF EXISTS {connection.ops.quote_name(scratch)} WITH (FORCE)"
            )


def migrate_to_old_head():
    """Run the old migration files, and only those, then post_migrate as `migrate` would.
    Returns the migration state's apps: the models as they stood at OLD_HEAD."""
    return migrate_to(OLD_HEAD)


def migrate_to(head: tuple[tuple[str, str], ...]):
    """Migrate to exactly these leaf migrations, then post_migrate as `migrate` would."""
    executor = MigrationExecutor(connection)
    unknown = [node for node in head if node not in executor.loader.graph.nodes]
    assert not unknown, (
        f"A fixed head names migrations that no longer exist: {unknown}. A migration a "
        "production database has applied must never be renamed or removed."
    )
    state = executor.migrate(list(head))
    # `migrate` sends post_migrate with the state it reached: content types and permissions
    # as a database at that head has them (no app added later has any yet).
    emit_post_migrate_signal(0, False, connection.alias, apps=state.apps, plan=[])
    return state.apps


def load_old_head_data() -> None:
    """Fill the database with `OLD_HEAD_DATA`: every row the demo wrote at OLD_HEAD.

    Written with every trigger off, as the rows were already what the triggers made of them
    (their history included); the sequences are then moved past the ids.
    """
    with gzip.open(OLD_HEAD_DATA, "rt", encoding="utf-8") as data:
        sections = [section.split("\n", 1) for section in data.read().split("\\.\n") if section]
    tables = [header.split("\t")[0] for header, _ in sections]
    with connection.cursor() as cursor:
        raw = cursor.cursor
        # The reference data the migrations wrote is in the data too, as the seed left it.
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        # No trigger fires, foreign keys' included: the rows come whole from a consistent
        # database, in table-name order rather than the order their keys need.
        cursor.execute("SET session_replication_role = replica")
        for header, rows in sections:
            table, columns = header.split("\t")
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(rows)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in tables:
            cursor.execute(
                "SELECT a.attname, pg_get_serial_sequence(%s, a.attname) FROM pg_attribute a "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
                [table, table],
            )
            for column, sequence in cursor.fetchall():
                if sequence:
                    cursor.execute(
                        f"SELECT setval(%s, (SELECT max({column}) FROM {table}))", [sequence]
                    )


def test_a_database_at_the_old_head_migrates_forward_with_no_table_or_row_changed(
    scratch_database,
):
    migrate_to_old_head()
    load_old_head_data()
    with connection.cursor() as cursor:
        cursor.execute(FILL_THE_REST)
    before = snapshot()
    empty = sorted(t for t, rows in before.rows.items() if not rows and t not in EMPTY_BY_DESIGN)
    assert not empty, f"Tables with no rows to compare (fill them in FILL_THE_REST): {empty}"

    # The restructure's upgrade as an operator ran it: every app's leaf migration of the time,
    # the apps it added included, then post_migrate.
    migrate_to(RESTRUCTURE_HEAD)
    after = snapshot()

    changed, renamed = differences(before, after)
    renames = "".join(f"\n  {line}" for line in renamed)
    assert not changed, (
        "Migrating forward from OLD_HEAD changed the database:"
        + "".join(f"\n  {line}" for line in changed)
        + (f"\nTriggers renamed with the same behaviour (allowed):{renames}" if renamed else "")
    )
    # Then on to today's head, as an operator upgrades now: the later migrations change the
    # schema on purpose, and must apply to a database full of records.
    call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
    after = snapshot()
    # A renamed trigger is allowed because pgtrigger must find it under the id it computes from
    # `app_label.Model:name`: a moved model whose triggers kept their old ids in the database
    # would be listed by `pgtrigger ls` as orphaned (and `pgtrigger prune` would drop its
    # history and append-only triggers) while `pgtrigger install` added a second copy.
    installed = {(t.table, name) for name, t in after.triggers.items()}
    expected = {(model._meta.db_table, trigger.get_pgid(model)) for model, trigger in registered()}
    missing = sorted(expected - installed)
    assert not missing, (
        "Triggers the models declare, missing from the migrated database under pgtrigger's id:"
        + "".join(f"\n  {table}: {pgid}" for table, pgid in missing)
        + (f"\nTriggers renamed by the migrations:{renames}" if renamed else "")
    )
