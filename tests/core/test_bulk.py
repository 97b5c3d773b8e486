"""The bulk-load helper: indexes and constraints off for the load, back after it, and back
after a load that fails, whichever way it fails."""

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction

from core.bulk import bulk_loading

pytestmark = pytest.mark.django_db

# A table with one of everything the helper treats differently: a primary key and
# a check (kept), a unique constraint another table's foreign key depends on
# (kept), a unique constraint, a deferred foreign key, a plain and a partial
# unique index (dropped and rebuilt).
SCHEMA = """
CREATE TABLE bulk_parent (id bigint PRIMARY KEY, code text NOT NULL);
CREATE TABLE bulk_child (
    id bigint PRIMARY KEY,
    parent_id bigint NOT NULL CONSTRAINT bulk_child_parent_fk
        REFERENCES bulk_parent (id) DEFERRABLE INITIALLY DEFERRED,
    ref text NOT NULL CONSTRAINT bulk_child_ref_unique UNIQUE,
    serial text NOT NULL CONSTRAINT bulk_child_serial_unique UNIQUE,
    amount integer NOT NULL CONSTRAINT bulk_child_amount_positive CHECK (amount > 0)
);
CREATE INDEX bulk_child_parent ON bulk_child (parent_id);
CREATE UNIQUE INDEX bulk_child_one_large ON bulk_child (parent_id) WHERE amount > 1000;
CREATE TABLE bulk_note (
    id bigint PRIMARY KEY,
    child_ref text NOT NULL REFERENCES bulk_child (ref) DEFERRABLE INITIALLY DEFERRED
);
INSERT INTO bulk_parent SELECT n, 'P' || n FROM generate_series(1, 10) n;
"""
DROPPED = {
    "bulk_child_parent",
    "bulk_child_one_large",
    "bulk_child_serial_unique",
    "bulk_child_parent_fk",
}


@pytest.fixture
def cursor():
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA)
        yield cursor


def indexes_and_constraints(cursor, table: str = "bulk_child") -> dict[str, str]:
    """Every index and constraint on `table`, by name, with its definition."""
    cursor.execute(
        """
        SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %(table)s
        UNION ALL
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = %(table)s::regclass
        """,
        {"table": table},
    )
    return dict(cursor.fetchall())


def load(cursor, first: int, last: int, *, parent: str = "1 + mod(n, 10)", amount: str = "n"):
    cursor.execute(
        f"""
        INSERT INTO bulk_child (id, parent_id, ref, serial, amount)
        SELECT n, {parent}, 'R' || n, 'S' || n, {amount} FROM generate_series(%s, %s) n
        """,
        [first, last],
    )


def rows(cursor) -> int:
    cursor.execute("SELECT count(*) FROM bulk_child")
    return cursor.fetchone()[0]


def test_the_indexes_and_constraints_are_off_during_the_load_and_back_after_it(cursor):
    before = indexes_and_constraints(cursor)

    with bulk_loading(cursor, ["bulk_child"]) as dropped:
        during = indexes_and_constraints(cursor)
        load(cursor, 1, 900)

    assert {item.table for item in dropped} == {"bulk_child"}
    assert {name for name in before if name not in during} == DROPPED
    # Kept: the primary key, the check, and the unique constraint bulk_note's key uses.
    assert {"bulk_child_pkey", "bulk_child_amount_positive", "bulk_child_ref_unique"} <= set(during)
    assert indexes_and_constraints(cursor) == before
    assert rows(cursor) == 900


def test_a_load_by_copy_rebuilds_them_too(cursor):
    before = indexes_and_constraints(cursor)

    with (
        bulk_loading(cursor, ["bulk_child", "bulk_parent"]),
        cursor.cursor.copy("COPY bulk_child FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        copy.write("".join(f"{n},{1 + n % 10},R{n},S{n},{n}\n" for n in range(1, 501)))

    assert indexes_and_constraints(cursor) == before
    assert rows(cursor) == 500


def test_they_are_back_after_a_load_that_fails(cursor):
    before = indexes_and_constraints(cursor)

    def load_that_fails():
        with transaction.atomic(), bulk_loading(cursor, ["bulk_child"]):
            load(cursor, 1, 500)
            raise RuntimeError("the file ran out halfway")

    with pytest.raises(RuntimeError):
        load_that_fails()

    assert indexes_and_constraints(cursor) == before
    assert rows(cursor) == 0


@pytest.mark.parametrize(
    ("parent", "amount", "broken"),
    [
        ("99", "n", "a reference to no parent"),
        ("1", "1001", "two large amounts for one parent"),
    ],
)
def test_a_load_that_breaks_a_dropped_constraint_fails_when_it_is_put_back(
    cursor, parent, amount, broken
):
    before = indexes_and_constraints(cursor)

    def load_that_breaks():
        with transaction.atomic(), bulk_loading(cursor, ["bulk_child"]):
            load(cursor, 1, 20, parent=parent, amount=amount)

    with pytest.raises(IntegrityError):
        load_that_breaks()

    assert indexes_and_constraints(cursor) == before, broken
    assert rows(cursor) == 0


def test_a_check_constraint_still_refuses_a_row_as_it_arrives(cursor):
    def load_refused():
        with transaction.atomic(), bulk_loading(cursor, ["bulk_child"]):
            load(cursor, 1, 20, amount="0")

    with pytest.raises(IntegrityError, match="bulk_child_amount_positive"):
        load_refused()


def test_a_pending_deferred_check_is_made_first_rather_than_blocking_the_drop(cursor):
    # The deferred foreign key queues a check until commit; PostgreSQL will not alter
    # a table with pending checks unless they are made now.
    load(cursor, 1, 5)

    with bulk_loading(cursor, ["bulk_child"]):
        load(cursor, 6, 50)

    assert rows(cursor) == 50


def test_the_tables_are_analysed_after_the_rebuild(cursor):
    reported = []

    with bulk_loading(cursor, ["bulk_child"], progress=lambda *step: reported.append(step)):
        load(cursor, 1, 300)

    cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'bulk_child'")
    assert cursor.fetchone()[0] > 0
    assert [stage for stage, *_ in reported] == ["indexes"] * len(DROPPED) + ["analyse"]
    assert reported[-1] == ("analyse", 1, 1, "bulk_child")


def test_it_refuses_to_run_outside_a_transaction():
    autocommit = SimpleNamespace(connection=SimpleNamespace(autocommit=True))

    with pytest.raises(RuntimeError, match="needs a transaction"):
        bulk_loading(autocommit, ["bulk_child"]).__enter__()
