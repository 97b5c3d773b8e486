"""Commissioner extracts: one allow-list per extract, as data, and the SQL built from it.

Contract:

- An `Extract` declares its fields once, as `ExtractField`s: a name, a SQL
  expression over the extract's `source` (the person is always aliased `su`), a
  kind and a description for the schema, and whether the field is sent for a
  person who has not consented to sharing. The API's JSON serializer and OpenAPI
  schema (`commissioning.api`), the JSON page query and the CSV `COPY` query are all
  generated from that one declaration, so they cannot drift apart. Nothing
  outside the allow-list ever leaves: no names, initials, NHS number, client
  reference, date of birth, address, postcode, phone or free text.
- Pseudonyms: `pseudonym(kind, external_id, key)` in Python and
  `pseudonym_sql(column, kind, key)` in SQL give the same value, the first 32
  hex digits (128 bits) of HMAC-SHA256(key, "<kind>:<external id>"). The key is
  `LANTERN_PSEUDONYM_KEY`, or for a client with pseudonyms of its own
  HMAC(master key, "client:<client external id>") (`pseudonym_key`), so two
  such clients cannot match their records and nothing secret is in the database.
  Every record id in an extract is a pseudonym too (an episode, a flag...), or
  the record's UUID would link two clients' extracts.
- Consent: a person whose `consent_to_ndtms` is not true (no, or not asked)
  contributes only the fields marked `without_consent`; the others are NULL.
- `Audience` is who receives the rows (the people they may have, their
  pseudonym key); `ApiFilters` the parsed query parameters. `page_rows()` reads
  one JSON page after a cursor position, `csv_chunks()` streams the whole
  extract from PostgreSQL's `COPY ... TO STDOUT` in 256 KB chunks (constant
  memory), with text cells a spreadsheet would read as a formula escaped in SQL.

Every value that reaches SQL is either from these declarations or a parsed
date, integer or UUID quoted by the database driver.
"""

import datetime
import hashlib
import hmac
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.utils import timezone

from commissioning.models import ApiClient
from core import frames

Kind = Literal["string", "integer", "number", "date", "boolean"]

# Where a message about the request as a whole goes, as in DRF.
NON_FIELD_ERRORS = "non_field_errors"
INVALID_QUERY = "Some query parameters are not valid: see errors."
PSEUDONYM_LENGTH = 32  # hex digits: 128 bits, no collision in any service's lifetime
CSV_CHUNK_BYTES = 256 * 1024
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExtractError(Exception):
    """A request the API cannot answer as asked: the API's one application error type.

    `errors` maps each query parameter at fault to its message (or
    "non_field_errors" for the request as a whole); `field` and `message` are
    the first of them. The API's exception handler turns it into a 400 with the
    messages at those parameters, for an extract or a figure alike.
    """

    def __init__(
        self, message: str, *, field: str = "", errors: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = dict(errors) if errors else {field or NON_FIELD_ERRORS: message}

    @classmethod
    def from_errors(cls, errors: Mapping[str, str]) -> "ExtractError":
        """One error for several parameters' messages (at least one)."""
        field, message = next(iter(errors.items()))
        if len(errors) > 1:
            message = INVALID_QUERY
        return cls(message, field=field, errors=errors)


@dataclass(frozen=True)
class ExtractField:
    name: str
    sql: str
    kind: Kind
    description: str
    without_consent: bool = False
    choices: tuple[str, ...] = ()
    # When set, `sql` is a record's UUID and the value sent is its pseudonym of this kind.
    pseudonym: str = ""
    # When set, `sql` gives one of `choices` or null, never a stored string (the age band's
    # labels), so its CSV cell needs no formula test.
    choices_only: bool = False

    def __post_init__(self) -> None:
        if self.choices_only and any(c.startswith(FORMULA_STARTS) for c in self.choices):
            raise ValueError(f"{self.name}: a choice starting a formula needs the CSV's test")


@dataclass(frozen=True)
class Extract:
    """One extract: its URL name, words for the schema, its rows and its allow-list.

    `period` is a SQL condition with `{from}` and `{to}` for a record "dated or
    open in the period"; `key` the record's UUID column, which orders the rows
    (unique and indexed, and never sent: cursors carry it encrypted).
    """

    name: str
    title: str
    description: str
    source: str
    key: str
    period: str
    fields: tuple[ExtractField, ...]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


# --- Pseudonyms ---------------------------------------------------------------------------


def master_key() -> bytes:
    return settings.LANTERN_PSEUDONYM_KEY.encode()


def pseudonym_key(client: ApiClient | None) -> bytes:
    """The key for a client's pseudonyms: its own, derived from the master key, or the master."""
    if client is None or not client.own_pseudonyms:
        return master_key()
    message = f"client:{client.external_id}".encode()
    return hmac.new(master_key(), message, hashlib.sha256).digest()


def pseudonym(kind: str, external_id: UUID | str, key: bytes) -> str:
    message = f"{kind}:{external_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def _hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer padded keys (RFC 2104), for SHA-256's 64-byte block."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def pseudonym_sql(column: str, kind: str, key: bytes) -> str:
    """SQL for `pseudonym(kind, <column>, key)`, with core PostgreSQL's sha256() alone.

    HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)); the padded keys are
    computed here and sent as bytea literals (no pgcrypto needed), the inner one
    with "<kind>:" already after it. The first 16 bytes are cut before they are
    written as hex, which is the same as the first 32 hex digits and cheaper.
    """
    if not kind.isidentifier():
        raise ValueError(f"A pseudonym kind is a plain word, not {kind!r}")
    inner, outer = _hmac_pads(key)
    prefix = inner + f"{kind}:".encode()
    message = f"convert_to({column}::text, 'UTF8')"
    digest = f"sha256('\\x{outer.hex()}'::bytea || sha256('\\x{prefix.hex()}'::bytea || {message}))"
    return f"encode(substr({digest}, 1, {PSEUDONYM_LENGTH // 2}), 'hex')"


# --- Who receives the rows, and what they asked for --------------------------------------


@dataclass(frozen=True)
class Audience:
    """Who an extract is for: `people_sql` selects the ids of the people they may
    receive (empty: everyone, so that no row is tested against the whole table),
    and their pseudonyms are keyed with `pseudonym_key`."""

    people_sql: str
    pseudonym_key: bytes


@dataclass(frozen=True)
class ApiFilters:
    """The shared query parameters, parsed: the period, teams, local authorities, a segment."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    team_ids: tuple[int, ...] = ()
    local_authority_ids: tuple[int, ...] = ()
    segment: str | None = None

    @property
    def age_band_day(self) -> datetime.date:
        """Age bands are given as on the last day of the period, or today."""
        return self.end or timezone.localdate()


def quote(value) -> str:
    """One value as a SQL literal, quoted by the driver."""
    return connection.ops.compose_sql("%s", [value])


def _ids(values) -> str:
    return "ARRAY[" + ", ".join(str(int(v)) for v in values) + "]::bigint[]"


def _where(extract: Extract, audience: Audience, filters: ApiFilters) -> list[str]:
    conditions = [f"su.id IN ({audience.people_sql})"] if audience.people_sql else ["true"]
    if filters.team_ids:
        conditions.append(f"su.team_id = ANY({_ids(filters.team_ids)})")
    if filters.local_authority_ids:
        conditions.append(f"su.local_authority_id = ANY({_ids(filters.local_authority_ids)})")
    if filters.start or filters.end:
        start = quote(filters.start) + "::date" if filters.start else "'-infinity'::date"
        end = quote(filters.end) + "::date" if filters.end else "'infinity'::date"
        conditions.append("(" + extract.period.replace("{from}", start).replace("{to}", end) + ")")
    return conditions


def _raw_sql(f: ExtractField, audience: Audience, filters: ApiFilters) -> str:
    """The field's value for every person, pseudonymised, before consent is applied."""
    expression = f.sql.replace("{on}", quote(filters.age_band_day) + "::date")
    if f.pseudonym:
        expression = pseudonym_sql(expression, f.pseudonym, audience.pseudonym_key)
    return expression


def _with_consent(f: ExtractField, expression: str) -> str:
    if f.without_consent:
        return expression
    return f"CASE WHEN su.consent_to_ndtms THEN {expression} END"


def _value_sql(f: ExtractField, audience: Audience, filters: ApiFilters) -> str:
    return _with_consent(f, _raw_sql(f, audience, filters))


def _csv_sql(f: ExtractField, audience: Audience, filters: ApiFilters) -> str:
    """The value as a CSV cell: formulas escaped, booleans and dates written one way.

    A pseudonym is hex digits and a `choices_only` field one of its choices,
    which never start a formula, so they are sent as they are; other text is tested by its first character's code (`ascii()`), which
    is cheaper than cutting a one-character string from every cell. The cell is
    written from the value before consent is applied (a withheld cell is empty
    either way), so that the whole row is one projection over the source.
    """
    value = _raw_sql(f, audience, filters)
    if f.kind == "string" and not (f.pseudonym or f.choices_only):
        codes = ", ".join(str(ord(c)) for c in FORMULA_STARTS)
        value = f"CASE WHEN ascii({value}) IN ({codes}) THEN '''' || {value} ELSE {value} END"
    elif f.kind == "boolean":
        value = f"CASE {value} WHEN true THEN 'true' WHEN false THEN 'false' END"
    elif f.kind == "date":
        value = f"to_char({value}, 'YYYY-MM-DD')"
    return _with_consent(f, value)


def select_sql(
    extract: Extract,
    audience: Audience,
    filters: ApiFilters,
    *,
    after: str | None = None,
    limit: int | None = None,
) -> str:
    """The rows of the extract for `audience` and `filters`, with `_key`, ordered by it:
    every row, or at most `limit` of them after the key `after`."""
    columns = ", ".join(f"{_value_sql(f, audience, filters)} AS {f.name}" for f in extract.fields)
    conditions = _where(extract, audience, filters)
    if after is not None:
        conditions.append(f"{extract.key} > {quote(UUID(after))}::uuid")
    statement = (
        f"SELECT {columns}, {extract.key} AS _key FROM {extract.source} "
        f"WHERE {' AND '.join(conditions)} ORDER BY {extract.key}"
    )
    if limit is not None:
        statement += f" LIMIT {int(limit)}"
    return statement


def page_rows(
    extract: Extract,
    audience: Audience,
    filters: ApiFilters,
    *,
    after: str | None,
    size: int,
) -> tuple[list[dict], str | None]:
    """One page of rows after the key `after`, and the key to continue from (None at the end)."""
    names = extract.field_names
    # One row more than the page tells whether another page follows.
    statement = select_sql(extract, audience, filters, after=after, limit=size + 1)
    with connection.cursor() as cursor:
        cursor.execute(statement)
        fetched = cursor.fetchall()
    more = len(fetched) > size
    fetched = fetched[:size]
    rows = [dict(zip(names, row[:-1], strict=True)) for row in fetched]
    return rows, (str(fetched[-1][-1]) if more and fetched else None)


def copy_sql(extract: Extract, audience: Audience, filters: ApiFilters) -> str:
    """The whole extract as CSV, header first, ordered by its key.

    One query level, cells and all: PostgreSQL then computes whole rows in its
    parallel workers and merges their sorted rows (`Gather Merge`), where cells
    written over a subquery would be left to one process after the merge.
    """
    cells = ", ".join(f"{_csv_sql(f, audience, filters)} AS {f.name}" for f in extract.fields)
    conditions = " AND ".join(_where(extract, audience, filters))
    rows = f"SELECT {cells} FROM {extract.source} WHERE {conditions} ORDER BY {extract.key}"
    return f"COPY ({rows}) TO STDOUT WITH (FORMAT csv, HEADER)"


def copy_chunks(raw, statement: str, counted: list[int]) -> Iterator[bytes]:
    """The output of a `COPY ... TO STDOUT` on the psycopg connection `raw`, in chunks
    of about `CSV_CHUNK_BYTES` (`core.frames.copy_out`); `counted` gets the rows
    PostgreSQL reports at the end."""
    with raw.cursor() as cursor:
        yield from frames.copy_out(cursor, statement, chunk_bytes=CSV_CHUNK_BYTES, counted=counted)


def csv_chunks(
    extract: Extract,
    audience: Audience,
    filters: ApiFilters,
    *,
    finished: Callable[[int, bool], None] | None = None,
) -> Iterator[bytes]:
    """The extract as CSV, header first, in chunks of about 256 KB straight from COPY.

    Memory stays constant: PostgreSQL sends rows as it produces them and each
    chunk is handed on before the next is read. `finished(rows, complete)` is
    called once when the stream ends (rows as PostgreSQL counted them) or is
    cut off (rows sent so far, counted by line: no cell holds a line break).
    """
    statement = copy_sql(extract, audience, filters)
    connection.ensure_connection()
    lines = 0
    counted: list[int] = []
    complete = False
    try:
        for chunk in copy_chunks(connection.connection, statement, counted):
            lines += chunk.count(b"\n")
            yield chunk
        complete = True
    finally:
        if finished is not None:
            finished(counted[0] if complete else max(lines - 1, 0), complete)
