"""Write the checked staging rows into Lantern's tables, set-based, changing only what differs.

For each file kind, in dependency order:

1. one UPDATE of the existing records (matched on `source_ref`) whose values
   differ from the file's; columns a file leaves out are left alone;
2. one INSERT of the new records. People and episodes take the ids their
   children already point at (drawn while checking); a new person's client
   reference is drawn here, so re-imports leave no gaps in LAN- numbers.

A plain INSERT of new rows (rather than INSERT ... ON CONFLICT) is used because
the checks already know which rows are new, and speculative insertion costs
more. When an import adds many rows to a table (at least `BULK_ROWS`, and at
least as many as the table holds), the secondary indexes, unique and foreign-key
constraints of the table and of its history table are dropped for the INSERT
and put back straight after, inside the same transaction (`core.bulk`'s
`secondary_indexes_drop` and `secondary_indexes_restore`): rebuilding an index
is many times cheaper than maintaining it row by row, and putting the
constraints back re-checks every row. The tables are left for autovacuum to
analyse after the commit. Meanwhile the table is locked, so a first migration of
a whole service is best run out of hours; day-to-day imports stay below the
threshold.

A client's repeat supply whose previous kit was used on them (`used_self`) also tells the
service they overdosed: as `cases.services.naloxone_supply_create` does for a page entry, the
import records that overdose (on the date the kit was used, else the supply date; information
source `naloxone_kit`, who gave the naloxone not known, its `source_supply` the supply), once
per supply, and not where the person already has an overdose on that date (one the events
file carried, most often the same one). `records_imported` then brings its follow-up.

The ids of the people affected are collected in `imp_affected` until there are
more than `AFFECTED_LIST_LIMIT` changed rows; past that the signal says None
("many").
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.apps import apps
from psycopg import sql

from core.bulk import secondary_indexes_drop, secondary_indexes_restore
from exchange.importing import care_writing
from exchange.importing.care_specs import CareFileSpec
from exchange.importing.rules import stage_table
from exchange.importing.specs import (
    EPISODES,
    NALOXONE,
    SERVICE_USERS,
    TOP_ASSESSMENTS,
    FileSpec,
)

AFFECTED_LIST_LIMIT = 10_000
# Measured at 50,000 new naloxone supplies into an empty table: 26 us a row with the indexes
# and foreign keys kept, against 5 us a row and a fraction of a second to rebuild them.
BULK_ROWS = 20_000


@dataclass
class FileCounts:
    rows: int = 0
    rejected: int = 0
    created: int = 0
    updated: int = 0
    # Naloxone supplies only: the overdoses that repeat kits used on the client recorded.
    overdoses_recorded: int = 0

    @property
    def unchanged(self) -> int:
        return self.rows - self.rejected - self.created - self.updated

    def as_dict(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "rejected": self.rejected,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class Source:
    """Where a kind's rows come from: the staging table joined to its parent's map."""

    joins: sql.Composable
    # (column, expression) for the columns that come from the parent, not the file.
    parents: list[tuple[str, sql.Composable]]
    # The id column for new rows (people and episodes have theirs already).
    new_id: sql.Composable | None = None


def _source(spec: FileSpec) -> Source:
    stage = stage_table(spec)
    if spec is SERVICE_USERS:
        return Source(
            sql.SQL("{} s JOIN imp_person_map k ON k.ref = s.ref AND k.staged").format(stage),
            [],
            sql.SQL("k.id"),
        )
    if spec is EPISODES:
        return Source(
            sql.SQL("{} s JOIN imp_episode_map k ON k.ref = s.ref AND k.staged").format(stage),
            [
                ("service_user_id", sql.SQL("k.service_user_id")),
                ("team_id", sql.SQL("k.team_id")),
            ],
            sql.SQL("k.id"),
        )
    if spec.parent == "person":
        return Source(
            sql.SQL("{} s JOIN imp_person_map p ON p.ref = s.person_ref").format(stage),
            [("service_user_id", sql.SQL("p.id"))],
        )
    parents = [("episode_id", sql.SQL("e.id"))]
    if spec is TOP_ASSESSMENTS:
        parents.append(("service_user_id", sql.SQL("e.service_user_id")))
    return Source(
        sql.SQL("{} s JOIN imp_episode_map e ON e.ref = s.episode_ref").format(stage), parents
    )


def _values(spec: FileSpec, present: set[str]) -> list[tuple[str, str, sql.Composable]]:
    """(csv column, db column, value expression) for the file's own data columns."""
    values = []
    for column in spec.data_columns:
        if spec is EPISODES and column.name == "team":
            continue  # comes from the map: the file's team, else the person's
        if column.name not in present:
            expression: sql.Composable = sql.SQL(column.empty)
        elif column.empty == "NULL":
            expression = sql.SQL("s.{}").format(sql.Identifier(column.field))
        else:
            expression = sql.SQL("COALESCE(s.{}, {})").format(
                sql.Identifier(column.field), sql.SQL(column.empty)
            )
        values.append((column.name, column.field, expression))
    return values


def _person_column(spec: FileSpec) -> str:
    return "id" if spec is SERVICE_USERS else "service_user_id"


def _affected(spec: FileSpec) -> sql.Composable:
    """The people behind the rows in CTE `w` (which returns `ref_id` of the written row)."""
    if spec.parent == "episode" and spec is not TOP_ASSESSMENTS:
        return sql.SQL(
            "SELECT e.service_user_id FROM w JOIN cases_treatmentepisode e ON e.id = w.ref_id"
        )
    return sql.SQL("SELECT ref_id FROM w")


def _execute_counted(cursor, spec: FileSpec, statement: sql.Composable, track: bool) -> int:
    """Run an INSERT/UPDATE; when tracking, also note the people it touched."""
    if not track:
        cursor.execute(statement)
        return max(cursor.rowcount, 0)
    returning = (
        "episode_id"
        if spec.parent == "episode" and spec is not TOP_ASSESSMENTS
        else (_person_column(spec))
    )
    cursor.execute(
        sql.SQL(
            "WITH w AS ({statement} RETURNING {returning} AS ref_id), "
            "a AS (INSERT INTO imp_affected {affected}) SELECT count(*) FROM w"
        ).format(
            statement=statement,
            returning=sql.SQL("t.{}").format(sql.Identifier(returning)),
            affected=_affected(spec),
        )
    )
    return cursor.fetchone()[0]


def _update(cursor, spec: FileSpec, present: set[str], *, track: bool) -> int:
    source = _source(spec)
    changed = list(source.parents) + [
        (field, value) for name, field, value in _values(spec, present) if name in present
    ]
    if not changed:
        return 0
    target = sql.Identifier(spec.table)
    assign = sql.SQL(", ").join(
        sql.SQL("{} = {}").format(sql.Identifier(name), value) for name, value in changed
    )
    if spec.has_updated_at:
        assign = sql.SQL("{}, updated_at = now()").format(assign)
    differs = sql.SQL("({}) IS DISTINCT FROM ({})").format(
        sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(name)) for name, _ in changed),
        sql.SQL(", ").join(value for _, value in changed),
    )
    updated = 0
    # Closing episodes before opening others keeps the one-open-episode index
    # satisfied row by row within the statement.
    conditions = (
        [sql.SQL("s.discharge_date IS NOT NULL"), sql.SQL("s.discharge_date IS NULL")]
        if spec is EPISODES
        else [sql.SQL("true")]
    )
    for condition in conditions:
        statement = sql.SQL(
            "UPDATE {target} t SET {assign} FROM {joins} "
            "WHERE t.source_ref = s.ref AND s.valid AND {condition} AND {differs}"
        ).format(
            target=target,
            assign=assign,
            joins=source.joins,
            condition=condition,
            differs=differs,
        )
        updated += _execute_counted(cursor, spec, statement, track)
    return updated


def _new_rows_filter(spec: FileSpec) -> sql.Composable:
    if spec in (SERVICE_USERS, EPISODES):
        return sql.SQL("k.is_new")
    return sql.SQL("NOT EXISTS (SELECT 1 FROM {} t WHERE t.source_ref = s.ref)").format(
        sql.Identifier(spec.table)
    )


def _count_new(cursor, spec: FileSpec) -> int:
    if spec not in (SERVICE_USERS, EPISODES):
        # Into an empty table every valid row is new: no need to look each one up.
        cursor.execute(
            sql.SQL("SELECT NOT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(spec.table))
        )
        if cursor.fetchone()[0]:
            cursor.execute(sql.SQL("SELECT count(*) FROM {} WHERE valid").format(stage_table(spec)))
            return cursor.fetchone()[0]
    cursor.execute(
        sql.SQL("SELECT count(*) FROM {} WHERE s.valid AND {}").format(
            _source(spec).joins, _new_rows_filter(spec)
        )
    )
    return cursor.fetchone()[0]


def _insert(cursor, spec: FileSpec, present: set[str], *, track: bool) -> int:
    source = _source(spec)
    columns = ["external_id", "source_ref", "created_at"]
    values: list[sql.Composable] = [
        sql.SQL("s.external_id"),
        sql.SQL("s.ref"),
        sql.SQL("now()"),
    ]
    if spec.has_updated_at:
        columns.append("updated_at")
        values.append(sql.SQL("now()"))
    if source.new_id is not None:
        columns.append("id")
        values.append(source.new_id)
    if spec is SERVICE_USERS:
        columns.append("client_ref")
        values.append(sql.SQL("'LAN-' || lpad(n::text, greatest(7, length(n::text)), '0')"))
    for name, value in source.parents:
        columns.append(name)
        values.append(value)
    for _, field, value in _values(spec, present):
        columns.append(field)
        values.append(value)
    rows = sql.SQL("SELECT {values} FROM {joins} WHERE s.valid AND {new}").format(
        values=sql.SQL(", ").join(values), joins=source.joins, new=_new_rows_filter(spec)
    )
    if spec is SERVICE_USERS:
        # The client reference is drawn per inserted row, in file order.
        rows = sql.SQL(
            "SELECT q.*, nextval('cases_client_ref_seq') AS n FROM ("
            "SELECT s.*, k.id AS k_id FROM {joins} WHERE s.valid AND k.is_new ORDER BY s.row_no"
            ") q"
        ).format(joins=source.joins)
        rows = sql.SQL("SELECT {values} FROM ({rows}) s").format(
            values=sql.SQL(", ").join(
                sql.SQL("s.k_id") if column == "id" else value
                for column, value in zip(columns, values, strict=True)
            ),
            rows=rows,
        )
    statement = sql.SQL("INSERT INTO {target} AS t ({columns}) {rows}").format(
        target=sql.Identifier(spec.table),
        columns=sql.SQL(", ").join(sql.Identifier(column) for column in columns),
        rows=rows,
    )
    return _execute_counted(cursor, spec, statement, track)


def _table_rows(cursor, table: str) -> int:
    cursor.execute(
        "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass", [table]
    )
    return cursor.fetchone()[0]


class RecordWriter:
    """Writes the checked rows of one kind after another, in dependency order, and keeps
    the ids of the people affected until there are more than `AFFECTED_LIST_LIMIT`
    changed rows."""

    def __init__(self) -> None:
        self.changed = 0

    def write(self, cursor, spec: FileSpec, columns: set[str], counts: FileCounts) -> None:
        track = self.changed <= AFFECTED_LIST_LIMIT
        if isinstance(spec, CareFileSpec):
            counts.created = care_writing.write_care(cursor, spec, track=track)
            self.changed += counts.created
            return
        updated = _update(cursor, spec, columns, track=track)
        new = _count_new(cursor, spec)
        bulk = new >= BULK_ROWS and new >= _table_rows(cursor, spec.table)
        with _bulk_loading(cursor, spec) if bulk else nullcontext():
            created = _insert(cursor, spec, columns, track=track and new <= AFFECTED_LIST_LIMIT)
        counts.created = created
        counts.updated = updated
        self.changed += created + updated
        if spec is NALOXONE:
            recorded = record_kit_overdoses(cursor)
            counts.overdoses_recorded = recorded
            self.changed += recorded

    def affected(self, cursor) -> list[int] | None:
        """The affected people's ids, or None for many."""
        if self.changed > AFFECTED_LIST_LIMIT:
            return None
        cursor.execute("SELECT DISTINCT service_user_id FROM imp_affected ORDER BY 1")
        return [row[0] for row in cursor.fetchall()]


def write_records(
    cursor,
    specs: list[FileSpec],
    present: dict[str, set[str]],
    counts: dict[str, FileCounts],
    report: Callable[[float, str], None],
) -> list[int] | None:
    """Write every kind in `specs`; return the affected people's ids, or None for many."""
    writer = RecordWriter()
    for position, spec in enumerate(specs):
        report(0.75 + 0.25 * position / len(specs), f"Writing {spec.title.lower()}")
        if present[spec.kind]:
            writer.write(cursor, spec, present[spec.kind], counts[spec.kind])
    return writer.affected(cursor)


def history_table(spec: FileSpec) -> str:
    """The table the history triggers of `spec.table` copy each written row into."""
    for model in apps.get_models():
        tracked = getattr(model, "pgh_tracked_model", None)
        if tracked is not None and tracked._meta.db_table == spec.table:
            return model._meta.db_table
    raise LookupError(f"{spec.table} keeps no history")


@contextmanager
def _bulk_loading(cursor, spec: FileSpec) -> Iterator[None]:
    """`core.bulk`'s drop and rebuild of the kind's table's secondary indexes and
    constraints, and of its history table's too (the history trigger copies every inserted
    row there). Unlike `bulk_loading` it does not ANALYZE them: nothing later in the import
    needs more than the sizes the rebuilt indexes record, and with twenty indexes, some on
    expressions, the people table alone took seconds. Autovacuum analyses them once the
    import commits, as it does after any large write."""
    dropped = secondary_indexes_drop(cursor, [spec.table, history_table(spec)])
    yield
    secondary_indexes_restore(cursor, dropped)


def record_kit_overdoses(cursor) -> int:
    """Record the overdose each imported `used_self` supply reports (see the module doc):
    how many were recorded. Their people are among the affected already, as the supplies'."""
    cursor.execute(
        """
        INSERT INTO cases_event (
            external_id, service_user_id, kind, status, occurred_on, notes, place,
            substances_suspected, naloxone_given_by, responders, information_source,
            followup_basis, source_supply_id, recorded_by_id, created_at
        )
        SELECT gen_random_uuid(), ns.service_user_id, 'non_fatal_overdose', 'happened',
               COALESCE(ns.kit_used_on, ns.supplied_on), '', '', '{}', 'not_known', '{}',
               'naloxone_kit', '', ns.id, ns.supplied_by_id, now()
        FROM imp_naloxone_supplies s
        JOIN cases_naloxonesupply ns ON ns.source_ref = s.ref
        WHERE s.valid AND ns.repeat_reason = 'used_self' AND ns.service_user_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM cases_event e WHERE e.source_supply_id = ns.id)
          AND NOT EXISTS (
              SELECT 1 FROM cases_event e
              WHERE e.service_user_id = ns.service_user_id AND e.kind = 'non_fatal_overdose'
                AND e.occurred_on = COALESCE(ns.kit_used_on, ns.supplied_on)
          )
        """
    )
    return max(cursor.rowcount, 0)
