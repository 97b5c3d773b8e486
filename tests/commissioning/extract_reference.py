"""The CSV extract as it was written before its fast path: the reference for byte identity.

`reference_csv(extract, audience, filters)` builds the same extract the old
way, from SQL frozen here as it was, independent of the code under test:

- the people of the whole service tested one by one against the table
  (`su.id IN (SELECT id FROM cases_serviceuser)`);
- pseudonyms as `left(encode(HMAC, 'hex'), 32)` over `convert_to('<kind>:' || id)`;
- the age band from `age()` in years, and "in treatment" as an EXISTS test in the row;
- the rows selected in a subquery and written as cells over it, every text cell tested
  with `left(cell, 1) IN (...)` (pseudonyms too);
- the COPY relayed through psycopg's `Copy` iterator one row at a time.

It lives with the tests only, to prove that `commissioning.extracts.base.csv_chunks`
gives the same bytes; the benchmark runs it as its baseline.
"""

from uuid import UUID

from django.db import connection

from cases.ages import AGE_BAND_LABELS, AGE_BANDS
from commissioning.extracts.base import (
    FORMULA_STARTS,
    PSEUDONYM_LENGTH,
    ApiFilters,
    Audience,
    Extract,
    ExtractField,
    _hmac_pads,
    quote,
)

EVERYONE = 'SELECT "cases_serviceuser"."id" AS "id" FROM "cases_serviceuser"'

# The people extract's source and fields as they were declared before the fast path.
OLD_SOURCES = {
    "people": "cases_serviceuser su JOIN cases_localauthority la ON la.id = su.local_authority_id",
}


def old_age_band_sql(born: str, day: str) -> str:
    labels = ", ".join(f"'{label}'" for label in AGE_BAND_LABELS)
    lows = ", ".join(str(low) for _, low, _ in AGE_BANDS[1:])
    age = f"date_part('year', age({day}, {born}))::int"
    return f"(ARRAY[{labels}])[width_bucket({age}, ARRAY[{lows}]) + 1]"


OLD_FIELD_SQL = {
    ("people", "age_band"): old_age_band_sql("su.date_of_birth", "{on}"),
    ("people", "in_treatment"): (
        "EXISTS (SELECT 1 FROM cases_treatmentepisode oe WHERE oe.service_user_id = su.id "
        "AND oe.discharge_date IS NULL)"
    ),
}


def old_pseudonym_sql(column: str, kind: str, key: bytes) -> str:
    inner, outer = _hmac_pads(key)
    message = f"convert_to('{kind}:' || {column}::text, 'UTF8')"
    digest = f"sha256('\\x{outer.hex()}'::bytea || sha256('\\x{inner.hex()}'::bytea || {message}))"
    return f"left(encode({digest}, 'hex'), {PSEUDONYM_LENGTH})"


def old_where(extract: Extract, audience: Audience, filters: ApiFilters) -> list[str]:
    conditions = [f"su.id IN ({audience.people_sql or EVERYONE})"]
    if filters.team_ids:
        ids = ", ".join(str(int(v)) for v in filters.team_ids)
        conditions.append(f"su.team_id = ANY(ARRAY[{ids}]::bigint[])")
    if filters.local_authority_ids:
        ids = ", ".join(str(int(v)) for v in filters.local_authority_ids)
        conditions.append(f"su.local_authority_id = ANY(ARRAY[{ids}]::bigint[])")
    if filters.start or filters.end:
        start = quote(filters.start) + "::date" if filters.start else "'-infinity'::date"
        end = quote(filters.end) + "::date" if filters.end else "'infinity'::date"
        conditions.append("(" + extract.period.replace("{from}", start).replace("{to}", end) + ")")
    return conditions


def old_value_sql(
    extract: Extract, f: ExtractField, audience: Audience, filters: ApiFilters
) -> str:
    expression = OLD_FIELD_SQL.get((extract.name, f.name), f.sql)
    expression = expression.replace("{on}", quote(filters.age_band_day) + "::date")
    if f.pseudonym:
        expression = old_pseudonym_sql(expression, f.pseudonym, audience.pseudonym_key)
    if not f.without_consent:
        expression = f"CASE WHEN su.consent_to_ndtms THEN {expression} END"
    return expression


def old_select_sql(
    extract: Extract, audience: Audience, filters: ApiFilters, *, after: str | None = None
) -> str:
    columns = ", ".join(
        f"{old_value_sql(extract, f, audience, filters)} AS {f.name}" for f in extract.fields
    )
    conditions = old_where(extract, audience, filters)
    if after is not None:
        conditions.append(f"{extract.key} > {quote(UUID(after))}::uuid")
    source = OLD_SOURCES.get(extract.name, extract.source)
    return (
        f"SELECT {columns}, {extract.key} AS _key FROM {source} "
        f"WHERE {' AND '.join(conditions)} ORDER BY {extract.key}"
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
    cells = ", ".join(f"{reference_csv_sql(f)} AS {f.name}" for f in extract.fields)
    inner = old_select_sql(extract, audience, filters)
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
