"""Bulk loading into PostgreSQL: drop a table's secondary indexes, load, rebuild them.

Rebuilding an index once is many times cheaper than maintaining it row by row,
so a load of many rows (the demo seed's COPY, a first import of a whole
service) goes through `bulk_loading`:

    with transaction.atomic(), connection.cursor() as cursor:
        with bulk_loading(cursor, ["cases_serviceuser", "cases_event"]):
            ...COPY or INSERT ... SELECT the rows...

Contract:

- On entry it checks every pending deferred foreign key now and makes the
  transaction's deferrable constraints immediate from then on (`SET CONSTRAINTS
  ALL IMMEDIATE`): PostgreSQL refuses to alter a table with pending trigger
  events. Then it drops each table's indexes, unique constraints and foreign
  keys, except the primary key and any unique constraint another table's
  foreign key depends on. Check constraints stay, and so do triggers (the
  history triggers keep recording every row), so the database still vets each
  row as it arrives.
- On leaving the block normally it puts everything back: indexes, then unique
  constraints, then foreign keys (whose checks use the indexes), with a larger
  `maintenance_work_mem` for the rebuild only. Putting a constraint back re-checks every row, so a duplicate
  or a dangling reference fails the load there. Then it ANALYZEs the tables,
  so the statements that follow in the transaction plan with their new size.
- It must run inside a transaction (it refuses autocommit): the drops are
  transactional, so when the load or the rebuild fails the rollback brings back
  every index and constraint as it was. It does not rebuild after a failure.
- The tables stay locked (ACCESS EXCLUSIVE, taken by the first drop) until the
  transaction ends.

`progress(stage, done, total, table)`, if given, is called after each rebuilt
index or constraint (stage "indexes") and each analysed table ("analyse").
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from psycopg import sql

Progress = Callable[[str, int, int, str], None]

# For building the indexes again: enough to sort a million-row table's keys in memory.
REBUILD_MAINTENANCE_WORK_MEM = "512MB"
# The order things are put back in: foreign-key checks use the other two.
_RESTORE_ORDER = ("index", "unique", "foreign key")


@dataclass(frozen=True)
class Dropped:
    """An index or constraint taken off `table`, and the statement that puts it back."""

    kind: str  # "index", "unique" or "foreign key"
    table: str
    statement: str


@contextmanager
def bulk_loading(
    cursor, tables: Sequence[str], *, progress: Progress | None = None
) -> Iterator[list[Dropped]]:
    """Drop `tables`' secondary indexes and constraints for the block; see the module doc.

    `cursor` is a psycopg cursor or Django's wrapper of one. Yields what was dropped.
    """
    if cursor.connection.autocommit:
        raise RuntimeError(
            "bulk_loading needs a transaction: a failed load must roll the dropped indexes back."
        )
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    dropped = secondary_indexes_drop(cursor, tables)
    yield dropped
    secondary_indexes_restore(cursor, dropped, progress=progress)
    for done, table in enumerate(tables, start=1):
        cursor.execute(_text(cursor, sql.SQL("ANALYZE {}").format(sql.Identifier(table))))
        if progress is not None:
            progress("analyse", done, len(tables), table)


def secondary_indexes_drop(cursor, tables: Sequence[str]) -> list[Dropped]:
    """Drop each table's indexes, unique and foreign-key constraints (not the primary key,
    checks, or a unique constraint another table's foreign key depends on)."""
    dropped: list[Dropped] = []
    for table in tables:
        quoted = _text(cursor, sql.Identifier(table))
        cursor.execute(
            """
            SELECT c.conname, pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype IN ('f', 'u')
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint f
                WHERE f.contype = 'f' AND c.contype = 'u' AND f.conindid = c.conindid)
            ORDER BY c.contype, c.conname
            """,
            [table],
        )
        for name, definition, kind in cursor.fetchall():
            constraint = _text(cursor, sql.Identifier(name))
            cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {constraint}")
            dropped.append(
                Dropped(
                    kind="foreign key" if kind == "f" else "unique",
                    table=table,
                    statement=f"ALTER TABLE {quoted} ADD CONSTRAINT {constraint} {definition}",
                )
            )
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [table],
        )
        for name, definition in cursor.fetchall():
            cursor.execute(f"DROP INDEX {_text(cursor, sql.Identifier(name))}")
            dropped.append(Dropped(kind="index", table=table, statement=definition))
    return dropped


def secondary_indexes_restore(
    cursor, dropped: Sequence[Dropped], *, progress: Progress | None = None
) -> None:
    """Put back what `secondary_indexes_drop` dropped: indexes, unique constraints, then
    foreign keys, with more memory for the sorts than the session's usual."""
    ordered = sorted(dropped, key=lambda item: _RESTORE_ORDER.index(item.kind))
    cursor.execute("SELECT current_setting('maintenance_work_mem')")
    usual = cursor.fetchone()[0]
    cursor.execute(
        "SELECT set_config('maintenance_work_mem', %s, true)", [REBUILD_MAINTENANCE_WORK_MEM]
    )
    for done, item in enumerate(ordered, start=1):
        cursor.execute(item.statement)
        if progress is not None:
            progress("indexes", done, len(ordered), item.table)
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [usual])


def _text(cursor, composed: sql.Composable) -> str:
    return composed.as_string(cursor.connection)
