"""A large import writes each table and its history table with their indexes and constraints
set aside, and puts every one of them back (`core.bulk`)."""

import pytest
from django.db import connection

from exchange.importing import writing
from exchange.importing.loader import records_import
from exchange.importing.specs import SPECS
from tests.exchange.test_import import counts

pytestmark = pytest.mark.django_db


def indexes_and_constraints() -> dict[str, str]:
    tables = [spec.table for spec in SPECS] + [writing.history_table(spec) for spec in SPECS]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT tablename || '.' || indexname, indexdef FROM pg_indexes
            WHERE tablename = ANY(%(tables)s)
            UNION ALL
            SELECT conrelid::regclass::text || '.' || conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid::regclass::text = ANY(%(tables)s)
            """,
            {"tables": tables},
        )
        return dict(cursor.fetchall())


def test_a_bulk_import_puts_back_every_index_and_constraint(monkeypatch, good_files):
    # Every kind takes the bulk path: a threshold of one row, and tables held to be empty
    # (the planner's estimate of their size can outlive rows earlier tests committed).
    monkeypatch.setattr(writing, "BULK_ROWS", 1)
    monkeypatch.setattr(writing, "_table_rows", lambda cursor, table: 0)
    bulk_tables = []
    real = writing.secondary_indexes_drop

    def recording(cursor, tables):
        bulk_tables.extend(tables)
        return real(cursor, tables)

    monkeypatch.setattr(writing, "secondary_indexes_drop", recording)
    before = indexes_and_constraints()

    result = records_import(files=good_files)

    assert result.imported, result.problems
    assert bulk_tables == [
        table
        for spec in SPECS
        if spec.kind in good_files
        for table in (spec.table, writing.history_table(spec))
    ]
    assert indexes_and_constraints() == before
    assert counts() == {
        "ServiceUser": 2,
        "TreatmentEpisode": 2,
        "Intervention": 2,
        "Event": 2,
        "Contact": 1,
        "NaloxoneSupply": 1,
        "TopAssessment": 2,
    }
