"""The CSV extract as it was written before its fast path: the reference for byte identity.

`reference_csv(extract, audience, filters)` builds the same extract the old
way: the people of the whole service tested one by one against the table
(`su.id IN (SELECT id FROM cases_serviceuser)`), every text cell tested with
`left(cell, 1) IN (...)` (pseudonyms too), and the COPY relayed through psycopg's `Copy` iterator one row at a time. It
lives with the tests only, to prove that `commissioning.extracts.base.csv_chunks`
gives the same bytes; the benchmark runs it as its baseline.
"""

import dataclasses

from django.db import connection

from commissioning.extracts.base import (
    FORMULA_STARTS,
    ApiFilters,
    Audience,
    Extract,
    ExtractField,
    quote,
    select_sql,
)


def reference_csv_sql(f: ExtractField) -> str:
    if f.kind == "string":
        starts = ", ".join(quote(c) for c in FORMULA_STARTS)
        return f"CASE WHEN left(v.{f.name}, 1) IN ({starts}) THEN '''' || v.{f.name} ELSE v.{f.name} END"
    if f.kind == "boolean":
        return f"CASE v.{f.name} WHEN true THEN 'true' WHEN false THEN 'false' END"
    if f.kind == "date":
        return f"to_char(v.{f.name}, 'YYYY-MM-DD')"
    return f"v.{f.name}"


def reference_copy_sql(extract: Extract, audience: Audience, filters: ApiFilters) -> str:
    if not audience.people_sql:
        everyone = 'SELECT "cases_serviceuser"."id" AS "id" FROM "cases_serviceuser"'
        audience = dataclasses.replace(audience, people_sql=everyone)
    cells = ", ".join(f"{reference_csv_sql(f)} AS {f.name}" for f in extract.fields)
    inner = select_sql(extract, audience, filters)
    return f"COPY (SELECT {cells} FROM ({inner}) v) TO STDOUT WITH (FORMAT csv, HEADER)"


def reference_chunks(extract: Extract, audience: Audience, filters: ApiFilters):
    """The old relay: psycopg's `Copy` iterator, one row a call, gathered into 256 KB."""
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(reference_copy_sql(extract, audience, filters)) as copy,
    ):
        buffer = bytearray()
        for block in copy:
            buffer += block
            if len(buffer) >= 256 * 1024:
                yield bytes(buffer)
                buffer.clear()
        if buffer:
            yield bytes(buffer)


def reference_csv(extract: Extract, audience: Audience, filters: ApiFilters) -> bytes:
    return b"".join(reference_chunks(extract, audience, filters))
