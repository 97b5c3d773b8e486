"""Rows into pandas for the figures: one set-based statement per table, in bulk.

Each statement reads only the columns a figure family needs, already cut in
SQL to the filters (teams, local authorities, the caller's scope) and to the
dates the two periods can see. It is streamed out with `COPY ... TO STDOUT`
into one buffer and parsed once by `pandas.read_csv`, the fast path measured
in the platform notes; nothing is read a person at a time. Dates travel as day
numbers and yes/no answers as 0/1, which parse far faster than text.

Outside a transaction, the statements of one family run on two connections
side by side, so PostgreSQL produces one frame while pandas parses another.
"""

import io
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import psycopg
from django.db import connection

from outcomes.figures.filters import FigureFilters

LOAD_THREADS = 2
# Each statement joins and sorts up to a few million rows: enough memory keeps
# its hashes and sorts off disk (PostgreSQL's default is 4 MB).
STATEMENT_WORK_MEM = "128MB"

Kind = Literal["int", "number", "date", "text"]


@dataclass(frozen=True)
class Column:
    """One selected column: `int` (never null), `number` (may be null: float),
    `date` (a day number: datetime64, NaT for null) or `text`."""

    name: str
    kind: Kind


@dataclass(frozen=True)
class Statement:
    sql: str
    columns: tuple[Column, ...]
    params: dict = field(default_factory=dict)


def day_number(expression: str) -> str:
    """SQL for a date column as days since 1970-01-01 (NULL stays NULL)."""
    return f"({expression} - DATE '1970-01-01')"


@dataclass(frozen=True)
class PersonFilter:
    """The filters as a SQL condition on the person row `p`, with its parameters.

    When nothing filters people (the whole service, unsplit), statements skip
    the join to the person table altogether.
    """

    where: str
    params: dict

    @property
    def needed(self) -> bool:
        return self.where != "TRUE"

    def join(self, person_column: str) -> str:
        if not self.needed:
            return ""
        return f"JOIN cases_serviceuser p ON p.id = {person_column}"


def person_filter(filters: FigureFilters) -> PersonFilter:
    clauses = []
    params: dict = {}
    if filters.teams is not None:
        clauses.append("p.team_id = ANY(%(filter_teams)s::bigint[])")
        params["filter_teams"] = sorted(filters.teams)
    if filters.local_authority_ids is not None:
        clauses.append("p.local_authority_id = ANY(%(filter_authorities)s::bigint[])")
        params["filter_authorities"] = sorted(filters.local_authority_ids)
    return PersonFilter(where=" AND ".join(clauses) or "TRUE", params=params)


def _empty(columns: Sequence[Column]) -> pd.DataFrame:
    dtypes = {"int": "int64", "number": "float64", "date": "datetime64[s]", "text": "str"}
    return pd.DataFrame({c.name: pd.Series(dtype=dtypes[c.kind]) for c in columns})


def _days_to_dates(days: pd.Series) -> pd.Series:
    values = days.to_numpy(dtype="float64", na_value=np.nan)
    missing = np.isnan(values)
    out = np.where(missing, 0, values).astype("int64").astype("datetime64[D]").astype("M8[s]")
    out[missing] = np.datetime64("NaT")
    return pd.Series(out, index=days.index)


def copy_frame(cursor, statement: Statement) -> pd.DataFrame:
    """Run one statement through COPY and parse it into a frame of its columns."""
    # COPY takes no bound parameters, so the values are quoted into the text.
    sql = psycopg.ClientCursor(cursor.connection).mogrify(statement.sql, statement.params)
    buffer = io.BytesIO()
    with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
        for block in copy:
            buffer.write(block)
    if buffer.getbuffer().nbytes == 0:
        return _empty(statement.columns)
    buffer.seek(0)
    dtypes = {
        c.name: {"int": "int64", "number": "float64", "date": "float64", "text": "str"}[c.kind]
        for c in statement.columns
    }
    frame = pd.read_csv(
        buffer,
        header=None,
        names=[c.name for c in statement.columns],
        dtype=dtypes,
        na_values=[""],
        keep_default_na=False,
    )
    for column in statement.columns:
        if column.kind == "date":
            frame[column.name] = _days_to_dates(frame[column.name])
    return frame


def lookup(keys: pd.Series | pd.Index, mapping: pd.Series) -> pd.Series:
    """`mapping`'s value for each key (missing where it has none), indexed like `keys`.

    `Series.map` would do, but casts an empty mapping to float and fails on dates.
    """
    values = mapping.reindex(np.asarray(keys)).to_numpy()
    index = keys if isinstance(keys, pd.Index) else keys.index
    return pd.Series(values, index=index)


def months_after(dates: pd.Series, months: int) -> pd.Series:
    """Each date `months` calendar months later (the month's last day when it is shorter)."""
    return dates + pd.DateOffset(months=months)


def read_frames(statements: dict[str, Statement]) -> dict[str, pd.DataFrame]:
    """Every statement's frame, by name; two at a time outside a transaction."""
    # Inside a transaction, other connections would not see its rows: read in line.
    if connection.in_atomic_block or len(statements) < 2:
        with connection.cursor() as cursor:
            return {name: copy_frame(cursor.cursor, s) for name, s in statements.items()}
    with ThreadPoolExecutor(max_workers=LOAD_THREADS) as pool:
        futures = {name: pool.submit(_read_in_thread, s) for name, s in statements.items()}
        return {name: future.result() for name, future in futures.items()}


def _read_in_thread(statement: Statement) -> pd.DataFrame:
    # Django gives each thread its own connection; close it when done (which
    # also ends the session's larger work_mem).
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET work_mem = '{STATEMENT_WORK_MEM}'")
            return copy_frame(cursor.cursor, statement)
    finally:
        connection.close()


# The column of the person row each segment reads.
SEGMENT_COLUMNS = {
    "team": ("p.team_id", "int"),
    "local_authority": ("p.local_authority_id", "int"),
    "sex": ("p.sex", "text"),
    "ethnicity": ("p.ethnicity", "text"),
    "age_band": (day_number("p.date_of_birth"), "date"),
}


def people_statement(filters: FigureFilters, population_sql: str, params: dict) -> Statement:
    """The segment attribute of the people in `population_sql` (a query of person ids).

    Only needed when figures are split: unsplit figures read no person rows at all.
    """
    assert filters.segment is not None
    expression, kind = SEGMENT_COLUMNS[filters.segment]
    where = person_filter(filters)
    return Statement(
        sql=f"SELECT p.id, {expression} FROM cases_serviceuser p "
        f"WHERE {where.where} AND p.id IN ({population_sql})",
        columns=(Column("person_id", "int"), Column("attribute", kind)),
        params={**params, **where.params},
    )
